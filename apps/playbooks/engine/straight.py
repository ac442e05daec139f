"""The single call as straight-line Python: one function generated per compiled playbook (issue 21).

``single.blocked_bits`` walks a plan: a loop over sections and questions, each step a tuple unpacked and a
few tests on what kind of question it is. Here the same walk is written out as source text once per
compiled playbook and compiled with ``compile()``: each question is one or two lines on local variables
(its answer read, its blocked bits found in a dictionary and OR-ed into one integer), a section or question
shown on a condition is one AND, and the tallies are the byte tables' lookups written out in a row (bit
planes past the tables' size). The functions are kept with the rule index (``RuleIndex.straight``), like
the other per-playbook tables; ``single`` makes them once a compiled playbook has served enough calls.

Only what an outcome counts: ``single`` reads the answers the rules adding fit points, blockers or model
points read (``scoring.counted_index``: half the reference playbook's rules), and those their visibility
needs; locations, regimes, risks and conditions never change an outcome. ``blocked`` (the fired rules
``evaluate`` explains) reads what every rule needs.

Visibility as bits: the conditions showing those questions and their sections get bits of their own above
the rule bits in the same integer ``b``, laid out as ``RuleIndex`` lays out a rule's (one bit for "all",
one a condition for "any"). A question's masks (``QuestionMasks``, the rules' own mechanism) hold its
rules' conditions and the visibility conditions on it together, so one lookup gives an answer's bits for
both, and whether a section shows is ``b & mask``: the conditions hold on the answers that count before
it, exactly as ``visibility`` decides with closures.

Injection: the source holds only names made here (``b``, ``v3``, ``k17``) and the keywords around
them. Every value from the playbook (question codes, option codes, masks, tables) reaches the function as
a closure constant taken from a tuple by position, never as text, so no curator's code can become code.

Anything unusual (an answer no dictionary knows yet: an off-domain value, a new multiple-choice subset, an
unhashable value; a number of the wrong type) leaves the straight line for the existing walk
(``single.blocked_bits``), and the answers' values are learned into the dictionaries for the next call.
"""

from __future__ import annotations

import math
import struct
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from itertools import combinations
from typing import Any, cast

from apps.playbooks.engine.compiler import FIELD_BIAS, FIELD_BITS, CompiledPlaybook, RuleIndex, tallies
from apps.playbooks.engine.conditions import MEMO_LIMIT, QuestionMasks, bit_positions, bitmask, compile_condition
from apps.playbooks.engine.scoring import Outcome, model_order, verdict_for
from apps.playbooks.engine.types import INTEGER, MULTI, YES_NO, Condition

# Multiple-choice questions with up to this many options have every subset (in option order, the stored
# shape) looked up in advance; larger ones learn the subsets they meet.
SUBSET_OPTIONS = 8
# The fired rules' tallies are summed from the byte tables up to this many bytes of rule heads (a lookup and an
# addition a byte), and from bit planes past it (a popcount a plane, a handful a tally).
TABLE_BYTES = 24
# Outcomes kept per playbook and top model, by the tallies ``verdict_for`` reads: past this many, each further
# one is built on every call that comes to it.
VERDICT_MEMO = 4096
# The tallies ``verdict_for`` reads: fit points and blockers, the first fields of the byte tables' packing
# (``compiler.tallies``), and the open gates, its last field; together the key of an outcome under its top model.
VERDICT_FIELDS = 2
# A number question's cuts between its conditions' bounds are compared in a tree up to this many, and
# bisected past it.
TREE_CUTS = 64

Outcome5 = tuple[str, int, str | None, int, int]


@dataclass(frozen=True)
class Straight:
    outcome: Callable[[Mapping[str, Any]], Outcome]  # ``evaluate.outcome``, one shared value per state
    blocked: Callable[[Mapping[str, Any]], int]  # the rule condition bits the answers make false
    source: str  # the generated text, for tests and for reading

    def single(self, answers: Mapping[str, Any]) -> Outcome5:
        """(verdict, fit score, top model, unblocked score, blockers), as ``single.single`` gives them."""
        found = self.outcome(answers)
        return found.verdict, found.fit_score, found.top_model, found.unblocked_score, found.blockers


