"""Buyer situations through the reference playbook: each golden case in the shipped playbook is a
situation with the verdict, top model and regimes a KPO expert would expect, and a note saying why."""

from __future__ import annotations

import json
import re

import pytest

from apps.playbooks.golden import run_golden_cases
from apps.playbooks.models import Playbook
from apps.playbooks.reference import DATA_FILE
from apps.playbooks.runtime import compiled_playbook

pytestmark = pytest.mark.django_db
CASES = json.loads(DATA_FILE.read_text())["golden_cases"]
OPERATORS = ("is none of", "is one of", "includes any of", "includes all of", "is at least 1001")


def test_the_reference_playbook_meets_the_minimums() -> None:
    data = json.loads(DATA_FILE.read_text())
    assert len(data["sections"]) >= 6
    assert sum(len(s["questions"]) for s in data["sections"]) >= 24
    assert len(data["rules"]) >= 40
    assert len(CASES) >= 48
    assert all(case["why"] for case in CASES), "every situation says why"
    kinds = {e["kind"] for r in data["rules"] for e in r["effects"]}
    assert kinds == {"fit", "model", "blocker", "regime", "risk", "location", "condition", "gate"}


@pytest.mark.parametrize("name", [c["name"] for c in CASES])
def test_reference_situation(name: str, reference: Playbook) -> None:
    playbook = reference
    case = playbook.golden_cases.get(name=name)
    result = run_golden_cases(compiled_playbook(playbook), [case])[0]
    assert result.passed, f"{result.summary()} — expected because: {case.why}"
    assert result.evaluation is not None and not result.evaluation.missing_required


def test_every_reason_a_buyer_reads_names_a_question_they_saw_in_plain_words(reference: Playbook) -> None:
    """The "Because" of each fired rule, over every situation: no question the buyer was never shown (a centre of
    their own when they plan none), no rule syntax ("(or unanswered)", "is at least 1001", "includes any of")."""
    compiled = compiled_playbook(reference)
    for case in reference.golden_cases.all():
        ev = run_golden_cases(compiled, [case])[0].evaluation
        assert ev is not None
        shown = {compiled.questions[code].prompt for code in ev.visible}
        for rule in ev.fired:
            for reason in rule.because:
                prompt, said = reason[1:].split("” ", 1)
                assert prompt in shown, (case.name, rule.code, reason)
                assert not said.startswith(OPERATORS) and "(or unanswered)" not in said, (case.name, rule.code, reason)
                assert not re.search(r"\d{4}", reason.replace("27001:2022", "")), (case.name, rule.code, reason)
