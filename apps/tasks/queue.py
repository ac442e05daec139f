"""Enqueueing background work once per piece of work, and reading where it stands.

Work is identified by what it is about (for the memo: the recommendation and the renderer version),
not by who asked: a second request for the same work gets the task already queued, running or done,
so a double click, two colleagues or a page polling never queue it twice. The task's row (django-tasks-db's
``DBTaskResult``) is the record; its keyword arguments hold the identity, so no second table can drift.
"""

from __future__ import annotations

from typing import Any

from django.db import connection, transaction
from django.tasks import Task, TaskResult, TaskResultStatus
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

# Advisory lock namespace (two-key form) for "is this work already queued?"; see apps/recommendations/memo.py
# for the other namespaces in use.
ENQUEUE_LOCK = 7_202_620
LIVE = (TaskResultStatus.READY, TaskResultStatus.RUNNING, TaskResultStatus.SUCCESSFUL)
# Task priorities (the worker claims the highest first; django's default is 0, memos and notices among it). Mail a
# person is waiting for at the sign-in page (a reset, an invitation) goes before other work: it had waited 44 s behind
# another organisation's 36 memos (review 65). Work over many rows (a bulk re-score, an impact preview, an export)
# goes after what a person waits for page by page.
URGENT = 50
BULK = -10


def _identity(task: Task, identity: dict[str, Any]) -> str:
    return task.module_path + "|" + "|".join(f"{k}={identity[k]}" for k in sorted(identity))


def latest(task: Task, identity: dict[str, Any]) -> TaskResult | None:
    """The most recent task for this work (any status), or None; always None on a backend without
    stored results (the immediate backend in tests runs the work inside ``enqueue``)."""
    if not isinstance(task.get_backend(), DatabaseBackend):
        return None
    row = (
        DBTaskResult.objects.filter(task_path=task.module_path, args_kwargs__kwargs__contains=identity)
        .order_by("-enqueued_at")
        .first()
    )
    return row.task_result if row is not None else None


def enqueue_once(task: Task, *, identity: dict[str, Any], again: bool = False, **extra: Any) -> TaskResult:
    """Enqueue ``task(**identity, **extra)`` unless a task for the same ``identity`` is queued,
    running or done; then that one is returned. A failed one (retries used up) is enqueued afresh:
    asking again is how a person retries. ``again``: one done is enqueued afresh too (its work is not there: done by
    a worker running other code, say); one queued or running is still returned.

    ``extra`` holds arguments that do not make the work different (who asked, the site's address)."""
    if not isinstance(task.get_backend(), DatabaseBackend):
        return task.enqueue(**identity, **extra)
    with transaction.atomic():
        # Two requests at once: the second waits here for the first's insert, then finds it.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", [ENQUEUE_LOCK, _identity(task, identity)])
        current = latest(task, identity)
        done = current is not None and current.status == TaskResultStatus.SUCCESSFUL
        if current is not None and current.status in LIVE and not (again and done):
            return current
        return task.enqueue(**identity, **extra)
