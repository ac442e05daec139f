"""A request tries to reach a lost database once: the 503 comes after one connect timeout, not one per read of the
user on the way to it (review 60: 11 s for a signed-in page, 30 s under DEBUG)."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connections
from django.db.backends.postgresql import base as django_base

from kpo_advisor.postgres.base import DatabaseWrapper


@pytest.fixture
def attempts(monkeypatch: Any) -> Any:
    made: list[int] = []

    def unreachable(self: Any, conn_params: dict[str, Any]) -> Any:
        made.append(1)
        raise psycopg.OperationalError("connection timeout expired")

    monkeypatch.setattr(django_base.DatabaseWrapper, "get_new_connection", unreachable)
    # The request signals without Django's own receiver, as the test client sends them: it would check a connection an
    # earlier test left open in this thread, which this test (no database) may not touch.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield made
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def test_the_backend_in_use_is_the_one_that_connects_once_per_request() -> None:
    assert isinstance(connections["default"], DatabaseWrapper) and isinstance(connections["replica"], DatabaseWrapper)


def test_within_a_request_a_second_attempt_fails_at_once_and_the_next_request_tries_again(attempts: list[int]) -> None:
    wrapper = DatabaseWrapper.__new__(DatabaseWrapper)
    request_started.send(sender=None)
    try:
        for _ in range(3):
            with pytest.raises(psycopg.OperationalError):
                wrapper.get_new_connection({})
        assert len(attempts) == 1
    finally:
        request_finished.send(sender=None)
    request_started.send(sender=None)
    try:
        with pytest.raises(psycopg.OperationalError):
            wrapper.get_new_connection({})
        assert len(attempts) == 2  # a new request tries the database again
    finally:
        request_finished.send(sender=None)


def test_outside_a_request_every_attempt_is_made(attempts: list[int]) -> None:
    # The worker reconnects by itself (apps/tasks/worker.py): its attempts must reach the database.
    wrapper = DatabaseWrapper.__new__(DatabaseWrapper)
    for _ in range(3):
        with pytest.raises(psycopg.OperationalError):
            wrapper.get_new_connection({})
    assert len(attempts) == 3
