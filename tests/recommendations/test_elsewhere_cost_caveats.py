"""A buyer whose in-house pay has no benchmark reads, beside its provider fees, the same caveats a buyer with one reads
beside its saving (review 164): no model a requirement rules out is put forward as cheaper (an own centre the start
date ruled out read "would likely cost less: $573,000,000 over 10 years", priced as if it ran from month 1); a price
the product estimates is said to be an estimate; a stop-gap the start date leaves is said to be priced as if it
stayed."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from apps.accounts.models import Organisation, User
from apps.playbooks.models import Playbook
from apps.recommendations.cost_caveat import elsewhere_cost_text
from apps.recommendations.memo import render_memo_html
from apps.recommendations.models import Recommendation
from apps.recommendations.services import submit_and_recommend
from tests.factories import AssessmentFactory

pytestmark = pytest.mark.django_db
# What the buyer situations below share: no in-house benchmark where they are, and documented, partly measurable work.
SITUATION: dict[str, Any] = {
    "work_nature": "mixed",
    "codifiability": "high",
    "quality_measurable": "partly",
    "process_documented": "documented",
    "core_differentiator": "critical",
    "ip_sensitivity": "medium",
    "asset_specificity": "moderate",
    "mgmt_hours": 3,
    "pilot_possible": True,
    "client_jurisdictions": ["other"],
    "data_onshore_only": False,
    "overlap_hours": 2,
    "overnight_turnaround": False,
    "onsite_presence": "never",
    "home_market": "other",
    "preferred_region": "no-preference",
}
AU_CENTRE_OF_1000: dict[str, Any] = {
    **SITUATION,
    "function": "actuarial",
    "buyer_sector": "insurer",
    "own_team_plan": True,
    "volume_pattern": "steady",
    "annual_hours": 1800000,
    "team_size": 1000,
    "horizon": 10,
    "delivery_ownership": "our-managers",
    "prior_outsourcing": "bpo",
    "data_categories": ["au-personal"],
    "buyer_location": "australia-east",
    "licensed_signoff": ["actuary"],
    "start_within": "three-to-six",
    "buyer_regulated_in": "australia",
    "critical_function": True,
    "centre_setup": "ourselves",
    "own_entity": False,
    "signoff_capacity": "yes",
}
SG_KYC_WITHIN_A_MONTH: dict[str, Any] = {
    **SITUATION,
    "function": "kyc-aml",
    "buyer_sector": "payments",
    "own_team_plan": False,
    "volume_pattern": "steady",
    "annual_hours": 12000,
    "team_size": 6,
    "horizon": 3,
    "delivery_ownership": "provider-team",
    "prior_outsourcing": "none",
    "data_categories": ["other-personal"],
    "buyer_location": "singapore",
    "buyer_apac_country": "singapore",
    "licensed_signoff": ["none"],
    "vendor_assurance": ["iso27001"],
    "start_within": "within-month",
    "buyer_regulated_in": "singapore",
    "critical_function": False,
}
AU_HEALTH_INSURER: dict[str, Any] = {
    **SITUATION,
    "function": "market-research-analytics",
    "buyer_sector": "insurer",
    "own_team_plan": False,
    "volume_pattern": "steady",
    "annual_hours": 14000,
    "team_size": 8,
    "horizon": 3,
    "delivery_ownership": "provider-team",
    "prior_outsourcing": "bpo",
    "data_categories": ["au-personal"],
    "buyer_location": "australia-east",
    "licensed_signoff": ["none"],
    "vendor_assurance": ["iso27001"],
    "start_within": "three-to-six",
    "buyer_regulated_in": "australia",
    "critical_function": False,
}


def _scored(reference: Playbook, organisation: Organisation, buyer: User, answers: dict[str, Any]) -> Recommendation:
    a = AssessmentFactory(organisation=organisation, created_by=buyer, playbook=reference, answers=answers)
    return submit_and_recommend(assessment=a, user=buyer)


def test_no_model_a_requirement_rules_out_is_put_forward_as_cheaper(
    reference: Playbook, organisation: Organisation, buyer: User
) -> None:
    ev = _scored(reference, organisation, buyer, AU_CENTRE_OF_1000).record.evaluation
    ruled_out = {m.name for m in ev.models if m.excluded_because}
    assert "Own captive centre (GCC)" in ruled_out
    text = elsewhere_cost_text(ev)
    assert text.startswith("Likely cost with ")
    for name in ruled_out:
        assert f"{name} would likely cost less" not in text, text


def test_an_estimated_price_put_forward_as_cheaper_is_said_to_be_an_estimate(
    reference: Playbook, organisation: Organisation, buyer: User
) -> None:
    ev = _scored(reference, organisation, buyer, AU_HEALTH_INSURER).record.evaluation
    text = elsewhere_cost_text(ev)
    assert "would likely cost less" in text, text
    cheaper = text.split(" would likely cost less")[0].rsplit(". ", 1)[-1].strip()
    basis = next(m.pricing_basis for m in ev.models if m.name == cheaper)
    assert basis == "outcome", (cheaper, basis)  # a managed service, priced on the product's estimate
    assert "would likely cost less, on an estimate (the dedicated rate with an assumed premium" in text, text
    assert "; it ranks lower on fit, for the reasons in the ranking." in text


def test_a_stop_gap_is_said_to_be_priced_as_if_it_stayed(
    reference: Playbook, organisation: Organisation, buyer: User
) -> None:
    ev = _scored(reference, organisation, buyer, SG_KYC_WITHIN_A_MONTH).record.evaluation
    assert ev.favoured_conflicts and ev.models and not ev.models[0].excluded_because
    text = elsewhere_cost_text(ev)
    top = ev.models[0].name
    assert f"That prices {top} for the whole period, as if it stayed: your answers favour " in text, text
    assert f"so {top} may be only a bridge to it" in text


UAE_BANK_300_WITHIN_A_MONTH: dict[str, Any] = {
    **SITUATION,
    "function": "kyc-aml",
    "buyer_sector": "bank",
    "own_team_plan": False,
    "volume_pattern": "steady",
    "annual_hours": 540000,
    "team_size": 300,
    "horizon": 3,
    "delivery_ownership": "provider-team",
    "prior_outsourcing": "bpo",
    "data_categories": ["other-personal"],
    "buyer_location": "gulf",
    "licensed_signoff": ["none"],
    "vendor_assurance": ["iso27001"],
    "start_within": "within-month",
    "buyer_regulated_in": "other",
    "critical_function": True,
    "buyer_gulf_country": "uae",
    "work_language": "other",
}


def test_with_no_model_usable_the_later_start_is_priced_for_a_buyer_with_no_benchmark(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    # Review 164: the US bank read the later start's figure, the UAE bank none, beside a memo promising one.
    rec = _scored(reference, organisation, buyer, UAE_BANK_300_WITHIN_A_MONTH)
    ev = rec.record.evaluation
    assert ev.no_model_usable and ev.start_conflict is not None and not ev.cost.available
    (fees,) = ev.cost.costed_fees  # the model a later start frees, alone
    assert fees.model in ev.ruled_out_by_date
    later = ev.start_conflict.options[0]
    assert later.text == f"Start later and go with {fees.name}"
    assert (
        f"; priced from its own launch, {fees.name} likely costs {ev.cost.amount(fees.total[1])} over " in later.costs
    )
    assert f"level with in-house at about {ev.cost.amount(fees.level[1])} a person-year" in later.costs
    text = elsewhere_cost_text(ev)
    assert text.startswith(f"Likely cost with {fees.name}: {ev.cost.amount(fees.total[1])}")
    assert f"No model can start by the date you gave, so that prices {fees.name} from its own launch" in text
    page = html.unescape(buyer_client.get(reverse("recommendations:detail", args=[rec.pk])).content.decode())
    assert "(your start date rules it out: costed from its own launch, as the" in page
    memo = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html.unescape(render_memo_html(rec, "http://testserver/"))))
    assert f"Likely cost, {fees.name}, started when it can {ev.cost.amount(fees.total[1])}" in memo
    rows = buyer_client.get(reverse("recommendations:cost_csv", args=[rec.pk])).content.decode("utf-8-sig")
    total = next(line for line in rows.splitlines() if line.startswith(f'"{fees.name}","Total over '))
    assert "your start date rules it out" in total


SG_LAW_FIRM_SIX_WEEKS: dict[str, Any] = {
    **SITUATION,
    "function": "legal-review",
    "buyer_sector": "law-firm",
    "own_team_plan": False,
    "volume_pattern": "one-off",
    "annual_hours": 1500,
    "team_size": 4,
    "horizon": 1,
    "delivery_ownership": "per-deliverable",
    "prior_outsourcing": "bpo",
    "data_categories": ["privileged-legal", "other-personal"],
    "buyer_location": "singapore",
    "buyer_apac_country": "singapore",
    "licensed_signoff": ["attorney"],
    "vendor_assurance": ["iso27001"],
    "start_within": "three-to-six",
    "buyer_regulated_in": "singapore",
    "legal_us_lawyers": False,
    "legal_client_consent": "can-obtain",
    "signoff_capacity": "yes",
    "deliverables": 1,
    "duration_weeks": 6,
}


def test_a_buyer_with_no_benchmark_is_shown_the_answers_its_fees_rest_on(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    # Review 164: 1,500 hours for 4 people in 6 weeks (about 900 hours at full time) read no check on the result page or
    # the memo, though the level and the cheaper option rested on it; a buyer with a benchmark was shown one.
    rec = _scored(reference, organisation, buyer, SG_LAW_FIRM_SIX_WEEKS)
    cost = rec.record.evaluation.cost
    assert not cost.available and cost.costed_fees
    (check,) = [c for c in cost.checks if "hours each" in c.text]
    assert "The level with in-house is worked out at the 4 people for those weeks" in check.text
    assert "In-house is priced" not in check.text
    page = html.unescape(buyer_client.get(reverse("recommendations:detail", args=[rec.pk])).content.decode())
    assert 'id="cost-checks"' in page and "Check your answers first:" in page
    memo = html.unescape(render_memo_html(rec, "http://testserver/"))
    assert "The level with in-house is worked out at the 4 people" in memo


def test_a_buyer_with_no_benchmark_reads_that_the_weeks_were_worked_out(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    # Review 167: "8,000 hours of work, over 42 weeks" with no word that the weeks were not answered.
    answers = {k: v for k, v in SG_LAW_FIRM_SIX_WEEKS.items() if k != "duration_weeks"}
    assert answers["volume_pattern"] == "one-off"
    rec = _scored(reference, organisation, buyer, answers)
    assert rec.record.evaluation.cost.weeks_worked_out
    page = re.sub(
        r"\s+", " ", html.unescape(buyer_client.get(reverse("recommendations:detail", args=[rec.pk])).content.decode())
    )
    assert (
        "(worked out from the hours and the people, as the weeks were not answered: the cost covers these weeks only, "
        "whatever the horizon)" in page
    )
