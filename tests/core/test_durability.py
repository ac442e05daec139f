"""Rows written without waiting for the disk: only their own transaction, never a caller's."""

from __future__ import annotations

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
