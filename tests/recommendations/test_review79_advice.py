"""Advice a sourcing adviser and a regulatory lawyer checked (review 79): a tie on fit broken by something that costs
nothing to weigh, while the cost flips with it; the European patent novelty rule for a buyer filing nowhere in Europe;
and hours no one can work (tests/recommendations/test_answer_checks.py)."""

from __future__ import annotations

import pytest

from apps.accounts.models import Organisation, User
from apps.playbooks.models import Playbook
from apps.recommendations.cost_caveat import cost_caveat
from apps.recommendations.services import submit_and_recommend
from tests.factories import AssessmentFactory
from tests.recommendations.golden import evaluated_case

pytestmark = pytest.mark.django_db

# A UK law firm's seasonal e-discovery on privileged documents, preferring India (the reviewers' answers).
UK_LAW_FIRM = {
    "function": "legal-review", "work_nature": "judgement", "codifiability": "partial", "quality_measurable": "partly",
    "process_documented": "partly", "buyer_sector": "law-firm", "buyer_regulated_in": "uk",
    "core_differentiator": "critical", "ip_sensitivity": "medium", "asset_specificity": "moderate",
    "own_team_plan": False, "volume_pattern": "seasonal", "annual_hours": 20000, "team_size": 15, "horizon": 3,
    "start_within": "three-to-six", "delivery_ownership": "provider-team", "mgmt_hours": 4, "prior_outsourcing": "kpo",
    "pilot_possible": True, "client_jurisdictions": ["uk"], "data_categories": ["uk-personal", "privileged-legal"],
    "data_onshore_only": False, "buyer_location": "uk", "overlap_hours": 4, "shifted_hours": True,
    "overnight_turnaround": True, "onsite_presence": "never", "licensed_signoff": ["attorney"], "home_market": "uk",
    "vendor_assurance": ["soc2"], "preferred_region": "india", "work_language": "none", "legal_us_lawyers": False,
    "legal_client_consent": "can-obtain", "legal_disclosure_review": True, "signoff_capacity": "yes",
    "peak_share": 50, "deliverables": 6,
}  # fmt: skip
# The same team's market research, priced on a rate that is India's alone, so Poland's whole index applies: since the
# index scales only India's part of legal review's blended rate (review 111), Poland no longer costs more for it.
UK_RESEARCH = {
    **{k: v for k, v in UK_LAW_FIRM.items() if not k.startswith("legal_")},
    "function": "market-research-analytics",
    "buyer_sector": "other",
    "data_categories": ["uk-personal"],
    "licensed_signoff": ["none"],
}


def test_a_location_tied_on_fit_that_saves_is_named_in_the_headline_beside_a_dearer_cost(
    reference: Playbook, organisation: Organisation, buyer: User
) -> None:
    # Review 79: Poland came first on a tie with India (no transfer tool needed), and the headline read "51% more"
    # priced at a rate derived from developers' pay, where India's likely saving was three sentences on.
    a = AssessmentFactory(
        organisation=organisation, created_by=buyer, title="Panel research", playbook=reference, answers=UK_RESEARCH
    )
    ev = submit_and_recommend(assessment=a, user=buyer).record.evaluation
    where = ev.cost.cheaper_location
    assert where is not None and where.points_behind == 0 and where.savings[1] > 0
    caveat = cost_caveat(ev)
    assert caveat is not None
    assert f"; from {where.in_text}, tied on fit: a likely saving of £" in caveat.headline
    assert caveat.headline.index("more than in-house") < caveat.headline.index("tied on fit")


def test_the_european_patent_novelty_rule_waits_for_a_filing_in_europe(reference: Playbook) -> None:
    # Review 79: EPC Arts. 54 and 55 were raised for a US defence contractor's drawings, with no filing in Europe.
    case = "US law firm: patent prior-art searches"
    assert "epc-novelty" in {r.code for r in evaluated_case(reference, case).regimes}  # not answered: it may be
    assert "epc-novelty" in {r.code for r in evaluated_case(reference, case, patent_filing_europe="unsure").regimes}
    assert "epc-novelty" in {r.code for r in evaluated_case(reference, case, patent_filing_europe="yes").regimes}
    filed_elsewhere = evaluated_case(reference, case, patent_filing_europe="no")
    assert "epc-novelty" not in {r.code for r in filed_elsewhere.regimes}
    assert "patent_filing_europe" in filed_elsewhere.visible
    # Asked only where the rule can hold: highly sensitive patent or design work.
    assert "patent_filing_europe" not in evaluated_case(reference, case, ip_sensitivity="medium").visible


