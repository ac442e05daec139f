"""What-would-flip benchmark: the exhaustive search (``engine.counterfactuals``) on the reference playbook.

For answer sets in the stored shape (as ``bench.batch`` makes them, cleaned as the search cleans them):
the time of the whole search, and of its exhaustive pair search alone (every pair of single changes to
two questions scored, whether or not a single change flips the verdict: the worst case of the pair
step), with how many single changes, pairs and triples it scored and how deep it went. Completeness is
checked, not assumed: on a sample, every pair the search scores is re-scored by ``outcome()`` one by one
and must agree, and the search's single changes must reach every outcome that any value of the same
questions reaches (brute force over every option, selection and breakpoint).

Target (issue 21): the exhaustive pair search on the reference playbook under 100 ms median.
"""

from __future__ import annotations

import json
import statistics
import time
from collections import Counter
from typing import Any

from apps.playbooks.engine import CompiledPlaybook, clean_answers
from apps.playbooks.engine.counterfactuals import (
    MAX_SUBSET_OPTIONS,
    _apply,
    _combos,
    _groups,
    _search,
    numeric_breakpoints,
    search_flips,
)
from apps.playbooks.engine.evaluate import outcome
from apps.playbooks.engine.types import MULTI, NUMERIC_KINDS, SINGLE, YES_NO
from apps.playbooks.engine.visibility import visibility
from bench.batch import reference_playbook, stored_answers

ANSWER_SETS = 60
CHECKED = 5  # answer sets whose every pair is re-scored one by one


def _ms(call: Any) -> tuple[float, Any]:
    started = time.perf_counter()
    result = call()
    return (time.perf_counter() - started) * 1000, result


def _pairs(pb: CompiledPlaybook, answers: dict[str, Any]) -> Any:
    search = _search(pb, answers)
    combos = _combos(_groups(search), 2)
    return search, combos, search.combinations(combos)


def _domain(pb: CompiledPlaybook, code: str, points: dict[str, set[float]], current: Any) -> list[Any]:
    """Every value worth giving ``code``, without the search's grouping: brute force's domain. A multiple
    choice with more than MAX_SUBSET_OPTIONS options is searched by single steps (each option added or taken
    away, each option alone, none: docs/scoring.md), so brute force tries exactly those selections."""
    q = pb.questions[code]
    if q.kind == SINGLE:
        return [o.code for o in q.options]
    if q.kind == YES_NO:
        return [True, False]
    if q.kind == MULTI:
        codes = [o.code for o in q.options]
        if len(codes) <= MAX_SUBSET_OPTIONS:
            return [[c for i, c in enumerate(codes) if mask >> i & 1] for mask in range(1 << len(codes))]
        chosen = set(current or ())
        steps = [chosen ^ {c} for c in codes] + [{c} for c in codes] + [set()]
        return [[c for c in codes if c in step] for step in steps]
    if q.kind in NUMERIC_KINDS:
        return sorted(points.get(code, set()))
    return []


def _singles_complete(pb: CompiledPlaybook, answers: dict[str, Any]) -> int:
    """Brute force: each visible question the search may change (not a ``fixed`` fact about the buyer) given every
    value of its domain reaches exactly the outcomes the search's single changes to it (plus leaving it alone)
    reach. Returns the outcomes compared."""
    search, points = _search(pb, answers), numeric_breakpoints(pb)
    base = search.scored.outcome(0)
    compared = 0
    for code in visibility(pb, answers).questions:
        if pb.questions[code].fixed:
            assert not any(c.question == code for c in search.singles), f"the search changes the fact {code}"
            continue
        found = {base} | {search.scored.outcome(i + 1) for i, c in enumerate(search.singles) if c.question == code}
        brute = {base}
        for value in _domain(pb, code, points, search.effective.get(code)):
            if pb.questions[code].required and value in (None, []):
                continue  # a required question is never left unanswered (the search's rule: submit refuses it)
            changed = {k: v for k, v in search.effective.items() if k != code}
            if value not in (None, []):
                changed[code] = value
            brute.add(outcome(pb, changed))
        if found != brute:
            raise AssertionError(f"single changes to {code}: the search reaches {found}, brute force {brute}")
        compared += len(brute)
    return compared


def run(pb: CompiledPlaybook, *, n: int = ANSWER_SETS) -> dict[str, Any]:
    rows = [dict(clean_answers(pb.questions, a, ignore_unknown=True)[0]) for a in stored_answers(pb, n, seed=23)]
    search_flips(pb, rows[0])  # the per-playbook tables, built once per process
    whole: list[float] = []
    pairs: list[float] = []
    depth: Counter[str] = Counter()
    sizes = []
    for answers in rows:
        ms, found = _ms(lambda a=answers: search_flips(pb, a))
        whole.append(ms)
        depth[f"{found.depth}{'' if found.complete else ' (triples past the limit)'}"] += 1
        sizes.append((found.singles, found.pairs, found.triples))
        ms, _ = _ms(lambda a=answers: _pairs(pb, a))
        pairs.append(ms)
    checked = brute = 0
    for answers in rows[:CHECKED]:
        brute += _singles_complete(pb, answers)
        search, combos, scored = _pairs(pb, answers)
        for i, combo in enumerate(combos.tolist()):
            one = outcome(pb, _apply(search.effective, tuple(search.singles[j] for j in combo)))
            if scored.outcome(i) != one:
                raise AssertionError(f"pair {combo} scored {scored.outcome(i)}, outcome() {one}")
            checked += 1
    return {
        "playbook": {"title": pb.title, "version": pb.version, "rules": len(pb.rules), "questions": len(pb.questions)},
        "answer_sets": len(rows),
        "search_median_ms": statistics.median(whole),
        "search_max_ms": max(whole),
        "pairs_median_ms": statistics.median(pairs),
        "pairs_max_ms": max(pairs),
        "singles_median": statistics.median(s for s, _, _ in sizes),
        "pairs_scored_median": statistics.median(p for _, p, _ in sizes if p) if any(p for _, p, _ in sizes) else 0,
        "triples_scored_max": max(t for _, _, t in sizes),
        "depth": dict(depth),
        "pairs_checked_one_by_one": checked,
        "single_outcomes_checked_by_brute_force": brute,
        "targets": {"pairs_under_100_ms": statistics.median(pairs) < 100},
    }


def main(*args: str) -> None:
    print(json.dumps(run(reference_playbook(), **({"n": int(args[0])} if args else {}))))
