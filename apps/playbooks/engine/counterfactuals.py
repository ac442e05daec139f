"""What would flip it: the smallest answer changes that change the verdict or the top model.

Single changes are tried first (every other option of a choice question, yes/no flipped, a
multiple-choice option added or removed, and for numbers the values either side of every threshold
the playbook tests them against); pairs of single changes only when no single change flips the
result, and only up to a counted number of pairs (never a time limit: the engine reads no clock, so
the same answers on the same playbook give the same pairs on any machine under any load). Each flip
is re-scored with the same rules (``outcome``), so what is shown is exactly what the engine would
say. Sensitivity reuses the same candidates: for each answer, the lowest and highest fit score any
one change to it reaches.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from apps.playbooks.engine.answers import answer_text
from apps.playbooks.engine.compiler import CompiledPlaybook
from apps.playbooks.engine.evaluate import Outcome, outcome
from apps.playbooks.engine.types import MULTI, NUMERIC_KINDS, SINGLE, VERDICT_LABELS, YES_NO, Question
from apps.playbooks.engine.visibility import visibility

# Pairs re-scored at most before the search stops. Counted work, not seconds: a time budget made the
# result depend on the machine's load, yet it is cached and printed in the memo as deterministic.
# 3000 is about what the old 0.25 s covered on the reference playbook (about 85 µs per re-score here).
MAX_PAIRS_TRIED = 3000
MAX_FLIPS = 6
MAX_SUBSET_OPTIONS = 10  # a multiple-choice question with up to this many options: every other selection


@dataclass(frozen=True)
class Change:
    question: str
    prompt: str
    before: str
    after: str
    value: Any

    def words(self) -> str:
        return f"“{self.prompt}” were {self.after} instead of {self.before}"


@dataclass(frozen=True)
class Flip:
    changes: tuple[Change, ...]
    verdict: str
    fit_score: int
    top_model: str | None
    flips_verdict: bool
    flips_model: bool

    def sentence(self, model_names: Mapping[str, Any]) -> str:
        condition = " and ".join(c.words() for c in self.changes)
        parts = []
        if self.flips_verdict:
            parts.append(f"the verdict would be “{VERDICT_LABELS[self.verdict]}” (fit {self.fit_score})")
        if self.flips_model and self.top_model:
            name = model_names.get(self.top_model, {}).get("name", self.top_model)
            parts.append(f"{name} would rank first")
        return f"If {condition}, " + " and ".join(parts) + "."


@dataclass(frozen=True)
class Sensitivity:
    question: str
    prompt: str
    low: int
    high: int
    baseline: int

    @property
    def swing(self) -> int:
        return self.high - self.low


def _show(question: Question, value: Any) -> str:
    """An answer inside a sentence: chosen options in quotes, yes/no and numbers plain."""
    if value is None:
        return "unanswered"
    text = answer_text(question, value)
    if isinstance(value, bool):
        return text.lower()
    if isinstance(value, list | str):
        return f"“{text or 'none'}”"
    return text


def numeric_breakpoints(pb: CompiledPlaybook) -> dict[str, set[float]]:
    """For each number question, the values either side of every threshold a condition tests."""
    points: dict[str, set[float]] = {}
    conditions = [c for rule, _ in pb.rules for c in rule.conditions]
    conditions += [c for conds, _ in pb.question_conditions.values() for c in conds]
    conditions += [c for conds, _ in pb.section_conditions.values() for c in conds]
    for c in conditions:
        q = pb.questions.get(c.question)
        if q is None or q.kind not in NUMERIC_KINDS:
            continue
        bounds = c.value if c.op == "between" else [c.value] if c.op in ("at_least", "at_most", "equals") else []
        step = 1.0 if q.kind == "integer" else 0.01
        for b in bounds:
            if isinstance(b, int | float) and not isinstance(b, bool):
                points.setdefault(q.code, set()).update({float(b) - step, float(b), float(b) + step})
    return points


def candidates(pb: CompiledPlaybook, answers: Mapping[str, Any], visible: Sequence[str]) -> Iterator[Change]:
    breakpoints = numeric_breakpoints(pb)
    for code in visible:
        q = pb.questions[code]
        current = answers.get(code)
        values: list[Any] = []
        if q.kind == SINGLE:
            values = [o.code for o in q.options if o.code != current]
        elif q.kind == YES_NO:
            values = [not current] if current is not None else [True, False]
        elif q.kind == MULTI:
            values = _other_selections(q, set(current or []))
        elif q.kind in NUMERIC_KINDS:
            values = sorted(
                v
                for v in breakpoints.get(code, set())
                if v != current and (q.min is None or v >= q.min) and (q.max is None or v <= q.max)
            )
            if q.kind == "integer":
                values = [int(v) for v in values if v == int(v)]
        for value in values:
            yield Change(code, q.prompt, _show(q, current), _show(q, value), value)


def _other_selections(q: Question, chosen: set[str]) -> list[list[str]]:
    """Every other selection, fewest options changed first; past MAX_SUBSET_OPTIONS options, only
    single toggles, each option alone, and none."""
    codes = [o.code for o in q.options]
    if len(codes) <= MAX_SUBSET_OPTIONS:
        subsets = [set(c) for r in range(len(codes) + 1) for c in itertools.combinations(codes, r)]
    else:
        subsets = [chosen ^ {c} for c in codes] + [{c} for c in codes] + [set()]
    seen: set[frozenset[str]] = {frozenset(chosen)}
    ordered = []
    for subset in sorted(subsets, key=lambda s: (len(s ^ chosen), sorted(s))):
        key = frozenset(subset)
        if key not in seen:
            seen.add(key)
            ordered.append([c for c in codes if c in subset])
    return ordered


def _apply(answers: Mapping[str, Any], changes: tuple[Change, ...]) -> dict[str, Any]:
    new = dict(answers)
    for change in changes:
        if change.value in (None, []):
            new.pop(change.question, None)
        else:
            new[change.question] = change.value
    return new


def _moves(base: Outcome, result: Outcome) -> bool:
    return (result.unblocked_score, result.blockers) != (base.unblocked_score, base.blockers)


def _flip(base: Outcome, result: Outcome, changes: tuple[Change, ...]) -> Flip | None:
    verdict, model = result.verdict != base.verdict, result.top_model != base.top_model
    if not (verdict or model):
        return None
    return Flip(changes, result.verdict, result.fit_score, result.top_model, verdict, model)


def single_flips(pb: CompiledPlaybook, answers: Mapping[str, Any]) -> list[Flip]:
    """Every single-answer change that flips the verdict or the top model."""
    seen = visibility(pb, answers)
    visible, effective = seen.questions, seen.answers
    base = outcome(pb, effective)
    return [
        f for c in candidates(pb, effective, visible) if (f := _flip(base, outcome(pb, _apply(effective, (c,))), (c,)))
    ]


def what_would_flip(
    pb: CompiledPlaybook, answers: Mapping[str, Any], *, max_pairs: int = MAX_PAIRS_TRIED
) -> tuple[Flip, ...]:
    """Single changes that flip the verdict or the top model; pairs only if no single one flips the verdict."""
    seen = visibility(pb, answers)
    visible, effective = seen.questions, seen.answers
    base = outcome(pb, effective)
    singles = list(candidates(pb, effective, visible))
    flips = single_flips(pb, effective)
    verdict_flips = [f for f in flips if f.flips_verdict]
    model_flips = [f for f in flips if f.flips_model and not f.flips_verdict]
    chosen = verdict_flips[: MAX_FLIPS // 2] + model_flips[: MAX_FLIPS // 2]
    if verdict_flips:
        return tuple(chosen)
    # Pairs: first among the changes that move something on their own (the score, a blocker), where
    # a flip is most likely, then the rest, until ``max_pairs`` pairs have been re-scored.
    moving = [c for c in singles if _moves(base, outcome(pb, _apply(effective, (c,))))]
    still = [c for c in singles if c not in moving]
    tried = 0
    pairs: list[Flip] = []
    ordered = itertools.chain(itertools.combinations(moving, 2), itertools.product(moving, still))
    for a, b in ordered:
        if a.question == b.question:
            continue
        if tried >= max_pairs or len(pairs) >= MAX_FLIPS // 2:
            break
        tried += 1
        flip = _flip(base, outcome(pb, _apply(effective, (a, b))), (a, b))
        if flip and flip.flips_verdict:
            pairs.append(flip)
    return tuple(chosen + pairs)


def sensitivity(pb: CompiledPlaybook, answers: Mapping[str, Any]) -> tuple[Sensitivity, ...]:
    """For each visible answer, the fit-score range one change to it reaches, widest swing first."""
    seen = visibility(pb, answers)
    visible, effective = seen.questions, seen.answers
    base = outcome(pb, effective).fit_score
    ranges: dict[str, list[int]] = {}
    for change in candidates(pb, effective, visible):
        score = outcome(pb, _apply(effective, (change,))).fit_score
        low_high = ranges.setdefault(change.question, [base, base])
        low_high[0], low_high[1] = min(low_high[0], score), max(low_high[1], score)
    rows = [
        Sensitivity(code, pb.questions[code].prompt, low, high, base)
        for code, (low, high) in ranges.items()
        if high > low
    ]
    return tuple(sorted(rows, key=lambda s: (-s.swing, pb.questions[s.question].position)))
