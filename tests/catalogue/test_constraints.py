"""Ranges stay in order and codes stay unique, in the database itself and in admin forms."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from apps.engagements.models import EngagementModel, KnowledgeFunction
from tests.factories import EngagementModelFactory, KnowledgeFunctionFactory, ObligationFactory, RegimeFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("field", "value"),
    [("kpo_rate_low", Decimal(50)), ("kpo_rate_high", Decimal(20)), ("inhouse_us_likely", Decimal(500))],
)
def test_database_refuses_a_range_out_of_order(field: str, value: Decimal) -> None:
    function = KnowledgeFunctionFactory()
    setattr(function, field, value)
    with pytest.raises(IntegrityError), transaction.atomic():
        function.save()
    function.refresh_from_db()
    assert function.kpo_rate_low == Decimal(15)


def test_database_refuses_negative_figures() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        EngagementModelFactory(rate_low=Decimal(-1))


def test_model_validation_explains_the_problem() -> None:
    function = KnowledgeFunctionFactory.build(kpo_rate_low=Decimal(50), kpo_rate_likely=Decimal(40))
    with pytest.raises(ValidationError) as info:
        function.full_clean()
    assert "KPO hourly rate: 'likely' must be at least 'low'" in str(info.value)


def test_codes_are_unique() -> None:
    KnowledgeFunctionFactory(code="equity-research")
    with pytest.raises(IntegrityError), transaction.atomic():
        KnowledgeFunctionFactory(code="equity-research")
    assert KnowledgeFunction.objects.filter(code="equity-research").count() == 1


def test_obligation_codes_are_unique_within_a_regime() -> None:
    regime = RegimeFactory()
    ObligationFactory(regime=regime, code="baa")
    ObligationFactory(code="baa")  # another regime may reuse it
    with pytest.raises(IntegrityError), transaction.atomic():
        ObligationFactory(regime=regime, code="baa")


def test_team_size_minimum_cannot_exceed_maximum() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        EngagementModelFactory(team_size_min=50, team_size_max=5)
    assert not EngagementModel.objects.exists()


def test_sources_must_be_well_formed() -> None:
    function = KnowledgeFunctionFactory.build(sources=[{"title": "x", "url": "javascript:alert(1)"}])
    with pytest.raises(ValidationError) as info:
        function.full_clean()
    assert "not a valid http(s) URL" in str(info.value)
