"""Every failed task run is logged, whichever backend ran it (the worker, or the immediate backend in
tests); a task's exception is otherwise only recorded on its row."""

from __future__ import annotations

import logging
from typing import Any

from django.dispatch import receiver
from django.tasks import TaskResultStatus
from django.tasks.signals import task_finished

logger = logging.getLogger("kpo.tasks")


@receiver(task_finished)
def log_failure(sender: Any, task_result: Any, **kwargs: Any) -> None:
    if task_result.status == TaskResultStatus.FAILED and task_result.errors:
        error = task_result.errors[-1]
        logger.error(
            "task %s failed (attempt %d): %s", task_result.task.name, task_result.attempts, error.exception_class_path
        )
