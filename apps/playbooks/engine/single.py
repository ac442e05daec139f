"""The single call: one answer set's verdict, fit score, top model, unblocked score and blockers (what
``outcome()`` returns), with every fixed cost of a call worked out once per compiled playbook.

The same answers that count (``visibility``'s walk), the same rule bits (``RuleIndex``: a rule fires when
none of its condition bits is blocked) and the same arithmetic (``scoring.verdict_for``, the first model
with the most points in tie-break order) as ``scoring.bare`` of ``visibility.counted_answers``; what differs
is only how much Python a call runs, and that only the rules an outcome counts (``scoring.counted_index``:
those adding fit points, blockers or model points) are decided. Two ways, the same results:

- the plan's loop (``blocked_bits``, ``looped``): the visibility walk and the rule masks in one loop over a
  plan made once per compiled playbook; a choice or yes/no answer's blocked bits are one dictionary hit in
  the masks' memo; the tallies from ``RuleIndex.byte_tables`` (one lookup a byte of the fired rules) for
  playbooks small enough to have them, else the groups' popcounts; the top model a maximum in tie-break
  order, never a sort;
- the playbook's own straight-line function (``engine.straight``), about twice as fast, generated once a
  compiled playbook has served ``GENERATE_AFTER`` calls: a published playbook is compiled once a process
  and serves thousands, where a draft is compiled for a few golden cases and generating would cost more
  than it saves. What the generated function cannot look up it hands to ``blocked_bits``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

from apps.playbooks.engine.compiler import FIELD_BIAS, ByteTables, CompiledPlaybook, RuleIndex, rule_index
from apps.playbooks.engine.scoring import Outcome, counted_index, model_order, verdict_for
from apps.playbooks.engine.straight import Straight, build
from apps.playbooks.engine.visibility import walk_plan

# Outcomes are values with few possible states (verdict, score, top model, blockers): each is built once
# and shared, as a frozen dataclass's constructor costs more than the single call's tally. (The generated
# function keeps its own, by the tallies it adds up: ``straight.Outcomes``.)
_OUTCOMES: dict[tuple[str, int, str | None, int, int], Outcome] = {}
OUTCOMES_KEPT = 1 << 16

# Calls a compiled playbook serves through the plan's loop before its own function is generated: about
# the generation's cost (some 10 ms for the reference playbook) in calls saved.
GENERATE_AFTER = 64

# How a question's blocked bits are found: no rule reads it; a memo hit on the answer (single choice and
# yes/no); a memo hit on the answer as a set (multiple choice); the masks' own call (numbers).
NONE, CHOICE, MULTI, CALL = 0, 1, 2, 3

# Per question: code, condition (None: always shown), whether a later condition reads its answer, how its
# bits are found, its masks (a ``QuestionMasks``; None when no rule reads it) and their memo (None then too).
# The last two are typed Any: they are None exactly when ``how`` is NONE, which a tuple type cannot say, and
# the walk below is the hot path, where a cast per question would cost a call.
_Step = tuple[str, Any, bool, int, Any, Any]
# Per section: its condition (None: always shown), the bits its questions' absent answers block (when the
# section is hidden), and its questions' steps.
_Walk = tuple[tuple[Any, int, tuple[_Step, ...]], ...]


@dataclass(frozen=True)
class SinglePlan:
    walk: _Walk
    index: RuleIndex
    tables: ByteTables | None
    columns: tuple[tuple[str, int], ...]  # (model, its column in ``RuleIndex.sums``) in tie-break order
    order: tuple[str, ...]  # the models in tie-break order
    offered: tuple[str, ...]  # the models in catalogue order


def single_plan(pb: CompiledPlaybook) -> SinglePlan:
    """``pb``'s plan for every rule (``fired``), made on first use and kept with its rule index."""
    index = pb.index or rule_index(pb)
    found: SinglePlan | None = index.memo.get("single")
    if found is None:
        found = index.memo["single"] = _make(pb, index)
    return found


def counted_plan(pb: CompiledPlaybook) -> SinglePlan:
    """``pb``'s plan for the rules an outcome counts (``scoring.counted_index``), for the single call."""
    memo = (pb.index or rule_index(pb)).memo
    found: SinglePlan | None = memo.get("single counted")
    if found is None:
        found = memo["single counted"] = _make(pb, counted_index(pb))
    return found


def _make(pb: CompiledPlaybook, index: RuleIndex) -> SinglePlan:
    masks = {q.code: q for q in index.questions}
    conditions = (*pb.section_conditions.values(), *pb.question_conditions.values())
    read = {c.question for conds, _ in conditions for c in conds}

    def step(code: str, condition: Any) -> _Step:
        m = masks.get(code)
        how = NONE if m is None else CALL if m.numeric else MULTI if m.multi else CHOICE
        return code, condition, code in read, how, m, None if m is None else m.memo

    walk = tuple(
        (
            shown,
            _absent(masks.get(code) for code, _, _ in questions),
            tuple(step(code, condition) for code, condition, _ in questions),
        )
        for _, shown, questions in walk_plan(pb)
    )
    offered, order = model_order(pb)
    column = {code: 2 + i for i, code in enumerate(index.offered)}
    return SinglePlan(
        walk=walk,
        index=index,
        tables=index.byte_tables,
        columns=tuple((code, column[code]) for code in order),
        order=order,
        offered=offered,
    )


