"""The worker: django-tasks-db's claim-and-run loop, plus bounded retries and recovery of tasks whose
worker died.

django-tasks-db runs each task once: a failure is final, and a task claimed by a worker that was
killed stays "running" for ever. Here:

- A failed task is put back in the queue with a growing delay until it has had ``MAX_ATTEMPTS``
  attempts, unless its exception says retrying is pointless (``retryable = False`` on the class,
  e.g. the memo's missing PDF libraries).
- Every worker holds a PostgreSQL advisory lock named after its id, on a connection of its own, for
  as long as its process lives. A task "running" under a worker whose lock is free belongs to a
  dead worker (PostgreSQL releases a session's locks when its connection drops), so any live
  worker puts it back in the queue; no clock or timeout decides that a worker is dead.

Tasks must therefore be idempotent: a task can run again after a crash half way through.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from datetime import timedelta
from typing import Any

from django.db import close_old_connections, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import F
from django.tasks import TaskResultStatus
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.module_loading import import_string
from django_tasks_db.management.commands.db_worker import Worker as DBWorker
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger("kpo.tasks")

MAX_ATTEMPTS = 4
FIRST_RETRY_SECONDS = 5  # then 10, 20: about half a minute before a task is given up
WORKER_LOCK = 7_202_621  # advisory lock namespace: key hashtext(worker id); held while the worker lives
WORKER_PREFIX = "kpo-"  # ids of workers that hold the lock; tasks of any other worker are never recovered


def new_worker_id() -> str:
    host = socket.gethostname()[:24]
    return f"{WORKER_PREFIX}{host}-{os.getpid()}-{get_random_string(12)}"


def retry_delay(attempts: int) -> timedelta:
    return timedelta(seconds=FIRST_RETRY_SECONDS * 2 ** max(0, attempts - 1))


def _retryable(row: DBTaskResult) -> bool:
    try:
        exc_class = import_string(row.exception_class_path)
    except ImportError:
        return True
    return bool(getattr(exc_class, "retryable", True))


def retry_or_give_up(row: DBTaskResult) -> bool:
    """After a failed run: queue the task again after a delay, or leave it failed. True if queued."""
    attempts = len(row.worker_ids)
    if row.status != TaskResultStatus.FAILED or attempts >= MAX_ATTEMPTS or not _retryable(row):
        return False
    queued = DBTaskResult.objects.filter(pk=row.pk, status=TaskResultStatus.FAILED).update(
        status=TaskResultStatus.READY, run_after=timezone.now() + retry_delay(attempts), finished_at=None
    )
    logger.warning("task %s (%s) failed on attempt %d; retrying", row.pk, row.task_path, attempts)
    return bool(queued)


def _worker_alive(cursor: Any, worker_id: str) -> bool:
    cursor.execute("SELECT pg_try_advisory_lock(%s, hashtext(%s))", [WORKER_LOCK, worker_id])
    if not cursor.fetchone()[0]:
        return True
    cursor.execute("SELECT pg_advisory_unlock(%s, hashtext(%s))", [WORKER_LOCK, worker_id])
    return False


def worker_alive() -> bool:
    """Whether any worker is running against this database: one holds its liveness lock. A query of
    PostgreSQL's lock table, so a worker that is busy (or idle) for minutes still counts as alive."""
    with connections["default"].cursor() as cursor:
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted"
            " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
            " AND classid = %s::oid AND objsubid = 2)",  # objsubid 2: the two-key form workers use
            [WORKER_LOCK],
        )
        return bool(cursor.fetchone()[0])


def recover_abandoned() -> int:
    """Put back in the queue the running tasks whose worker has died; return how many.

    A task that has used up its attempts (a task that kills its worker every time) is marked failed
    instead, so it cannot take every worker down in turn."""
    recovered = 0
    running = DBTaskResult.objects.running().filter(worker_ids__0__isnull=False).only("pk", "worker_ids")
    with connections["default"].cursor() as cursor:
        for row in running:
            worker_id = row.worker_ids[-1]
            if not worker_id.startswith(WORKER_PREFIX) or _worker_alive(cursor, worker_id):
                continue
            still_claimed = DBTaskResult.objects.filter(
                pk=row.pk, status=TaskResultStatus.RUNNING, worker_ids=row.worker_ids
            )
            if len(row.worker_ids) >= MAX_ATTEMPTS:
                still_claimed.update(
                    status=TaskResultStatus.FAILED,
                    finished_at=timezone.now(),
                    exception_class_path="apps.tasks.worker.WorkerDied",
                    traceback=f"The worker {worker_id} died while running this task, {MAX_ATTEMPTS} times.",
                )
                continue
            recovered += still_claimed.update(status=TaskResultStatus.READY, run_after=F("enqueued_at"))
            logger.warning("task %s was running on %s, which has died; queued again", row.pk, worker_id)
    return recovered


class WorkerDied(RuntimeError):
    """Recorded on a task whose worker died on every attempt."""

    retryable = False


class Worker(DBWorker):
    """django-tasks-db's worker, with the liveness lock, recovery and retries above."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._liveness: BaseDatabaseWrapper | None = None

    def hold_liveness_lock(self) -> None:
        # Its own connection: the loop closes and reopens the default one (close_old_connections).
        self._liveness = connections.create_connection("default")
        with self._liveness.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s, hashtext(%s))", [WORKER_LOCK, self.worker_id])

    def release_liveness_lock(self) -> None:
        if self._liveness is not None:
            self._liveness.close()  # ends the session, which releases the lock
            self._liveness = None

    def tidy_connections(self) -> None:
        # As a request would: drop connections past CONN_MAX_AGE or broken while the worker slept.
        close_old_connections()

    def claim_next(self) -> DBTaskResult | None:
        tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        if not self.process_all_queues:
            tasks = tasks.filter(queue_name__in=self.queue_names)
        with transaction.atomic():
            row = tasks.get_locked()  # FOR UPDATE SKIP LOCKED: two workers never claim one task
            if row is not None:
                row.claim(self.worker_id)
        return row

    def run(self) -> None:
        """django-tasks-db's loop (claim, run, sleep when idle), with recovery on every turn so a live
        worker picks up a dead one's task even when nothing new arrives."""
        self.hold_liveness_lock()
        try:
            while self.running:
                self.tidy_connections()
                recover_abandoned()
                row = self.claim_next()
                if row is not None:
                    self.run_task(row)
                elif self.batch:
                    return
                if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
                    return
                if self.running and row is None:
                    time.sleep(self.interval)
        finally:
            self.release_liveness_lock()

    def run_task(self, db_task_result: DBTaskResult) -> None:
        super().run_task(db_task_result)
        retry_or_give_up(db_task_result)