def test_a_uk_banks_model_work_brings_the_pras_model_risk_principles_cited_by_principle(reference: Playbook) -> None:
    # Review 79: a UK bank's model work had only a condition naming SS1/23, with no pinpoint or link, and a risk that
    # its supervisor's rules were "not set out here".
    ev = evaluated_case(reference, "US regional bank: credit-risk model validation", buyer_regulated_in="uk")
    (regime,) = [r for r in ev.regimes if r.code == "uk-pra-model-risk-ss1-23"]
    assert "us-model-risk-sr11-7" not in {r.code for r in ev.regimes}
    items = [o for _phase, _label, listed in regime.obligations for o in listed]
    assert sorted(o["citation"] for o in items) == [
        "PRA SS1/23, Principle 1 (Model identification and model risk classification)",
        "PRA SS1/23, Principle 2 (Governance)",
        "PRA SS1/23, Principle 4 (Independent model validation)",
    ]
    assert all(o["source_url"].startswith("https://www.bankofengland.co.uk/prudential-regulation/") for o in items)
    assert not any(r.rule == "model-risk-supervisor-not-covered" for r in ev.risks)
    # A bank supervised elsewhere is still told its own supervisor's rules are not set out here.
    canada = evaluated_case(reference, "US regional bank: credit-risk model validation", buyer_regulated_in="canada")
    assert any(r.rule == "model-risk-supervisor-not-covered" for r in canada.risks)


def test_a_seasonal_dedicated_team_is_priced_at_the_quieter_months_as_in_house_is(
    reference: Playbook, organisation: Organisation, buyer: User
) -> None:
    # Review 79: 15 seats all year (20,000 hours, half in the busiest quarter) against in-house priced at the hours
    # with people taken on for the peak: the dedicated team read 51% dearer. Now both sides have a team for the quieter
    # nine months (4 ÷ 3 × 50% × 20,000 = 13,333 hours: 7 people) and buy the peak above it.
    a = AssessmentFactory(
        organisation=organisation, created_by=buyer, title="E-discovery", playbook=reference, answers=UK_LAW_FIRM
    )
    ev = submit_and_recommend(assessment=a, user=buyer).record.evaluation
    team = next(m for m in ev.cost.models if m.model == "captive-team")
    priced = {i.label: i.value for i in team.inputs}
    assert priced["People"] == "15" and priced["People priced all year"] == "7"
    assert any(line.label.startswith("Peak") or "peak" in line.label for line in team.lines)
    assert team.savings_percent is not None and team.savings_percent > -10  # was -51%


def test_a_location_behind_on_fit_that_saves_is_named_in_the_headline_with_how_far(
    reference: Playbook, organisation: Organisation, buyer: User
) -> None:
    # Review 113: "KPO wins (on fit only; it does not pay; …)" delivered from Poland, and India's saving, a few points
    # behind, only a screen down: the headline places each figure.
    a = AssessmentFactory(
        organisation=organisation,
        created_by=buyer,
        title="Panel research",
        playbook=reference,
        answers={**UK_RESEARCH, "preferred_region": "no-preference"},
    )
    ev = submit_and_recommend(assessment=a, user=buyer).record.evaluation
    where = ev.cost.cheaper_location
    assert ev.delivery_location is not None and ev.delivery_location.code == "poland"
    assert where is not None and where.points_behind > 0 and where.savings[1] > 0
    caveat = cost_caveat(ev)
    assert caveat is not None
    assert "than in-house from Poland" in caveat.headline
    assert (
        f"; from {where.in_text}, {where.points_behind} points behind on fit: a likely saving of £" in caveat.headline
    )
