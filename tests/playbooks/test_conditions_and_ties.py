"""Verdicts that state their conditions, and ties between models broken by a documented rule (docs/scoring.md,
"Ties between models"), on plain definitions (no database)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from apps.playbooks.engine import DefinitionError, compile_playbook, evaluate
from apps.playbooks.engine.batch import score_batch
from apps.playbooks.lint import lint

SOURCE = [{"title": "Article", "url": "https://example.test"}]
# Display order puts the heaviest commitment first, so a tie settled by display order would pick BOT.
MODELS: dict[str, Any] = {
    "bot": {"name": "BOT", "is_kpo": True, "order": 1, "ramp_up_months": 6, "commitment_hours": 2000},
    "captive-team": {"name": "Captive team", "is_kpo": True, "order": 2, "ramp_up_months": 3, "commitment_hours": 2000},
    "staff-augmentation": {"name": "Staff", "is_kpo": True, "order": 3, "ramp_up_months": 3, "commitment_hours": 1920},
    "shared-pool": {"name": "Shared pool", "is_kpo": True, "order": 4, "ramp_up_months": 1, "commitment_hours": None},
}
DEFINITION: dict[str, Any] = {
    "playbook": {"title": "Ties", "wins_threshold": 65, "conditional_threshold": 45},
    "sections": [
        {
            "code": "s",
            "questions": [
                {"code": "judgement", "kind": "yes_no"},
                {"code": "phi", "kind": "yes_no"},
                {"code": "tie", "kind": "single", "options": [{"code": "all"}, {"code": "heavy"}]},
            ],
        }
    ],
    "rules": [
        {
            "code": "judgement",
            "name": "Judgement work",
            "conditions": [{"question": "judgement", "op": "equals", "value": True}],
            "effects": [
                {"kind": "fit", "points": 5},
                {"kind": "condition", "text": "Run a paid pilot of 3 months with agreed exit criteria"},
            ],
        },
        {
            "code": "phi",
            "name": "Health data",
            "conditions": [{"question": "phi", "op": "equals", "value": True}],
            "effects": [
                {"kind": "condition", "text": "Sign a BAA before any PHI moves"},
                # The same item from a second rule is asked once.
                {"kind": "condition", "text": "Run a paid pilot of 3 months with agreed exit criteria"},
            ],
        },
        {
            "code": "all-tie",
            "name": "Every model alike",
            "conditions": [{"question": "tie", "op": "equals", "value": "all"}],
            "effects": [{"kind": "model", "target": code, "points": 10} for code in MODELS],
        },
        {
            "code": "heavy-tie",
            "name": "The committed models alike",
            "conditions": [{"question": "tie", "op": "equals", "value": "heavy"}],
            "effects": [{"kind": "model", "target": code, "points": 10} for code in ("bot", "captive-team")]
            + [{"kind": "model", "target": "staff-augmentation", "points": 10}],
        },
    ],
    "catalogue": {"models": MODELS},
}


def definition(**rule_changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(DEFINITION)
    for rule in data["rules"]:
        rule.update(rule_changes.get(rule["code"], {}))
    return data


def test_conditions_come_from_the_rules_that_fire_each_once_in_rule_order() -> None:
    ev = evaluate(compile_playbook(definition()), {"judgement": True, "phi": True, "tie": "all"})

    assert [(c.text, c.rule) for c in ev.conditions] == [
        ("Run a paid pilot of 3 months with agreed exit criteria", "judgement"),
        ("Sign a BAA before any PHI moves", "phi"),
    ]
    assert "condition: Sign a BAA before any PHI moves" in ev.fired[1].effects
    assert ev.as_dict()["conditions"][1] == {
        "text": "Sign a BAA before any PHI moves",
        "rule": "phi",
        "name": "Health data",
    }


def test_no_condition_when_no_rule_states_one() -> None:
    ev = evaluate(compile_playbook(definition()), {"judgement": False, "phi": False, "tie": "all"})

    assert ev.conditions == ()


def test_a_condition_needs_its_text_to_compile_and_lint_says_so() -> None:
    bad = definition(phi={"effects": [{"kind": "condition", "text": ""}]})

    with pytest.raises(DefinitionError, match="rule phi: a condition needs its text"):
        compile_playbook(bad)
    assert any(f.code == "phi" and "condition effect has no text" in f.message for f in lint(bad))


def test_a_tie_goes_to_the_lighter_commitment_not_the_display_order() -> None:
    pb = compile_playbook(definition())

    ev = evaluate(pb, {"judgement": True, "phi": False, "tie": "all"})

    # All four have 10 points: shortest ramp-up first; then at 3 months the fewer committed hours.
    assert [m.code for m in ev.models] == ["shared-pool", "staff-augmentation", "captive-team", "bot"]
    assert {m.score for m in ev.models} == {10}


def test_a_tie_on_ramp_up_goes_to_the_fewer_committed_hours() -> None:
    pb = compile_playbook(definition())

    ev = evaluate(pb, {"judgement": True, "phi": False, "tie": "heavy"})

    assert [m.code for m in ev.models[:3]] == ["staff-augmentation", "captive-team", "bot"]


def test_the_batch_scorer_breaks_ties_the_same_way() -> None:
    pb = compile_playbook(definition())
    rows = [{"judgement": True, "phi": False, "tie": "all"}, {"judgement": True, "phi": False, "tie": "heavy"}]

    batch = score_batch(pb, rows)

    assert [batch.models[i] for i in batch.top_model] == [evaluate(pb, r).top_model for r in rows]
    assert [batch.models[i] for i in batch.top_model] == ["shared-pool", "staff-augmentation"]