class Outcomes:
    """A playbook's outcomes by top model (``by_top``), each a dictionary by the first ``VERDICT_FIELDS``
    tallies packed as the byte tables pack them (each biased by FIELD_BIAS, FIELD_BITS bits a field): the
    generated function's last step is one lookup there, and each outcome is built the first time it is met
    (``miss``) and shared from then on, as a frozen dataclass's constructor costs a fifth of a call. Plain
    dictionaries, as a subclass's lookup is the slower one."""

    def __init__(self, pb: CompiledPlaybook, tops: Iterable[str | None], gates_at: int) -> None:
        self.pb = pb
        self.gates_at = gates_at  # the gates field's first bit in the key
        self.by_top: dict[str | None, dict[int, Outcome]] = {top: {} for top in tops}
        self.tops = {id(memo): top for top, memo in self.by_top.items()}

    def miss(self, memo: dict[int, Outcome], key: int) -> Outcome:
        field = (1 << FIELD_BITS) - 1
        fit, blockers = ((key >> (FIELD_BITS * i) & field) - FIELD_BIAS for i in range(VERDICT_FIELDS))
        gates = (key >> self.gates_at & field) - FIELD_BIAS
        unblocked, score, verdict = verdict_for(self.pb, fit, blockers > 0, gates > 0)
        found = Outcome(verdict, score, self.tops[id(memo)], unblocked, blockers)
        if len(memo) < VERDICT_MEMO:
            memo[key] = found
        return found


@dataclass(frozen=True)
class _Learned:
    """A dictionary of the generated code that learns the values it meets."""

    code: str
    multi: bool
    table: dict[Any, int]
    masks: QuestionMasks


class _Source:
    """Source text with every value from the playbook kept out of it: ``const`` gives a name (``k<n>``)
    bound to ``K[n]`` in the function's closure."""

    def __init__(self) -> None:
        self.constants: list[Any] = []
        self.lines: list[str] = []

    def const(self, value: Any) -> str:
        self.constants.append(value)
        return f"k{len(self.constants) - 1}"

    def add(self, depth: int, text: str) -> None:
        self.lines.append("    " * depth + text)


Fallback = Callable[[Mapping[str, Any]], int]


def counted_questions(pb: CompiledPlaybook, read: Iterable[str]) -> set[str]:
    """The questions whose answers can change what the rules that read ``read`` decide: those, and (over and
    over) the questions the conditions showing them or their sections read. Conditions only read earlier
    questions, so one walk backwards finds them all."""
    counts = set(read)
    for section in reversed(pb.sections):
        for code in reversed(section.questions):
            if code in counts:
                counts.update(c.question for c in pb.question_conditions[code][0])
                counts.update(c.question for c in pb.section_conditions[section.code][0])
    return counts


class _Visibility:
    """The conditions showing the questions in ``counts`` (and their sections) as bits from ``offset`` up,
    above the rule bits in the same integer: per question read, its entries (as ``QuestionMasks`` takes
    them); per section or question shown on a condition, (its bits, whether any one of them suffices)."""

    def __init__(self, pb: CompiledPlaybook, counts: set[str], offset: int) -> None:
        self.entries: dict[str, list[tuple[Condition, Any, int]]] = {}
        self.tests: dict[tuple[str, str], tuple[int, bool]] = {}
        bit = offset
        ordered: list[tuple[str, str, tuple[tuple[Condition, ...], str]]] = []
        for section in pb.sections:
            shown = [q for q in section.questions if q in counts]
            if shown:  # a section with none of them is never tested: its questions are not read
                ordered.append(("section", section.code, pb.section_conditions[section.code]))
                ordered += [("question", q, pb.question_conditions[q]) for q in shown]
        for where, code, (conds, mode) in ordered:
            if not conds:
                continue
            split = mode == "any" and len(conds) > 1
            for offset, cond in enumerate(conds):
                pred = compile_condition(cond, pb.questions[cond.question])
                self.entries.setdefault(cond.question, []).append((cond, pred, 1 << (bit + offset if split else bit)))
            width = len(conds) if split else 1
            self.tests[where, code] = (((1 << width) - 1) << bit, split)
            bit += width
        self.end = bit  # the bits below: the rules' and these


