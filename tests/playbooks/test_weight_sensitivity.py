"""Rule-weight sensitivity for curators, checked against re-scoring with every weight in a range."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from apps.playbooks.engine.evaluate import outcome
from apps.playbooks.engine.weights import weight_sensitivity
from tests.playbooks.test_counterfactuals import ANSWERS, RULE, playbook

WEIGHTS = range(-45, 46)


def _weights_to_try(low: int | None, high: int | None, points: int) -> list[int]:
    """Every fifth weight over the whole span, and every weight within two of each end of the range and of
    the rule's own points: where a wrong range would show. (The result moves one way as one weight grows, so
    it holds on one interval; trying all 91 weights, each a fresh compile, made this the suite's slowest
    test.)"""
    near = {e + d for e in (low, high, points) if e is not None for d in range(-2, 3)}
    return sorted(w for w in set(WEIGHTS[::5]) | near | {WEIGHTS[-1]} if w in WEIGHTS)


def _with_weight(rules: list[dict[str, Any]], rule: str, effect: int, points: int) -> Any:
    changed = copy.deepcopy(rules)
    changed[int(rule[1:])]["effects"][effect]["points"] = points
    return playbook(changed)


@settings(max_examples=150, deadline=None)
@given(rules=st.lists(RULE, min_size=1, max_size=5), answers=ANSWERS)
def test_each_range_is_exactly_where_the_result_holds(rules: list[dict[str, Any]], answers: dict[str, Any]) -> None:
    pb = playbook(rules)
    base = outcome(pb, answers)
    ranges = weight_sensitivity(pb, answers)
    fired = {r.code for r, predicate in pb.rules if predicate(answers)}
    expected = {
        (f"r{i}", j)
        for i, rule in enumerate(rules)
        if f"r{i}" in fired
        for j, e in enumerate(rule["effects"])
        if e["kind"] in ("fit", "model")
    }
    assert {(r.rule, r.effect) for r in ranges} == expected
    for r in ranges:
        for points in _weights_to_try(r.low, r.high, rules[int(r.rule[1:])]["effects"][r.effect]["points"]):
            result = outcome(_with_weight(rules, r.rule, r.effect, points), answers)
            holds = (result.top_model == base.top_model) if r.kind == "model" else (result.verdict == base.verdict)
            inside = (r.low is None or points >= r.low) and (r.high is None or points <= r.high)
            assert holds == inside, (r, points, result, base)


def test_ranges_read_as_curators_need_them() -> None:
    rules = [
        {"match": "all", "conditions": [{"question": "y", "op": "equals", "value": True}],
         "effects": [{"kind": "model", "target": "one", "points": 8}, {"kind": "fit", "points": 20}]},
        {"match": "all", "conditions": [{"question": "y", "op": "equals", "value": True}],
         "effects": [{"kind": "model", "target": "two", "points": 5}]},
    ]  # fmt: skip
    pb = playbook(rules)
    ranges = {(r.rule, r.effect): r for r in weight_sensitivity(pb, {"y": True, "s": "a", "n": 1, "m": []})}
    top = ranges[("r0", 0)]
    assert (top.low, top.high, top.below) == (5, None, "Two would rank first")  # ties go to One (order 1)
    other = ranges[("r1", 0)]
    assert (other.low, other.high, other.above) == (None, 8, "Two would rank first")  # 9 passes One's 8
    fit = ranges[("r0", 1)]  # 50 + 20 = 70: wins at 65, so it holds down to 15
    assert (fit.low, fit.high) == (15, None)
    assert fit.below == "the verdict would be “KPO wins, on conditions”"
    assert [r.margin for r in weight_sensitivity(pb, {"y": True})] == sorted(
        r.margin for r in weight_sensitivity(pb, {"y": True}) if r.margin is not None
    )
