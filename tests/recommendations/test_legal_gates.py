"""An open legal gate (an export licence, a regulator's notice or approval, a client's consent still to be asked
for) caps "KPO wins" at "KPO wins, on conditions", whatever the fit, and the result says why: beside the verdict
on the result page and in the memo, stored with the recommendation. The cheaper-location sentence says what a
triggered regime asks of delivery from there (an export authorisation first)."""

from __future__ import annotations

import html
from dataclasses import replace
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from apps.accounts.models import Organisation, User
from apps.playbooks.engine import clean_answers, evaluate
from apps.playbooks.engine.batch import score_batch
from apps.playbooks.engine.counterfactuals import search_flips
from apps.playbooks.engine.evaluate import Evaluation, outcome
from apps.playbooks.models import Playbook
from apps.playbooks.runtime import compiled_playbook
from apps.recommendations.cost_caveat import cheaper_location_text
from apps.recommendations.memo import render_memo_html
from apps.recommendations.services import submit_and_recommend
from apps.recommendations.snapshot.read import read_snapshot
from apps.recommendations.snapshot.types import StoredGate
from apps.recommendations.snapshot.write import build_snapshot
from tests.factories import AssessmentFactory

pytestmark = pytest.mark.django_db
LAW_FIRM = "US law firm: seasonal first-level document review"
DUAL_USE = "EU dual-use drawings: a German machine builder's CAD work"
CONSENT = "your clients' informed consent to their confidential information going to the provider"
LICENCE = "the classification of the controlled technical data and any export licence or authorisation it needs"


def _answers(reference: Playbook, case: str, **changes: Any) -> dict[str, Any]:
    compiled = compiled_playbook(reference)
    answers, problems = clean_answers(
        compiled.questions, {**reference.golden_cases.get(name__startswith=case).answers, **changes}
    )
    assert not problems
    return answers


def _evaluated(reference: Playbook, case: str, **changes: Any) -> Evaluation:
    return evaluate(compiled_playbook(reference), _answers(reference, case, **changes))


def _page(reference: Playbook, organisation: Organisation, buyer: User, client: Client, answers: Any) -> Any:
    a = AssessmentFactory(organisation=organisation, created_by=buyer, playbook=reference, answers=answers)
    rec = submit_and_recommend(assessment=a, user=buyer)
    page = html.unescape(client.get(reverse("recommendations:detail", args=[rec.pk])).content.decode())
    return rec, page


def test_consent_still_to_be_asked_for_caps_a_winning_fit_and_every_way_of_scoring_agrees(
    reference: Playbook,
) -> None:
    pb = compiled_playbook(reference)
    asked = _answers(reference, LAW_FIRM)
    ev = evaluate(pb, asked)
    assert ev.verdict == "conditional" and ev.unblocked_score == ev.fit_score >= reference.wins_threshold
    assert [(g.rule, g.text) for g in ev.gates] == [("legal-client-consent-to-ask", CONSENT)]
    assert outcome(pb, asked).verdict == "conditional"
    assert score_batch(pb, [asked]).outcome(0) == outcome(pb, asked)

    given = evaluate(pb, {**asked, "legal_client_consent": "obtained"})
    assert given.verdict == "wins" and given.fit_score == ev.fit_score and not given.gates

    # What would flip it: getting the consent, a change that moves neither the score nor a blocker.
    flips = search_flips(pb, asked).flips
    assert any(
        f.flips_verdict and f.verdict == "wins" and [c.question for c in f.changes] == ["legal_client_consent"]
        for f in flips
    )


def test_a_gate_leaves_a_verdict_below_the_wins_threshold_and_a_blocked_one_as_they_were(
    reference: Playbook,
) -> None:
    ev = _evaluated(reference, DUAL_USE)  # fit 60: on conditions on fit alone
    assert ev.verdict == "conditional" and ev.fit_score < reference.wins_threshold and ev.gates
    blocked = _evaluated(reference, "US CPA firm that cannot collect taxpayer consent")
    assert blocked.verdict == "doesnt_win" and blocked.blockers


