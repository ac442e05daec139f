"""The worker's loop when the database goes away: it waits with a growing pause, logs the outage once, takes its
liveness lock again under a new id and runs again the task it lost. Here the failures are made in this process;
tests/tasks/test_worker_faults.py stops the database itself under a real worker."""

from __future__ import annotations

import logging

import psycopg
import pytest
from django.db import InterfaceError, OperationalError, connection
from django.tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from apps.tasks.worker import Backoff, worker_alive
from tests.tasks.conftest import in_process_worker
from tests.tasks.probe import nap

pytestmark = pytest.mark.django_db


def test_the_pause_doubles_up_to_the_longest_and_starts_again_after_a_good_turn() -> None:
    backoff = Backoff()
    assert [backoff.next() for _ in range(7)] == [0.5, 1, 2, 4, 8, 10, 10]
    backoff.reset()
    assert [backoff.next() for _ in range(2)] == [0.5, 1]


def test_the_pause_is_never_longer_than_the_longest() -> None:
    backoff = Backoff(longest=0.2)
    assert [backoff.next() for _ in range(3)] == [0.2, 0.2, 0.2]


def test_a_worker_waits_out_a_lost_database_then_runs_what_is_queued(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    queued = nap.enqueue(seconds=0)
    waits: list[float] = []
    worker = in_process_worker(sleep=waits.append)
    first_id = worker.worker_id
    lost = iter(
        [
            OperationalError("connection is bad"),
            psycopg.OperationalError("server closed the connection unexpectedly\nThis probably means..."),
            InterfaceError("connection already closed"),
        ]
    )
    claim_next = worker.claim_next

    def claim_or_fail() -> DBTaskResult | None:
        if (error := next(lost, None)) is not None:
            raise error
        return claim_next()

    monkeypatch.setattr(worker, "claim_next", claim_or_fail)
    with caplog.at_level(logging.INFO, logger="kpo.tasks"):
        worker.run()

    assert waits == [0.5, 1, 2]  # three failed turns, a growing pause after each; none after the good one
    row = DBTaskResult.objects.get(pk=queued.id)
    assert row.status == TaskResultStatus.SUCCESSFUL and row.worker_ids == [worker.worker_id] != [first_id]
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1, warnings  # one line for the outage, not one per attempt
    assert f"worker {first_id} cannot reach the database (OperationalError: connection is bad)" in warnings[0]
    back = [r for r in caplog.records if "database reached again" in r.getMessage()]
    assert len(back) == 1 and back[0].levelno == logging.INFO
    assert back[0].getMessage().endswith(f"the worker carries on as {worker.worker_id}")
    assert not any(r.exc_info for r in caplog.records)  # no traceback in the log
    assert worker_alive() is False  # the lock it took again is let go when it stops


def test_a_task_cut_off_by_the_outage_runs_again_under_the_workers_new_id(monkeypatch: pytest.MonkeyPatch) -> None:
    queued = nap.enqueue(seconds=0)
    worker = in_process_worker(sleep=lambda seconds: None)
    first_id = worker.worker_id
    run_task, cut = worker.run_task, []

    def cut_off_once(row: DBTaskResult) -> None:
        if not cut:  # claimed under the first id, then its result could not be stored
            cut.append(row.pk)
            raise OperationalError("server closed the connection unexpectedly")
        run_task(row)

    monkeypatch.setattr(worker, "run_task", cut_off_once)
    worker.run()
    row = DBTaskResult.objects.get(pk=queued.id)
    assert cut == [row.pk]
    assert row.status == TaskResultStatus.SUCCESSFUL and row.return_value == "rested"
    assert row.worker_ids == [first_id, worker.worker_id] and worker.worker_id != first_id


def test_a_worker_whose_lock_session_is_cut_takes_its_lock_again() -> None:
    waits: list[float] = []
    alive: list[bool] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        alive.append(worker_alive())
        if len(waits) == 1:  # idle after its first turn: the session that holds the lock is cut
            with connection.cursor() as cursor:
                pid = worker._liveness.connection.info.backend_pid  # type: ignore[union-attr]
                cursor.execute("SELECT pg_terminate_backend(%s, 5000)", [pid])
        elif len(waits) == 3:
            worker.running = False

    worker = in_process_worker(batch=False, sleep=sleep)
    first_id = worker.worker_id
    worker.run()
    assert waits == [0, 0.5, 0]  # idle, the pause after the failed check, idle again
    assert alive == [True, False, True]  # held, lost, held again
    assert worker.worker_id != first_id
