"""A UK or euro buyer's own budget exchange rate replaces the catalogue's dated reference rate: provider prices,
set in US dollars, are converted at the rate its finance team plans with, with the catalogue's band around it for
movements over the horizon, and the figure is marked as the buyer's."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from apps.accounts.models import Organisation, User
from apps.playbooks.engine import tco
from apps.playbooks.models import Playbook
from apps.recommendations.snapshot import read_snapshot
from tests.playbooks.test_tco import _case, _collapsed, _model
from tests.recommendations.test_snapshot import store
from tests.recommendations.test_total_cost import answered


def test_the_budget_rate_is_the_likely_rate_with_the_dated_rates_band_around_it() -> None:
    dated = _case(market="eu").figures["fx"]
    own = _case(market="eu", budget_fx=0.86).figures["fx"]
    assert own.likely == 0.86 and own.supplied and not own.weak
    assert own.low / own.likely == pytest.approx(dated.low / dated.likely)
    assert own.high / own.likely == pytest.approx(dated.high / dated.likely)
    assert own.source.startswith("your budget rate (86 per 100 US dollars)")
    assert own.label == dated.label == "Exchange rate, EUR per USD"


def test_provider_fees_follow_the_budget_rate_and_a_dollar_buyer_ignores_it() -> None:
    def fees(**changes: Any) -> float:
        result = tco.simulate(_collapsed(_case(market="uk", **changes)))
        lines = {line.label: line.horizon[1] for line in _model(result, "captive-team").lines}
        return lines["Provider fees"]

    dated = _case(market="uk").figures["fx"].likely
    assert fees(budget_fx=0.75) == pytest.approx(fees() * 0.75 / dated)
    assert _case(market="us", budget_fx=0.75).figures["fx"].likely == 1.0
    assert tco.seed_for(_case(market="uk", budget_fx=0.75)) != tco.seed_for(_case(market="uk"))


@pytest.mark.django_db
def test_a_euro_buyer_answering_its_rate_reads_it_as_its_own_figure(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    rec = answered(reference, organisation, buyer, "US hedge fund", home_market="eu", own_figures=True, budget_fx=86)
    cost = rec.record.evaluation.cost
    fx = next(f for f in cost.figures if f.key == "fx")
    assert fx.supplied and fx.source.startswith("your budget rate")
    assert "0.86" in fx.value
    page = buyer_client.get(reverse("recommendations:detail", args=[rec.pk])).content.decode()
    assert "your budget rate (86 per 100 US dollars)" in page
    assert "provider prices converted from US dollars at your budget exchange rate" in page
    # Without it, the dated ECB rate, and the page says how to use one's own.
    dated = answered(reference, organisation, buyer, "US hedge fund", home_market="eu")
    assert "ECB" in next(f for f in dated.record.evaluation.cost.figures if f.key == "fx").source
    page = buyer_client.get(reverse("recommendations:detail", args=[dated.pk])).content.decode()
    assert "the dated exchange rate below (give the rate you budget with under “cost figures of your own”" in page


@pytest.mark.django_db
def test_a_dated_rate_a_year_old_or_more_is_said_to_need_checking_until_a_budget_rate_is_given(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    # The catalogue's euro rate is dated 30 October 2026 and its pay brought to December 2026: 2 months, not stale
    # (review 144: the rate of 28 February 2025 had every UK and euro-area result say it was 22 months old).
    fresh = answered(reference, organisation, buyer, "US hedge fund", home_market="eu")
    cost = fresh.record.evaluation.cost
    assert cost.rate_age_months == 2 and not cost.stale_rate
    page = buyer_client.get(reverse("recommendations:detail", args=[fresh.pk])).content.decode()
    assert 'id="stale-rate"' not in page and "months old when this was worked out" not in page
    # A result stored when the rate was 22 months old (its snapshot says so) says it on the page.
    stored = {**fresh.snapshot, "evaluation": {**fresh.snapshot["evaluation"]}}
    stored["evaluation"]["cost"] = {**fresh.snapshot["evaluation"]["cost"], "rate_age_months": 22}
    rec = store(stored, organisation=organisation, user=buyer, playbook=reference)
    assert rec.record.evaluation.cost.stale_rate
    page = buyer_client.get(reverse("recommendations:detail", args=[rec.pk])).content.decode()
    assert 'id="stale-rate"' in page and "a dated reference rate, 22 months old when this was worked out" in page
    own = answered(reference, organisation, buyer, "US hedge fund", home_market="eu", own_figures=True, budget_fx=86)
    assert own.record.evaluation.cost.rate_age_months == 0
    us = answered(reference, organisation, buyer, "US hedge fund")
    assert us.record.evaluation.cost.rate_age_months == 0
    older = {**rec.snapshot, "evaluation": {**rec.snapshot["evaluation"]}}
    older["evaluation"]["cost"] = {
        k: v for k, v in rec.snapshot["evaluation"]["cost"].items() if k != "rate_age_months"
    }
    assert not read_snapshot(older).evaluation.cost.stale_rate
