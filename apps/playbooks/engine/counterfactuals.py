"""What would flip it: the smallest answer changes that change the verdict or the top model, found by
an exhaustive search.

Questions marked ``fixed`` (facts about the buyer: its sector, where it is, who regulates it) are never changed:
a flip is what the buyer could do differently. Single changes are tried first (every other option of a choice
question, yes/no flipped, every other selection of a multiple-choice question, and for numbers the values either
side of every threshold the playbook tests them against); then every pair of changes to two questions, when no
single change flips the verdict; then every triple, when no pair does and the triples number at most
``MAX_TRIPLES`` (counted work, never a time: the engine reads no clock, so the same answers on the same playbook
give the same result on any machine under any load).

Exhaustive is affordable because most candidate values are interchangeable: an outcome reads an answer
only through the conditions on its question (of the rules that move a score, a blocker, a gate or a model, and
of visibility), so two values that make every such condition come out the same give the same outcome
alone and in any combination. The search keeps one value per class (the first in the order above, the
smallest change) and drops the values that change nothing. On the reference playbook that leaves about
60 single changes of some 1,200. The combinations are then scored together by the batch engine
(``batch.recombine`` builds them column by column from the single changes' encoded rows), which gives
exactly ``outcome()``'s verdict, fit score and top model on every row.

Sensitivity reuses the same single changes: for each answer, the lowest and highest fit score any one
change to it reaches.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import numpy.typing as npt

from apps.playbooks.engine.answers import answer_text
from apps.playbooks.engine.batch import CHUNK, BatchOutcomes, BatchScorer, recombine
from apps.playbooks.engine.compiler import CompiledPlaybook, rule_index
from apps.playbooks.engine.conditions import compile_condition
from apps.playbooks.engine.scoring import tally
from apps.playbooks.engine.single import fired as rules_fired
from apps.playbooks.engine.types import (
    EXCLUDED_POINTS,
    MULTI,
    NUMERIC_KINDS,
    SINGLE,
    VERDICT_LABELS,
    YES_NO,
    Predicate,
    Question,
)
from apps.playbooks.engine.visibility import visibility

# Triples scored at most: past this many the search stops at pairs (and says so), whatever the machine.
# Counted before any is scored, so the answer never depends on how far a search got. The reference
# playbook has about 30,000 (0.2 s); a playbook with hundreds of single changes would have millions.
MAX_TRIPLES = 100_000
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
    # With every model ruled out by a requirement, the change leaves the model with the most points usable, the same
    # model first (review 161: a later start, the trade-off's own way out, was never listed as a flip).
    frees_model: bool = False

    def sentence(self, model_names: Mapping[str, Any], wins_at: int | None = None) -> str:
        """``wins_at``: the playbook's score for "KPO wins"; a verdict "on conditions" at or above it is held there by
        a gate the change brings, which the sentence says (review 81: "KPO wins, on conditions (fit 100)" beside a
        "KPO wins" at fit 100 read as no change)."""
        condition = " and ".join(c.words() for c in self.changes)
        parts = []
        if self.flips_verdict:
            gated = wins_at is not None and self.verdict == "conditional" and self.fit_score >= wins_at
            why = f"fit {self.fit_score}, enough to win, but with something to settle before it holds" if gated else ""
            parts.append(f"the verdict would be “{VERDICT_LABELS[self.verdict]}” ({why or f'fit {self.fit_score}'})")
        if self.flips_model and self.top_model:
            name = model_names.get(self.top_model, {}).get("name", self.top_model)
            parts.append(f"{name} would rank first")
        if self.frees_model and self.top_model:
            name = model_names.get(self.top_model, {}).get("name", self.top_model)
            parts.append(f"{name} could be used: no requirement you set would rule it out")
        return f"If {condition}, " + " and ".join(parts) + "."


@dataclass(frozen=True)
class FlipSearch:
    """What the search found and how much it scored. ``depth``: the most changes combined, every
    combination of that many tried; ``complete`` is False only when no pair flips the verdict and the
    triples were more than ``MAX_TRIPLES`` (so none was tried)."""

    flips: tuple[Flip, ...]
    singles: int
    pairs: int
    triples: int
    depth: int
    complete: bool


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
    """An answer inside a sentence: chosen options in quotes, yes/no and numbers plain; no option ticked reads as
    unanswered, as it is scored."""
    if value is None or value == []:
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
        if c.op in ("between", "one_of", "none_of", "not_one_of"):
            bounds = c.value if isinstance(c.value, list) else [c.value]
        else:
            bounds = [c.value] if c.op in ("at_least", "at_most", "equals") else []
        step = 1.0 if q.kind == "integer" else 0.01
        for b in bounds:
            if isinstance(b, int | float) and not isinstance(b, bool):
                points.setdefault(q.code, set()).update({float(b) - step, float(b), float(b) + step})
    return points


# -- the tables a playbook's searches share (built once per compiled playbook) ----------------------------


class _Tables:
    """Per compiled playbook: the batch scorer, the breakpoints, and for each question the conditions an
    outcome can read it through (``signature``), with the signatures of every selection of a small
    multiple-choice question worked out once."""

    def __init__(self, pb: CompiledPlaybook) -> None:
        self.scorer = BatchScorer(pb)
        self.breakpoints = numeric_breakpoints(pb)
        conditions = [c for r in self.scorer.scoring for c in pb.rules[r][0].conditions]
        conditions += [
            c for conds, _ in (*pb.question_conditions.values(), *pb.section_conditions.values()) for c in conds
        ]
        reads: dict[str, list[Predicate]] = {}
        for c in conditions:
            reads.setdefault(c.question, []).append(compile_condition(c, pb.questions[c.question]))
        self.reads = {code: tuple(preds) for code, preds in reads.items()}
        self.selections = {
            code: _Selections(pb.questions[code], self)
            for code in self.reads
            if pb.questions[code].kind == MULTI and len(pb.questions[code].options) <= MAX_SUBSET_OPTIONS
        }

    def signature(self, code: str, value: Any) -> tuple[bool, ...]:
        """What every condition an outcome reads ``code`` through says of ``value`` (no answer: None or
        no option, as ``_apply`` removes them)."""
        answers = {} if value is None or value == [] else {code: value}
        return tuple(p(answers) for p in self.reads.get(code, ()))


class _Selections:
    """Every selection of a small multiple-choice question, grouped by signature once, so a search picks
    the smallest change of each group without sorting a thousand selections per call."""

    def __init__(self, q: Question, tables: _Tables) -> None:
        codes = [o.code for o in q.options]
        self.bits = {c: 1 << i for i, c in enumerate(codes)}
        subsets = [list(c) for r in range(len(codes) + 1) for c in itertools.combinations(codes, r)]
        subsets.sort(key=sorted)  # ties in the number of options changed go to the first in this order
        self.values = subsets
        self.masks = np.array([sum(self.bits[c] for c in s) for s in subsets], np.int64)
        by_signature: dict[tuple[bool, ...], int] = {}
        self.classes = np.array(
            [by_signature.setdefault(tables.signature(q.code, s), len(by_signature)) for s in subsets], np.intp
        )
        self.signatures = list(by_signature)

    def ordered(self, current: Any, *, empty: bool = True) -> list[tuple[list[str], tuple[bool, ...]]]:
        """(selection, signature): the smallest change from ``current`` in each group, smallest first; without
        ``empty``, no option ticked is no candidate (a required question), so its group is represented by its
        smallest other selection, if any."""
        chosen = sum(self.bits.get(c, 0) for c in set(current or []))
        key = np.bitwise_count(self.masks ^ chosen).astype(np.int64) * len(self.masks) + np.arange(len(self.masks))
        by_group = np.lexsort((key, self.classes))
        if not empty:
            by_group = by_group[self.masks[by_group] != 0]
        first = by_group[np.r_[True, self.classes[by_group][1:] != self.classes[by_group][:-1]]]
        return [(self.values[i], self.signatures[self.classes[i]]) for i in first[np.argsort(key[first])].tolist()]


def _tables(pb: CompiledPlaybook) -> _Tables:
    index = rule_index(pb)
    if index.flip_tables is None:
        index.flip_tables = _Tables(pb)
    tables: _Tables = index.flip_tables
    return tables


def _values(q: Question, current: Any, tables: _Tables) -> Iterable[tuple[Any, tuple[bool, ...]]]:
    """(value, signature) of every other answer to ``q`` worth trying, smallest change first; for a required question,
    never no answer (no option ticked): submit would refuse it, so it is not a change a buyer can make."""
    if q.kind == MULTI and q.code in tables.selections:
        return tables.selections[q.code].ordered(current, empty=not q.required)
    values: list[Any] = []
    if q.kind == SINGLE:
        values = [o.code for o in q.options if o.code != current]
    elif q.kind == YES_NO:
        values = [not current] if current is not None else [True, False]
    elif q.kind == MULTI:
        values = [v for v in _toggles(q, set(current or [])) if v or not q.required]
    elif q.kind in NUMERIC_KINDS:
        values = sorted(
            v
            for v in tables.breakpoints.get(q.code, set())
            if v != current and (q.min is None or v >= q.min) and (q.max is None or v <= q.max)
        )
        if q.kind == "integer":
            values = [int(v) for v in values if v == int(v)]
        if isinstance(current, int | float) and not isinstance(current, bool):
            # Nearest the answer first, so each class of values is tried at its smallest change (review 155: 15 people
            # stood for 16 to 50 against an answer of 500).
            values.sort(key=lambda v: (abs(v - current), v))
    return ((v, tables.signature(q.code, v)) for v in values)


def _toggles(q: Question, chosen: set[str]) -> list[list[str]]:
    """Past MAX_SUBSET_OPTIONS options: single toggles, each option alone, and none."""
    codes = [o.code for o in q.options]
    subsets = [chosen ^ {c} for c in codes] + [{c} for c in codes] + [set()]
    seen: set[frozenset[str]] = {frozenset(chosen)}
    ordered = []
    for subset in sorted(subsets, key=lambda s: (len(s ^ chosen), sorted(s))):
        key = frozenset(subset)
        if key not in seen:
            seen.add(key)
            ordered.append([c for c in codes if c in subset])
    return ordered


def candidates(pb: CompiledPlaybook, answers: Mapping[str, Any], visible: Sequence[str]) -> list[Change]:
    """The single changes worth trying to the ``visible`` questions: one per class of values that every
    condition an outcome reads sees alike, the smallest change of each, and none that changes nothing (a required
    question is never left unanswered: ``_values``)."""
    tables = _tables(pb)
    out = []
    for code in visible:
        if code not in tables.reads:  # no condition an outcome reads looks at it: no change can matter
            continue
        q = pb.questions[code]
        current = answers.get(code)
        kept = {tables.signature(code, current)}
        for value, signature in _values(q, current, tables):
            if signature not in kept:
                kept.add(signature)
                out.append(Change(code, q.prompt, _show(q, current), _show(q, value), value))
    return out


def _apply(answers: Mapping[str, Any], changes: tuple[Change, ...]) -> dict[str, Any]:
    new = dict(answers)
    for change in changes:
        if change.value in (None, []):
            new.pop(change.question, None)
        else:
            new[change.question] = change.value
    return new


# -- scoring the changes in batches ----------------------------------------------------------------------


class _Combinations(Sequence[Mapping[str, Any]]):
    """The answer sets of combinations of single changes, built only when asked for (the batch engine
    reads one only for a row its arrays cannot hold)."""

    def __init__(self, base: Mapping[str, Any], singles: Sequence[Change], combos: npt.NDArray[np.intp]) -> None:
        self.base, self.singles, self.combos = base, singles, combos

    def __len__(self) -> int:
        return len(self.combos)

    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, slice):
            raise TypeError("one row at a time")
        return _apply(self.base, tuple(self.singles[j] for j in self.combos[i]))


@dataclass
class _Search:
    """One search: the base answers and the single changes, encoded once (row 0 the base, row i + 1
    single change i) and scored; combinations are scored from these rows."""

    pb: CompiledPlaybook
    effective: Mapping[str, Any]
    singles: list[Change]

    def __post_init__(self) -> None:
        tables = _tables(self.pb)
        self.scorer = tables.scorer
        rows = [self.effective, *(_apply(self.effective, (c,)) for c in self.singles)]
        self.encoded = self.scorer.encode(rows)
        self.scored = self.scorer.score_encoded(self.encoded)
        self.question = np.array([self._column(c.question) for c in self.singles], np.intp)

    def _column(self, code: str) -> int:
        return list(self.encoded.columns).index(code)

    def combinations(self, combos: npt.NDArray[np.intp]) -> BatchOutcomes:
        """The outcomes of ``combos`` (rows of single-change positions, each on a different question)."""
        codes = list(self.encoded.columns)
        parts = []
        for start in range(0, len(combos), CHUNK):
            chunk = combos[start : start + CHUNK]
            sources: dict[str, npt.NDArray[np.intp]] = {}
            for k in range(chunk.shape[1]):
                picked = chunk[:, k]
                for column in np.unique(self.question[picked]).tolist():
                    source = sources.setdefault(codes[column], np.zeros(len(chunk), np.intp))
                    here = self.question[picked] == column
                    source[here] = picked[here] + 1
            rows = _Combinations(self.effective, self.singles, chunk)
            parts.append(self.scorer.score_encoded(recombine(self.encoded, sources, rows)))
        return _concatenate(parts, self.scorer.models)


def _concatenate(parts: list[BatchOutcomes], models: tuple[str, ...]) -> BatchOutcomes:
    if len(parts) == 1:
        return parts[0]
    empty = np.zeros(0, np.int32)
    return BatchOutcomes(
        verdict=np.concatenate([p.verdict for p in parts] or [np.zeros(0, np.int8)]),
        fit_score=np.concatenate([p.fit_score for p in parts] or [empty]),
        unblocked_score=np.concatenate([p.unblocked_score for p in parts] or [empty]),
        blockers=np.concatenate([p.blockers for p in parts] or [empty]),
        top_model=np.concatenate([p.top_model for p in parts] or [empty]),
        models=models,
        gates=np.concatenate([p.gates for p in parts] or [empty]),
    )


def _groups(search: _Search) -> list[range]:
    """The single changes by question: ``candidates`` yields them question by question."""
    out: list[range] = []
    start = 0
    for end in range(1, len(search.singles) + 1):
        if end == len(search.singles) or search.singles[end].question != search.singles[start].question:
            out.append(range(start, end))
            start = end
    return out


def _count(groups: list[range], k: int) -> int:
    """How many combinations of ``k`` changes to ``k`` different questions there are."""
    ways = [1] + [0] * k  # elementary symmetric sums of the group sizes
    for g in groups:
        for j in range(k, 0, -1):
            ways[j] += ways[j - 1] * len(g)
    return ways[k]


def _combos(groups: list[range], k: int) -> npt.NDArray[np.intp]:
    rows = [t for chosen in itertools.combinations(groups, k) for t in itertools.product(*chosen)]
    return np.array(rows, np.intp).reshape(-1, k)


DOESNT_WIN = "doesnt_win"


def _flip(base: Any, result: Any, changes: tuple[Change, ...]) -> Flip | None:
    """A change of the verdict, or of the model recommended: with "KPO doesn't win" after the change none is, so a new
    model with the most points there flips nothing (review 48: "Staff augmentation would rank first" for a verdict
    that stayed "KPO doesn't win", every model ruled out)."""
    verdict = result.verdict != base.verdict
    model = result.top_model != base.top_model and result.verdict != DOESNT_WIN
    if not (verdict or model):
        return None
    return Flip(changes, result.verdict, result.fit_score, result.top_model, verdict, model)


def _verdict_flips(search: _Search, combos: npt.NDArray[np.intp]) -> list[Flip]:
    """Up to MAX_FLIPS // 2 combinations that flip the verdict: those whose changes each move the score,
    a blocker or a gate on their own first, then in the changes' order; one per set of questions."""
    scored = search.combinations(combos)
    single = search.scored
    moving = (
        (single.unblocked_score[1:] != single.unblocked_score[0])
        | (single.blockers[1:] != single.blockers[0])
        | (single.gates[1:] != single.gates[0])
    )
    flipping = np.flatnonzero(scored.verdict != single.verdict[0])
    still = (~moving[combos[flipping]]).sum(axis=1) if len(flipping) else np.zeros(0, np.intp)
    base = single.outcome(0)
    found: list[Flip] = []
    shown: set[frozenset[str]] = set()
    for i in flipping[np.argsort(still, kind="stable")].tolist():
        changes = tuple(search.singles[j] for j in combos[i])
        questions = frozenset(c.question for c in changes)
        if questions in shown:
            continue
        flip = _flip(base, scored.outcome(i), changes)
        if flip is not None:
            shown.add(questions)
            found.append(flip)
        if len(found) >= MAX_FLIPS // 2:
            break
    return found


