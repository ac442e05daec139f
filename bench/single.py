"""The single call step by step (issue 21): ``outcome()``'s work as it was first (``scoring.bare`` of
``visibility.counted_answers``), the single call's loop over its plan (``single.looped``), the generated
straight-line call (``single.single``) and ``outcome()`` itself, against datalogic's compiled call on the
answers as a dict and its fastest form (a session on answers parsed before the clock starts). All timed in
one process and interleaved on the same answer sets, every pair of our results asserted equal and equal to
datalogic's. Minimum of the rounds of the process's CPU time (``time.process_time``: on a shared machine the
time spent waiting for a core is not counted), in microseconds a call. Needs the peers from
``bench/requirements.txt``.

Run: ``.venv/bin/python manage.py shell -c "from bench.single import main; main()"``; ``BENCH_SIZES=1000``
(comma-separated) for fewer generated playbooks.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from apps.playbooks.engine import CompiledPlaybook, compile_playbook
from apps.playbooks.engine.evaluate import Outcome, outcome
from apps.playbooks.engine.scoring import bare
from apps.playbooks.engine.single import looped, single
from apps.playbooks.engine.visibility import counted_answers
from bench.peers import _clean, _parsed, _peers, _peers_session, jsonlogic, outcome_of
from bench.playbooks import answer_sets, generate_playbook

ANSWER_SETS = 200
CALLS = 12_000  # a call's share of each timed round, summed over the rounds


def compare(pb: CompiledPlaybook, answers: list[dict[str, Any]]) -> dict[str, float]:
    expression = jsonlogic(pb)
    peers = _peers(expression)
    if peers is None:
        raise SystemExit("The peers are not installed: pip install -r bench/requirements.txt")
    calls: dict[str, Callable[[Any], Any]] = {
        "tally": lambda a: bare(pb, counted_answers(pb, a)),
        "loop": lambda a: looped(pb, a),
        "straight": lambda a: single(pb, a),
        "outcome": lambda a: outcome(pb, a),
        "datalogic": peers["datalogic_compiled"],
    }
    for a in answers:
        want = calls["tally"](a)
        if (
            calls["loop"](a) != want
            or calls["straight"](a) != want
            or tuple(asdict(calls["outcome"](a)).values()) != want
        ):
            raise AssertionError(f"the single call disagrees on {a}")
        if outcome_of(pb, calls["datalogic"](a)) != Outcome(*want):
            raise AssertionError(f"datalogic disagrees on {a}")
    inputs = dict.fromkeys(calls, answers)
    calls["datalogic_preparsed"], inputs["datalogic_preparsed"] = _peers_session(expression), _parsed(answers)
    best = dict.fromkeys(calls, float("inf"))
    rounds = max(3, CALLS // (len(answers) * max(1, len(pb.rules) // 100)))
    for _ in range(rounds):
        for name, call in calls.items():
            batch = inputs[name]
            start = time.process_time()
            for a in batch:
                call(a)
            best[name] = min(best[name], (time.process_time() - start) / len(batch) * 1e6)
    fastest = min(best["datalogic"], best["datalogic_preparsed"])
    return {
        **{name: round(value, 2) for name, value in best.items()},
        "datalogic/tally": round(best["datalogic"] / best["tally"], 2),
        "datalogic/loop": round(best["datalogic"] / best["loop"], 2),
        "datalogic/outcome": round(best["datalogic"] / best["outcome"], 2),
        "fastest datalogic/outcome": round(fastest / best["outcome"], 2),
    }


def main(*_: str) -> None:
    from apps.playbooks.definition import catalogue_snapshot
    from bench.batch import reference_playbook, stored_answers

    catalogue = json.loads(json.dumps(catalogue_snapshot(), default=str))
    reference = reference_playbook()
    out = {
        "reference": compare(reference, [_clean(reference, a) for a in stored_answers(reference, ANSWER_SETS, seed=17)])
    }
    sizes = [int(n) for n in os.environ.get("BENCH_SIZES", "100,1000,10000").split(",") if n]
    for n in sizes:
        definition = generate_playbook(n, catalogue=catalogue)
        out[str(n)] = compare(compile_playbook(definition), answer_sets(definition, ANSWER_SETS))
    for name, row in out.items():
        print(name, json.dumps(row))
