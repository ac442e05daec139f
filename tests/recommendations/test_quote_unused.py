"""A buyer's quote that prices none of the models costed is said to be unused, with why: a UK law firm's hourly quote,
when only a project can start by its date, no longer disappears without a word."""

from __future__ import annotations

from typing import Any

import pytest

from apps.playbooks.models import Playbook
from tests.recommendations.golden import evaluated_answers

pytestmark = pytest.mark.django_db
UK_LAW_FIRM: dict[str, Any] = {
    "process_documented": "documented",
    "prior_outsourcing": "kpo",
    "pilot_possible": False,
    "data_onshore_only": False,
    "onsite_presence": "never",
    "work_language": "none",
    "start_within": "within-month",
    "mgmt_hours": 3,
    "overnight_turnaround": False,
    "work_nature": "rules-based",
    "codifiability": "partial",
    "quality_measurable": "partly",
    "core_differentiator": "critical",
    "ip_sensitivity": "medium",
    "asset_specificity": "moderate",
    "own_team_plan": False,
    "volume_pattern": "one-off",
    "horizon": 1,
    "delivery_ownership": "provider-outcome",
    "licensed_signoff": ["attorney"],
    "own_figures": True,
    "vendor_assurance": ["iso27001"],
    "preferred_region": "india",
    "function": "legal-review",
    "buyer_sector": "law-firm",
    "buyer_regulated_in": "uk",
    "client_jurisdictions": ["uk"],
    "data_categories": ["uk-personal", "privileged-legal"],
    "sensitive_personal_data": ["special-category", "criminal-offence"],
    "legal_us_lawyers": False,
    "legal_client_consent": "can-obtain",
    "legal_disclosure_review": True,
    "buyer_location": "uk",
    "overlap_hours": 4,
    "shifted_hours": True,
    "home_market": "uk",
    "quoted_rate": 28,
    "signoff_capacity": "yes",
    "annual_hours": 30000,
    "team_size": 20,
    "duration_weeks": 16,
    "deliverables": 1,
}
UNUSED = (
    "Your quoted hourly rate was not used: it prices a dedicated team, staff augmentation or BOT's operate phase as "
    "quoted, and a shared pool, a managed service or a project priced by its hours with their premium on top, and "
    "none of them is among the models costed here."
)


def test_an_hourly_quote_with_only_a_project_to_cost_is_its_base_or_said_to_be_unused(reference: Playbook) -> None:
    # The review bought whole, as one deliverable: the project is priced by its hours, from the buyer's quote for a
    # dedicated person with the managed-services premium on top (no location index: the quote is the provider's).
    ev = evaluated_answers(reference, UK_LAW_FIRM)
    assert ev.cost.available and [m.model for m in ev.cost.models] == ["project"]
    rate = next(f for f in ev.cost.figures if f.key == "project.rate")
    assert rate.supplied and rate.likely == UK_LAW_FIRM["quoted_rate"]
    project = ev.cost.models[0]
    fees = next(line for line in project.lines if line.label == "Provider fees")
    assert "the rate is your quote for a dedicated person" in fees.formula and not fees.supplied
    sized = next(i for i in project.inputs if i.label == "Priced by its hours, not per deliverable")
    assert "your quoted rate for a dedicated person × your hours × (1 + the managed-services premium)" in sized.source
    assert all(n != "Your quoted hourly rate" for n, _ in ev.cost.skipped)
    # Without the quote, the function's benchmark rate and the location's cost index.
    plain = evaluated_answers(reference, UK_LAW_FIRM, quoted_rate=None)
    assert not next(f for f in plain.cost.figures if f.key == "project.rate").supplied
    # Bought as an outcome of steady work, with no count of deliverables, the project is priced by its hours from the
    # same quote: the quote is used, never said to be unused.
    steady = evaluated_answers(reference, UK_LAW_FIRM, volume_pattern="steady", delivery_ownership="provider-outcome")
    assert steady.cost.available and [m.model for m in steady.cost.models] == ["project"]
    assert next(f for f in steady.cost.figures if f.key == "project.rate").supplied
    assert UNUSED not in steady.cost.reason and all(n != "Your quoted hourly rate" for n, _ in steady.cost.skipped)


def test_not_said_without_a_quote(reference: Playbook) -> None:
    ev = evaluated_answers(reference, UK_LAW_FIRM, quoted_rate=None)
    assert UNUSED not in ev.cost.reason and all(n != "Your quoted hourly rate" for n, _ in ev.cost.skipped)
    steady = evaluated_answers(
        reference, UK_LAW_FIRM, quoted_rate=None, volume_pattern="steady", delivery_ownership="provider-outcome"
    )
    assert steady.cost.available and UNUSED not in steady.cost.reason