def build(pb: CompiledPlaybook, counted: tuple[RuleIndex, Fallback], every: tuple[RuleIndex, Fallback]) -> Straight:
    """``pb``'s single call as generated functions: ``single`` on ``counted`` (the index of the rules an
    outcome counts, ``scoring.counted_index``), ``blocked`` on ``every`` (``pb``'s whole rule index), each
    with the fallback that gives its index's blocked bits the slow way."""

    def outcome_tail(src: _Source, width: int) -> None:
        _tail(src, pb, counted[0], width)

    def blocked_tail(src: _Source, width: int) -> None:  # the visibility bits above the rule bits are not the caller's
        src.add(0, f"return b & {src.const(every[0].everything)}")

    outcome, outcome_text = _generate(pb, *counted, "outcome", outcome_tail)
    blocked, blocked_text = _generate(pb, *every, "blocked", blocked_tail)
    return Straight(outcome=outcome, blocked=blocked, source=f"{outcome_text}\n\n{blocked_text}")


def _generate(
    pb: CompiledPlaybook, index: RuleIndex, fallback: Fallback, name: str, tail: Callable[[_Source, int], None]
) -> tuple[Any, str]:
    """One generated function: the walk reading the answers ``index``'s rules need (and those their
    visibility needs), then ``tail`` (given how many bits the walk's ``b`` can have); an answer it cannot
    look up goes to ``fallback``."""
    learned: list[_Learned] = []

    def learn(answers: Mapping[str, Any]) -> None:
        for entry in learned:
            value = answers.get(entry.code)
            try:
                # A multiple-choice answer that is not a list raises TypeError here: caught below.
                key = tuple(cast("Iterable[Any]", value)) if entry.multi else value
                if key not in entry.table and len(entry.table) < MEMO_LIMIT:
                    entry.table[key] = entry.masks.blocked({entry.code: value})
            except Exception:  # noqa: BLE001 - a value the conditions cannot test: the slow way each time
                continue

    def slow(answers: Mapping[str, Any]) -> int:
        blocked = fallback(answers)  # first: it raises on what the closures refuse, as the walk always has
        learn(answers)
        return blocked

    vis = _Visibility(pb, counted_questions(pb, (m.code for m in index.questions)), index.everything.bit_length())
    # One set of masks a question for the rules' conditions and the visibility conditions on it: an answer's
    # bits for both are one lookup.
    entries = {m.code: list(m.entries) for m in index.questions}
    for code, found in vis.entries.items():
        entries.setdefault(code, []).extend(found)
    masks = {code: QuestionMasks(pb.questions[code], found) for code, found in entries.items()}
    src = _Source()
    _walk(src, pb, masks, vis, learned)
    walk, src.lines = src.lines, []
    tail(src, vis.end)
    lines, src.lines = src.lines, []
    on_miss = src.const(slow)
    text = _function(src, name, walk, lines, on_miss)
    namespace: dict[str, Any] = {}
    exec(compile(text + "\n", f"<generated {name}>", "exec"), namespace)  # noqa: S102 - see the module's doc
    return namespace[f"make_{name}"](tuple(src.constants)), text


def _function(src: _Source, name: str, walk: list[str], tail: list[str], on_miss: str) -> str:
    """``make_<name>(K)``, which binds each constant to a local of its own and returns ``<name>``: the
    constants are the closure's cells, read as fast as locals and not copied in on each call (as default
    arguments are, keyword-only ones one dictionary lookup each)."""
    lines = [f"def make_{name}(K):"]
    lines += [f"    k{i} = K[{i}]" for i in range(len(src.constants))]
    lines += [f"    def {name}(answers, /):", "        get = answers.get", "        try:"]
    lines += ["    " + line for line in walk]
    lines += ["        except (KeyError, TypeError):", f"            b = {on_miss}(answers)"]
    lines += ["        " + line for line in tail]
    lines += [f"    return {name}"]
    return "\n".join(lines)


