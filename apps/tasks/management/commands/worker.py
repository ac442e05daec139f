"""``manage.py worker``: run background tasks (docs/operations.md "The worker")."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from apps.tasks.queue import URGENT
from apps.tasks.worker import Backoff, Worker, new_worker_id


class Command(BaseCommand):
    help = "Run background tasks from the database queue until stopped (Ctrl-C or SIGTERM finish the current task)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds to wait when the queue is empty.")
        parser.add_argument("--batch", action="store_true", help="Run what is queued now, then exit.")
        parser.add_argument("--max-tasks", type=int, default=None, help="Exit after this many tasks.")
        parser.add_argument(
            "--queue",
            default="*",
            help="Queues to take tasks from, comma-separated: default, webhooks ('*', the default: all).",
        )
        parser.add_argument(
            "--min-priority",
            type=int,
            default=None,
            help=f"Take only tasks of at least this priority: {URGENT} for the mail a person waits for (a password"
            " reset, an invitation), sent at once while other workers run long tasks.",
        )
        parser.add_argument(
            "--reconnect-wait",
            type=float,
            default=Backoff.longest,
            help="Longest pause, in seconds, between attempts to reach a lost database (from 0.5 s, doubling).",
        )

    def handle(
        self,
        *args: Any,
        interval: float,
        batch: bool,
        max_tasks: int | None,
        queue: str,
        min_priority: int | None,
        reconnect_wait: float,
        **options: Any,
    ) -> None:
        if interval < 0 or (max_tasks is not None and max_tasks < 1) or not reconnect_wait > 0:
            self.stderr.write("--interval must be zero or more, --max-tasks at least 1 and --reconnect-wait above 0.")
            raise SystemExit(2)
        queues = [name.strip() for name in queue.split(",")]
        unknown = [name for name in queues if name != "*" and name not in settings.TASK_QUEUES]
        if unknown or not all(queues):
            self.stderr.write(
                f"--queue takes {', '.join(settings.TASK_QUEUES)} or '*', comma-separated (given: {queue})."
            )
            raise SystemExit(2)
        level = logging.WARNING if options["verbosity"] == 0 else logging.INFO
        for name in ("kpo.tasks", "django.tasks", "django_tasks_db"):
            log = logging.getLogger(name)
            log.setLevel(level)
            if not log.hasHandlers():
                log.addHandler(logging.StreamHandler(self.stdout))
        worker = Worker(
            queue_names=queues,
            interval=interval,
            batch=batch,
            backend_name="default",
            startup_delay=False,
            max_tasks=max_tasks,
            worker_id=new_worker_id(),
            excluded_queue_names=[],
            backoff=Backoff(longest=reconnect_wait),
            min_priority=min_priority,
        )
        worker.configure_signals()
        self.stdout.write(f"Worker {worker.worker_id} started.")
        worker.run()
