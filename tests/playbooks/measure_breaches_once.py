"""A measurement, not a test (its name keeps it out of the suite): ``evaluate()`` on the reference playbook with the
locations' breaches worked out once and handed to the trade-offs (now) against the trade-offs working them out
again (before 739ee7b), the two alternating answer set by answer set, CPU time, medians.

Run: .venv/bin/python -m pytest tests/playbooks/measure_breaches_once.py -q -s -p no:randomly -n 0
"""

from __future__ import annotations

import statistics
import time
from typing import Any

import pytest

from apps.playbooks.engine import evaluate
from apps.playbooks.engine import requirements as req
from apps.playbooks.runtime import compiled_playbook
from bench.batch import stored_answers
from bench.peers import _clean

pytestmark = pytest.mark.django_db


def test_measure(reference: Any, monkeypatch: Any) -> None:
    compiled = compiled_playbook(reference)
    answers = [_clean(compiled, a) for a in stored_answers(compiled, 400, seed=17)]
    now = req.conflicts

    def before(
        requirements: Any, locations: Any, ranked: Any = (), overnight_at: Any = frozenset(), breaches: Any = None
    ) -> Any:
        return now(requirements, locations, ranked, overnight_at)  # works the breaches out again, as before

    for a in answers:
        evaluate(compiled, a)
    times: dict[bool, list[float]] = {True: [], False: []}
    for rep in range(5):
        for i, a in enumerate(answers):
            old = (i + rep) % 2 == 0
            monkeypatch.setattr(req, "conflicts", before if old else now)
            start = time.process_time()
            evaluate(compiled, a)
            times[old].append(time.process_time() - start)
    for old, spent in times.items():
        print(
            f"** {'before' if old else 'now   '}: {statistics.median(spent) * 1e6:.0f} µs CPU median over {len(spent)}"
        )
