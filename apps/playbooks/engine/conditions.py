"""The one condition evaluator behind both the questionnaire's branching and the scoring rules.

A condition tests an earlier answer: question, operator, value. An unanswered (or hidden) question
fails every operator except ``not_answered``. Conditions compile once into closures.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from apps.playbooks.engine.types import MULTI, NUMERIC_KINDS, Answers, Condition, Predicate, Question


class ConditionError(ValueError):
    pass


def _as_set(value: Any) -> frozenset[Any]:
    return frozenset(value) if isinstance(value, list | tuple) else frozenset([value])


def _number(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConditionError(f"{what} needs a number, not {value!r}")
    return float(value)


def compile_condition(cond: Condition, subject: Question) -> Predicate:
    code, op, value = cond.question, cond.op, cond.value
    multi = subject.kind == MULTI

    if op == "answered":
        return lambda a: a.get(code) is not None
    if op == "not_answered":
        return lambda a: a.get(code) is None
    if op in ("at_least", "at_most", "between"):
        if subject.kind not in NUMERIC_KINDS:
            raise ConditionError(f"'{op}' works on numbers, but {code} is a {subject.kind} question")
        if op == "between":
            if not isinstance(value, list | tuple) or len(value) != 2:
                raise ConditionError(f"'between' needs [low, high], not {value!r}")
            low, high = _number(value[0], "between"), _number(value[1], "between")
            return lambda a: (v := a.get(code)) is not None and low <= v <= high
        bound = _number(value, op)
        if op == "at_least":
            return lambda a: (v := a.get(code)) is not None and v >= bound
        return lambda a: (v := a.get(code)) is not None and v <= bound

    wanted = _as_set(value)
    if op == "equals":
        if multi:
            return lambda a: (v := a.get(code)) is not None and frozenset(v) == wanted
        target = value
        return lambda a: (v := a.get(code)) is not None and v == target
    if op in ("one_of", "contains_any"):
        if multi:
            return lambda a: (v := a.get(code)) is not None and not wanted.isdisjoint(v)
        if op == "contains_any":
            raise ConditionError(f"'contains_any' works on multiple-choice questions; {code} is {subject.kind}")
        return lambda a: (v := a.get(code)) is not None and v in wanted
    if op == "none_of":
        if multi:
            return lambda a: (v := a.get(code)) is not None and wanted.isdisjoint(v)
        return lambda a: (v := a.get(code)) is not None and v not in wanted
    if op == "contains_all":
        if not multi:
            raise ConditionError(f"'contains_all' works on multiple-choice questions; {code} is {subject.kind}")
        return lambda a: (v := a.get(code)) is not None and wanted.issubset(v)
    raise ConditionError(f"unknown operator {op!r}")


def combine(predicates: Sequence[Predicate], mode: str) -> Predicate:
    """All (or any) of ``predicates``; no predicates means always true."""
    preds = tuple(predicates)
    if not preds:
        return lambda a: True
    if len(preds) == 1:
        return preds[0]
    if mode == "any":
        return lambda a: any(p(a) for p in preds)
    return lambda a: all(p(a) for p in preds)


def always(_: Answers) -> bool:
    return True
