"""Rows written without waiting for the disk: only their own transaction, never a caller's."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from apps.accounts.models import Organisation, User
from apps.common.durability import without_waiting_for_disk
from apps.discussion.models import Activity
from apps.discussion.services import record_activity
from tests.factories import AssessmentFactory


def _setting() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        return str(cursor.fetchone()[0])


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_only_its_own_commit_skips_the_wait() -> None:
    assert _setting() == "on"
    with without_waiting_for_disk():
        assert connection.in_atomic_block
        assert _setting() == "off"
    assert not connection.in_atomic_block
    assert _setting() == "on"  # SET LOCAL ended with the transaction


@pytest.mark.django_db(transaction=True)
def test_inside_a_callers_transaction_nothing_changes() -> None:
    with transaction.atomic():
        with CaptureQueriesContext(connection) as queries, without_waiting_for_disk():
            assert _setting() == "on"
        assert not [q for q in queries.captured_queries if "synchronous_commit TO OFF" in q["sql"]]
        assert _setting() == "on"


@pytest.mark.django_db(transaction=True)
def test_a_timeline_line_is_written_in_a_transaction_of_its_own_without_the_wait(
    organisation: Organisation, buyer: User
) -> None:
    draft = AssessmentFactory(organisation=organisation, created_by=buyer)
    with CaptureQueriesContext(connection) as queries:
        line = record_activity(
            kind="answer_changed", organisation=organisation, actor=buyer, target=draft, url="/x/", summary="Changed"
        )
    sql = [q["sql"] for q in queries.captured_queries]
    assert sql[0] == "BEGIN" and sql[-1] == "COMMIT", sql  # a transaction of its own
    assert sql[1] == "SET LOCAL synchronous_commit TO OFF" and sql[2].startswith('INSERT INTO "discussion_activity"')
    assert line is not None and Activity.objects.filter(pk=line.pk, organisation=organisation).exists()
    assert _setting() == "on"


@pytest.mark.django_db(transaction=True)
def test_what_must_reach_the_disk_makes_a_shared_transaction_wait_again() -> None:
    from apps.common.durability import wait_for_disk

    with without_waiting_for_disk():
        assert _setting() == "off"
        with transaction.atomic():  # a listener's savepoint: rolled back, its setting goes with it
            wait_for_disk()
            assert _setting() == "on"
            transaction.set_rollback(True)
        assert _setting() == "off"
        wait_for_disk()
        assert _setting() == "on"  # this transaction's commit now waits for the disk
    with CaptureQueriesContext(connection) as queries, transaction.atomic():  # any other commit waits already
        wait_for_disk()
    assert not [q for q in queries.captured_queries if "synchronous_commit" in q["sql"]]


@pytest.mark.django_db(transaction=True)
def test_a_submit_writes_its_timeline_line_and_deliveries_with_it_and_its_flips_task_after_its_commit(
    reference: Any, organisation: Organisation, buyer: User, buyer_client: Any, settings: Any
) -> None:
    # Review 108: the timeline line and the webhook deliveries were written after the recommendation's commit, and a
    # database stopped in between lost them for good. They are written in its transaction now; what would flip it,
    # which the first view works out if lost, is still queued after the commit without waiting for the disk.
    from django.urls import reverse

    from apps.api.models import WebhookDelivery, WebhookEndpoint
    from apps.recommendations.models import Recommendation

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": settings.TASK_QUEUES}}
    answers = reference.golden_cases.get(name__startswith="US hedge fund").answers
    draft = AssessmentFactory(organisation=organisation, created_by=buyer, playbook=reference, answers=answers)
    with CaptureQueriesContext(connection) as queries:
        assert buyer_client.post(reverse("recommendations:submit", args=[draft.pk])).status_code == 302
    sql = [q["sql"] for q in queries.captured_queries]
    own = sql[: sql.index("COMMIT") + 1]  # the recommendation's own transaction
    assert any('INSERT INTO "recommendations_recommendation"' in s for s in own)
    assert any('INSERT INTO "discussion_activity"' in s for s in own)
    rest = sql[sql.index("COMMIT") + 1 :]
    after = rest[: rest.index("COMMIT") + 1]  # the transaction that follows it: the flips task alone
    others = rest[len(after) :]
    assert after[0] == "BEGIN" and after[-1] == "COMMIT", after
    assert not [s for s in others if s.startswith(("INSERT", "SELECT"))], others  # at most the session's save
    assert "SET LOCAL synchronous_commit TO OFF" in after[1]
    assert any('INSERT INTO "django_tasks_database_dbtaskresult"' in s for s in after)
    assert not any('INSERT INTO "discussion_activity"' in s for s in after)
    stored = Recommendation.objects.get(assessment=draft)
    assert Activity.objects.filter(organisation=organisation, recommendation=stored).exists()

    # With an endpoint, its delivery and its task are written in the recommendation's own transaction, whose commit
    # waits for the disk as every commit but the flips task's does.
    hook = "https://hooks.example.test/kpo"
    events = ["recommendation.stored"]
    WebhookEndpoint.objects.create(organisation=organisation, url=hook, events=events, secret="s" * 32)
    second = AssessmentFactory(organisation=organisation, created_by=buyer, playbook=reference, answers=answers)
    with CaptureQueriesContext(connection) as queries:
        assert buyer_client.post(reverse("recommendations:submit", args=[second.pk])).status_code == 302
    sql = [q["sql"] for q in queries.captured_queries]
    own = sql[: sql.index("COMMIT") + 1]
    assert any('INSERT INTO "api_webhookdelivery"' in s for s in own)
    assert not [s for s in own if "synchronous_commit TO OFF" in s]
    assert WebhookDelivery.objects.filter(organisation=organisation).count() == 1
