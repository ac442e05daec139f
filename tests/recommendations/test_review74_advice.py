"""Advice a sourcing adviser and a regulatory lawyer checked (review 74): licensed sign-off nobody onshore can give or
supervise, MiFID II's outsourcing rules kept to critical functions, a working language the team must use, notices
dated and weighed alike, CUI shared by an agency, tax returns as credentialed work, and the rates a dedicated team is
priced at."""

from __future__ import annotations

import html

import pytest
from django.test import Client
from django.urls import reverse

from apps.accounts.models import Organisation, User
from apps.playbooks.models import Playbook
from apps.recommendations.memo import render_memo_html
from apps.recommendations.services import submit_and_recommend
from tests.factories import AssessmentFactory
from tests.recommendations.conftest import recommend
from tests.recommendations.golden import evaluated_case, fired_codes

pytestmark = pytest.mark.django_db

AMLAW = "AmLaw 200 firm: steady e-discovery review by a dedicated offshore team"
CPA = "US CPA firm: individual returns in a sharp tax-season peak"
EU_RESEARCH = "EU asset manager: outsourced sector research with EU client data"


@pytest.mark.parametrize("capacity", ["no", "limited"])
def test_licensed_work_nobody_onshore_can_supervise_is_not_told_kpo_wins(reference: Playbook, capacity: str) -> None:
    # Review 74: "KPO wins (75)" for legal review nobody onshore could sign, with a condition to keep a licensed
    # professional onshore the buyer had just said it did not have.
    assert evaluated_case(reference, AMLAW).verdict == "wins"
    ev = evaluated_case(reference, AMLAW, signoff_capacity=capacity)
    assert ev.verdict != "wins"
    gates = [g.text for g in ev.gates]
    if capacity == "no":
        assert any(t.startswith("a licensed professional engaged") for t in gates)
    else:
        assert "your licensed people's time budgeted to supervise the offshore work as it is done" in gates[0]
        assert "limited-signoff-supervision" in fired_codes(ev)
    # A CPA's and an actuary's signature alike.
    cpa = evaluated_case(reference, CPA, signoff_capacity=capacity)
    assert cpa.verdict != "wins" and cpa.gates


def test_research_bought_for_a_function_that_is_not_critical_brings_the_payment_rules_not_the_outsourcing_ones(
    reference: Playbook,
) -> None:
    # Review 74: an AIFM's research for internal use, critical function "No", read MiFID II Art. 31 and Art. 32.
    ev = evaluated_case(reference, EU_RESEARCH, eu_investment_licence="aifm")
    codes = {r.code for r in ev.regimes}
    assert "mifid2-research" in codes and "mifid2" not in codes
    critical = evaluated_case(reference, EU_RESEARCH, critical_function=True)
    assert "mifid2" in {r.code for r in critical.regimes}


def test_a_working_language_the_team_must_use_is_tested_before_signing(reference: Playbook) -> None:
    # Review 74: French was +10 points for Poland and Romania and a low risk that the location "suggests" the language,
    # where the team recommended was in Colombia.
    ev = evaluated_case(reference, "Textbook KPO: steady market analytics", work_language="french")
    (risk,) = [r for r in ev.risks if r.rule == "work-language-check-french"]
    assert risk.severity == "high" and risk.title.startswith("The team must work in French: a second language even in")
    assert ev.verdict != "wins"
    assert any(g.text == "your language test of the named team on real work" for g in ev.gates)


def test_an_eu_aml_notice_that_applies_from_july_2027_is_a_dated_condition_not_a_gate(reference: Playbook) -> None:
    ev = evaluated_case(reference, "KYC refresh: a French bank's", critical_function=False)
    assert "aml-outsourcing-eu" in fired_codes(ev)
    assert not any("AML supervisor" in g.text for g in ev.gates)
    assert any("from 10 July 2027" in c.text and "notify your AML supervisor" in c.text for c in ev.conditions)


def test_a_pension_funds_notice_of_a_critical_outsourcing_is_settled_before_signing_as_an_insurers_is(
    reference: Playbook,
) -> None:
    # Review 74: Solvency II's notice was a gate, IORP II's only a condition, for the same kind of duty.
    fund = evaluated_case(reference, "Dutch pension fund", critical_function=True)
    insurer = evaluated_case(reference, "EU insurer: reserving models outsourced")
    assert any("2016/2341 Art. 31(6)" in g.text and g.notice for g in fund.gates)
    assert any(g.notice for g in insurer.gates)
    assert fund.verdict != "wins"


