"""A bank's model work (building, validating or monitoring models) is priced in-house at the function's usual pay
unless the buyer gives its own figure; the quantitative analysts and model validators who do it are usually paid
more, so the buyer is told so (US occupations only for a US home market, nothing unchecked quoted as a figure), and is
never told the opposite, that the close's accountants would be cheaper. Actuarial model work is priced at actuaries'
pay already and is not told."""

from __future__ import annotations

import re
from typing import Any

import pytest

from apps.playbooks.models import Playbook
from tests.recommendations.golden import evaluated_case

pytestmark = pytest.mark.django_db
BANK = "US regional bank: credit-risk model validation"
VALIDATORS = "The in-house cost is not a model validator's pay, which is usually higher"
CLOSE = "The in-house cost is a financial analyst's, which may not be who does this work today"


def told(reference: Playbook, title: str, **changes: Any) -> list[str]:
    return [r.mitigation for r in evaluated_case(reference, BANK, **changes).risks if r.title == title]


def test_a_us_bank_validating_models_is_told_validators_are_paid_more(reference: Playbook) -> None:
    (found,) = told(reference, VALIDATORS)
    assert "SOC 13-2054" in found and "SOC 13-2051" in found and "weak" in found
    assert not re.search(r"\$\d", found) and "can then grow" in found
    assert told(reference, CLOSE) == []


@pytest.mark.parametrize("market", ["uk", "eu"])
def test_a_uk_or_euro_area_bank_is_told_without_us_codes_and_not_that_accountants_cost_less(
    reference: Playbook, market: str
) -> None:
    (found,) = told(reference, VALIDATORS, home_market=market)
    assert "SOC" not in found and "$" not in found and "cost figures of your own" in found
    assert told(reference, CLOSE, home_market=market) == []


def test_with_a_figure_of_its_own_or_for_actuarial_work_the_bank_is_not_told(reference: Playbook) -> None:
    assert told(reference, VALIDATORS, own_figures=True, own_inhouse_cost=150000) == []
    assert told(reference, VALIDATORS, function="actuarial") == []


def test_close_work_outside_the_us_is_still_told_its_accountants_cost_less(reference: Playbook) -> None:
    assert told(reference, CLOSE, home_market="uk", model_risk_work=False)


PROVIDER_RATE = "The provider's rate is an analyst's, set against your own validators' cost"


def test_a_bank_giving_its_validators_cost_without_a_quote_is_told_the_saving_is_likely_too_large(
    reference: Playbook,
) -> None:
    own = {"own_figures": True, "own_inhouse_cost": 210_000}
    (found,) = told(reference, PROVIDER_RATE, **own)
    assert "likely too large" in found and "enter it under your own cost figures" in found
    # Its own figure replaces the analysts' pay, so the in-house warning is gone; a quote settles the provider's.
    assert told(reference, VALIDATORS, **own) == []
    assert told(reference, PROVIDER_RATE, **own, quoted_rate=60) == []
    assert told(reference, PROVIDER_RATE) == []  # analysts on both sides: like for like, if low
