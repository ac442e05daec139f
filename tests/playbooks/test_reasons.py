"""The "Because" of a fired rule, as the buyer reads it: only the questions they saw and answered, the options
they chose, and thresholds as a person writes them; never the rule's operators ("(or unanswered)", "is at least
1001", "is none of"). The curator's reading of a condition (``Condition.describe``) is unchanged."""

from __future__ import annotations

from typing import Any

from apps.playbooks.engine import compile_playbook, evaluate
from apps.playbooks.engine.types import Condition

QUESTIONS: list[dict[str, Any]] = [
    {"code": "own", "kind": "yes_no", "prompt": "Own a centre?", "required": False},
    {
        "code": "setup",
        "kind": "single",
        "prompt": "Who sets it up?",
        "required": False,
        "visible_when": "all",
        "conditions": [{"question": "own", "op": "equals", "value": True}],
        "options": [{"code": "provider", "label": "A provider"}, {"code": "ourselves", "label": "We do"}],
    },
    {"code": "hours", "kind": "integer", "prompt": "Hours?", "unit": "hours a year", "required": False},
    {
        "code": "mgmt",
        "kind": "integer",
        "prompt": "Management?",
        "unit": "hours per person per week",
        "required": False,
    },
    {"code": "cost", "kind": "integer", "prompt": "Your own cost?", "required": False},
    {
        "code": "work",
        "kind": "single",
        "prompt": "Which work?",
        "required": False,
        "options": [{"code": c, "label": c.title()} for c in ("research", "legal", "analytics", "patents")],
    },
    {
        "code": "data",
        "kind": "multi",
        "prompt": "Which data?",
        "required": False,
        "options": [{"code": c, "label": f"{c.upper()} data"} for c in ("eu", "uk", "us", "none")],
    },
]


def _evaluate(conditions: list[dict[str, Any]], answers: dict[str, Any]) -> tuple[str, ...]:
    """The Because of one rule with these conditions, for these answers ((), rule not fired: a failure)."""
    definition = {
        "playbook": {"id": 1, "version": 1, "title": "T", "wins_threshold": 65, "conditional_threshold": 45},
        "sections": [{"code": "s", "title": "S", "questions": QUESTIONS}],
        "rules": [
            {
                "code": "r",
                "name": "R",
                "rationale": "",
                "conditions": conditions,
                "effects": [{"kind": "fit", "points": 5}],
            }
        ],
    }
    ev = evaluate(compile_playbook(definition), answers)
    (fired,) = ev.fired
    return fired.because


def test_a_condition_on_a_question_the_buyer_never_saw_is_not_a_reason_given() -> None:
    conditions: list[dict[str, Any]] = [
        {"question": "setup", "op": "not_one_of", "value": ["ourselves"]},
        {"question": "hours", "op": "at_least", "value": 1001},
    ]
    # "Who sets it up?" is shown only to a buyer owning a centre: hidden here, so the rule holds but says nothing.
    assert _evaluate(conditions, {"own": False, "setup": "ourselves", "hours": 14000}) == (
        "“Hours?” is more than 1,000 hours a year",
    )
    # Shown and answered, the same condition is a reason, in plain words.
    assert _evaluate(conditions, {"own": True, "setup": "provider", "hours": 14000}) == (
        "“Who sets it up?” is not “We do”",
        "“Hours?” is more than 1,000 hours a year",
    )
    # Shown and left unanswered: not a reason either.
    assert _evaluate(conditions, {"own": True, "hours": 14000}) == ("“Hours?” is more than 1,000 hours a year",)


def test_a_question_left_unanswered_on_purpose_is_said_so() -> None:
    assert _evaluate([{"question": "cost", "op": "not_answered"}], {}) == ("“Your own cost?” was left unanswered",)


def test_thresholds_read_as_a_person_writes_them() -> None:
    def said(op: str, value: Any, code: str = "mgmt", answer: int = 1) -> str:
        return _evaluate([{"question": code, "op": op, "value": value}], {code: answer})[0]

    assert said("at_most", 1) == "“Management?” is at most 1 hour per person per week"
    assert said("at_least", 2, answer=3) == "“Management?” is at least 2 hours per person per week"
    assert said("at_most", 999, "hours", 400) == "“Hours?” is less than 1,000 hours a year"
    assert said("at_most", 1000, "hours", 400) == "“Hours?” is at most 1,000 hours a year"
    assert said("between", [2, 3], "mgmt", 2) == "“Management?” is between 2 and 3 hours per person per week"
    assert said("at_least", 1, "cost", 5) == "“Your own cost?” is at least 1"


def test_a_list_of_options_is_cut_to_what_the_buyer_chose() -> None:
    one_of = {"question": "work", "op": "one_of", "value": ["research", "legal", "analytics"]}
    assert _evaluate([one_of], {"work": "legal"}) == ("“Which work?” is Legal",)
    any_of = {"question": "data", "op": "contains_any", "value": ["eu", "uk", "us"]}
    assert _evaluate([any_of], {"data": ["uk", "us"]}) == ("“Which data?” includes UK data and US data",)


def test_an_excluded_option_reads_as_not_or_does_not_include() -> None:
    single = {"question": "work", "op": "none_of", "value": ["patents"]}
    assert _evaluate([single], {"work": "legal"}) == ("“Which work?” is not “Patents”",)
    two = {"question": "work", "op": "none_of", "value": ["patents", "legal"]}
    assert _evaluate([two], {"work": "research"}) == ("“Which work?” is not “Patents” or “Legal”",)
    multi = {"question": "data", "op": "none_of", "value": ["eu"]}
    assert _evaluate([multi], {"data": ["uk"]}) == ("“Which data?” does not include “EU data”",)


def test_the_curators_reading_of_a_condition_keeps_its_operators() -> None:
    pb = compile_playbook(
        {
            "playbook": {"id": 1, "version": 1, "title": "T", "wins_threshold": 65, "conditional_threshold": 45},
            "sections": [{"code": "s", "title": "S", "questions": QUESTIONS}],
            "rules": [],
        }
    )
    assert Condition("hours", "at_least", 1001).describe(pb.questions) == "“Hours?” is at least 1001"
    assert Condition("setup", "not_one_of", ["ourselves"]).describe(pb.questions) == (
        "“Who sets it up?” is not “We do” (or unanswered)"
    )