def _search(pb: CompiledPlaybook, answers: Mapping[str, Any], *, facts: bool = False) -> _Search:
    """The search over the visible questions' single changes; ``facts``: the answers of ``fixed`` questions (the
    buyer's sector, where it is, who regulates it) are changed too, as sensitivity does. What would flip it never
    changes them: a flip is advice on what the buyer could do differently, and a bank cannot become a hospital."""
    seen = visibility(pb, answers)
    changeable = [code for code in seen.questions if facts or not pb.questions[code].fixed]
    return _Search(pb, seen.answers, candidates(pb, seen.answers, changeable))


def _single_flips(search: _Search) -> list[Flip]:
    scored = search.scored
    base = scored.outcome(0)
    flips = [f for i, c in enumerate(search.singles) if (f := _flip(base, scored.outcome(i + 1), (c,)))]
    return _nearest_changes(search.pb, flips, search.effective)


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _distance(pb: CompiledPlaybook, question: str, value: Any, current: Any) -> float | None:
    """How far a change moves one answer: between numbers, their difference; between two options of a single-choice
    question, how many options apart they are in the question's order ("In 1 to 3 months" is nearer "Within a month"
    than "In 3 to 6 months"); None for anything else."""
    number, given = _number(value), _number(current)
    if number is not None and given is not None:
        return abs(number - given)
    q = pb.questions.get(question)
    if q is None or q.kind != SINGLE or current is None:
        return None
    order = [o.code for o in q.options]
    return abs(order.index(value) - order.index(current)) if value in order and current in order else None