def _walk(
    src: _Source,
    pb: CompiledPlaybook,
    masks: Mapping[str, QuestionMasks],
    vis: _Visibility,
    learned: list[_Learned],
) -> None:
    """Sections and questions in order. Within a branch, the choice answers' bits are OR-ed in one
    expression (``pending``): OR is order-free, so only a test of ``b`` needs them added before it."""
    position = 0
    pending: list[str] = []

    def flush(depth: int) -> None:
        if pending:
            src.add(depth, f"b |= {' | '.join(pending)}")
            pending.clear()

    for section in pb.sections:
        depth = 2
        codes = section.questions
        test = vis.tests.get(("section", section.code))
        if test is not None and any(code in masks for code in codes):  # else: nothing to skip
            flush(depth)
            _hidden(src, depth, test, _or(masks, codes))
            depth += 1
        for code in codes:
            position += 1
            m = masks.get(code)
            if m is None:
                continue
            inner = depth
            test = vis.tests.get(("question", code))
            if test is not None:
                flush(depth)
                _hidden(src, depth, test, m.absent)
                inner += 1
            value = f"get({src.const(code)})"
            if m.numeric or m.multi:
                src.add(inner, f"v{position} = {value}")
                value = f"v{position}"
            term = _answered(src, inner, pb, m, value, learned)
            if term:
                pending.append(term)
            if inner > depth:
                flush(inner)
        if depth > 2:
            flush(depth)
    flush(2)
    # ``b`` starts as the first line's bits where that line sets them, else as none.
    first = "    " * 2 + "b |= "
    if src.lines and src.lines[0].startswith(first):
        src.lines[0] = "    " * 2 + "b = " + src.lines[0].removeprefix(first)
    else:
        src.lines.insert(0, "    " * 2 + "b = 0")


def _or(masks: Mapping[str, QuestionMasks], codes: Iterable[str]) -> int:
    out = 0
    for code in codes:
        if (m := masks.get(code)) is not None:
            out |= m.absent
    return out


def _hidden(src: _Source, depth: int, test: tuple[int, bool], bits: int) -> None:
    """``if hidden: <its questions count as unanswered>`` and the ``else:`` that opens the shown branch."""
    mask, split = test
    name = src.const(mask)
    src.add(depth, f"if b & {name} == {name}:" if split else f"if b & {name}:")
    src.add(depth + 1, f"b |= {src.const(bits)}" if bits else "pass")
    src.add(depth, "else:")


def _answered(
    src: _Source,
    depth: int,
    pb: CompiledPlaybook,
    m: QuestionMasks,
    value: str,
    learned: list[_Learned],
) -> str | None:
    """The bits of ``m``'s conditions that the answer ``value`` makes false, as ``QuestionMasks.blocked``
    gives them: an expression to OR into ``b``, or None when the lines added here do it."""
    absent = src.const(m.absent)
    if not m.others and not m.lows:  # answered / not answered only
        return f"({absent} if {value} is None else {src.const(m.present)})"
    question = pb.questions[m.code]
    if m.numeric:
        call = f"{src.const(m)}.blocked(answers)"
        if m.others:  # a choice operator on a number: the masks' own call
            src.add(depth, f"b |= {call}")
            return None
        ranges, compared = _ranges(src, value, m)
        if compared:
            # Any answer but None meets a comparison first, made as the closures make theirs: a number (bool
            # included) compares as there; NaN fails every comparison, so it blocks every range here, as
            # there; anything else raises TypeError, which sends the call to the fallback.
            src.add(depth, f"if {value} is None:")
            src.add(depth + 1, f"b |= {absent}")
            src.add(depth, "else:")
            src.add(depth + 1, f"b |= {ranges}")
            return None
        # No comparison to meet, or the bisections (which would put NaN in every range, the closures in
        # none): the stored type first (a whole number, or a float other than NaN for money and
        # percentages); anything else, bool and NaN included, takes the masks' own path.
        stored = (
            f"type({value}) is int" if question.kind == INTEGER else f"type({value}) is float and {value} == {value}"
        )
        src.add(depth, f"if {stored}:")
        src.add(depth + 1, f"b |= {ranges}")
        src.add(depth, f"elif {value} is None:")
        src.add(depth + 1, f"b |= {absent}")
        src.add(depth, "else:")
        src.add(depth + 1, f"b |= {call}")
        return None
    table: dict[Any, int] = {}
    if m.multi:
        options = question.option_codes
        if len(options) <= SUBSET_OPTIONS:
            for size in range(len(options) + 1):
                for subset in combinations(options, size):
                    table[subset] = m.blocked({m.code: list(subset)})
        term = f"({absent} if {value} is None else {src.const(table)}[tuple({value})])"
    else:
        table[None] = m.absent
        for choice in (True, False) if question.kind == YES_NO else question.option_codes:
            table[choice] = m.blocked({m.code: choice})
        term = f"{src.const(table)}[{value}]"
    learned.append(_Learned(code=m.code, multi=question.kind == MULTI, table=table, masks=m))
    return term


