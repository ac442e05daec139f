"""A measurement, not a test (its name keeps it out of the suite): ``evaluate()``'s CPU time a call on the bench's
generated playbooks of 100, 1,000 and 10,000 rules (200 answer sets each, as ``bench/engine.py`` makes them) and on
the reference playbook's golden cases, priced and unpriced; the best of several rounds, each after a warm round.
Run it in two checkouts, in turn, to compare commits (docs/performance.md, "evaluate()'s Because remembered").

Run: .venv/bin/python -m pytest tests/playbooks/measure_evaluate.py -q -s -p no:randomly
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from apps.playbooks.definition import catalogue_snapshot
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


def test_measure(reference: Playbook) -> None:
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