def test_cui_shared_by_an_agency_is_not_told_it_holds_a_defense_contract(reference: Playbook) -> None:
    ev = evaluated_case(reference, "US defence contractor: cost and pricing analysis")
    (condition,) = [c for c in ev.conditions if c.text.startswith("Before any CUI reaches the provider")]
    assert "32 CFR 2002.16(a)(5)-(6)" in condition.text
    assert "under a Defense Department contract, the provider's systems meeting NIST SP 800-171" in condition.text
    assert any(g.text.startswith("written agreement from whoever shared the CUI") for g in ev.gates)


def test_rules_based_tax_preparation_is_priced_in_two_layers_not_blocked_as_bpo(reference: Playbook) -> None:
    # Review 74: blocked as BPO, where rules-based KYC and coding were priced in two layers.
    ev = evaluated_case(reference, CPA, work_nature="rules-based")
    fired = fired_codes(ev)
    assert "rules-based-work-is-bpo" not in fired and "rules-based-credentialed-work" in fired
    assert not ev.blockers
    assert any("26 CFR 1.6109-2" in c.text for c in ev.conditions)


def test_a_dedicated_research_teams_likely_rate_sits_between_the_two_published_figures(reference: Playbook) -> None:
    # Review 74: a likely $25 an hour sat below the glossary's $30-60 for a dedicated team, so the saving's whole band
    # left out the rate its own source gives.
    ev = evaluated_case(reference, "US hedge fund: steady equity research")
    assert "$15/h to $60/h (likely $35/h)" in repr(ev.cost)


def test_the_memo_says_a_blocked_options_saving_is_what_it_would_save_were_it_not_blocked(
    reference: Playbook, organisation: Organisation, buyer: User
) -> None:
    # Review 74: "KPO doesn't win… Blocked" beside a tile reading "Likely saving $2,180,000".
    from apps.recommendations.memo import render_memo_html

    blocked = recommend(reference, organisation, buyer, "Broker-dealer research written offshore with no time")
    assert blocked.verdict == "doesnt_win"
    memo = render_memo_html(blocked, "http://testserver/")
    assert "Likely saving, were it not blocked</dt>" in memo
    # Its obligations are read as what going ahead would take, not as next before signing (review 120).
    assert 'id="legal-if-unblocked"' in memo and "to settle, if it goes ahead once unblocked" in memo
    open_case = recommend(reference, organisation, buyer, "US hedge fund: steady equity research")
    page = render_memo_html(open_case, "http://testserver/")
    assert "Likely saving</dt>" in page and "were it not blocked" not in page
    assert "legal-if-unblocked" not in page and "once unblocked" not in page


def test_the_memo_of_a_blocked_verdict_with_no_flip_does_not_call_it_robust(
    reference: Playbook, organisation: Organisation, buyer: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Review 76: "the result is robust to the answers given" beside four blockers. With no change of one or two
    # answers found to flip it, the blockers are named instead.
    from apps.recommendations import memo

    monkeypatch.setattr(memo, "flips", lambda rec: [])
    blocked = recommend(reference, organisation, buyer, "Rules-based invoice data entry")
    (blocker,) = blocked.record.evaluation.blockers
    section = memo.render_memo_html(blocked, "http://testserver/").split("What would flip it", 1)[1][:1500]
    assert "robust" not in section and f"with 1 thing blocking it ({blocker.name}): each must be changed" in section
    won = recommend(reference, organisation, buyer, "US hedge fund: steady equity research")
    assert "the result is robust" in memo.render_memo_html(won, "http://testserver/")


def test_supervision_the_buyer_arranges_itself_is_not_said_to_be_someone_elses_decision(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    """Review 104: the firm's own lawyers' time read "not yours alone to decide, and it may be refused"."""
    answers = {**reference.golden_cases.get(name__startswith=AMLAW).answers, "signoff_capacity": "limited"}
    a = AssessmentFactory(organisation=organisation, created_by=buyer, title="Own", playbook=reference, answers=answers)
    rec = submit_and_recommend(assessment=a, user=buyer)
    ev = rec.record.evaluation
    assert [g.own for g in ev.gates] == [True] and ev.gates_all_own
    page = html.unescape(buyer_client.get(reverse("recommendations:detail", args=[rec.pk])).content.decode())
    gates = page.split('class="verdict__gates"')[1].split("</div>")[0]
    assert "it is yours to arrange, and must be in place before signing." in gates
    assert "not yours alone to decide" not in gates and "may be refused" not in gates
    memo = html.unescape(render_memo_html(rec, "http://testserver/"))
    assert "it is yours to arrange, and must be in place before signing." in memo
