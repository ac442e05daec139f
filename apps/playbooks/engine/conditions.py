"""The one condition evaluator behind both the questionnaire's branching and the scoring rules.

A condition tests an earlier answer: question, operator, value. An unanswered (or hidden) question
fails every operator except ``not_answered`` and ``not_one_of`` (``HOLDS_UNANSWERED``). Conditions compile
once into closures.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from typing import Any

from apps.playbooks.engine.types import (
    HOLDS_UNANSWERED,
    MULTI,
    NUMERIC_KINDS,
    OPERATORS,
    YES_NO,
    Answers,
    Condition,
    Predicate,
    Question,
)

RANGE_OPS = ("at_least", "at_most", "between")
PRESENCE_OPS = ("answered", "not_answered")
MULTI_ONLY_OPS = ("contains_any", "contains_all")
CHOICE_OPS = ("equals", "one_of", "none_of", "not_one_of")


class ConditionError(ValueError):
    pass


def condition_problem(*, subject: str, kind: str | None, options: Iterable[Any], op: Any, value: Any) -> str | None:
    """Why the condition ``op value`` cannot test the question ``subject`` (of this kind, with these option
    codes; kind None: no earlier question has that code), or None when it can.

    The one set of rules for a valid condition, with one set of messages: the compiler, lint, import and
    admin's condition form all report these words."""
    where = f"condition on {subject!r}"
    if kind is None:
        return f"{where}, which is not an earlier question (it is missing or comes later)"
    if op not in OPERATORS:
        return f"{where} uses an unknown operator {op!r}"
    if op in PRESENCE_OPS:
        return None
    if op in RANGE_OPS:
        if kind not in NUMERIC_KINDS:
            return f"{where}: '{op}' needs a number question, not {kind}"
        if op == "between" and (not isinstance(value, list | tuple) or len(value) != 2):
            return f"{where}: 'between' needs [low, high], not {value!r}"
        values = value if op == "between" else [value]
        if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
            return f"{where}: '{op}' needs numbers, not {value!r}"
        return None
    if op in MULTI_ONLY_OPS and kind != MULTI:
        return f"{where}: '{op}' works on multiple-choice questions only"
    if kind in NUMERIC_KINDS:
        return None if op in CHOICE_OPS else f"{where}: '{op}' does not fit a number question"
    values = value if isinstance(value, list) else [value]
    if kind == YES_NO:
        if not all(isinstance(v, bool) for v in values):
            return f"{where}: a yes/no question is compared with true or false"
        return None
    known = frozenset(options)
    unknown = [v for v in values if not _hashable(v) or v not in known]
    if unknown:
        return f"{where}: {subject} has no option {', '.join(map(str, unknown))}"
    return None


def _hashable(value: Any) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


def _as_set(value: Any) -> frozenset[Any]:
    return frozenset(value) if isinstance(value, list | tuple) else frozenset([value])


def compile_condition(cond: Condition, subject: Question) -> Predicate:
    """The condition as a closure over the answers; ConditionError (``condition_problem``'s words) when
    it cannot test ``subject``."""
    code, op, value = cond.question, cond.op, cond.value
    problem = condition_problem(subject=code, kind=subject.kind, options=subject.option_codes, op=op, value=value)
    if problem:
        raise ConditionError(problem)
    multi = subject.kind == MULTI

    if op == "answered":
        return lambda a: a.get(code) is not None
    if op == "not_answered":
        return lambda a: a.get(code) is None
    if op in RANGE_OPS:
        if op == "between":
            low, high = float(value[0]), float(value[1])
            return lambda a: (v := a.get(code)) is not None and low <= v <= high
        bound = float(value)
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
        return lambda a: (v := a.get(code)) is not None and v in wanted
    if op == "none_of":
        if multi:
            return lambda a: (v := a.get(code)) is not None and wanted.isdisjoint(v)
        return lambda a: (v := a.get(code)) is not None and v not in wanted
    if op == "not_one_of":
        if multi:
            return lambda a: (v := a.get(code)) is None or wanted.isdisjoint(v)
        return lambda a: (v := a.get(code)) is None or v not in wanted
    # contains_all: condition_problem has made sure the question is multiple-choice
    return lambda a: (v := a.get(code)) is not None and wanted.issubset(v)


def combine(predicates: Sequence[Predicate], mode: str) -> Predicate:
    """All (or any) of ``predicates``; no predicates means always true."""
    preds = tuple(predicates)
    if not preds:
        return lambda a: True
    if len(preds) == 1:
        return preds[0]
    # Two or three conditions are the common case: a plain ``and``/``or`` avoids a generator per call.
    if len(preds) == 2:
        p, q = preds
        return (lambda a: p(a) or q(a)) if mode == "any" else (lambda a: p(a) and q(a))
    if len(preds) == 3:
        p, q, r = preds
        return (lambda a: p(a) or q(a) or r(a)) if mode == "any" else (lambda a: p(a) and q(a) and r(a))
    if mode == "any":
        return lambda a: any(p(a) for p in preds)
    return lambda a: all(p(a) for p in preds)


