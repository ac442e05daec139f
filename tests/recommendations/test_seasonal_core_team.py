"""Seasonal work over a large base: with under 60% of a year of more than 10,000 hours in its busiest three months, the
quieter months alone keep a core team busy all year, so seasonality no longer sends the work to a shared pool (only
its peak, which the cost prices as peak cover beside a committed team). Small seasonal work, and large work with most
of its hours in the peak, read the pool as before."""

from __future__ import annotations

from typing import Any

import pytest

from apps.playbooks.models import Playbook
from tests.recommendations.golden import evaluated_answers, evaluated_case, fired_codes

pytestmark = pytest.mark.django_db
# A UK insurer's claims analytics: 30,000 hours a year by 20 people, 45% in the busiest three months, a dedicated team
# asked for (an expert review's case).
INSURER: dict[str, Any] = {
    "function": "other", "work_nature": "mixed", "codifiability": "high", "quality_measurable": "objective",
    "process_documented": "documented", "buyer_sector": "insurer", "buyer_regulated_in": "uk",
    "critical_function": True, "core_differentiator": "critical", "ip_sensitivity": "medium",
    "asset_specificity": "moderate", "own_team_plan": False, "volume_pattern": "seasonal", "peak_share": 45,
    "deliverables": 4000, "annual_hours": 30000, "team_size": 20, "horizon": 5, "start_within": "three-to-six",
    "delivery_ownership": "provider-team", "mgmt_hours": 4, "prior_outsourcing": "bpo", "pilot_possible": True,
    "client_jurisdictions": ["uk"], "data_categories": ["uk-personal"], "sensitive_personal_data": ["special-category"],
    "data_onshore_only": False, "buyer_location": "uk", "overlap_hours": 6, "shifted_hours": True,
    "overnight_turnaround": False, "onsite_presence": "never", "licensed_signoff": ["none"], "home_market": "uk",
    "own_figures": False, "vendor_assurance": ["iso27001"], "preferred_region": "no-preference",
    "work_language": "none",
}  # fmt: skip


@pytest.mark.parametrize("peak", [45, 30])
def test_a_large_seasonal_base_keeps_a_core_team_and_the_pool_only_counts_for_the_peak(
    reference: Playbook, peak: int
) -> None:
    ev = evaluated_answers(reference, INSURER, peak_share=peak)
    assert "seasonal-demand-core-team" in fired_codes(ev) and "seasonal-demand" not in fired_codes(ev)
    assert ev.models[0].code != "shared-pool"
    pool = next(m for m in ev.models if m.code == "shared-pool")
    assert [c.points for c in pool.contributions if c.rule.startswith("seasonal")] == [5]


def test_most_hours_in_the_peak_still_reads_a_pool_for_a_large_year(reference: Playbook) -> None:
    ev = evaluated_answers(reference, INSURER, peak_share=70)
    assert "seasonal-demand-large-sharp-peak" in fired_codes(ev) and "seasonal-demand-core-team" not in fired_codes(ev)
    pool = next(m for m in ev.models if m.code == "shared-pool")
    assert [c.points for c in pool.contributions if c.rule.startswith("seasonal")] == [20]


def test_small_seasonal_work_reads_the_pool_as_before(reference: Playbook) -> None:
    ev = evaluated_case(reference, "US CPA firm: individual returns in a sharp tax-season peak")
    assert "seasonal-demand" in fired_codes(ev) and ev.models[0].code == "shared-pool"
