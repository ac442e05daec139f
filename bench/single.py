"""The single call before and after (issue 21): ``outcome()``'s work as it was (``scoring.bare`` of
``visibility.counted_answers``), the single call (``engine.single``) and datalogic's compiled call, timed in
one process and interleaved on the same answer sets, every pair asserted equal. Minimum of the rounds, in
microseconds a call. Needs the peers from ``bench/requirements.txt``.

Run: ``.venv/bin/python manage.py shell -c "from bench.single import main; main()"``.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from typing import Any

from apps.playbooks.engine import CompiledPlaybook, compile_playbook
from apps.playbooks.engine.scoring import bare
from apps.playbooks.engine.single import single
from apps.playbooks.engine.visibility import counted_answers
from bench.peers import _clean, _peers, jsonlogic
from bench.playbooks import answer_sets, generate_playbook

ANSWER_SETS = 200
CALLS = 12_000  # a call's share of each timed round, summed over the rounds


def compare(pb: CompiledPlaybook, answers: list[dict[str, Any]]) -> dict[str, float]:
    peers = _peers(jsonlogic(pb))
    if peers is None:
        raise SystemExit("The peers are not installed: pip install -r bench/requirements.txt")
    calls: dict[str, Callable[[Mapping[str, Any]], Any]] = {
        "before": lambda a: bare(pb, counted_answers(pb, a)),
        "after": lambda a: single(pb, a),
        "datalogic": peers["datalogic_compiled"],
    }
    for a in answers:
        if calls["before"](a) != calls["after"](a):
            raise AssertionError(f"the single call disagrees on {a}")
    best = dict.fromkeys(calls, float("inf"))
    rounds = max(3, CALLS // (len(answers) * max(1, len(pb.rules) // 100)))
    for _ in range(rounds):
        for name, call in calls.items():
            start = time.perf_counter()
            for a in answers:
                call(a)
            best[name] = min(best[name], (time.perf_counter() - start) / len(answers) * 1e6)
    return {
        **best,
        "datalogic/before": best["datalogic"] / best["before"],
        "datalogic/after": best["datalogic"] / best["after"],
    }


def main(*_: str) -> None:
    from apps.playbooks.definition import catalogue_snapshot
    from bench.batch import reference_playbook, stored_answers

    catalogue = json.loads(json.dumps(catalogue_snapshot(), default=str))
    reference = reference_playbook()
    out = {
        "reference": compare(reference, [_clean(reference, a) for a in stored_answers(reference, ANSWER_SETS, seed=17)])
    }
    for n in (100, 1_000, 10_000):
        definition = generate_playbook(n, catalogue=catalogue)
        out[str(n)] = compare(compile_playbook(definition), answer_sets(definition, ANSWER_SETS))
    print(json.dumps(out))
