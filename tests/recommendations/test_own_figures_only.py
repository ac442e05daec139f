"""Work no cost benchmark covers ("another kind of knowledge work") is costed when the buyer gives both sides itself:
its own loaded cost in-house, and a provider's quote for the models that quote prices. Nothing of the catalogue's
stands in for a price it has no benchmark for; without both figures the cost still says no benchmark covers it."""

from __future__ import annotations

import pytest

from apps.playbooks.models import Playbook
from tests.recommendations.golden import evaluated_case

pytestmark = pytest.mark.django_db
CASE = "US hedge fund"


def test_work_no_benchmark_covers_is_costed_from_the_buyers_own_cost_and_quote(reference: Playbook) -> None:
    ev = evaluated_case(reference, CASE, function="other", own_figures=True, own_inhouse_cost=140_000, quoted_rate=35)
    cost = ev.cost
    assert cost.available, cost.reason
    assert cost.models
    for m in cost.models:
        assert m.basis in ("monthly_team", "setup_plus_hourly", "hourly", "outcome"), m.basis
    figures = {f.key: f for f in cost.figures}
    assert figures["inhouse.salary"].supplied and figures["inhouse.salary"].likely == 140_000
    for m in cost.models:
        rate = figures[f"{m.model}.rate"]
        assert rate.supplied and rate.likely == 35, m.model


@pytest.mark.parametrize(
    "changes",
    [
        {"own_figures": True, "own_inhouse_cost": 140_000},  # no quote
        {"own_figures": True, "quoted_rate": 35},  # no in-house cost
        {},
    ],
    ids=["no-quote", "no-own-cost", "neither"],
)
def test_without_both_figures_no_benchmark_still_means_no_cost(reference: Playbook, changes: dict[str, object]) -> None:
    ev = evaluated_case(reference, CASE, function="other", **changes)
    assert not ev.cost.available
    assert ev.cost.reason.startswith("No cost benchmark covers this kind of knowledge work")
