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
- A lost database (stopped, restarted, unreachable) is waited for, at start-up and on any turn of the
  loop: the worker closes its connections, tries again after a growing pause (``Backoff``), and logs
  one warning per outage. Its lock went with its session, so it takes it again under a new id: a task
  it was running when the database went is then a dead worker's task, and is recovered as one.

Tasks must therefore be idempotent: a task can run again after a crash half way through.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import sys
import time
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import timedelta
from types import FrameType
from typing import Any

import psycopg
from django.db import InterfaceError, OperationalError, close_old_connections, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import BigIntegerField, Case, F, OuterRef, Q, Subquery, When
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Coalesce
from django.tasks import TaskResultStatus
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.module_loading import import_string
from django_tasks_db.management.commands.db_worker import Worker as DBWorker
from django_tasks_db.models import DBTaskResult, get_date_max

from apps.api.tasks import WEBHOOKS, oldest_served_first
from apps.tasks.models import QueueTurn

logger = logging.getLogger("kpo.tasks")

MAX_ATTEMPTS = 4
FIRST_RETRY_SECONDS = 5  # then 10, 20: about half a minute before a task is given up
WORKER_LOCK = 7_202_621  # advisory lock namespace: key hashtext(worker id); held while the worker lives
WORKER_PREFIX = "kpo-"  # ids of workers that hold the lock; tasks of any other worker are never recovered
# What a lost database raises: Django's wrapped errors, and psycopg's own should any escape unwrapped.
DATABASE_LOST = (OperationalError, InterfaceError, psycopg.OperationalError, psycopg.InterfaceError)


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


@dataclass
class Backoff:
    """The pauses between attempts to reach a lost database: ``first`` seconds, doubling up to ``longest``,
    and ``first`` again after ``reset`` (a good turn)."""

    first: float = 0.5
    longest: float = 10.0
    _next: float = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.reset()

    def next(self) -> float:
        wait = self._next
        self._next = min(wait * 2, self.longest)
        return wait

    def reset(self) -> None:
        self._next = min(self.first, self.longest)


