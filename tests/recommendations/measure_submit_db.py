"""A measurement, not a test (its name keeps it out of the suite): where a submit's CPU goes, in the app and in
PostgreSQL, on the bench's 500-rule playbook (drafts as ``measure_submit.py`` makes them), in-process.

- ``test_measure``: app CPU, every server process's CPU (``/proc``, clock ticks) and WAL bytes per submit, the
  snapshot's stored and text sizes and ``default_toast_compression``;
- ``test_phases``: the app's CPU (``time.process_time``) per watched call;
- ``test_gc``: the garbage collector's time per submit, with and without ``gc.freeze()``;
- ``test_pg_by_statement``: the backend's CPU per statement (``/proc/<pid>/schedstat``, nanoseconds);
- ``test_sql``: one submit's statements written to ``M1_SQL``, to compare two checkouts.

Run: M1_N=40 .venv/bin/python -m pytest tests/recommendations/measure_submit_db.py -q -s -p no:randomly
(``DATABASE_URL`` names another PostgreSQL, such as one built with lz4.)
"""

from __future__ import annotations

import os
import statistics
import time
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as dj
from django.db import connection
from django.test import Client

from tests.measuring import as_served
from tests.recommendations.measure_submit import _drafts, _submit

pytestmark = pytest.mark.django_db(transaction=True)
N = int(os.environ.get("M1_N", "40"))
TICK = os.sysconf("SC_CLK_TCK")