def _tail(src: _Source, pb: CompiledPlaybook, index: RuleIndex, width: int) -> None:
    """From the blocked bits ``b`` (below bit ``width``) to the outcome, one of the ``Outcomes`` shared per top
    model: the fired rules' tallies, the first of the models with the most points, the verdict's lookup."""
    offered, order = model_order(pb)
    gates_at = FIELD_BITS * (VERDICT_FIELDS + len(index.offered))  # the last field (``compiler.tallies``)
    tables = index.byte_tables
    if tables is not None and tables.width <= TABLE_BYTES:
        if index.spans:  # an "any" rule fires on any of its bits: its head from its others
            src.add(0, f"a = b ^ {src.const(index.everything)}")
            fired = [f"a & {src.const(index.heads)}"]
            fired += [f"(a >> {shift}) & {src.const(span)}" for shift, span in enumerate(index.spans, 1)]
            src.add(0, f"x = ({' | '.join(fired)}).to_bytes({tables.width}, 'little')")
            looked_up = tables.tables
        else:  # every bit a rule's head: the tables are read by the blocked bits (the visibility bits above ignored)
            src.add(0, f"x = b.to_bytes({max(tables.width, (width + 7) // 8)}, 'little')")
            looked_up = tuple(_by_blocked(table, index.heads >> 8 * j & 0xFF) for j, table in enumerate(tables.tables))
        # The bias rides on the first byte's table, so the sum starts from it.
        first = tuple(t + tables.bias for t in looked_up[0])
        terms = [f"{src.const(first)}[x[0]]"]
        terms += [f"{src.const(t)}[x[{j}]]" for j, t in enumerate(looked_up[1:], 1)]
        src.add(0, f"t = {' + '.join(terms)}")
        gates_mask = ((1 << FIELD_BITS) - 1) << gates_at
        key = f"t & {src.const((1 << FIELD_BITS * VERDICT_FIELDS) - 1 | gates_mask)}"
        models = [f"u{i}" for i in range(len(index.offered))]
        if models:  # the model columns only: the verdict's tallies stay packed in the key
            skip = FIELD_BITS // 8 * VERDICT_FIELDS
            unpack = struct.Struct(f"<{skip}x{len(models)}I{FIELD_BITS // 8}x").unpack
            targets = ", ".join(models) + ("," if len(models) == 1 else "")
            src.add(0, f"{targets} = {src.const(unpack)}(t.to_bytes({tables.fields.size}, 'little'))")
        column = dict(zip(index.offered, models, strict=True))
    else:
        # Past the tables' size: each tally as bit planes (see ``_planes``), a popcount a plane.
        src.add(0, f"a = b ^ {src.const(index.everything)}")
        fired = [f"a & {src.const(index.heads)}"]
        fired += [f"(a >> {shift}) & {src.const(span)}" for shift, span in enumerate(index.spans, 1)]
        src.add(0, f"f = {' | '.join(fired)}")
        src.add(0, "c = f.bit_count()")
        per_rule = [tallies(rule, index.offered) for rule in index.rules]
        heads = bit_positions(index.heads)
        names = ["fit", "n", *(f"m{i}" for i in range(len(index.offered))), "g"]
        for field, name in enumerate(names):
            src.add(0, f"{name} = {_planes(src, [(h, t[field]) for h, t in zip(heads, per_rule, strict=True)])}")
        bias = src.const(FIELD_BIAS)
        key = f"(fit + {bias}) | (n + {bias}) << {FIELD_BITS} | (g + {bias}) << {gates_at}"
        column = {code: f"m{i}" for i, code in enumerate(index.offered)}
    outcomes = Outcomes(pb, order or (None,), gates_at)
    memo = {top: src.const(found) for top, found in outcomes.by_top.items()}
    if order:  # the first of equals in tie-break order
        src.add(0, f"o = {memo[order[0]]}")
        src.add(0, f"best = {column[order[0]]}")
        for code in order[1:]:
            src.add(0, f"if {column[code]} > best:")
            src.add(1, f"o = {memo[code]}")
            src.add(1, f"best = {column[code]}")
    else:
        src.add(0, f"o = {memo[None]}")
    src.add(0, f"key = {key}")
    src.add(0, "try:")
    src.add(1, "return o[key]")
    src.add(0, "except KeyError:")
    src.add(1, f"return {src.const(outcomes.miss)}(o, key)")