def _summary(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {lines[0]}" if lines else type(exc).__name__


class WorkerDied(RuntimeError):
    """Recorded on a task whose worker died on every attempt."""

    retryable = False


class Worker(DBWorker):
    """django-tasks-db's worker, with the liveness lock, recovery, retries and outages above.

    ``backoff`` and ``sleep`` (the pauses when idle or waiting for the database) can be given, for tests;
    ``min_priority`` limits the worker to urgent work."""

    def __init__(
        self,
        *,
        backoff: Backoff | None = None,
        sleep: Callable[[float], None] = time.sleep,
        min_priority: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        # Set: the worker takes only tasks of at least this priority (``--min-priority``), so mail a person waits for
        # is sent while another worker runs a long task (review 67: a reset waited 19 s behind a bulk re-score).
        self.min_priority = min_priority
        self.backoff = backoff or Backoff()
        self.sleep = sleep
        self._liveness: BaseDatabaseWrapper | None = None
        self._lost_since: float | None = None  # monotonic time of the first failure of the current outage

    def hold_liveness_lock(self) -> None:
        """Take the liveness lock on a connection of its own (the loop closes and reopens the default one),
        or check that the session holding it is still there; raises if the database is unreachable."""
        if self._liveness is not None:
            with self._liveness.cursor() as cursor:
                cursor.execute("SELECT 1")  # fails once its session, and with it the lock, is gone
            return
        liveness = connections.create_connection("default")
        try:
            with liveness.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_lock(%s, hashtext(%s))", [WORKER_LOCK, self.worker_id])
        except BaseException:
            with suppress(*DATABASE_LOST):
                liveness.close()
            raise
        self._liveness = liveness

    def release_liveness_lock(self) -> None:
        """Let the lock go before closing its session. Closing alone would release it too, but only once the
        server has ended the session, a moment after the close returns; anyone asking at once whether a
        worker is alive would still see this one."""
        if self._liveness is not None:
            with suppress(*DATABASE_LOST), self._liveness.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock_all()")
            with suppress(*DATABASE_LOST):
                self._liveness.close()
            self._liveness = None

    def tidy_connections(self) -> None:
        # As a request would: drop connections past CONN_MAX_AGE or broken while the worker slept.
        close_old_connections()

    def close_connections(self) -> None:
        for connection in connections.all(initialized_only=True):
            with suppress(*DATABASE_LOST):
                connection.close()

    def claim_next(self) -> DBTaskResult | None:
        """The next task, locked and claimed: by priority, then (webhook deliveries) the organisation served least
        recently first, then by when each became ready. django-tasks-db marks a task to run at once with a far-future
        ``run_after`` and orders by it, so every retry that had come due went before any fresh task, of any
        organisation (review 65); here a fresh task is ready from when it was queued."""
        tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        if not self.process_all_queues:
            tasks = tasks.filter(queue_name__in=self.queue_names)
        if self.min_priority is not None:
            tasks = tasks.filter(priority__gte=self.min_priority)
        ready_at = Case(When(run_after=get_date_max(), then=F("enqueued_at")), default=F("run_after"))
        # Another queue's task (a memo, an export) takes its organisation's turn from when one of its tasks was last
        # taken (``QueueTurn``): twelve memos of one organisation had held another's for 61 s (review 75).
        owner = Cast(KT("args_kwargs__kwargs__organisation_id"), BigIntegerField())
        turn = QueueTurn.objects.filter(organisation_id=OuterRef("turn_organisation")).values("served_at")[:1]
        ordered = (
            oldest_served_first(tasks)
            .annotate(
                turn_organisation=Case(When(~Q(queue_name=WEBHOOKS), then=owner), default=None),
                turn=Coalesce(F("served"), Subquery(turn)),
            )
            .order_by(F("priority").desc(), F("turn").asc(nulls_first=True), ready_at.asc(), F("enqueued_at").asc())
        )
        with transaction.atomic():
            row = ordered.select_for_update(skip_locked=True, of=("self",)).first()  # two workers never claim one
            if row is not None:
                row.claim(self.worker_id)
                if row.turn_organisation is not None:
                    QueueTurn.objects.bulk_create(
                        [QueueTurn(organisation_id=row.turn_organisation, served_at=timezone.now())],
                        update_conflicts=True,
                        unique_fields=["organisation_id"],
                        update_fields=["served_at"],
                    )
        return row

    def turn(self) -> DBTaskResult | None:
        """One turn of the loop: hold the liveness lock, recover dead workers' tasks, claim one task and run
        it. Returns the task it ran, or None when nothing was ready."""
        self.hold_liveness_lock()
        self.tidy_connections()
        recover_abandoned()
        row = self.claim_next()
        if row is not None:
            self.run_task(row)
        return row

    def run(self) -> None:
        """django-tasks-db's loop (claim, run, sleep when idle), with recovery on every turn so a live
        worker picks up a dead one's task even when nothing new arrives, and a lost database waited for:
        a turn that fails for want of it is tried again after a pause, however long it takes."""
        try:
            while self.running:
                try:
                    row = self.turn()
                except DATABASE_LOST as exc:
                    self.lost_database(exc)
                    if self.running:
                        self.sleep(self.backoff.next())
                    continue
                self.reached_database()
                if row is None and self.batch:
                    return
                if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
                    return
                if self.running and row is None:
                    self.sleep(self.interval)
        finally:
            self.exiting = True
            self.release_liveness_lock()

    # Set once the process is on its way out: a signal then changes nothing.
    exiting = False

    def shutdown(self, signum: int, frame: FrameType | None) -> None:
        """Stop: a task under way finishes first (a second signal ends it, as django-tasks-db does); with none, the
        process ends now. A signal arriving once it is ending (``make run`` passing on the same Ctrl-C, a second
        kill) is ignored: raising SystemExit again inside the interpreter's exit had broken off the embedded
        database's clean-up, which stops the server when this is the last process using it, and left it running."""
        if self.exiting:
            return
        if self.running_task:
            super().shutdown(signum, frame)
            return
        self.exiting = True
        self.running = False
        for name in ("SIGINT", "SIGTERM", "SIGQUIT"):
            if hasattr(signal, name):
                signal.signal(getattr(signal, name), signal.SIG_IGN)
        logger.warning("Received %s - shutting down.", signal.strsignal(signum))
        sys.exit(0)

    def lost_database(self, exc: BaseException) -> None:
        """Log the outage once, close every connection, and give up the lock and the id it was held under."""
        if self._lost_since is None:
            self._lost_since = time.monotonic()
            logger.warning(
                "worker %s cannot reach the database (%s); waiting for it, trying again every %g s at most",
                self.worker_id,
                _summary(exc),
                self.backoff.longest,
            )
        if self._liveness is not None:
            self.release_liveness_lock()
            # The old id's lock is free from now on, so any task claimed under it is recovered as a dead
            # worker's; the new lock is taken once the database is back.
            self.worker_id = new_worker_id()
        self.close_connections()

    def reached_database(self) -> None:
        self.backoff.reset()
        if self._lost_since is not None:
            waited = time.monotonic() - self._lost_since
            self._lost_since = None
            logger.info("database reached again after %.1f s; the worker carries on as %s", waited, self.worker_id)

    def run_task(self, db_task_result: DBTaskResult) -> None:
        super().run_task(db_task_result)
        retry_or_give_up(db_task_result)
