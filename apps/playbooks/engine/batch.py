"""Scoring many answer sets at once: the verdict, fit score, top model and blockers of ``outcome()`` for
every row of a batch, with numpy doing the work per question and per rule instead of per row.

How: each question's answers are encoded once into a column. Choice and yes/no answers become the index
of their value in a small dictionary (the options, plus any other value seen); multiple-choice answers the
index of their distinct selection (every operator on them depends on the set chosen alone); numbers a
float column with a presence mask. A condition on a choice question is then a lookup in a truth table
worked out by the compiled condition's own closure on each dictionary entry (so it means exactly what it
means to ``outcome()``), and a range condition on a number is two comparisons over the column.
Visibility is evaluated level by level in playbook order over the whole batch: a question's value counts
only where it is visible, which is where its section's and its own conditions hold on the values that
count before it. The fired rules make a 0/1 matrix; one matrix product gives every row's fit points,
blockers, model points and gates, and the verdict and top model follow from them as ``scoring`` derives them.

A value that cannot be encoded exactly (an unhashable answer, a number that is not a finite int or float
within 2**53, a value of the wrong type for ``clean``) marks its row, and that row is scored by
``outcome()`` itself, so every row agrees with it whatever the input. Pure: no Django, no I/O, no clock.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain, compress, repeat
from operator import attrgetter, is_, is_not
from typing import Any

import numpy as np
import numpy.typing as npt

from apps.playbooks.engine.answers import LARGEST, AnswerError, clean_answer, clean_answers
from apps.playbooks.engine.compiler import CompiledPlaybook
from apps.playbooks.engine.conditions import compile_condition, interval
from apps.playbooks.engine.evaluate import Outcome, outcome
from apps.playbooks.engine.packed import Field, Layout
from apps.playbooks.engine.scoring import BASE_SCORE, counted_rules, kpo_models, order_key, tally
from apps.playbooks.engine.types import (
    INTEGER,
    MULTI,
    NUMERIC_KINDS,
    SINGLE,
    VERDICTS,
    YES_NO,
    Condition,
    Predicate,
    Question,
)
from apps.playbooks.engine.visibility import visibility

Bools = npt.NDArray[np.bool_]
Ints = npt.NDArray[np.int32]
Codes = npt.NDArray[np.intp]  # dictionary codes: numpy indexes with intp directly, other ints it converts first

EXACT = 2**53  # beyond this a float64 no longer holds every integer, so comparisons could differ
CHUNK = 32_768  # rows scored at a time: bounds the memory of the rule matrix, whatever the batch size
_ODD = object()  # a value the batch cannot encode exactly: its row goes through ``outcome()``
_EXPECTED: dict[str, tuple[type, ...]] = {"single": (str,), "yes_no": (bool,), MULTI: (list,)}
_WINS, _CONDITIONAL, _DOESNT_WIN = (VERDICTS.index(v) for v in ("wins", "conditional", "doesnt_win"))


@dataclass(frozen=True)
class BatchOutcomes:
    """One entry per row, in the rows' order. ``verdict`` indexes ``VERDICTS``; ``top_model`` indexes
    ``models`` (-1: no model, as ``Outcome.top_model`` None). ``gates`` counts the open gates (each caps
    "wins" at "conditional"; ``outcome()`` shows them only in the verdict), for the what-would-flip search."""

    verdict: npt.NDArray[np.int8]
    fit_score: Ints
    unblocked_score: Ints
    blockers: Ints
    top_model: Ints
    models: tuple[str, ...]
    gates: Ints

    def __len__(self) -> int:
        return len(self.verdict)

    def outcome(self, row: int) -> Outcome:
        """Row ``row`` as ``outcome()`` returns it."""
        top = int(self.top_model[row])
        return Outcome(
            VERDICTS[int(self.verdict[row])],
            int(self.fit_score[row]),
            self.models[top] if top >= 0 else None,
            int(self.unblocked_score[row]),
            int(self.blockers[row]),
        )


@dataclass(frozen=True)
class Encoded:
    """A chunk of rows encoded for ``BatchScorer.score_encoded``; ``odd`` marks the rows it scores with
    ``outcome()`` (kept in ``rows``)."""

    rows: Sequence[Mapping[str, Any]]
    columns: Mapping[str, _Column]
    odd: Bools
    clean: bool

    def __len__(self) -> int:
        return len(self.odd)


@dataclass
class _Column:
    """One question's answers over a chunk: dictionary codes (choices; -1 = no answer) with the values
    they stand for, or numbers with a presence mask."""

    codes: Codes | None = None
    values: tuple[Any, ...] = ()
    numbers: npt.NDArray[np.float64] | None = None
    present: Bools | None = None


class BatchScorer:
    """A compiled playbook prepared for scoring batches: the closures, weights and model order worked
    out once, then ``score`` on as many batches as there are."""

    def __init__(self, pb: CompiledPlaybook) -> None:
        self.pb = pb
        self._predicates: dict[tuple[str, str, str], Predicate] = {}
        ordered = sorted(kpo_models(pb), key=lambda c: order_key(pb.catalogue.models, c))
        self.models = tuple(ordered)  # ties go to the first, as ``scoring.ranked`` breaks them
        at = {code: i for i, code in enumerate(ordered)}
        # Only the rules an outcome counts can change one; the others (locations, regimes, risks, conditions:
        # about half the reference playbook's) are never evaluated here, nor the questions only they read.
        self.scoring = counted_rules(pb)
        # Rows: fit points, blockers, each model's points, gates.
        weights = np.zeros((3 + len(ordered), len(self.scoring)))
        for r, (rule, _) in enumerate(pb.rules[i] for i in self.scoring):
            for e in rule.effects:
                if e.kind == "fit":
                    weights[0, r] += e.points
                elif e.kind == "blocker":
                    weights[1, r] += 1
                elif e.kind == "gate":
                    weights[-1, r] += 1
                elif e.kind == "model" and e.target in at:
                    weights[2 + at[e.target], r] += e.points
        # Whole points summed in float32 are exact while no sum can pass 2**24: half the memory and a faster
        # product than float64, which stays for a playbook whose points could.
        self._float: type[np.floating[Any]] = (
            np.float32 if np.abs(weights).sum(axis=1).max(initial=0) < 2**24 else np.float64
        )
        self.weights: npt.NDArray[np.floating[Any]] = weights.astype(self._float)
        # Only the questions some condition reads can change an outcome; the others are never encoded.
        conditions = [
            c for conds, _ in (*pb.section_conditions.values(), *pb.question_conditions.values()) for c in conds
        ]
        conditions += [c for r in self.scoring for c in pb.rules[r][0].conditions]
        self.read = tuple(dict.fromkeys(c.question for c in conditions))
        self._section_of = {code: section.code for section in pb.sections for code in section.questions}
        # Kept from chunk to chunk, as the same few hundred values come back in every chunk: each packed choice
        # field's values cleaned for its question (``_Packed``), and each condition's truth table with the values
        # tuple it was worked out on (reused only for that very tuple, which ``_Packed`` hands out again while no
        # new value turns up).
        # And each choice question's answers from dictionaries, with their codes (``_Memo``). Per thread: one
        # scorer per compiled playbook serves every request thread of a process (``counterfactuals``), and these
        # grow as values turn up, which two threads must not do to one table at once.
        self._kept = threading.local()

    @property
    def _packed(self) -> dict[tuple[str, str], _Packed]:
        return self._kept_dict("packed")

    @property
    def _tables(self) -> dict[tuple[str, str, str], tuple[tuple[Any, ...], Bools]]:
        return self._kept_dict("tables")

    @property
    def _memos(self) -> dict[tuple[str, bool], _Memo]:
        return self._kept_dict("memos")

    def _kept_dict(self, name: str) -> dict[Any, Any]:
        found: dict[Any, Any] | None = getattr(self._kept, name, None)
        if found is None:
            found = {}
            setattr(self._kept, name, found)
        return found

    def score(self, rows: Sequence[Mapping[str, Any]], *, clean: bool = False) -> BatchOutcomes:
        """``outcome(pb, row)`` for every row; with ``clean``, of ``clean_answers(pb.questions, row,
        ignore_unknown=True)`` (answers a question cannot take dropped, as re-scoring stored answers does)."""
        parts = [self._score_chunk(rows[i : i + CHUNK], clean) for i in range(0, len(rows), CHUNK)]
        if len(parts) == 1:
            return parts[0]
        if not parts:
            return self._score_chunk([], clean)
        return BatchOutcomes(
            verdict=np.concatenate([p.verdict for p in parts]),
            fit_score=np.concatenate([p.fit_score for p in parts]),
            unblocked_score=np.concatenate([p.unblocked_score for p in parts]),
            blockers=np.concatenate([p.blockers for p in parts]),
            top_model=np.concatenate([p.top_model for p in parts]),
            models=self.models,
            gates=np.concatenate([p.gates for p in parts]),
        )

    # -- one chunk -------------------------------------------------------------------------------------

    def encode(self, rows: Sequence[Mapping[str, Any]], *, clean: bool = False) -> Encoded:
        """``rows`` as columns, one per question a condition reads (the part of scoring that reads every
        answer; what ``score_encoded`` then does is numpy's, so encoded rows can be scored again cheaply)."""
        odd = np.zeros(len(rows), bool)
        read, questions = self.read, self.pb.questions
        # One pass over the rows, each read once for every question a condition reads, row after row into one
        # flat list (every step in C: no Python frame and no tuple per row), each question's answers then a
        # slice of it: far cheaper than a pass over all the rows per question, and about half the time of
        # a tuple per row transposed with ``zip``.
        flat = list(chain.from_iterable(map(map, map(attrgetter("get"), rows), repeat(read))))
        step = len(read)
        memos = self._memos
        columns = {code: _encode(questions[code], flat[i::step], odd, clean, memos) for i, code in enumerate(read)}
        return Encoded(rows, columns, odd, clean)

    def encode_packed(self, layout: Layout, records: npt.NDArray[Any]) -> Encoded:
        """Answers packed with ``layout`` (``engine.packed``: the playbook they were scored on, which
        may not be this one) as columns for ``score_encoded``, cleaned for this playbook as ``score``
        with ``clean`` cleans them. Python works once per distinct value of a question, never per row."""
        n = len(records)
        columns: dict[str, _Column] = {}
        for code in self.read:
            q, f = self.pb.questions[code], layout.field(code)
            if f is None:  # a question the answers' playbook did not ask: unanswered
                columns[code] = _nothing(q, n)
            elif f.kind in NUMERIC_KINDS and q.kind in NUMERIC_KINDS:  # numbers stay in numpy
                x = records[code].astype(np.float64)
                present = ~np.isnan(x)
                x[~present] = 0.0
                floats = None if f.kind == INTEGER else present.copy()
                columns[code] = _Column(numbers=x, present=present & _cleaned(q, x, floats))
            elif f.kind in (SINGLE, YES_NO, MULTI) and not _in_range(f, records[code]):
                raise DamagedAnswers(f"{code}: a packed value its field ({f.kind}) cannot hold")
            elif q.kind not in NUMERIC_KINDS and (f.kind in (SINGLE, YES_NO) or records[code].dtype.itemsize <= 2):
                found = self._packed.get((layout.digest, code))
                if found is None:
                    found = self._packed[layout.digest, code] = _Packed(q, f)
                columns[code] = found.column(records[code])
            else:
                codes, values = _dictionary(f, records[code])
                columns[code] = _from_dictionary(q, codes, values)
        return Encoded((), columns, np.zeros(n, bool), True)

    def _score_chunk(self, rows: Sequence[Mapping[str, Any]], clean: bool) -> BatchOutcomes:
        return self.score_encoded(self.encode(rows, clean=clean))

    def score_encoded(self, encoded: Encoded) -> BatchOutcomes:
        """The outcomes of ``encoded``'s rows (see ``score``)."""
        rows, columns, odd, clean = encoded.rows, encoded.columns, encoded.odd, encoded.clean
        n = len(odd)
        if not n:
            empty = np.zeros(0, np.int32)
            return BatchOutcomes(np.zeros(0, np.int8), empty, empty, empty, empty, self.models, empty)
        pb, section_of = self.pb, self._section_of
        sections: dict[str, Bools] = {}
        visible: dict[str, Bools] = {}
        seen: dict[str, tuple[_Column, Bools | None]] = {}  # each question's column as the conditions see it
        truths: dict[tuple[str, str, str], Bools] = {}

        def shown(code: str) -> Bools:
            """Where question ``code`` is visible: worked out when a condition first reads it (its own
            conditions read only earlier questions, so this ends)."""
            if code not in visible:
                section = section_of[code]
                if section not in sections:
                    sections[section] = predicate(*pb.section_conditions[section])
                visible[code] = sections[section] & predicate(*pb.question_conditions[code])
            return visible[code]

        def holds(cond: Condition) -> Bools:
            key = _key(cond)
            if key not in truths:
                code = cond.question
                if code not in seen:
                    seen[code] = _where_shown(columns[code], shown(code))
                truths[key] = self._truth(cond, *seen[code])
            return truths[key]

        def predicate(conds: Sequence[Condition], mode: str) -> Bools:
            """Where ``conds`` hold together (``mode``): a new array, or one of ``truths``' (never written to)."""
            if not conds:
                return np.ones(n, bool)
            if len(conds) == 1:
                return holds(conds[0])
            combine = np.logical_or if mode == "any" else np.logical_and
            out = combine(holds(conds[0]), holds(conds[1]))
            for cond in conds[2:]:
                combine(out, holds(cond), out=out)
            return out

        rules = pb.rules
        fired: npt.NDArray[np.floating[Any]] = np.empty((len(self.scoring), n), self._float)
        for i, r in enumerate(self.scoring):
            fired[i] = predicate(rules[r][0].conditions, rules[r][0].match)
        sums = np.rint(_product(self.weights, fired)).astype(np.int32)
        result = self._verdicts(sums[0], sums[1], sums[2:-1], sums[-1])
        for i in np.flatnonzero(odd).tolist():  # the rows the arrays cannot hold exactly
            row = rows[i]
            answers = clean_answers(pb.questions, row, ignore_unknown=True)[0] if clean else row
            got = outcome(pb, answers)
            result.verdict[i] = VERDICTS.index(got.verdict)
            result.fit_score[i], result.unblocked_score[i] = got.fit_score, got.unblocked_score
            result.blockers[i] = got.blockers
            result.top_model[i] = self.models.index(got.top_model) if got.top_model else -1
            result.gates[i] = tally(pb, visibility(pb, answers).answers).gates
        return result

    def _verdicts(self, fit: Ints, blockers: Ints, models: Ints, gates: Ints) -> BatchOutcomes:
        pb = self.pb
        unblocked = np.clip(BASE_SCORE + fit, 0, 100).astype(np.int32)
        blocked = blockers > 0
        score = np.where(blocked, np.minimum(unblocked, max(0, pb.conditional_threshold - 1)), unblocked)
        verdict = np.full(len(fit), _DOESNT_WIN, np.int8)
        verdict[unblocked >= pb.conditional_threshold] = _CONDITIONAL
        verdict[(unblocked >= pb.wins_threshold) & (gates == 0)] = _WINS
        verdict[blocked] = _DOESNT_WIN
        top = np.argmax(models, axis=0).astype(np.int32) if len(self.models) else np.full(len(fit), -1, np.int32)
        return BatchOutcomes(
            verdict,
            score.astype(np.int32),
            unblocked,
            blockers.astype(np.int32),
            top,
            self.models,
            gates.astype(np.int32),
        )

    def _predicate(self, cond: Condition) -> Predicate:
        key = _key(cond)
        if key not in self._predicates:
            self._predicates[key] = compile_condition(cond, self.pb.questions[cond.question])
        return self._predicates[key]

    def _truth(self, cond: Condition, column: _Column, shown: Bools | None) -> Bools:
        """Where ``cond`` holds over the chunk, on ``column`` as its question is seen (``_where_shown``: a number's
        column with no answer where hidden; a choice's column and where it is shown, None where it always is)."""
        pred, code = self._predicate(cond), cond.question
        if column.codes is not None:
            key = _key(cond)
            known = self._tables.get(key)
            if known is not None and known[0] is column.values:
                table = known[1]
            else:
                table = np.array([pred({code: v}) for v in column.values] + [pred({})], bool)
                self._tables[key] = (column.values, table)
            truth = table[column.codes]  # code -1 reads the last entry: no answer
            if shown is not None:  # hidden: no answer either
                if table[-1]:
                    truth |= ~shown
                else:
                    truth &= shown
            return truth
        assert column.numbers is not None and column.present is not None
        x, present = column.numbers, column.present
        if cond.op in ("answered", "not_answered"):
            return present if cond.op == "answered" else ~present
        span = interval(cond, self.pb.questions[code])
        if span is not None:
            return present & (span[0] <= x) & (x <= span[1])
        # Equality and presence on a number: the closure on each distinct value.
        distinct, where = np.unique(x, return_inverse=True)
        table = np.array([pred({code: float(v)}) for v in distinct], bool)
        return np.where(present, table[where.reshape(-1)] if len(distinct) else False, pred({}))


def _where_shown(column: _Column, shown: Bools) -> tuple[_Column, Bools | None]:
    """``column`` as its conditions see it, a hidden question's answer not counting: a number's with no answer
    where ``shown`` is false (done once per question, so each condition is a single comparison); a choice's as
    it is, with ``shown`` for ``_truth`` to apply to each truth (cheaper than rewriting the codes, some 8
    times the bytes). ``shown`` is None where the question is always shown."""
    if shown.all():
        return column, None
    if column.codes is not None:
        return column, shown
    assert column.present is not None
    return _Column(numbers=column.numbers, present=column.present & shown), None


def recombine(
    encoded: Encoded, sources: Mapping[str, npt.NDArray[np.intp]], rows: Sequence[Mapping[str, Any]]
) -> Encoded:
    """New rows built column by column from ``encoded``'s: new row i answers question q as ``encoded``'s
    row ``sources[q][i]`` does, and every question not in ``sources`` as its row 0 does. ``rows`` are
    the answer sets this makes (only read for a row the arrays cannot hold, which goes to ``outcome()``).

    This is how the what-would-flip search scores thousands of combinations of a few changes without
    building and encoding a dictionary per combination: row 0 is the base answers, the others one change
    each, and a combination picks, per question, the row that changes it."""
    n = len(rows)
    base = np.zeros(n, np.intp)
    odd = np.full(n, bool(encoded.odd[0])) if len(encoded) else np.zeros(n, bool)
    columns: dict[str, _Column] = {}
    for code, column in encoded.columns.items():
        pick = sources.get(code, base)
        odd |= encoded.odd[pick]
        if column.codes is not None:
            columns[code] = _Column(codes=column.codes[pick], values=column.values)
        else:
            assert column.numbers is not None and column.present is not None
            columns[code] = _Column(numbers=column.numbers[pick], present=column.present[pick])
    return Encoded(rows, columns, odd, encoded.clean)


def score_batch(pb: CompiledPlaybook, rows: Sequence[Mapping[str, Any]], *, clean: bool = False) -> BatchOutcomes:
    """``BatchScorer(pb).score(rows, clean=clean)``, for a single batch."""
    return BatchScorer(pb).score(rows, clean=clean)


# OpenBLAS runs a matrix product above this many multiply-adds on all cores; with the cores busy (a web
# server's other requests) waking its threads costs more than the product: 16 ms instead of 0.5 ms for
# the 1,700 rows of a what-would-flip pair search. Below it, one thread. (Sums of whole points in float64
# are exact in any order, so the blocks change no result.)
_ONE_THREAD = 65_536 * 4


def _product(
    weights: npt.NDArray[np.floating[Any]], fired: npt.NDArray[np.floating[Any]]
) -> npt.NDArray[np.floating[Any]]:
    """``weights @ fired``, a block of columns at a time small enough for one thread."""
    block = max(32, _ONE_THREAD // max(1, weights.shape[0] * weights.shape[1]))
    if fired.shape[1] <= block:
        return weights @ fired
    return np.concatenate([weights @ fired[:, i : i + block] for i in range(0, fired.shape[1], block)], axis=1)


def _key(cond: Condition) -> tuple[str, str, str]:
    return (cond.question, str(cond.op), repr(cond.value))


# -- encoding ------------------------------------------------------------------------------------------


def _preparer(q: Question, clean: bool) -> Callable[[Any], Any]:
    """The value a raw answer stands for: itself, or with ``clean`` the stored form ``clean_answers``
    keeps (None when it drops it); ``_ODD`` when the arrays could not hold it exactly."""

    def prepare(raw: Any) -> Any:
        if clean:
            try:
                raw = clean_answer(q, raw)
            except AnswerError:
                return None
        exact = raw is None or q.kind not in NUMERIC_KINDS or (type(raw) in (int, float) and abs(raw) <= EXACT)
        return raw if exact else _ODD  # bool, NaN, infinity, a huge int or text for a number

    return prepare


def _encode(q: Question, raw: list[Any], odd: Bools, clean: bool, memos: dict[tuple[str, bool], _Memo]) -> _Column:
    if q.kind in NUMERIC_KINDS:
        return _numbers(q, raw, odd, _preparer(q, clean), clean)
    memo = memos.get((q.code, clean))
    if memo is None or len(memo) > MEMO_LIMIT:  # bounded: a batch of ever new answers starts afresh
        memo = memos[q.code, clean] = _Memo(q, _preparer(q, clean))
    return _choices(q, raw, odd, memo.prepare, memo)


def _nothing(q: Question, n: int) -> _Column:
    if q.kind in NUMERIC_KINDS:
        return _Column(numbers=np.zeros(n), present=np.zeros(n, bool))
    return _Column(codes=np.full(n, -1, np.intp), values=())


class DamagedAnswers(ValueError):
    """Packed answers holding a value their layout's field cannot (``pack`` never writes one): the
    caller reads those answers from elsewhere (the preview: the snapshot's JSON)."""


def _in_range(f: Field, stored: npt.NDArray[Any]) -> bool:
    """Whether every packed value of choice field ``f`` is one it can hold: an option's index or -1 (no
    answer), or a mask of its options. One comparison over the column, as its values index tables."""
    if not len(stored):
        return True
    if f.kind == MULTI:
        return int(stored.min()) >= 0 and int(stored.max()) < 1 << len(f.options)
    top = len(f.options) if f.kind == SINGLE else 2
    return int(stored.min()) >= -1 and int(stored.max()) < top


def _dictionary(f: Field, stored: npt.NDArray[Any]) -> tuple[Codes, list[Any]]:
    """A packed field's values as dictionary codes (-1: no answer) and the values they stand for, in
    the stored form of ``f``'s playbook."""
    if f.kind == SINGLE:
        return stored.astype(np.intp), list(f.options)
    if f.kind == YES_NO:
        return stored.astype(np.intp), [False, True]
    values: list[Any]
    if f.kind == MULTI:
        absent = stored == 0
        masks, where = np.unique(stored, return_inverse=True)
        values = [[o for i, o in enumerate(f.options) if int(m) >> i & 1] for m in masks.tolist()]
    else:
        absent = np.isnan(stored)
        masks, where = np.unique(stored[~absent], return_inverse=True)
        values = [int(v) if f.kind == INTEGER else float(v) for v in masks.tolist()]
        full = np.zeros(len(stored), np.intp)
        full[~absent] = where.reshape(-1)
        where = full
    codes = where.reshape(-1).astype(np.intp)
    codes[absent] = -1
    return codes, values


class _Packed:
    """A packed single choice, yes/no or multiple choice (of up to 16 options) field over every chunk: a code for
    each stored value seen so far (a table as long as the values it could hold), the values in the order
    first seen and, cleaned for question ``q``, the column's codes and values. While no chunk brings a new
    value, the column's values are the same tuple as before, so truth tables worked out on it are reused."""

    def __init__(self, q: Question, f: Field) -> None:
        self.q, self.f = q, f
        slots = 1 << len(f.options) if f.kind == MULTI else len(f.options) + 1 if f.kind == SINGLE else 3
        self.lookup = np.full(slots, -1, np.intp)  # stored value (a choice's index + 1, a mask) -> its code
        self.values: list[Any] = []  # in the stored form of ``f``'s playbook
        self.cleaned: tuple[Codes, tuple[Any, ...]] = (np.full(1, -1, np.intp), ())

    def column(self, stored: npt.NDArray[Any]) -> _Column:
        f = self.f
        # A choice's index and yes/no are -1 for no answer, a mask 0: shifted so that no answer is slot 0.
        slots = stored.astype(np.intp) + (f.kind != MULTI)
        seen = np.zeros(len(self.lookup), bool)
        seen[slots] = True
        seen[0] = False
        new = np.flatnonzero(seen & (self.lookup < 0))
        if len(new):
            for slot in new.tolist():
                self.lookup[slot] = len(self.values)
                self.values.append(_stored_value(f, slot))
            column = _from_dictionary(self.q, np.arange(len(self.values), dtype=np.intp), self.values)
            assert column.codes is not None
            self.cleaned = (np.append(column.codes, -1), column.values)
        table, values = self.cleaned
        return _Column(codes=table[self.lookup[slots]], values=values)


def _stored_value(f: Field, slot: int) -> Any:
    """The value stored in ``slot`` of ``_Packed``'s lookup (see there)."""
    if f.kind == SINGLE:
        return f.options[slot - 1]
    if f.kind == YES_NO:
        return bool(slot - 1)
    return [o for i, o in enumerate(f.options) if slot >> i & 1]


def _from_dictionary(q: Question, codes: Codes, values: list[Any]) -> _Column:
    """The column of ``q`` where row i answers ``values[codes[i]]`` (none where -1), each value cleaned
    for ``q`` as ``clean_answers`` cleans it (dropped where it does not fit)."""
    prepare = _preparer(q, True)
    prepared = [prepare(v) for v in values]
    if q.kind in NUMERIC_KINDS:  # cleaned numbers are finite and within the engine's limit: exact
        numbers = np.array([p if isinstance(p, int | float) else 0.0 for p in prepared] + [0.0], np.float64)
        kept = np.array([isinstance(p, int | float) for p in prepared] + [False], bool)
        return _Column(numbers=numbers[codes], present=kept[codes])
    kept_values = [p for p in prepared if p is not None]
    index, at = [], 0
    for p in prepared:
        index.append(at if p is not None else -1)
        at += p is not None
    table = np.array([*index, -1], np.intp)
    return _Column(codes=table[codes], values=tuple(kept_values))


def _choices(q: Question, raw: list[Any], odd: Bools, prepare: Callable[[Any], Any], memo: _Memo) -> _Column:
    multi = q.kind == MULTI
    n = len(raw)
    out: Codes | None = None
    # The common case, every answer of the question's own type: one hash per answer, a value's code worked
    # out the first time the batch sees it (``memo``, kept from chunk to chunk). Otherwise (say 1 among
    # booleans, which Python hashes as True) keys carry their type, in a dictionary of this chunk's own.
    # A single choice skips the pass over the types: its memo refuses a new key of any type but text
    # (``_Memo.only``), and only text equals text, so an answer of another type always reaches that refusal (a
    # subclass of text equal to a key reads as that key, which cleaning and every condition treat alike).
    if q.kind == SINGLE or set(map(type, raw)) <= {type(None), *_EXPECTED[q.kind]}:
        try:
            if multi:  # each list answered looked up as a tuple; no answer stays -1
                given = np.fromiter(map(is_not, raw, repeat(None)), bool, n)
                out = np.full(n, -1, np.intp)
                keys = map(tuple, compress(raw, given))
                out[given] = np.fromiter(map(memo.__getitem__, keys), np.intp, int(given.sum()))
            else:
                out = np.fromiter(map(memo.__getitem__, raw), np.intp, n)
        except (TypeError, _Mixed):  # unhashable, or not a text: the slow way below (what ``memo`` learnt holds)
            out = None
        else:
            return _Column(codes=out, values=memo.frozen())
    values: list[Any] = []

    def code_of(value: Any) -> int:
        prepared = prepare(value)
        if prepared is _ODD:
            return -2
        if prepared is None:
            return -1
        values.append(prepared)
        return len(values) - 1

    slow: dict[Any, int] = {None: -1}
    codes = []
    for v in raw:
        try:
            key = None if v is None else (type(v), tuple(v) if type(v) in (list, tuple) else v)
            if key not in slow:
                slow[key] = code_of(v)
            codes.append(slow[key])
        except TypeError:
            codes.append(-2)
    out = np.array(codes, np.intp)
    bad = out == -2
    if bad.any():
        odd |= bad
        out[bad] = -1
    return _Column(codes=out, values=tuple(values))


class _Mixed(Exception):
    """An answer of another type than the memo's keys (``_Memo.only``): the column is encoded the slow way."""


MEMO_LIMIT = 4096  # distinct answers a question's memo keeps between chunks; past it, the next starts afresh


class _Memo(dict[Any, int]):
    """One choice question's answers of every type-clean chunk of a batch: answer (as a key) -> its dictionary
    code, worked out by ``prepare`` on first sight (-1 where it keeps nothing; no answer is -1), and the values
    the codes stand for. ``frozen`` hands out the same tuple of them while no new value turns up, so the truth
    tables worked out on it are reused from chunk to chunk (``BatchScorer._truth``). Only ever keyed by answers
    of the question's own type (``_EXPECTED``); a multiple choice's elements are not checked, so ``("a", 1)`` and
    ``("a", True)`` are one key: both are cleaned alike (an element that is no option is an error either way).
    One thread's: the scorer keeps a memo per thread."""

    def __init__(self, q: Question, prepare: Callable[[Any], Any]) -> None:
        super().__init__({None: -1})
        self.rebuild = list if q.kind == MULTI else None  # a multiple choice's tuple back into its list
        self.only = str if q.kind == SINGLE else None  # the one type of key a single choice's memo takes
        self.prepare = prepare
        self.kept: list[Any] = []  # the values the codes stand for
        self._frozen: tuple[Any, ...] = ()

    def __missing__(self, key: Any) -> int:
        if self.only is not None and type(key) is not self.only:
            raise _Mixed
        prepared = self.prepare(key if self.rebuild is None else self.rebuild(key))
        code = -1
        if prepared is not None:  # a choice is never ``_ODD`` (only a number can be)
            self.kept.append(prepared)
            code = len(self.kept) - 1
        self[key] = code
        return code

    def frozen(self) -> tuple[Any, ...]:
        if len(self._frozen) != len(self.kept):
            self._frozen = tuple(self.kept)
        return self._frozen


def _numbers(q: Question, raw: list[Any], odd: Bools, prepare: Callable[[Any], Any], clean: bool) -> _Column:
    n = len(raw)
    present = np.fromiter(map(is_not, raw, repeat(None)), bool, n)
    types = set(map(type, raw))
    if types <= {type(None), int, float}:  # the common case, in numpy; anything else one value at a time
        try:
            x = np.array(raw, np.float64)  # no answer (None) as NaN, set to 0 below
        except OverflowError:
            x = np.full(n, np.inf)
        x[~present] = 0.0
        if (np.abs(x) <= EXACT).all():  # finite, and every int held exactly
            if clean:
                floats = np.fromiter(map(is_, map(type, raw), repeat(float)), bool, n) if float in types else None
                present &= _cleaned(q, x, floats)
            return _Column(numbers=x, present=present)
    x = np.zeros(n)
    memo: dict[Any, Any] = {}
    for i, v in enumerate(raw):
        if v is None:
            continue
        try:
            key = (type(v), v)
            value = memo[key] if key in memo else memo.setdefault(key, prepare(v))
        except TypeError:
            value = _ODD
        if value is None or value is _ODD:
            present[i] = False
            odd[i] |= value is _ODD
        else:
            x[i] = value
    return _Column(numbers=x, present=present)


def _cleaned(q: Question, x: npt.NDArray[np.float64], floats: Bools | None) -> Bools:
    """Which of the numbers ``clean_answer`` keeps for ``q``; rounds ``x`` in place as it does. ``floats``
    marks the numbers that were Python floats (None: none were).

    Its bounds are compared as decimals of the numbers' shortest forms, which order floats as floats
    order; an int within 2**53 is exact in a float, so both comparisons here are float comparisons."""
    high = min(q.max, LARGEST) if q.max is not None else LARGEST
    low = max(q.min, -LARGEST) if q.min is not None else -LARGEST
    keep: Bools = (low <= x) & (x <= high)
    if q.kind == "percent":
        keep &= (x >= 0) & (x <= 100)
    if floats is not None:
        if q.kind == INTEGER:  # a whole float is kept (as its int), any other refused
            keep &= ~floats | (x == np.floor(x))
        else:  # money and percentages keep two decimals, rounded as Python rounds
            distinct, where = np.unique(x[floats], return_inverse=True)
            x[floats] = np.array([round(float(v), 2) for v in distinct])[where.reshape(-1)]
    return keep
