"""The "Because" of a fired rule, as the buyer reads it: only the questions they saw and answered, the options
they chose, and thresholds as a person writes them; never the rule's operators ("(or unanswered)", "is at least
1001", "is none of"). The curator's reading of a condition (``Condition.describe``) is unchanged."""

from __future__ import annotations

import importlib
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from apps.playbooks.definition import catalogue_snapshot
from apps.playbooks.engine import compile_playbook, evaluate
from apps.playbooks.engine.reasons import because
from apps.playbooks.engine.types import Condition
from apps.playbooks.engine.visibility import visibility
from apps.playbooks.models import Playbook
from bench.playbooks import answer_sets, generate_playbook

# The module (the package's ``evaluate`` is the function of that name), for its memo's size.
EVALUATE = importlib.import_module("apps.playbooks.engine.evaluate")

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
    (because,) = _evaluate_in_turn(conditions, [answers])
    return because


def _evaluate_in_turn(conditions: list[dict[str, Any]], sets: list[dict[str, Any]]) -> list[tuple[str, ...]]:
    """The Because of one rule for each answer set in turn, all on one compiled playbook (which remembers what it
    said: ``evaluate._said_all``)."""
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
    compiled = compile_playbook(definition)
    out = []
    for answers in sets:
        (fired,) = evaluate(compiled, answers).fired
        out.append(fired.because)
    return out


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


def test_what_is_remembered_reads_the_answers_its_words_read() -> None:
    """A rule's words are remembered by the answers they read: a threshold reads the same for any number, an
    option as the one chosen, and an unanswered question as left unanswered only where it was shown."""
    conditions = [
        {"question": "hours", "op": "at_least", "value": 1001},
        {"question": "work", "op": "one_of", "value": ["legal", "research"]},
    ]
    more = "“Hours?” is more than 1,000 hours a year"
    sets = [{"hours": h, "work": w} for h, w in ((2000, "legal"), (5000, "legal"), (5000, "research"), (2000, "legal"))]
    assert _evaluate_in_turn(conditions, sets) == [
        (more, "“Which work?” is Legal"),
        (more, "“Which work?” is Legal"),
        (more, "“Which work?” is Research"),
        (more, "“Which work?” is Legal"),
    ]
    unanswered = [{"question": "setup", "op": "not_answered"}]
    shown = ("“Who sets it up?” was left unanswered",)
    sets = [{"own": False}, {"own": True}, {"own": False}, {"own": True}]
    assert _evaluate_in_turn(unanswered, sets) == [(), shown, (), shown]


def _said_afresh(compiled: Any, answers: dict[str, Any]) -> dict[str, tuple[str, ...]]:
    """Each fired rule's words said afresh from its conditions, as ``reasons.because`` says them."""
    seen = visibility(compiled, answers)
    conditions = {rule.code: rule.conditions for rule, _ in compiled.rules}
    return {
        r.code: because(compiled.questions, conditions[r.code], seen.answers, set(seen.questions))
        for r in evaluate(compiled, answers, priced=False).fired
    }


@pytest.mark.parametrize("memo_size", [20_000, 3])
def test_remembered_reasons_are_the_reasons_said_afresh(
    reference: Playbook, monkeypatch: pytest.MonkeyPatch, memo_size: int
) -> None:
    # A tiny memo is emptied over and over as the same rules meet other answers: nothing stale may survive that.
    monkeypatch.setattr(EVALUATE, "SAID_MEMO_SIZE", memo_size)
    monkeypatch.setattr(EVALUATE, "SAID_MEMO_PER_RULE", 0 if memo_size < 10 else 4)
    definition = generate_playbook(300, catalogue=catalogue_snapshot(), seed=8)
    compiled = compile_playbook(definition)
    sets = answer_sets(definition, 60, seed=8) + answer_sets(definition, 40, seed=9, answered=0.4)
    said = 0
    for answers in sets + sets[::-1]:  # the second pass meets every answer set again, now remembered
        got = {r.code: r.because for r in evaluate(compiled, answers, priced=False).fired}
        assert got == _said_afresh(compiled, answers)
        said += len(got)
    assert said > 1_000  # rules fired and were said, each of them on a second meeting too


def test_threads_sharing_a_fresh_compiled_playbook_explain_as_one_thread_does(reference: Playbook) -> None:
    """Threads evaluating at once on a compiled playbook none has evaluated yet each build and remember rules' plans
    and words (``evaluate._fired_plans``, ``_said_all``): every result is the one a playbook of its own gives."""
    definition = generate_playbook(300, catalogue=catalogue_snapshot(), seed=11)
    sets = answer_sets(definition, 48, seed=11)
    alone = compile_playbook(definition)
    expected = [evaluate(alone, answers, priced=False) for answers in sets]
    shared = compile_playbook(definition)
    start = threading.Barrier(4)

    def run(part: int) -> list[tuple[int, Any]]:
        start.wait()
        return [(i, evaluate(shared, sets[i], priced=False)) for i in range(part, len(sets), 4)]

    with ThreadPoolExecutor(4) as pool:
        got = dict(pair for found in pool.map(run, range(4)) for pair in found)
    assert [got[i] for i in range(len(sets))] == expected
    assert sum(len(e.fired) for e in expected) > 1_000
    assert EVALUATE.rule_index(shared).memo["planned"] == sum(p is not None for p in EVALUATE.rule_index(shared).plans)