def _pg_cpu() -> float:
    data = Path(dj.DATABASES["default"].get("EMBEDDED_DATA_DIR", ""))
    master = int((data / "postmaster.pid").read_text().split()[0])
    total = 0
    for p in Path("/proc").iterdir():
        if not p.name.isdigit():
            continue
        try:
            stat = (p / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(p.name) == master or int(stat[1]) == master:
            total += int(stat[11]) + int(stat[12])
    return total / TICK * 1000


def _lsn() -> int:
    with connection.cursor() as c:
        c.execute("SELECT pg_current_wal_lsn() - '0/0'")
        return int(c.fetchone()[0])


def _warm_drafts(organisation: Any, buyer: Any, client: Client, monkeypatch: Any, settings: Any) -> list[int]:
    """``N`` drafts ready to submit as served (flips queued for the worker), after two submits that warm the
    playbook's cost assumptions and compiled form."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": settings.TASK_QUEUES}}
    as_served(monkeypatch)
    pks = _drafts(organisation, buyer, N + 2)
    _submit(client, pks.pop())
    _submit(client, pks.pop())
    return pks


def test_measure(
    organisation: Any, buyer: Any, buyer_client: Client, reference: Any, monkeypatch: Any, settings: Any
) -> None:
    pks = _warm_drafts(organisation, buyer, buyer_client, monkeypatch, settings)
    with connection.cursor() as c:
        c.execute("SHOW default_toast_compression")
        print("\ntoast compression:", c.fetchone()[0])
        c.execute(
            "SELECT pg_column_size(snapshot), octet_length(snapshot::text)"
            " FROM recommendations_recommendation ORDER BY id DESC LIMIT 1"
        )
        print("snapshot stored / text bytes:", c.fetchone())
    time.sleep(1)
    pg0, app0, wal0, w0 = _pg_cpu(), time.process_time(), _lsn(), time.perf_counter()
    times = [_submit(buyer_client, pk) for pk in pks]
    pg1, app1, wal1, w1 = _pg_cpu(), time.process_time(), _lsn(), time.perf_counter()
    n = len(pks)
    print(
        f"** {n} submits: app CPU {(app1 - app0) / n * 1000:.2f} ms/submit"
        f" (median {statistics.median(t[1] for t in times):.2f}),"
        f" PG CPU {(pg1 - pg0) / n:.2f} ms/submit, WAL {(wal1 - wal0) / n / 1024:.1f} KiB/submit,"
        f" wall {(w1 - w0) / n * 1000:.2f} ms/submit (median {statistics.median(t[0] for t in times):.2f})"
    )


WATCHED = (
    "apps.recommendations.views:get_for_member",
    "apps.recommendations.services:submit_and_recommend",
    "apps.questionnaire.services:submit_assessment",
    "apps.questionnaire.services:stored_answers",
    "apps.teamwork.team:assessment_divergences",
    "apps.questionnaire.services:visibility",
    "apps.recommendations.services:evaluate",
    "apps.playbooks.engine.evaluate:total_cost",
    "apps.recommendations.services:build_recommendation",
    "apps.recommendations.snapshot.write:read_snapshot",
    "apps.playbooks.engine.evaluate:Evaluation.as_dict",
    "apps.recommendations.models:Recommendation.save",
    "apps.recommendations.services:pack_answers",
    "apps.recommendations.services:signoff.open_sign_off",
    "apps.recommendations.services:_stored",
    "apps.recommendations.services:request_flips",
    "apps.discussion.services:record_activity",
    "apps.api.services:queue_deliveries",
    "django.contrib.auth:get_user",
    "apps.accounts.scoping:current_membership",
)


def test_phases(
    organisation: Any, buyer: Any, buyer_client: Client, reference: Any, monkeypatch: Any, settings: Any
) -> None:
    from tests.measuring import time_calls

    pks = _warm_drafts(organisation, buyer, buyer_client, monkeypatch, settings)
    phases: dict[str, list[float]] = {}
    time_calls(monkeypatch, WATCHED, lambda name, ms: phases.setdefault(name, []).append(ms), clock=time.process_time)
    times = [_submit(buyer_client, pk) for pk in pks]
    print(f"\n** cpu median {statistics.median(t[1] for t in times):.2f}")
    for name, spent in sorted(phases.items(), key=lambda item: -sum(item[1])):
        print(f"   {name:55s} median {statistics.median(spent):6.2f} mean {statistics.mean(spent):6.2f} ({len(spent)})")


def test_gc(
    organisation: Any, buyer: Any, buyer_client: Client, reference: Any, monkeypatch: Any, settings: Any
) -> None:
    import gc

    pks = _warm_drafts(organisation, buyer, buyer_client, monkeypatch, settings)
    spent: dict[int, list[float]] = {0: [], 1: [], 2: []}
    start = [0.0]

    def cb(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            start[0] = time.process_time()
        else:
            spent[info["generation"]].append((time.process_time() - start[0]) * 1000)

    print("\nobjects tracked:", len(gc.get_objects()), "thresholds", gc.get_threshold())
    gc.callbacks.append(cb)
    try:
        half = len(pks) // 2
        times = [_submit(buyer_client, pk) for pk in pks[:half]]
        n0 = {g: (len(v), sum(v)) for g, v in spent.items()}
        print(
            "no freeze:",
            {g: f"{c} collections {s / half:.2f} ms/submit" for g, (c, s) in n0.items()},
            f"cpu median {statistics.median(t[1] for t in times):.2f}",
        )
        for v in spent.values():
            v.clear()
        gc.freeze()
        times = [_submit(buyer_client, pk) for pk in pks[half:]]
        n1 = {g: (len(v), sum(v)) for g, v in spent.items()}
        print(
            "freeze:",
            {g: f"{c} collections {s / half:.2f} ms/submit" for g, (c, s) in n1.items()},
            f"cpu median {statistics.median(t[1] for t in times):.2f}",
        )
    finally:
        gc.callbacks.remove(cb)
        gc.unfreeze()


def test_sql(
    organisation: Any, buyer: Any, buyer_client: Client, reference: Any, monkeypatch: Any, settings: Any
) -> None:
    """One submit's statements, written to M1_SQL (timestamps and ids masked) to compare two checkouts."""
    import re

    from django.test.utils import CaptureQueriesContext

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": settings.TASK_QUEUES}}
    pks = _drafts(organisation, buyer, 2)
    _submit(buyer_client, pks.pop())
    with CaptureQueriesContext(connection) as q:
        _submit(buyer_client, pks.pop())
    out = []
    for x in q.captured_queries:
        sql = re.sub(r"'\d{4}-\d\d-\d\d[ T][^']*'", "'<time>'", x["sql"])
        sql = re.sub(r"'[0-9a-f-]{36}'", "'<uuid>'", sql)
        out.append(sql[:3000])
    Path(os.environ.get("M1_SQL", "/tmp/m1_sql.txt")).write_text("\n".join(out))


def test_pg_by_statement(
    organisation: Any, buyer: Any, buyer_client: Client, reference: Any, monkeypatch: Any, settings: Any
) -> None:
    """PostgreSQL's CPU per statement of a submit (the backend's schedstat, in ns), medians over M1_N submits."""
    import re

    pks = _warm_drafts(organisation, buyer, buyer_client, monkeypatch, settings)
    with connection.cursor() as c:
        c.execute("SELECT pg_backend_pid()")
        pid = c.fetchone()[0]
    path = f"/proc/{pid}/schedstat"
    spent: dict[str, list[float]] = {}
    current: dict[str, float] = {}

    def ran() -> float:
        return int(open(path).read().split()[0]) / 1e6

    def wrapper(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        start = ran()
        try:
            return execute(sql, params, many, context)
        finally:
            key = re.sub(r"\s+", " ", sql)[:70]
            current[key] = current.get(key, 0.0) + ran() - start

    totals = []
    with connection.execute_wrapper(wrapper):
        for pk in pks:
            current.clear()
            t0 = ran()
            _submit(buyer_client, pk)
            totals.append(ran() - t0)
            for k, ms in current.items():
                spent.setdefault(k, []).append(ms)
    print(f"\n** PG backend CPU per submit: median {statistics.median(totals):.2f} ms (this backend only)")
    for k, v in sorted(spent.items(), key=lambda kv: -statistics.median(kv[1])):
        print(f"  {statistics.median(v):6.3f} ms  {k}")