def always(_: Answers) -> bool:
    return True


# The rule index: every condition of every rule at once, as bitmasks.
#
# Each rule owns one bit ("all" rules) or one bit per condition ("any" rules). For one question and
# one answer, ``QuestionMasks.blocked`` gives the bits whose condition on that question is false: a
# dictionary hit for choice and yes/no answers (memoised per answer), two bisections for numbers.
# OR-ing that over the questions the rules read gives every false condition in a few dozen integer
# operations, however many rules there are; a rule fires when none of its bits is blocked ("all"),
# or when any of them is not ("any"). Anything unusual (a value of the wrong type, NaN) takes the
# slow path through the same closures as above, so the results are the closures' results exactly.

MEMO_LIMIT = 4096  # answers memoised per question (multiple-choice subsets, off-domain values)
_INF = float("inf")


def bitmask(bits: Iterable[int]) -> int:
    """An integer with the given bit positions set (linear time, unlike OR-ing them one by one)."""
    positions = list(bits)
    if not positions:
        return 0
    buf = bytearray(max(positions) // 8 + 1)
    for b in positions:
        buf[b >> 3] |= 1 << (b & 7)
    return int.from_bytes(buf, "little")


def bit_positions(mask: int) -> list[int]:
    """The positions of the set bits of ``mask``, lowest first."""
    return [i for i, c in enumerate(bin(mask)[:1:-1]) if c == "1"]


def interval(cond: Condition, subject: Question) -> tuple[float, float] | None:
    """[low, high] for a numeric range condition (at least, at most, between), else None."""
    if subject.kind not in NUMERIC_KINDS:
        return None
    if cond.op == "at_least":
        return float(cond.value), _INF
    if cond.op == "at_most":
        return -_INF, float(cond.value)
    if cond.op == "between":
        return float(cond.value[0]), float(cond.value[1])
    return None


class QuestionMasks:
    """For one question: the bits of the conditions on it that a given answer makes false."""

    __slots__ = (
        "absent", "by_high", "by_low", "checks", "code", "entries", "highs",
        "lows", "memo", "multi", "numeric", "others", "present",
    )  # fmt: skip

    def __init__(self, subject: Question, entries: Sequence[tuple[Condition, Predicate, int]]) -> None:
        self.code = subject.code
        self.entries = tuple(entries)  # (condition, its predicate, its bits): to merge masks laid out elsewhere
        self.multi = subject.kind == MULTI
        self.numeric = subject.kind in NUMERIC_KINDS
        self.checks = tuple((pred, bits) for _, pred, bits in entries)
        self.absent = _or(bits for cond, _, bits in entries if cond.op not in HOLDS_UNANSWERED)
        self.present = _or(bits for cond, _, bits in entries if cond.op == "not_answered")
        self.memo: dict[Any, int] = {}
        ranges = [(span, bits) for cond, _, bits in entries if (span := interval(cond, subject)) is not None]
        self.others = tuple(
            (pred, bits)
            for cond, pred, bits in entries
            if cond.op not in ("answered", "not_answered") and interval(cond, subject) is None
        )
        # Conditions with low > v are a suffix of the ranges sorted by low; with high < v, a prefix
        # of them sorted by high: one bisection each, and the OR of each suffix/prefix precomputed.
        by_low = sorted(ranges, key=lambda r: r[0][0])
        by_high = sorted(ranges, key=lambda r: r[0][1])
        self.lows = [span[0] for span, _ in by_low]
        self.highs = [span[1] for span, _ in by_high]
        self.by_low = _cumulative([bits for _, bits in reversed(by_low)])[::-1]
        self.by_high = _cumulative([bits for _, bits in by_high])

    def slow(self, answers: Answers) -> int:
        blocked = 0
        for pred, bits in self.checks:
            if not pred(answers):
                blocked |= bits
        return blocked

    def blocked(self, answers: Answers) -> int:
        v = answers.get(self.code)
        if v is None:
            return self.absent
        if self.numeric:
            if (type(v) is int or type(v) is float) and v == v:  # noqa: E721 - bool and NaN take the slow path
                blocked = (
                    self.present | self.by_low[bisect_right(self.lows, v)] | self.by_high[bisect_left(self.highs, v)]
                )
                for pred, bits in self.others:
                    if not pred(answers):
                        blocked |= bits
                return blocked
            return self.slow(answers)
        try:
            key = frozenset(v) if self.multi else v
            return self.memo[key]
        except KeyError:
            blocked = self.slow(answers)
            if len(self.memo) < MEMO_LIMIT:
                self.memo[key] = blocked
            return blocked
        except TypeError:  # unhashable or not iterable: let the closures decide (and fail) as they would
            return self.slow(answers)


def _or(masks: Iterable[int]) -> int:
    out = 0
    for m in masks:
        out |= m
    return out


def _cumulative(masks: Sequence[int]) -> list[int]:
    """[0, m0, m0|m1, ...]: the OR of every prefix."""
    out = [0]
    for m in masks:
        out.append(out[-1] | m)
    return out
