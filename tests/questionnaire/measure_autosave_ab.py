"""A measurement, not a test (its name keeps it out of the suite): an htmx autosave with the code of another
checkout (``A1_OLD``: its ``record_answers``, its ``record_activity`` for the timeline line, and its login
backend's ``get_user`` for the session's user) and with this one, alternating request by request in one process
through the test client, on the reference playbook and the bench's 500-rule one.
Prints each side's statements, checks the two responses are the same (the answer's stamp masked), and the
median wall and CPU time of ``A1_N`` requests a side (docs/performance.md, "Requests through gunicorn").

Run: A1_OLD=<a checkout of 235a78f> .venv/bin/python -m pytest tests/questionnaire/measure_autosave_ab.py -q -s
"""

from __future__ import annotations

import importlib.util
import os
import re
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from apps.accounts.backends import ThrottledModelBackend
from apps.discussion import services as discussion
from apps.questionnaire import services
from tests.questionnaire.measure_autosave_step import print_medians, served_autosave

N = int(os.environ.get("A1_N", "150"))
NEW = {
    services: services.record_answers,
    discussion: discussion.record_activity,
    ThrottledModelBackend: ThrottledModelBackend.get_user,
}


def _load(name: str, path: Path) -> Any:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _old() -> dict[Any, Any]:
    root = Path(os.environ["A1_OLD"])
    old_q = _load("a1_old_questionnaire_services", root / "apps/questionnaire/services.py")
    old_d = _load("a1_old_discussion_services", root / "apps/discussion/services.py")
    old_b = _load("a1_old_accounts_backends", root / "apps/accounts/backends.py")
    return {
        services: old_q.record_answers,
        discussion: old_d.record_activity,
        ThrottledModelBackend: old_b.ThrottledModelBackend.get_user,
    }


def _use(impls: dict[Any, Any]) -> None:
    services.record_answers = impls[services]
    discussion.record_activity = impls[discussion]
    ThrottledModelBackend.get_user = impls[ThrottledModelBackend]  # type: ignore[method-assign]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("which", ["reference", "bench500"])
def test_ab(organisation: Any, buyer: Any, reference: Any, buyer_client: Client, monkeypatch: Any, which: str) -> None:
    old = _old()
    post, v1, v2 = served_autosave(monkeypatch, buyer_client, organisation, buyer, reference, which)

    bodies = {}
    try:
        for name, impls in (("before", old), ("after", NEW)):
            _use(impls)
            post(v1), post(v2)
            with CaptureQueriesContext(connection) as q:
                bodies[name] = re.sub(r'value="[^"]*T[^"]*"', "", post(v1).content.decode())
            print(f"\n{which} {name}: {len(q)} statements:", [x["sql"].split()[0] for x in q.captured_queries])
        assert bodies["before"] == bodies["after"]
        got: dict[str, list[tuple[float, float]]] = {"before": [], "after": []}
        for i in range(2 * N):
            name = ("before", "after")[i % 2]
            _use(old if name == "before" else NEW)
            value = (v1, v2)[(i // 2) % 2]
            w, c = time.perf_counter(), time.process_time()
            post(value)
            got[name].append(((time.perf_counter() - w) * 1000, (time.process_time() - c) * 1000))
    finally:
        _use(NEW)
    print_medians(which, got)
