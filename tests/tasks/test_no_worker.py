"""A memo asked for while no worker runs (``runserver`` alone): after half a minute in the queue the status
page says the background worker is not running and how it starts, instead of "queued" for ever."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connections
from django.tasks import TaskResultStatus
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from apps.accounts.models import Organisation, User
from apps.playbooks.models import Playbook
from apps.recommendations.models import Recommendation
from apps.tasks import worker as worker_module
from tests.recommendations.conftest import recommend

pytestmark = pytest.mark.django_db
NO_WORKER = "The background worker is not running"


@pytest.fixture
def rec(reference: Playbook, organisation: Organisation, buyer: User) -> Recommendation:
    return recommend(reference, organisation, buyer, "US hedge fund", "Fund research")


class LiveWorker:
    """A worker's liveness lock, held on a connection of its own as a running worker holds it."""

    def __enter__(self) -> None:
        self.connection = connections.create_connection("default")
        self._lock("pg_advisory_lock")

    def __exit__(self, *exc: object) -> None:
        self._lock("pg_advisory_unlock")  # as the worker's exit does (a closing session lets go a moment later)
        self.connection.close()

    def _lock(self, function: str) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute(f"SELECT {function}(%s, hashtext('kpo-test'))", [worker_module.WORKER_LOCK])


def _check(client: Client, rec: Recommendation, *, htmx: bool = False) -> str:
    headers = {"HX-Request": "true"} if htmx else {}
    response = client.get(reverse("recommendations:memo_pdf", args=[rec.pk]) + "?check=1", headers=headers)
    return response.content.decode()


def _queued_a_minute_ago() -> None:
    DBTaskResult.objects.update(enqueued_at=timezone.now() - timedelta(minutes=1))


def test_a_memo_queued_for_half_a_minute_without_a_worker_says_how_the_worker_starts(
    rec: Recommendation, buyer_client: Client
) -> None:
    assert NO_WORKER not in _check(buyer_client, rec)  # just queued: a worker has not had its chance yet
    _queued_a_minute_ago()
    with LiveWorker():
        assert NO_WORKER not in _check(buyer_client, rec)  # a live worker is busy with other work
    page = _check(buyer_client, rec)
    assert NO_WORKER in page and "<code>make run</code>" in page and "<code>manage.py worker</code>" in page
    assert "docs/operations.md" in page
    fragment = _check(buyer_client, rec, htmx=True)
    assert "<html" not in fragment and NO_WORKER in fragment and 'hx-trigger="every 2s"' in fragment  # still checks
    assert DBTaskResult.objects.get().status == TaskResultStatus.READY  # still queued, for the worker to come


def test_worker_alive_reads_the_liveness_locks(db: None) -> None:
    assert worker_module.worker_alive() is False
    with LiveWorker():
        assert worker_module.worker_alive() is True
    assert worker_module.worker_alive() is False