def _nearest_changes(pb: CompiledPlaybook, flips: list[Flip], answers: Mapping[str, Any]) -> list[Flip]:
    """Of the single changes to one answer that flip to the same verdict and top model, only the one nearest the answer
    given: the smallest change (review 154: 999 and 1,000 hours a year, against 12,000, both listed as making managed
    services rank first, the two values either side of one threshold another rule reads too; review 161: a start in
    1 to 3 and in 3 to 6 months, both making staff augmentation rank first)."""
    nearest: dict[tuple[Any, ...], tuple[float, int]] = {}  # the key -> (distance, index) of the nearest so far
    far: set[int] = set()  # the changes that have a distance
    for i, f in enumerate(flips):
        change = f.changes[0]
        distance = _distance(pb, change.question, change.value, answers.get(change.question))
        if distance is None:
            continue
        far.add(i)
        key = (change.question, f.verdict, f.top_model, f.flips_verdict, f.flips_model, f.frees_model)
        if key not in nearest or distance < nearest[key][0]:
            nearest[key] = (distance, i)
    kept = {i for _distance, i in nearest.values()}
    return [f for i, f in enumerate(flips) if i in kept or i not in far]


def single_flips(pb: CompiledPlaybook, answers: Mapping[str, Any]) -> list[Flip]:
    """Every single-answer change that flips the verdict or the top model (one value per class)."""
    return _single_flips(_search(pb, answers))


