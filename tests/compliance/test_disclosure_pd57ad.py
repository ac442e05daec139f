"""Document review for disclosure in the Business and Property Courts of England and Wales reads CPR Practice
Direction 57AD: the duties it puts on the parties and their lawyers stay with them, so the buyer's lawyers direct
and check the provider's review (a condition, not a gate). The question is asked only about legal review touching
the UK, is not a fixed fact, and a UK legal review that is not for disclosure does not read the Practice Direction."""

from __future__ import annotations

from typing import Any

import pytest

from apps.common.models import SourceHost
from apps.playbooks.engine import clean_answers
from apps.playbooks.engine.visibility import visibility
from apps.playbooks.models import Playbook
from apps.playbooks.runtime import compiled_playbook
from tests.compliance.test_brazil_and_philippines_laws import obligations
from tests.recommendations.golden import evaluated_case

pytestmark = pytest.mark.django_db
LONDON = "London law firm: disclosure review for Commercial Court litigation"
UK_CONTRACTS = "UK law firm: one-off contract review for an acquisition"
US_FIRM = "AmLaw 200 firm: steady e-discovery review"
PD57AD = (
    "https://www.justice.gov.uk/courts/procedure-rules/civil/rules/part-57a-business-and-property-courts/"
    "practice-direction-57ad-disclosure-in-the-business-and-property-courts"
)
CONDITION = (
    "Keep the disclosure review under your lawyers' direction: a written review protocol, answers to the reviewers'"
    " questions, sampling of the provider's decisions and checks of claims to privilege, with the documents preserved"
    " throughout (CPR PD 57AD paras. 3-4)"
)


def test_a_london_firms_disclosure_review_reads_pd_57ad_with_its_paragraphs(reference: Playbook) -> None:
    ev = evaluated_case(reference, LONDON)

    assert "cpr-pd57ad" in ev.regime_codes
    duties = obligations(ev, "cpr-pd57ad")
    assert duties["preserve-documents"] == ("CPR PD 57AD paras. 3-4", PD57AD, "secondary")
    assert duties["supervise-the-review"] == ("CPR PD 57AD para. 3", PD57AD, "secondary")
    assert duties["protocol-and-confidentiality"][:2] == ("CPR PD 57AD para. 3", PD57AD)
    assert duties["certify-what-was-checked"][0] == "CPR PD 57AD paras. 12, 23; Appendices 3-4"
    regime = next(r for r in ev.regimes if r.code == "cpr-pd57ad")
    assert {phase for phase, _label, _items in regime.obligations} == {"before_signing", "in_contract", "during"}
    assert regime.confidence == "secondary" and regime.effective_date == "2022-10-01"
    assert [s["url"] for s in regime.sources] == [PD57AD]
    assert "(para. 3)" in regime.summary and "Appendices 3-4" in regime.summary


def test_directing_the_review_is_a_condition_not_a_gate(reference: Playbook) -> None:
    ev = evaluated_case(reference, LONDON)

    assert [c.text for c in ev.conditions if c.rule == "disclosure-review-pd57ad"] == [CONDITION]
    assert ev.gates == ()
    assert not [c for c in ev.fit_contributions if c.rule == "disclosure-review-pd57ad"]


@pytest.mark.parametrize(
    ("case", "changes"),
    [(UK_CONTRACTS, {}), (LONDON, {"legal_disclosure_review": False})],
    ids=["uk-contract-review", "uk-review-not-for-disclosure"],
)
def test_a_uk_legal_review_not_for_disclosure_does_not_read_it(
    reference: Playbook, case: str, changes: dict[str, Any]
) -> None:
    ev = evaluated_case(reference, case, **changes)

    assert ev.answers["legal_disclosure_review"] is False
    assert "cpr-pd57ad" not in ev.regime_codes
    assert not [c for c in ev.conditions if c.rule == "disclosure-review-pd57ad"]


def test_a_us_firms_review_is_not_asked_about_english_disclosure(reference: Playbook) -> None:
    ev = evaluated_case(reference, US_FIRM)

    assert "legal_disclosure_review" not in ev.visible and "cpr-pd57ad" not in ev.regime_codes


def test_the_question_is_asked_of_legal_review_touching_the_uk_and_is_not_a_fixed_fact(reference: Playbook) -> None:
    compiled = compiled_playbook(reference)
    question = compiled.questions["legal_disclosure_review"]
    assert question.required and not question.fixed

    def shown(**changes: Any) -> bool:
        given = {**reference.golden_cases.get(name__startswith=LONDON).answers, **changes}
        given.pop("legal_disclosure_review")
        answers, problems = clean_answers(compiled.questions, {k: v for k, v in given.items() if v is not None})
        assert not problems
        return "legal_disclosure_review" in visibility(compiled, answers).missing

    assert shown()
    assert not shown(client_jurisdictions=["us"])
    assert not shown(function="financial-analysis", legal_us_lawyers=None, legal_client_consent=None)


def test_the_ministry_of_justices_host_is_official(reference: Playbook) -> None:
    assert SourceHost.objects.get(host="justice.gov.uk").kind == "official"
