"""Tests of the database queue and the worker: tasks are stored, not run inside ``enqueue``."""

from __future__ import annotations

from typing import Any

import pytest

from apps.tasks.worker import Worker, new_worker_id


@pytest.fixture(autouse=True)
def database_tasks(settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": settings.TASK_QUEUES}}


class InProcessWorker(Worker):
    """The worker's loop, in the test's own database transaction (which closing connections would end)."""

    def tidy_connections(self) -> None:
        pass

    def close_connections(self) -> None:
        pass


def in_process_worker(**options: Any) -> InProcessWorker:
    """A worker for this process: batch mode (until the queue has nothing ready) unless told otherwise."""
    defaults = {"queue_names": ["*"], "interval": 0, "batch": True, "max_tasks": None}
    return InProcessWorker(
        **{**defaults, **options}, backend_name="default", startup_delay=False, worker_id=new_worker_id(),
        excluded_queue_names=[],
    )  # fmt: skip


def run_worker(**options: Any) -> Worker:
    """Run the worker's own loop in this process until the queue has nothing ready."""
    worker = in_process_worker(**options)
    worker.run()
    return worker