def _ranks_first(pb: CompiledPlaybook, base: Mapping[str, Any], flip: Flip) -> Flip | None:
    """``flip`` as the page may say it: a model a requirement still rules out after the change (every model ruled out,
    as by a start date no model can meet) does not "rank first" (review 155: "BOT would rank first" beside what-if's
    "ruled out by a requirement you set"), so the flip keeps its verdict alone, or is none."""
    if not flip.flips_model or not flip.top_model:
        return flip
    after = visibility(pb, _apply(base, flip.changes)).answers
    if tally(pb, after, fired=rules_fired(pb, after)).model_scores.get(flip.top_model, 0) > EXCLUDED_POINTS // 2:
        return flip
    return replace(flip, flips_model=False) if flip.flips_verdict else None


def _usable(pb: CompiledPlaybook, answers: Mapping[str, Any], model: str | None) -> bool:
    """Whether ``model`` is one no requirement rules out with ``answers`` (its points above ``EXCLUDED_POINTS``)."""
    scores = tally(pb, answers, fired=rules_fired(pb, answers)).model_scores
    return model is not None and scores.get(model, 0) > EXCLUDED_POINTS // 2


def _freeing(search: _Search) -> list[Flip]:
    """With every model ruled out by a requirement (a start no model can meet), the single changes that leave the
    model with the most points usable while it stays first and the verdict stays: the ways out a trade-off names (a
    later start, a smaller team), as flips of their own, nearest the answer first (review 161). Tallied one by one,
    and only for a result with no usable model."""
    pb, scored = search.pb, search.scored
    base = scored.outcome(0)
    if base.verdict == DOESNT_WIN or _usable(pb, search.effective, base.top_model):
        return []
    found = []
    for i, change in enumerate(search.singles):
        after = scored.outcome(i + 1)
        if after.verdict != base.verdict or after.top_model != base.top_model:
            continue  # a flip of its own, listed as one
        answers = visibility(pb, _apply(search.effective, (change,))).answers
        if _usable(pb, answers, after.top_model):
            found.append(Flip((change,), after.verdict, after.fit_score, after.top_model, False, False, True))
    return _nearest_changes(pb, found, search.effective)