def _absent(masks: Any) -> int:
    out = 0
    for m in masks:
        if m is not None:
            out |= m.absent
    return out


def blocked_bits(plan: SinglePlan, answers: Mapping[str, Any]) -> int:
    """The rule condition bits that the answers that count of ``answers`` make false."""
    blocked = 0
    effective: dict[str, Any] = {}  # the answers that count which a later condition reads
    get = answers.get
    for shown, hidden, questions in plan.walk:
        if shown is not None and not shown(effective):
            blocked |= hidden
            continue
        for code, condition, read, how, masks, memo in questions:
            if condition is not None and not condition(effective):
                if how:
                    blocked |= masks.absent
                continue
            value = get(code)
            if value is None:
                if how:
                    blocked |= masks.absent
                continue
            if read:
                effective[code] = value
            if not how:
                continue
            if how != CALL:
                try:
                    blocked |= memo[frozenset(value) if how == MULTI else value]
                    continue
                except (KeyError, TypeError):  # not seen yet, or unhashable: the masks decide (and memoise)
                    pass
            # Visible and answered, so ``answers`` holds the answer that counts for this question.
            blocked |= masks.blocked(answers)
    return blocked


def straight(pb: CompiledPlaybook) -> Straight:
    """``pb``'s single call as generated code (``engine.straight``), made on first use and kept with its
    rule index; what it cannot look up it leaves to ``blocked_bits``."""
    index = pb.index or rule_index(pb)
    found: Straight | None = index.straight
    if found is None:
        counted = (counted_index(pb), partial(blocked_bits, counted_plan(pb)))
        found = index.straight = build(pb, counted, (index, partial(blocked_bits, single_plan(pb))))
    return found


def fired(pb: CompiledPlaybook, answers: Mapping[str, Any]) -> int:
    """The heads of the rules that fire on ``answers`` (as given: hidden answers are left out here), as
    ``RuleIndex.fired`` gives them on the answers that count."""
    index = pb.index or rule_index(pb)
    found = index.straight or _generated(pb)
    return index.surviving(blocked_bits(single_plan(pb), answers) if found is None else found.blocked(answers))


def outcome(pb: CompiledPlaybook, answers: Mapping[str, Any]) -> Outcome:
    """Just the verdict, fit score and top model, for re-scoring many answer sets at once (impact
    preview). Same rules and arithmetic as ``evaluate``, without building the explanation (nor the lists
    of visible and missing questions, nor the full model ranking)."""
    found = (pb.index or rule_index(pb)).straight or _generated(pb)
    if found is not None:
        return found.outcome(answers)
    result = looped(pb, answers)
    shared = _OUTCOMES.get(result)
    if shared is None:
        shared = Outcome(*result)
        if len(_OUTCOMES) < OUTCOMES_KEPT:
            _OUTCOMES[result] = shared
    return shared


def single(pb: CompiledPlaybook, answers: Mapping[str, Any]) -> tuple[str, int, str | None, int, int]:
    """(verdict, fit score, top model, unblocked score, blockers) of ``answers`` (as given: hidden answers
    are left out here), exactly as ``scoring.bare(pb, visibility.counted_answers(pb, answers))``."""
    found = (pb.index or rule_index(pb)).straight or _generated(pb)
    return looped(pb, answers) if found is None else found.single(answers)


def _generated(pb: CompiledPlaybook) -> Straight | None:
    """The generated function once ``pb`` has served ``GENERATE_AFTER`` calls without it, else None."""
    memo = (pb.index or rule_index(pb)).memo
    calls = memo["single calls"] = memo.get("single calls", 0) + 1
    return straight(pb) if calls > GENERATE_AFTER else None


def looped(pb: CompiledPlaybook, answers: Mapping[str, Any]) -> tuple[str, int, str | None, int, int]:
    """``single`` through the plan's loop (``blocked_bits``), before the generated function is made."""
    plan = counted_plan(pb)
    index = plan.index
    heads = index.surviving(blocked_bits(plan, answers))
    tables = plan.tables
    if tables is None:
        scores = dict.fromkeys(plan.offered, 0)
        fit_points, blockers, gates = index.tally(heads, scores)
        unblocked, score, verdict = verdict_for(pb, fit_points, blockers > 0, gates > 0)
        top = max(plan.order, key=scores.__getitem__) if plan.order else None  # max keeps the first of equals
        return verdict, score, top, unblocked, blockers
    total = tables.bias
    for table, byte in zip(tables.tables, heads.to_bytes(tables.width, "little"), strict=True):
        if byte:
            total += table[byte]
    sums = tables.fields.unpack(total.to_bytes(tables.fields.size, "little"))
    fit_points, blockers, gates = sums[0] - FIELD_BIAS, sums[1] - FIELD_BIAS, sums[-1] - FIELD_BIAS
    unblocked, score, verdict = verdict_for(pb, fit_points, blockers > 0, gates > 0)
    top, best = None, -1
    for code, col in plan.columns:  # the first of equals in tie-break order (biased sums are never negative)
        if sums[col] > best:
            top, best = code, sums[col]
    return verdict, score, top, unblocked, blockers
