"""A measurement, not a test (its name keeps it out of the suite): submit on the bench's 500-rule playbook with
the submit path's functions of another checkout (``S1_OLD``) and of this one, alternating submit by submit in
one process through the test client. Each side's median wall and CPU time in the app, and PostgreSQL's: the
backend's CPU time from ``/proc/<pid>/schedstat`` (nanoseconds), which covers every statement and commit of the
submit, the session's and the work after the commit included.

Run: S1_OLD=<a checkout of the commit before> .venv/bin/python -m pytest \
    tests/recommendations/measure_submit_ab.py -q -s -p no:randomly
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from tests.measuring import as_served
from tests.recommendations.measure_submit import _drafts

pytestmark = pytest.mark.django_db(transaction=True)
N = int(os.environ.get("S1_N", "40"))  # submits a side
# (module, function): the functions whose code the two sides differ in.
SWAPPED = [tuple(x.split(":")) for x in os.environ.get("S1_FUNCTIONS", "").split(",") if x] or [
    ("apps.recommendations.views", "submit"),
    ("apps.questionnaire.services", "stored_answers"),
    ("apps.teamwork.team", "opinions_with_answers"),
    ("apps.teamwork.team", "assessment_divergences"),
    ("apps.signoff.services", "open_sign_off"),
    ("apps.api.services", "queue_deliveries"),
]


def _innermost(fn: Any) -> Any:
    while hasattr(fn, "__wrapped__"):
        fn = fn.__wrapped__
    return fn


def _old_code(module: str, name: str) -> Any:
    path = Path(os.environ["S1_OLD"]) / (module.replace(".", "/") + ".py")
    spec = importlib.util.spec_from_file_location(f"s1_old_{module.replace('.', '_')}", path)
    assert spec and spec.loader
    old = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = old
    spec.loader.exec_module(old)
    return _innermost(getattr(old, name)).__code__


def test_ab(
    organisation: Any, buyer: Any, buyer_client: Client, reference: Any, monkeypatch: Any, settings: Any
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": settings.TASK_QUEUES}}
    as_served(monkeypatch)
    targets = [_innermost(getattr(importlib.import_module(m), n)) for m, n in SWAPPED]
    codes = {"after": [t.__code__ for t in targets], "before": [_old_code(m, n) for m, n in SWAPPED]}
    # The old code runs with this module's globals: each function swapped uses names both versions import.
    pks = _drafts(organisation, buyer, 2 * N + 4)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        schedstat = f"/proc/{cursor.fetchone()[0]}/schedstat"

    def pg_ms() -> float:
        with open(schedstat) as f:
            return int(f.read().split()[0]) / 1e6

    got: dict[str, list[tuple[float, float, float]]] = {"before": [], "after": []}
    try:
        for i in range(2 * N + 4):
            side = ("before", "after")[(i + i // 2) % 2]  # before, after, after, before, ...
            for target, code in zip(targets, codes[side], strict=True):
                target.__code__ = code
            w, c, p = time.perf_counter(), time.process_time(), pg_ms()
            r = buyer_client.post(f"/recommendations/assessment/{pks[i]}/submit/")
            took = ((time.perf_counter() - w) * 1000, (time.process_time() - c) * 1000, pg_ms() - p)
            assert r.status_code == 302, r.content[:300]
            if i >= 4:  # the first of each side warm the caches and the compiled queries
                got[side].append(took)
    finally:
        for target, code in zip(targets, codes["after"], strict=True):
            target.__code__ = code
    print(f"\nload {os.getloadavg()[0]:.1f}")
    for side, times in got.items():
        wall, cpu, pg = (statistics.median(t[k] for t in times) for k in range(3))
        both = statistics.median(t[1] + t[2] for t in times)
        print(
            f"** {side:6s} ({len(times)}): wall {wall:.2f} ms, app CPU {cpu:.2f} ms, PG CPU {pg:.2f} ms,"
            f" app+PG {both:.2f} ms"
        )
