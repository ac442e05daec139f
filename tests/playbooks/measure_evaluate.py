"""A measurement, not a test (its name keeps it out of the suite): ``evaluate()``'s CPU time a call on the bench's
generated playbooks of 100, 1,000 and 10,000 rules (200 answer sets each, as ``bench/engine.py`` makes them) and on
the reference playbook's golden cases, priced and unpriced; the best of several rounds, each after a warm round.
Run it in two checkouts, in turn, to compare commits (docs/performance.md, "evaluate()'s Because remembered").

Run: .venv/bin/python -m pytest tests/playbooks/measure_evaluate.py -q -s -p no:randomly

With ``KPO_BASE_EVALUATE`` set to another checkout's ``apps/playbooks/engine/evaluate.py`` (one whose imports this
checkout's engine still provides), that file is loaded beside this one and the two are timed in the same process,
round after round in turn, each on a playbook compiled for it alone (their memos are kept on the compiled playbook):
on a machine whose speed moves between runs, the steadier comparison (docs/performance.md, "evaluate()'s fired
rules, 2026-12-03"). With ``KPO_BASE_DIFFERS=1`` the two may disagree (a change meant to alter some results): the
answer sets evaluated differently are counted, and both still timed.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import time
from collections.abc import Callable
from typing import Any

from apps.playbooks.definition import build_definition, catalogue_snapshot
from apps.playbooks.engine import compile_playbook, evaluate
from apps.playbooks.engine.answers import clean_answers
from apps.playbooks.models import Playbook
from apps.playbooks.runtime import compiled_playbook
from bench.playbooks import answer_sets, generate_playbook


def _best_ms(call: Callable[[Any], Any], sets: list[Any], rounds: int) -> float:
    for answers in sets:
        call(answers)  # warm: compiled plans, memos
    best = float("inf")
    for _ in range(rounds):
        started = time.process_time()
        for answers in sets:
            call(answers)
        best = min(best, time.process_time() - started)
    return best / len(sets) * 1000


def _round_ms(call: Callable[[Any], Any], sets: list[Any]) -> float:
    started = time.process_time()
    for answers in sets:
        call(answers)
    return (time.process_time() - started) / len(sets) * 1000


def _side_by_side(path: str, reference: Playbook) -> None:
    spec = importlib.util.spec_from_file_location("kpo_base_evaluate", path)
    assert spec is not None and spec.loader is not None
    base = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = base  # dataclasses look their module up while the file is executed
    spec.loader.exec_module(base)
    catalogue = catalogue_snapshot()
    cases: list[tuple[str, Callable[[], Any], list[Any], int]] = []
    for rules in (100, 1_000, 10_000):
        definition = generate_playbook(rules, catalogue=catalogue)
        cases.append(
            (
                f"{rules:,} rules",
                lambda d=definition: compile_playbook(d),
                answer_sets(definition, 200),
                7 if rules < 10_000 else 4,
            )
        )
    pb = compiled_playbook(reference)
    golden = [clean_answers(pb.questions, case.answers)[0] for case in reference.golden_cases.all()]
    definition = reference.definition or build_definition(reference)
    cases.append(("reference", lambda: compile_playbook(definition), golden, 9))
    print(f"\nevaluate(), ms of CPU a call, this checkout against {path}, rounds in turn (best / median):")
    for name, compiled, sets, rounds in cases:
        mine, theirs = compiled(), compiled()
        differ = 0
        for answers in sets:  # warm both, and check they agree (each file has its own result classes)
            same = _read(evaluate(mine, answers)) == _read(base.evaluate(theirs, answers))
            assert same or os.environ.get("KPO_BASE_DIFFERS"), name
            differ += not same
        if differ:  # a change meant to alter some results (KPO_BASE_DIFFERS=1): timed all the same, and counted
            print(f"  {name}: {differ} of {len(sets)} answer sets evaluate differently")
        times: dict[str, list[float]] = {"this": [], "base": []}
        for _ in range(rounds):
            times["this"].append(_round_ms(lambda a, p=mine: evaluate(p, a), sets))
            times["base"].append(_round_ms(lambda a, p=theirs: base.evaluate(p, a), sets))
        said = {k: f"{min(v):.3f} / {sorted(v)[len(v) // 2]:.3f}" for k, v in times.items()}
        ratio = min(times["this"]) / min(times["base"])
        print(f"  {name}: base {said['base']}, this {said['this']}, best this/base {ratio:.2f}")


def _read(ev: Any) -> tuple[Any, ...]:
    """What an evaluation says, in plain values."""
    fired = tuple((f.code, f.because, f.effects) for f in ev.fired)
    return (ev.verdict, ev.fit_score, ev.top_model, ev.delivered_from, fired, tuple(r.code for r in ev.regimes))


def test_measure(reference: Playbook) -> None:
    base = os.environ.get("KPO_BASE_EVALUATE")
    if base:
        _side_by_side(base, reference)
        return
    catalogue = catalogue_snapshot()
    out = []
    for rules in (100, 1_000, 10_000):
        definition = generate_playbook(rules, catalogue=catalogue)
        compiled = compile_playbook(definition)
        sets = answer_sets(definition, 200)
        ms = _best_ms(lambda a, pb=compiled: evaluate(pb, a), sets, 6 if rules < 10_000 else 3)
        out.append(f"{rules:,} rules {ms:.3f}")
    pb = compiled_playbook(reference)
    cases = [clean_answers(pb.questions, case.answers)[0] for case in reference.golden_cases.all()]
    priced = _best_ms(lambda a: evaluate(pb, a), cases, 8)
    unpriced = _best_ms(lambda a: evaluate(pb, a, priced=False), cases, 8)
    out.append(f"reference priced {priced:.3f}, unpriced {unpriced:.3f}")
    print("\nevaluate(), ms of CPU a call (best round):", " | ".join(out))