def _varied(flips: list[Flip]) -> list[Flip]:
    """Up to MAX_FLIPS // 2 of ``flips``, one a question first, in their order, then the rest: two options of one
    question (seasonal and one-off demand) crowded out a later start, the change that frees a model (review 159)."""
    firsts: dict[str, Flip] = {}
    for f in flips:
        firsts.setdefault(f.changes[0].question, f)
    picked = list(firsts.values())[: MAX_FLIPS // 2]
    picked += [f for f in flips if f not in picked][: MAX_FLIPS // 2 - len(picked)]
    return sorted(picked, key=flips.index)


def search_flips(pb: CompiledPlaybook, answers: Mapping[str, Any]) -> FlipSearch:
    """Single changes that flip the verdict or the top model; every pair if no single change flips the
    verdict; every triple if no pair does either and they number at most ``MAX_TRIPLES``."""
    search = _search(pb, answers)
    flips = [shown for f in _single_flips(search) if (shown := _ranks_first(pb, search.effective, f))]
    verdict_flips = [f for f in flips if f.flips_verdict]
    model_flips = _freeing(search) + [f for f in flips if f.flips_model and not f.flips_verdict]
    chosen = _varied(verdict_flips) + _varied(model_flips)
    n = len(search.singles)
    if verdict_flips:
        return FlipSearch(tuple(chosen), n, 0, 0, 1, True)
    groups = _groups(search)
    pairs = _combos(groups, 2)
    found = [shown for f in _verdict_flips(search, pairs) if (shown := _ranks_first(pb, search.effective, f))]
    if found:
        return FlipSearch(tuple(chosen + found), n, len(pairs), 0, 2, True)
    triples = _count(groups, 3)
    if triples > MAX_TRIPLES:
        return FlipSearch(tuple(chosen), n, len(pairs), 0, 2, False)
    found = [
        shown for f in _verdict_flips(search, _combos(groups, 3)) if (shown := _ranks_first(pb, search.effective, f))
    ]
    return FlipSearch(tuple(chosen + found), n, len(pairs), triples, 3, True)


def what_would_flip(pb: CompiledPlaybook, answers: Mapping[str, Any]) -> tuple[Flip, ...]:
    """What ``search_flips`` finds: the flips the result page shows."""
    return search_flips(pb, answers).flips


def sensitivity(pb: CompiledPlaybook, answers: Mapping[str, Any]) -> tuple[Sensitivity, ...]:
    """For each visible answer, the fit-score range one change to it reaches, widest swing first (facts about the
    buyer included: how much its sector or location weighs is worth knowing, though it cannot change them)."""
    search = _search(pb, answers, facts=True)
    scores = search.scored.fit_score.tolist()
    base = scores[0]
    ranges: dict[str, list[int]] = {}
    for change, score in zip(search.singles, scores[1:], strict=True):
        low_high = ranges.setdefault(change.question, [base, base])
        low_high[0], low_high[1] = min(low_high[0], score), max(low_high[1], score)
    rows = [
        Sensitivity(code, pb.questions[code].prompt, low, high, base)
        for code, (low, high) in ranges.items()
        if high > low
    ]
    return tuple(sorted(rows, key=lambda s: (-s.swing, pb.questions[s.question].position)))