US_SEASONAL: dict[str, Any] = {
    "process_documented": "documented",
    "prior_outsourcing": "kpo",
    "pilot_possible": True,
    "data_onshore_only": False,
    "onsite_presence": "never",
    "work_language": "none",
    "start_within": "three-to-six",
    "mgmt_hours": 3,
    "overnight_turnaround": False,
    "work_nature": "mixed",
    "codifiability": "high",
    "quality_measurable": "objective",
    "core_differentiator": "commodity",
    "ip_sensitivity": "medium",
    "asset_specificity": "moderate",
    "own_team_plan": False,
    "volume_pattern": "seasonal",
    "horizon": 3,
    "delivery_ownership": "provider-team",
    "licensed_signoff": ["none"],
    "own_figures": True,
    "vendor_assurance": ["iso27001"],
    "preferred_region": "no-preference",
    "buyer_sector": "other",
    "client_jurisdictions": ["us"],
    "data_categories": ["none"],
    "overlap_hours": 2,
    "shifted_hours": True,
    "home_market": "us",
    "function": "market-research-analytics",
    "buyer_location": "us",
    "buyer_us_zone": "eastern",
    "annual_hours": 8000,
    "team_size": 10,
    "own_inhouse_cost": 110000,
    "quoted_rate": 22,
    "peak_share": 70,
    "deliverables": 12,
}


def test_a_quote_pricing_a_model_ranked_below_the_three_costed_gets_that_model_costed_at_it(
    reference: Playbook,
) -> None:
    # Seasonal research with a shared pool recommended: the buyer's $22/h prices a dedicated team, ranked below the
    # three models costed from benchmarks, so the team is costed too, at the quote.
    ev = evaluated_answers(reference, {}, **US_SEASONAL)
    ranked = [m.code for m in ev.models if not m.excluded_because]
    assert ranked.index("captive-team") >= 3
    costed = [m.model for m in ev.cost.models]
    assert costed[-1] == "captive-team" and len(costed) == 4
    team = next(m for m in ev.cost.models if m.model == "captive-team")
    assert any("your quoted rate" in line.formula for line in team.lines)
    assert "was not used" not in ev.cost.reason
    # Without the quote the cost is for the three best-ranked models alone, as before.
    plain = evaluated_answers(reference, {}, **{**US_SEASONAL, "quoted_rate": None})
    assert [m.model for m in plain.cost.models] == costed[:3]


def test_an_hourly_quote_is_the_base_of_a_pool_costed_when_no_team_can_start_in_time(
    reference: Playbook,
) -> None:
    # A Dutch firm's 26-week CAD job, starting within a month: the teams the $22/h quote would price as given cannot
    # start in time, and a shared pool is costed from the quote with its premium on top, so the quote is used (the
    # UK law firm's above is named unused beside its project's cost).
    dutch = {
        **UK_LAW_FIRM, "function": "engineering-design", "buyer_sector": "other", "buyer_regulated_in": None,
        "licensed_signoff": ["none"], "signoff_capacity": None, "data_categories": ["none"],
        "sensitive_personal_data": None, "legal_us_lawyers": None, "legal_client_consent": None,
        "legal_disclosure_review": None, "client_jurisdictions": ["eu"], "buyer_location": "eu",
        "buyer_eu_country": "netherlands", "home_market": "eu", "own_inhouse_cost": 78000, "quoted_rate": 22,
        "annual_hours": 1800, "team_size": 2, "duration_weeks": 26, "deliverables": 12, "work_nature": "rules-based",
        "codifiability": "high", "quality_measurable": "objective", "core_differentiator": "commodity",
        "delivery_ownership": "provider-team", "preferred_region": "cee", "overlap_hours": 5,
    }  # fmt: skip
    ev = evaluated_answers(reference, {}, **dutch)
    assert ev.cost.available and ev.cost.models
    assert all(m.basis not in ("monthly_team", "setup_plus_hourly") for m in ev.cost.models)
    pool = next(m for m in ev.cost.models if m.model == "shared-pool")
    fees = next(line for line in pool.lines if line.label == "Provider fees")
    assert "the rate is your quote for a dedicated person" in fees.formula and "premium" in fees.formula
    assert all(n != "Your quoted hourly rate" for n, _ in ev.cost.skipped)
