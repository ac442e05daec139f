"""The read-replica router: history and portfolio reads go to the ``replica`` alias when one is configured;
writes, reads inside a transaction and every other page go to the primary. In tests the replica alias mirrors
the test database (settings: TEST MIRROR), so committed rows (``transaction=True``) are visible through it."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connections, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.accounts.models import Organisation
from kpo_advisor.routers import PRIMARY, REPLICA, ReplicaRouter, replica_reads

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica"])


@pytest.fixture
def replica(settings: Any) -> None:
    settings.READ_REPLICA = True


def tables_read(queries: CaptureQueriesContext) -> str:
    return " ".join(q["sql"] for q in queries.captured_queries)


def test_history_and_portfolio_read_from_the_replica(replica: None, buyer_client: Client) -> None:
    for name in ["recommendations:history", "recommendations:portfolio"]:
        with CaptureQueriesContext(connections[REPLICA]) as on_replica:
            assert buyer_client.get(reverse(name)).status_code == 200
        assert on_replica.captured_queries, name
    assert "recommendations_recommendation" in tables_read(on_replica) or "portfolio" in tables_read(on_replica)


def test_other_pages_read_the_primary(replica: None, buyer_client: Client) -> None:
    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        assert buyer_client.get(reverse("accounts:members")).status_code == 200
        assert buyer_client.get(reverse("home")).status_code in {200, 302}
    assert on_replica.captured_queries == []


def test_writes_and_reads_in_a_transaction_go_to_the_primary(replica: None) -> None:
    router = ReplicaRouter()
    with replica_reads():
        assert router.db_for_read(Organisation) == REPLICA
        assert router.db_for_write(Organisation) == PRIMARY
        with transaction.atomic():
            assert router.db_for_read(Organisation) == PRIMARY
    assert router.db_for_read(Organisation) == PRIMARY


def test_without_a_replica_url_nothing_goes_to_the_replica(buyer_client: Client) -> None:
    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        assert buyer_client.get(reverse("recommendations:history")).status_code == 200
    assert on_replica.captured_queries == []
    assert ReplicaRouter().allow_migrate(REPLICA, "accounts") is False
