"""Buyer situations through the reference playbook: each golden case in the shipped playbook is a
situation with the verdict, top model and regimes a KPO expert would expect, and a note saying why."""

from __future__ import annotations

import json

import pytest

from apps.playbooks.golden import run_golden_cases
from apps.playbooks.models import Playbook
from apps.playbooks.reference import DATA_FILE
from apps.playbooks.runtime import compiled_playbook

pytestmark = pytest.mark.django_db
CASES = json.loads(DATA_FILE.read_text())["golden_cases"]


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
