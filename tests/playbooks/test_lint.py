"""Every lint finding, on plain definitions (no database)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from apps.playbooks.lint import lint

BASE: dict[str, Any] = {
    "playbook": {"wins_threshold": 65, "conditional_threshold": 45},
    "sections": [
        {
            "code": "s1",
            "questions": [
                {"code": "function", "kind": "single", "role": "function", "options": [{"code": "a"}, {"code": "b"}]},
                {"code": "hours", "kind": "integer", "role": "annual_hours"},
                {"code": "years", "kind": "integer", "role": "horizon"},
                {"code": "ok", "kind": "yes_no"},
                # The roles the recommendation's consumers read (vendor matching, the locations table, trade-offs).
                {"code": "where", "kind": "single", "role": "buyer_location", "options": [{"code": "us"}]},
                {"code": "overlap", "kind": "integer", "role": "overlap_hours"},
                {"code": "assurance", "kind": "multi", "role": "vendor_assurance", "options": [{"code": "soc2"}]},
                {"code": "region", "kind": "single", "role": "preferred_region", "options": [{"code": "india"}]},
                {"code": "overnight", "kind": "yes_no", "role": "overnight_turnaround"},
            ],
        }
    ],
    "rules": [
        {
            "code": "r1",
            "conditions": [{"question": "ok", "op": "equals", "value": True}],
            "effects": [{"kind": "fit", "points": 5}],
        }
    ],
    "catalogue": {
        "models": {"team": {"name": "Team"}, "old": {"name": "Old", "retired": True}},
        "regimes": {},
        "locations": {},
    },
}


def findings(change: Any = None) -> list[tuple[str, str, str, str]]:
    data = copy.deepcopy(BASE)
    if change:
        change(data)
    return [(f.level, f.kind, f.code, f.message) for f in lint(data)]


def q(data: dict[str, Any]) -> list[dict[str, Any]]:
    return data["sections"][0]["questions"]


def test_a_clean_playbook_has_no_findings() -> None:
    assert findings() == []


def has(found: list[tuple[str, str, str, str]], level: str, code: str, text: str) -> bool:
    return any(f[0] == level and f[2] == code and text in f[3] for f in found)


@pytest.mark.parametrize(
    ("change", "level", "code", "text"),
    [
        # conditions that point at later or missing questions or options
        (
            lambda d: q(d)[0].update(conditions=[{"question": "ok", "op": "answered"}]),
            "error",
            "function",
            "missing or comes later",
        ),
        (
            lambda d: q(d).append(
                {"code": "x", "kind": "yes_no", "conditions": [{"question": "nope", "op": "answered"}]}
            ),
            "error",
            "x",
            "missing or comes later",
        ),
        (
            lambda d: d["rules"][0].update(conditions=[{"question": "function", "op": "equals", "value": "zz"}]),
            "error",
            "r1",
            "no option zz",
        ),
        (
            lambda d: d["rules"][0].update(conditions=[{"question": "ok", "op": "equals", "value": "yes"}]),
            "error",
            "r1",
            "true or false",
        ),
        (
            lambda d: d["rules"][0].update(conditions=[{"question": "function", "op": "at_least", "value": 3}]),
            "error",
            "r1",
            "needs a number question",
        ),
        (
            lambda d: d["rules"][0].update(conditions=[{"question": "ok", "op": "contains_all", "value": [True]}]),
            "error",
            "r1",
            "multiple-choice questions only",
        ),
        # questions that can never be visible, and required ones hidden on every path
        (
            lambda d: q(d).append(
                {
                    "code": "x",
                    "kind": "yes_no",
                    "required": False,
                    "conditions": [
                        {"question": "function", "op": "equals", "value": "a"},
                        {"question": "function", "op": "equals", "value": "b"},
                    ],
                }
            ),
            "warning",
            "x",
            "can never be shown",
        ),
        (
            lambda d: q(d).append(
                {
                    "code": "x",
                    "kind": "yes_no",
                    "conditions": [
                        {"question": "hours", "op": "at_least", "value": 10},
                        {"question": "hours", "op": "at_most", "value": 5},
                    ],
                }
            ),
            "warning",
            "x",
            "required, but hidden on every path",
        ),
        # rules that can never fire
        (
            lambda d: d["rules"][0].update(
                conditions=[
                    {"question": "ok", "op": "equals", "value": True},
                    {"question": "ok", "op": "equals", "value": False},
                ]
            ),
            "warning",
            "r1",
            "can never fire",
        ),
        (lambda d: d["rules"][0].update(effects=[]), "error", "r1", "no effects"),
        # duplicate codes
        (lambda d: q(d).append({"code": "ok", "kind": "yes_no"}), "error", "ok", "used twice"),
        (lambda d: d["rules"].append(copy.deepcopy(d["rules"][0])), "error", "r1", "used twice"),
        (lambda d: q(d)[0]["options"].append({"code": "a"}), "error", "function", "option codes repeat"),
        # effects on retired (or unknown) catalogue entries
        (
            lambda d: d["rules"][0]["effects"].append({"kind": "model", "target": "old", "points": 3}),
            "warning",
            "r1",
            "retired model",
        ),
        (
            lambda d: d["rules"][0]["effects"].append({"kind": "model", "target": "gone", "points": 3}),
            "error",
            "r1",
            "unknown model",
        ),
        # gates: text needed, points meaningless, and nothing to cap when the same rule blocks
        (
            lambda d: d["rules"][0]["effects"].append({"kind": "gate", "text": ""}),
            "error",
            "r1",
            "gate effect has no text",
        ),
        (
            lambda d: d["rules"][0]["effects"].append({"kind": "gate", "text": "a licence", "points": 5}),
            "warning",
            "r1",
            "points are ignored",
        ),
        (
            lambda d: d["rules"][0]["effects"].extend(
                [{"kind": "gate", "text": "a licence"}, {"kind": "blocker", "text": "No."}]
            ),
            "warning",
            "r1",
            "its gate never changes the verdict",
        ),
        (
            lambda d: d["rules"][0]["effects"].append(
                {"kind": "risk", "text": "Outages", "severity": "low", "mitigation": "Backup.", "notice": True}
            ),
            "warning",
            "r1",
            "only a gate can be a notice",
        ),
        (
            lambda d: d["rules"][0]["effects"].append({"kind": "condition", "text": "Test them", "evidence": True}),
            "warning",
            "r1",
            "only a gate can be evidence",
        ),
        (
            lambda d: d["rules"][0]["effects"].append(
                {"kind": "gate", "text": "the provider's proof", "notice": True, "evidence": True}
            ),
            "error",
            "r1",
            "a gate is one of a notice, the provider's evidence or yours to arrange",
        ),
        (
            lambda d: d["rules"][0]["effects"].append(
                {"kind": "gate", "text": "a supervisor's time", "notice": True, "own": True}
            ),
            "error",
            "r1",
            "a gate is one of a notice, the provider's evidence or yours to arrange",
        ),
        (
            lambda d: d["rules"][0]["effects"].append(
                {"kind": "risk", "text": "Slips", "severity": "low", "own": True}
            ),
            "warning",
            "r1",
            "only a gate can be yours to arrange",
        ),
        # a risk may name the location it belongs to, a known one
        (
            lambda d: d["rules"][0]["effects"].append(
                {"kind": "risk", "target": "atlantis", "text": "Floods", "severity": "low", "mitigation": "Boats."}
            ),
            "error",
            "r1",
            "risk effect names an unknown location 'atlantis'",
        ),
        # thresholds out of order
        (lambda d: d["playbook"].update(wins_threshold=40), "error", "", "thresholds"),
        # cost roles missing
        (lambda d: q(d)[0].update(role=""), "warning", "", "'function' role"),
        (lambda d: q(d)[1].update(role=""), "warning", "", "'annual_hours' or 'team_size'"),
        # sections left empty
        (lambda d: d["sections"].append({"code": "empty", "questions": []}), "warning", "empty", "no questions"),
        # a choice question without options, and bounds out of order
        (lambda d: q(d).append({"code": "x", "kind": "single", "options": []}), "error", "x", "needs options"),
        (
            lambda d: q(d).append({"code": "x", "kind": "integer", "min": 10, "max": 1}),
            "error",
            "x",
            "minimum is above",
        ),
    ],
)
def test_lint_finding(change: Any, level: str, code: str, text: str) -> None:
    found = findings(change)
    assert has(found, level, code, text), found


def test_a_condition_on_a_never_shown_question_is_reported_and_propagates() -> None:
    def change(d: dict[str, Any]) -> None:
        q(d).append(
            {
                "code": "x",
                "kind": "yes_no",
                "required": False,
                "conditions": [{"question": "hours", "op": "between", "value": [5, 1]}],
            }
        )
        q(d).append(
            {
                "code": "y",
                "kind": "yes_no",
                "required": False,
                "conditions": [{"question": "x", "op": "equals", "value": True}],
            }
        )

    found = findings(change)
    assert has(found, "warning", "x", "can never be shown")
    assert has(found, "warning", "y", "that question can never be shown")
    assert has(found, "warning", "y", "this question can never be shown")


def test_any_mode_is_shown_when_one_condition_can_hold() -> None:
    def change(d: dict[str, Any]) -> None:
        q(d).append(
            {
                "code": "x",
                "kind": "yes_no",
                "required": False,
                "visible_when": "any",
                "conditions": [
                    {"question": "ok", "op": "equals", "value": True},
                    {"question": "ok", "op": "equals", "value": False},
                ],
            }
        )

    assert findings(change) == []


def test_none_of_or_unanswered_can_hold_where_none_of_cannot() -> None:
    """``not_one_of`` every option still holds on no answer (or a question never shown), so lint does not call the
    rule dead; ``none_of`` every option can never hold, nor ``not_one_of`` together with ``one_of`` the same."""

    def rule(*conditions: dict[str, Any]) -> Any:
        return lambda d: d["rules"][0].update(conditions=list(conditions))

    every = ["a", "b"]
    assert not has(findings(rule({"question": "function", "op": "not_one_of", "value": every})), "warning", "r1", "")
    found = findings(rule({"question": "function", "op": "none_of", "value": every}))
    assert has(found, "warning", "r1", "can never fire"), found
    found = findings(
        rule(
            {"question": "function", "op": "not_one_of", "value": every},
            {"question": "function", "op": "one_of", "value": ["a"]},
        )
    )
    assert has(found, "warning", "r1", "can never fire"), found
    never = findings(
        lambda d: (
            q(d).append(
                {
                    "code": "x",
                    "kind": "yes_no",
                    "required": False,
                    "conditions": [{"question": "hours", "op": "between", "value": [5, 1]}],
                }
            ),
            d["rules"][0].update(conditions=[{"question": "x", "op": "not_one_of", "value": [True]}]),
        )
    )
    assert not has(never, "warning", "r1", ""), never


@pytest.mark.django_db
def test_admin_refuses_notice_or_evidence_on_another_effect_and_both_on_one_gate() -> None:
    """Review 52: the rule form saved Evidence on a risk, and Notice with Evidence on one gate."""
    from django.core.exceptions import ValidationError

    from apps.playbooks.models import Effect

    with pytest.raises(ValidationError) as risk:
        Effect(kind="risk", text="Outages", evidence=True).clean()
    assert "Only a gate can be the provider's evidence" in str(risk.value)
    with pytest.raises(ValidationError) as both:
        Effect(kind="gate", text="a consent", notice=True, evidence=True).clean()
    assert "A gate is one of a notice, the provider's evidence or yours to arrange" in str(both.value)
    with pytest.raises(ValidationError) as own:
        Effect(kind="gate", text="a supervisor's time", evidence=True, own=True).clean()
    assert "untick the others" in str(own.value)
    with pytest.raises(ValidationError) as condition:
        Effect(kind="condition", text="a supervisor's time", own=True).clean()
    assert "Only a gate can be yours to arrange" in str(condition.value)
    Effect(kind="gate", text="a consent", evidence=True).clean()  # one of them: fine
    Effect(kind="gate", text="a supervisor's time", own=True).clean()
