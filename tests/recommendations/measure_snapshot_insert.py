"""A measurement, not a test (its name keeps it out of the suite): PostgreSQL's CPU (the backend's, from /proc)
for one submit's stored snapshot INSERTed again, by column type, storage and parameter binding. With
SNAPSHOT_OUT=<file> it only writes the snapshot's JSON there (to try it on another server).

Run: .venv/bin/python -m pytest tests/recommendations/measure_snapshot_insert.py -q -s -p no:randomly
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from tests.measuring import as_served
from tests.recommendations.measure_submit import _drafts, _submit

pytestmark = pytest.mark.django_db(transaction=True)
TICK = os.sysconf("SC_CLK_TCK")


def _cpu(pid: int) -> float:
    stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(stat[11]) + int(stat[12])) / TICK * 1000


def test_insert(
    organisation: Any, buyer: Any, buyer_client: Client, reference: Any, monkeypatch: Any, settings: Any
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": settings.TASK_QUEUES}}
    as_served(monkeypatch)
    pks = _drafts(organisation, buyer, 2)
    _submit(buyer_client, pks.pop())
    with connection.cursor() as c:
        c.execute("SELECT snapshot::text FROM recommendations_recommendation ORDER BY id DESC LIMIT 1")
        doc = c.fetchone()[0]
        if os.environ.get("SNAPSHOT_OUT"):
            Path(os.environ["SNAPSHOT_OUT"]).write_text(doc)
            return
        c.execute("SELECT pg_backend_pid()")
        pid = c.fetchone()[0]
        c.execute("CREATE TABLE t_pglz (id serial, s jsonb)")
        c.execute("CREATE TABLE t_ext (id serial, s jsonb)")
        c.execute("ALTER TABLE t_ext ALTER s SET STORAGE EXTERNAL")
        c.execute("CREATE TABLE t_text (id serial, s text)")
        c.execute("CREATE TABLE t_json (id serial, s json)")
        variants = {
            "parse only (SELECT $1::jsonb)": "SELECT length(%s::jsonb::text) > 0",
            "jsonb pglz": "INSERT INTO t_pglz (s) VALUES (%s::jsonb)",
            "jsonb external (uncompressed)": "INSERT INTO t_ext (s) VALUES (%s::jsonb)",
            "text pglz": "INSERT INTO t_text (s) VALUES (%s)",
            "json pglz": "INSERT INTO t_json (s) VALUES (%s::json)",
            "select 1": "SELECT 1 WHERE %s IS NOT NULL",
        }
        import psycopg
        from psycopg.types.json import Jsonb

        raw = connection.connection
        value = __import__("orjson").loads(doc)
        variants["jsonb pglz, server-side binding"] = "BIND INSERT INTO t_pglz (s) VALUES (%s)"
        variants["jsonb pglz, client-side binding"] = "CLIENT INSERT INTO t_pglz (s) VALUES (%s)"
        got: dict[str, list[float]] = {k: [0.0, 0.0] for k in variants}
        app = dict.fromkeys(variants, 0.0)
        for _ in range(12):
            for name, sql in variants.items():
                p0, w0, a0 = _cpu(pid), time.perf_counter(), time.process_time()
                for _ in range(15):
                    if sql.startswith("BIND "):
                        with psycopg.Cursor(raw) as bc:
                            bc.execute(sql[5:], [Jsonb(value, dumps=__import__("orjson").dumps)])
                    elif sql.startswith("CLIENT "):
                        c.execute(sql[7:], [Jsonb(value, dumps=__import__("orjson").dumps)])
                    else:
                        c.execute(sql, [doc])
                app[name] += (time.process_time() - a0) * 1000
                got[name][0] += _cpu(pid) - p0
                got[name][1] += (time.perf_counter() - w0) * 1000
        print(f"\ndoc {len(doc)} chars")
        for name, (cpu, wall) in got.items():
            print(f"  {name:35s} PG CPU {cpu / 180:.2f} ms, app CPU {app[name] / 180:.2f} ms, wall {wall / 180:.2f} ms")
        for t in ("t_pglz", "t_ext", "t_text", "t_json"):
            c.execute(f"SELECT pg_column_size(s) FROM {t} LIMIT 1")
            print(t, c.fetchone()[0])
