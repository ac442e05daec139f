"""A measurement, not a test (its name keeps it out of the suite): a session's read by Django's database store
and by the product's (apps/accounts/sessions.py), alternating in one process on the same live session; prints
the median CPU time of each (docs/performance.md, "What changed on the request path", item 9).

Run: .venv/bin/python -m pytest tests/accounts/measure_session_read.py -q -s
"""

from __future__ import annotations

import os
import statistics
import time

import pytest
from django.contrib.sessions.backends.db import SessionStore as DjangoStore

from apps.accounts.sessions import SessionStore

N = int(os.environ.get("S2_N", "2000"))


@pytest.mark.django_db
def test_measure() -> None:
    store = SessionStore()
    store.update({"_auth_user_id": "1", "note": "x" * 200})
    store.create()
    key = store.session_key
    times: dict[str, list[int]] = {"django": [], "product": []}
    for _ in range(N):
        for name, cls in (("django", DjangoStore), ("product", SessionStore)):
            session = cls(key)
            started = time.process_time_ns()
            loaded = session.load()
            times[name].append(time.process_time_ns() - started)
            assert loaded["note"] == "x" * 200
    for name, spent in times.items():
        print(f"{name}: {statistics.median(spent) / 1000:.0f} µs CPU median of {N}")
