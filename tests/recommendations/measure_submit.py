"""A measurement, not a test (its name keeps it out of the suite): submit in-process on the bench's 500-rule
playbook, each draft with every visible question answered, as ``make bench``'s submit phase makes them. Prints
one submit's queries with their times, then the median wall and CPU time of N submits through the test client,
and with M1_PROFILE=1 pyinstrument's flat profile of them (tree under /tmp/m1).

Run: .venv/bin/python -m pytest tests/recommendations/measure_submit.py -q -s   (M1_N submits, default 60)
"""

from __future__ import annotations

import os
import re
import statistics
import time
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.measuring import as_served, time_calls

pytestmark = pytest.mark.django_db(transaction=True)
N = int(os.environ.get("M1_N", "60"))


def _drafts(organisation: Any, buyer: Any, count: int, *, seed: int = 43) -> list[int]:
    """``count`` drafts of the bench's generated 500-rule playbook, every visible question answered (answer_sets
    ``seed``): the submits and pages the measurements time."""
    from apps.playbooks.definition import catalogue_snapshot
    from apps.playbooks.engine.evaluate import visible_answers
    from apps.playbooks.runtime import compiled_playbook
    from apps.playbooks.services import import_playbook, publish_playbook
    from apps.questionnaire.models import Answer, Assessment
    from bench.playbooks import answer_sets, generate_playbook

    data = generate_playbook(500, catalogue=catalogue_snapshot())
    del data["catalogue"]
    playbook = publish_playbook(playbook=import_playbook(data=data))
    compiled = compiled_playbook(playbook)
    pks = []
    for i, given in enumerate(answer_sets(playbook.definition, count, seed=seed, answered=1.0)):
        a = Assessment.objects.create(organisation=organisation, created_by=buyer, title=f"B{i}", playbook=playbook)
        _, _, effective = visible_answers(compiled, given)
        Answer.objects.bulk_create(
            Answer(organisation=organisation, assessment=a, question_code=c, value=v) for c, v in effective.items()
        )
        pks.append(a.pk)
    return pks


def _submit(client: Client, pk: int) -> tuple[float, float]:
    w, c = time.perf_counter(), time.process_time()
    r = client.post(f"/recommendations/assessment/{pk}/submit/")
    took = (time.perf_counter() - w) * 1000, (time.process_time() - c) * 1000
    assert r.status_code == 302, (r.status_code, r.content[:500])
    return took


def test_measure(
    organisation: Any, buyer: Any, buyer_client: Client, reference: Any, monkeypatch: Any, settings: Any
) -> None:
    # As served: what would flip it is queued for the worker (one INSERT), not worked out inside the request.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": settings.TASK_QUEUES}}

    as_served(monkeypatch)
    pks = _drafts(organisation, buyer, N + 2)
    _submit(buyer_client, pks.pop())  # the playbook's cost assumptions and compiled form are warm after the first
    with CaptureQueriesContext(connection) as q:
        _submit(buyer_client, pks.pop())
    print(f"\n== submit: {len(q)} queries, {sum(float(x['time']) for x in q) * 1000:.2f} ms in SQL")
    for x in q.captured_queries:
        sql = re.sub(r"^SELECT set_config\('pghistory.context_id'.*?true\);\s*", "[ctx] ", x["sql"], flags=re.S)
        print(f"  {float(x['time']) * 1000:6.2f} ms  {sql[:160]}")
    if os.environ.get("M1_PHASES"):
        _phases(monkeypatch)
    if os.environ.get("M1_CPROFILE"):
        import cProfile
        import pstats

        profile = cProfile.Profile()
        profile.enable()
        times = [_submit(buyer_client, pk) for pk in pks]
        profile.disable()
        os.makedirs("/tmp/m1", exist_ok=True)
        with open("/tmp/m1/cprofile_submit.txt", "w") as out:
            stats = pstats.Stats(profile, stream=out)
            stats.sort_stats("cumulative").print_stats(150)
            stats.sort_stats("tottime").print_stats(60)
    elif os.environ.get("M1_PROFILE"):
        from pyinstrument import Profiler
        from pyinstrument.renderers import ConsoleRenderer

        p = Profiler(interval=0.0005)
        p.start()
        times = [_submit(buyer_client, pk) for pk in pks]
        p.stop()
        flat = ConsoleRenderer(flat=True, unicode=False, color=False, show_all=False)
        print("\n".join(p.output(renderer=flat).splitlines()[:45]))
        os.makedirs("/tmp/m1", exist_ok=True)
        tree = ConsoleRenderer(unicode=False, color=False, show_all=False, time="percent_of_total")
        with open("/tmp/m1/tree_submit.txt", "w") as fh:
            fh.write(p.output(renderer=tree))
    else:
        times = [_submit(buyer_client, pk) for pk in pks]
    wall = statistics.median(t[0] for t in times)
    cpu = statistics.median(t[1] for t in times)
    print(f"** submit: median wall {wall:.2f} ms, cpu {cpu:.2f} ms over {len(times)}")
    for name, spent in sorted(PHASES.items(), key=lambda item: -sum(item[1])):
        print(f"   {name:55s} median {statistics.median(spent):6.2f} ms  ({len(spent)} calls)")


PHASES: dict[str, list[float]] = {}
WATCHED = (
    "apps.recommendations.views:get_for_member",
    "apps.accounts.scoping:current_membership",
    "apps.recommendations.services:submit_and_recommend",
    "apps.questionnaire.services:submit_assessment",
    "apps.recommendations.services:evaluate",
    "apps.recommendations.services:build_recommendation",
    "apps.recommendations.snapshot.write:read_snapshot",
    "apps.recommendations.services:frozen_guidance",
    "apps.playbooks.engine.evaluate:Evaluation.as_dict",
    "apps.recommendations.snapshot.write:select_guidance",
    "apps.recommendations.snapshot.write:answer_text",
    "apps.playbooks.engine.evaluate:total_cost",
    "apps.recommendations.models:Recommendation.save",
    "apps.recommendations.services:pack_answers",
    "apps.recommendations.services:signoff.open_sign_off",
    "apps.recommendations.services:_stored",
    "apps.recommendations.services:request_flips",
    "apps.discussion.services:record_activity",
    "apps.api.services:queue_deliveries",
    "django.db.transaction:Atomic.__exit__",
)


def _phases(monkeypatch: Any) -> None:
    """Time each watched call (its own median, in ms), by wrapping it where the submit path looks it up."""

    time_calls(monkeypatch, WATCHED, lambda name, ms: PHASES.setdefault(name, []).append(ms))