def test_the_result_page_the_memo_and_the_stored_record_say_why_the_verdict_is_capped(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    rec, page = _page(reference, organisation, buyer, buyer_client, _answers(reference, LAW_FIRM))
    stored = rec.record.evaluation
    assert rec.verdict == "conditional" and [g.text for g in stored.gates] == [CONSENT]
    sentence = f"KPO would win on fit (score {stored.unblocked_score}), but {CONSENT} must be settled before signing."
    assert sentence in page
    assert "the verdict stays “KPO wins, on conditions”" in page
    assert sentence in html.unescape(render_memo_html(rec, "http://testserver/"))


def test_the_german_machine_builder_reads_why_and_what_india_needs(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    # The expert's situation: a firm that has bought KPO before, so the fit reaches the wins threshold.
    answers = _answers(reference, DUAL_USE, prior_outsourcing="kpo")
    rec, page = _page(reference, organisation, buyer, buyer_client, answers)
    stored = rec.record.evaluation
    assert rec.verdict == "conditional" and stored.unblocked_score >= reference.wins_threshold
    assert f"KPO would win on fit (score {stored.unblocked_score}), but {LICENCE} must be settled" in page
    assert stored.delivered_from == "poland"
    cheaper = stored.cost.cheaper_location
    assert cheaper is not None and cheaper.location == "india"
    sentence = cheaper_location_text(stored)
    assert sentence.endswith(
        "But India comes with a condition of its own: making controlled technology available in India is an "
        "export that needs an authorisation first (Reg. (EU) 2021/821 Art. 3(1))."
    )
    assert sentence in page


def test_a_gate_in_the_fit_band_of_conditions_is_named_without_a_cap(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    rec, page = _page(reference, organisation, buyer, buyer_client, _answers(reference, DUAL_USE))
    assert rec.record.evaluation.unblocked_score < reference.wins_threshold
    assert f"Before signing, {LICENCE} must also be settled" in page
    assert "KPO would win on fit" not in page


def test_a_uk_exporter_is_told_every_location_needs_the_uk_licence(reference: Playbook) -> None:
    ev = _evaluated(reference, DUAL_USE, buyer_location="uk", home_market="uk", client_jurisdictions=["uk"])
    assert ev.gates
    for location in ev.locations:
        texts = [c.text for c in location.contributions]
        assert any("is an export that needs a UK export licence first" in t for t in texts), location.code


UK_BANK = "UK bank: financial modelling for a critical function"
OBJECTION = "not yours alone to decide: the supervisor may object, and the objection must be settled."


def test_a_regulators_notice_reads_as_one_it_may_object_to_not_one_it_may_refuse(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    rec, page = _page(reference, organisation, buyer, buyer_client, _answers(reference, UK_BANK))
    gates = rec.record.evaluation.gates
    assert gates and all(g.notice for g in gates)
    assert any(g.text.startswith("the notice to") for g in gates)
    assert OBJECTION in page and "may be refused" not in page
    assert OBJECTION in html.unescape(render_memo_html(rec, "http://testserver/"))


def test_an_approval_or_a_consent_still_may_be_refused(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    rec, page = _page(reference, organisation, buyer, buyer_client, _answers(reference, LAW_FIRM))
    assert not any(g.notice for g in rec.record.evaluation.gates)
    assert "not yours alone to decide, and may be refused." in page and "may object" not in page


def test_approvals_and_notices_open_together_each_say_what_may_happen(reference: Playbook) -> None:
    pb = compiled_playbook(reference)
    answers = _answers(reference, LAW_FIRM)
    document = build_snapshot(pb, evaluate(pb, answers), answers, title="Mixed", guidance=[], flips=None)
    record = read_snapshot(document).evaluation
    consent = record.gates[0]
    assert not consent.notice and record.gate_objection == ""  # an approval alone: the sentence as it always read
    both = replace(record, gates=(consent, StoredGate("the notice to your regulator", notice=True)))
    assert both.gate_objection == (
        ": an approval may be refused, and the supervisor may object to a notice, the objection then to be settled."
    )


def test_evidence_the_provider_gives_reads_as_resting_on_it_not_as_one_that_may_be_refused(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    """A team working in a language no location is checked for caps the verdict until the named team's language is
    tested on real work: nobody refuses that, so the page says the verdict rests on what the provider shows."""
    answers = _answers(reference, LAW_FIRM, work_language="other")
    rec, page = _page(reference, organisation, buyer, buyer_client, answers)
    evidence = [g for g in rec.record.evaluation.gates if g.evidence]
    assert [g.text for g in evidence] == ["your language test of the named team on real work"]
    assert not any(g.notice for g in evidence)
    assert "the provider must show you what it claims" in page  # beside the clients' consent, which may be refused
    only = replace(rec.record.evaluation, gates=tuple(evidence))
    assert only.gate_objection == ", as it rests on what the provider shows you."
    two = replace(only, gates=(*evidence, StoredGate("the team's second language tested", evidence=True)))
    assert two.gate_objection == ", as each rests on what the provider shows you."
    notice = StoredGate("the notice to your regulator", notice=True)
    assert replace(only, gates=(*evidence, notice)).gate_objection == (
        ": the supervisor may object to a notice, the objection then to be settled, and the provider must show you"
        " what it claims."
    )
    consent = StoredGate(CONSENT)
    assert replace(only, gates=(consent, notice, *evidence)).gate_objection == (
        ": an approval may be refused, the supervisor may object to a notice, the objection then to be settled, and"
        " the provider must show you what it claims."
    )


def test_a_language_gate_alone_ends_the_capped_sentence_on_the_providers_evidence(reference: Playbook) -> None:
    pb = compiled_playbook(reference)
    answers = _answers(reference, LAW_FIRM, work_language="other")
    document = build_snapshot(pb, evaluate(pb, answers), answers, title="Language", guidance=[], flips=None)
    gates = document["evaluation"]["gates"]
    assert [g["evidence"] for g in gates if "language" in g["text"]] == [True]
    assert all(g["evidence"] is False for g in gates if "language" not in g["text"])


def test_a_gate_without_a_condition_of_its_own_is_in_the_conditions_checklist(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    # Review 52: the language gate capped the verdict but was missing from "Conditions of this verdict".
    answers = _answers(reference, LAW_FIRM, work_language="other")
    rec, page = _page(reference, organisation, buyer, buyer_client, answers)
    record = rec.record.evaluation
    checked = [g.rule for g in record.gates_to_check]
    assert "work-language-other" in checked
    assert all(g.rule not in {c.rule for c in record.conditions} for g in record.gates_to_check)
    checklist = page[page.index("Conditions of this verdict") :]
    assert "Settled before signing: your language test of the named team on real work" in checklist