def _by_blocked(table: tuple[int, ...], heads: int) -> tuple[int, ...]:
    """A byte table read by the blocked bits of that byte instead of by its fired heads."""
    return tuple(table[~byte & heads] for byte in range(256))


def _ranges(src: _Source, value: str, m: QuestionMasks) -> tuple[str, bool]:
    """``QuestionMasks.blocked`` of a number ``value``: ``present | by_low[bisect_right(lows, value)] |
    by_high[bisect_left(highs, value)]``. The bounds cut the line into stretches, each with one result;
    up to ``TREE_CUTS`` cuts, the value's stretch is found by comparisons in a balanced tree (three or four
    for a question most playbooks have), else by the two bisections. With whether the expression compares
    ``value`` with a bound before anything else (a tree of at least one comparison)."""
    # A cut (bound, 0) parts ``value < bound`` from ``value >= bound`` (a range's low); (bound, 1) parts
    # ``value <= bound`` from ``value > bound`` (a high). A stretch's result counts the cuts before it.
    lows = [(low, 0) for low in m.lows]
    highs = [(high, 1) for high in m.highs]
    # ``value < -inf`` holds for no value: the stretches start after those cuts (at most's lows).
    cuts = sorted(cut for cut in set(lows) | set(highs) if cut != (-math.inf, 0))
    if len(cuts) > TREE_CUTS:
        low = f"{src.const(tuple(m.by_low))}[{src.const(bisect_right)}({src.const(tuple(m.lows))}, {value})]"
        high = f"{src.const(tuple(m.by_high))}[{src.const(bisect_left)}({src.const(tuple(m.highs))}, {value})]"
        return f"{src.const(m.present)} | {low} | {high}", False
    results = [m.present | m.by_low[bisect_right(lows, (-math.inf, 0))] | m.by_high[0]]
    kept: list[tuple[float, int]] = []
    for cut in cuts:
        found = m.present | m.by_low[bisect_right(lows, cut)] | m.by_high[bisect_right(highs, cut)]
        if found != results[-1]:  # a cut that changes nothing is not tested
            kept.append(cut)
            results.append(found)

    # NaN fails every comparison, so it takes the last stretch, where every range is blocked, as in the closures.
    def tree(first: int, last: int) -> str:
        if first == last:
            return src.const(results[first])
        middle = (first + last) // 2
        bound, kind = kept[middle]
        test = f"{value} {'<=' if kind else '<'} {src.const(bound)}"
        return f"({tree(first, middle)} if {test} else {tree(middle + 1, last)})"

    return tree(0, len(kept)), bool(kept)


def _planes(src: _Source, values: list[tuple[int, int]]) -> str:
    """The sum of ``values`` (head bit, what its rule adds) over the fired heads ``f`` (whose count is
    ``c``), as ``sum(popcount(f & plane_k) << k) - offset * c``: each rule's value plus an offset that
    makes every value non-negative, split into its binary digits, one mask of heads per digit. A handful
    of planes a tally, where grouping the rules by value needs a popcount per distinct value."""
    offset = max(0, -min((v for _, v in values), default=0))
    planes: list[list[int]] = []
    for head, v in values:
        shifted = v + offset
        for k in range(shifted.bit_length()):
            if shifted >> k & 1:
                while len(planes) <= k:
                    planes.append([])
                planes[k].append(head)
    terms = [f"((f & {src.const(bitmask(p))}).bit_count() << {k})" for k, p in enumerate(planes) if p]
    if offset:
        terms.append(f"-{src.const(offset)} * c")
    return " + ".join(terms).replace("+ -", "- ") or "0"
