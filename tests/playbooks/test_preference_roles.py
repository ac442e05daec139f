"""Preferences reach the engine by question role: a curator renaming the preference questions keeps the
preference, its weight against the requirements and the trade-offs it names."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from apps.playbooks.engine import compile_playbook, evaluate
from apps.playbooks.engine.evaluate import Evaluation
from apps.playbooks.lint import lint
from apps.playbooks.models import Playbook

pytestmark = pytest.mark.django_db

RENAMES = {"preferred_region": "favoured_region", "overnight_turnaround": "follow_the_sun"}


def renamed(definition: dict[str, Any]) -> dict[str, Any]:
    """The definition as a curator leaves it after renaming the two questions (conditions follow)."""
    data = copy.deepcopy(definition)

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key in ("code", "question"):
                if node.get(key) in RENAMES:
                    node[key] = RENAMES[node[key]]
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for section in data["sections"]:
        walk(section["questions"])
    walk(data["rules"])
    return data


def india_lover(reference: Playbook, codes: dict[str, str]) -> dict[str, Any]:
    """A US buyer needing 4 h of overlap who prefers India and wants overnight turnaround."""
    answers = dict(reference.golden_cases.get(name__startswith="New York company: FP&A").answers)
    return {**answers, "overlap_hours": 4, codes["preferred_region"]: "india", codes["overnight_turnaround"]: True}


def trade_offs(evaluation: Evaluation) -> tuple[list[str], list[str]]:
    return [p.code for p in evaluation.preferences], [c.code for c in evaluation.conflicts]


def test_renaming_the_preference_questions_keeps_the_preferences_and_their_trade_offs(reference: Playbook) -> None:
    definition = dict(reference.definition)
    before = evaluate(compile_playbook(definition), india_lover(reference, {k: k for k in RENAMES}))
    after = evaluate(compile_playbook(renamed(definition)), india_lover(reference, RENAMES))

    expected = (
        ["preferred_region", "overnight_turnaround"],
        ["preferred_region:overlap", "overnight_turnaround:overlap"],
    )
    assert trade_offs(before) == expected
    assert trade_offs(after) == expected
    assert [loc.code for loc in after.locations] == [loc.code for loc in before.locations]


def test_a_question_named_like_a_preference_without_its_role_states_no_preference(reference: Playbook) -> None:
    definition = copy.deepcopy(dict(reference.definition))
    for section in definition["sections"]:
        for question in section["questions"]:
            if question["code"] in RENAMES:
                question["role"] = ""
    evaluation = evaluate(compile_playbook(definition), india_lover(reference, {k: k for k in RENAMES}))
    assert trade_offs(evaluation) == ([], [])
    messages = [f.message for f in lint(definition) if not f.is_error]
    for role in RENAMES:
        assert any(f"no question has the {role!r} role" in m for m in messages), role
