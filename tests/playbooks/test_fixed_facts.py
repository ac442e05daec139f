"""Facts about the buyer (questions marked ``fixed``: its sector, where it is, who regulates it) are never what
would flip it: a flip is what the buyer could do differently. Sensitivity still weighs them. The mark is a
curator's, kept through a playbook's export, import and publishing."""

from __future__ import annotations

from typing import Any

import pytest

from apps.playbooks.engine import compile_playbook
from apps.playbooks.engine.counterfactuals import _show, search_flips, sensitivity
from apps.playbooks.models import Playbook, Question
from apps.playbooks.runtime import compiled_playbook
from apps.playbooks.services import start_draft
from tests.recommendations.golden import evaluated_case


def playbook(*, fixed: bool) -> Any:
    sector: dict[str, Any] = {
        "code": "sector",
        "kind": "single",
        "prompt": "Sector",
        "options": [{"code": "bank"}, {"code": "health"}],
    }
    if fixed:
        sector["fixed"] = True
    return compile_playbook(
        {
            "playbook": {"id": 1, "version": 1, "title": "t"},
            "sections": [
                {
                    "code": "x",
                    "questions": [
                        sector,
                        {"code": "pilot", "kind": "yes_no", "prompt": "Pilot"},
                    ],
                }
            ],
            "rules": [
                {"code": "bank", "name": "Bank", "rationale": "", "match": "all",
                 "conditions": [{"question": "sector", "op": "equals", "value": "bank"}],
                 "effects": [{"kind": "fit", "points": -10}]},
                {"code": "pilot", "name": "Pilot", "rationale": "", "match": "all",
                 "conditions": [{"question": "pilot", "op": "equals", "value": True}],
                 "effects": [{"kind": "fit", "points": 10}]},
            ],
            "catalogue": {"models": {"one": {"name": "One", "order": 1}}},
        }
    )  # fmt: skip


def flipped_questions(pb: Any, answers: dict[str, Any]) -> set[str]:
    return {c.question for f in search_flips(pb, answers).flips for c in f.changes}


def test_a_fixed_question_is_never_changed_by_what_would_flip_it_but_still_weighs_in_sensitivity() -> None:
    answers = {
        "sector": "bank",
        "pilot": False,
    }  # 50 - 10 = 40: doesn't win; health or a pilot (45 or more) would flip it
    assert flipped_questions(playbook(fixed=False), answers) >= {"sector"}
    fixed = playbook(fixed=True)
    assert "sector" not in flipped_questions(fixed, answers)
    assert search_flips(fixed, answers).flips, "the changeable answers are still searched, alone and together"
    assert "sector" in {s.question for s in sensitivity(fixed, answers)}


@pytest.mark.django_db
def test_a_dutch_banks_flips_never_ask_it_to_be_another_kind_of_organisation(reference: Playbook) -> None:
    compiled = compiled_playbook(reference)
    facts = {code for code, q in compiled.questions.items() if q.fixed}
    assert {"buyer_sector", "buyer_location", "buyer_regulated_in", "function", "client_jurisdictions"} <= facts
    # Whether it controls the data or processes it for clients, and what kind of covered entity it is, are legal
    # facts too (review 113: a controller was told it would win "on conditions" as a processor).
    assert {"gdpr_role", "covered_entity_kind", "hipaa_role"} <= facts
    ev = evaluated_case(reference, "KYC refresh: a Dutch bank", preferred_region="cee")
    changed = {c.question for f in search_flips(compiled, ev.answers).flips for c in f.changes}
    assert changed and not changed & facts


@pytest.mark.django_db
def test_the_mark_survives_export_import_and_publishing(reference: Playbook) -> None:
    from apps.playbooks.definition import build_definition, playbook_parts

    # Loaded from the reference file by the import the admin and the command use:
    assert Question.objects.get(playbook=reference, code="buyer_sector").fixed
    assert not Question.objects.get(playbook=reference, code="pilot_possible").fixed
    for exported in (playbook_parts(reference), build_definition(reference)):
        questions = {q["code"]: q for s in exported["sections"] for q in s["questions"]}
        assert questions["buyer_sector"]["fixed"] is True and "fixed" not in questions["pilot_possible"]
    assert compiled_playbook(reference).questions["buyer_sector"].fixed
    draft = start_draft(playbook=reference)  # a curator's copy keeps the marks
    assert set(Question.objects.filter(playbook=draft, fixed=True).values_list("code", flat=True)) == set(
        Question.objects.filter(playbook=reference, fixed=True).values_list("code", flat=True)
    )


@pytest.mark.django_db
def test_a_hospitals_flips_never_ask_it_to_hold_other_data_and_an_empty_choice_reads_unanswered(
    reference: Playbook,
) -> None:
    compiled = compiled_playbook(reference)
    assert compiled.questions["data_categories"].fixed  # what the team would see is a fact about the work
    ev = evaluated_case(reference, "US hospital group: steady medical coding")
    flips = search_flips(compiled, ev.answers).flips
    assert flips and "data_categories" not in {c.question for f in flips for c in f.changes}
    assert _show(compiled.questions["data_categories"], []) == "unanswered"


@pytest.mark.django_db
def test_an_agencys_flips_never_ask_it_to_hold_no_federal_tax_information(reference: Playbook) -> None:
    # Review 147: what would flip it offered "No" or "Not sure" to federal tax information, a fact about the data
    # (the law that binds it), as the Medicaid ban is.
    compiled = compiled_playbook(reference)
    assert compiled.questions["federal_tax_information"].fixed and compiled.questions["medicaid_offshore"].fixed
    ev = evaluated_case(
        reference,
        "Textbook KPO: steady market analytics",
        buyer_sector="public-body",
        data_categories=["tax-returns"],
        tax_preparer=False,
        federal_tax_information="yes",
    )
    changed = {c.question for f in search_flips(compiled, ev.answers).flips for c in f.changes}
    assert "federal_tax_information" not in changed
