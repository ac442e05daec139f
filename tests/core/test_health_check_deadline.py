"""A kept connection's health check has a deadline: a database that stops answering while the connection is open (a
stopped process, a frozen host) makes the check fail within ``connect_timeout``, so the request connects afresh and
gets its 503 after one more timeout, where Django's own check waited for ``SELECT 1`` without end and held the request
until gunicorn's timeout (docs/operations.md)."""

from __future__ import annotations

import contextlib
import os
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from django.db import OperationalError, connections, transaction
from django.db.backends.postgresql import base as django_base

from kpo_advisor.postgres.base import DatabaseWrapper

pytestmark = pytest.mark.django_db
APP = "kpo-health-check-test"


class FreezingProxy:
    """TCP on loopback to the database's unix socket, relaying both ways until frozen: then it holds every byte,
    as a stopped server behind a live socket does."""

    def __init__(self, unix_path: str) -> None:
        self.unix_path = unix_path
        self.frozen = threading.Event()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.sockets: list[socket.socket] = [self.listener]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            server = socket.socket(socket.AF_UNIX)
            server.connect(self.unix_path)
            self.sockets += [client, server]
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._relay, args=(a, b), daemon=True).start()

    def _relay(self, source: socket.socket, sink: socket.socket) -> None:
        while True:
            try:
                data = source.recv(65536)
            except OSError:
                return
            if not data:
                return
            while self.frozen.is_set():
                time.sleep(0.01)
            try:
                sink.sendall(data)
            except OSError:
                return

    def close(self) -> None:
        for s in self.sockets:
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)  # wakes a relay waiting in recv
            s.close()


@pytest.fixture
def through_proxy() -> Iterator[tuple[FreezingProxy, DatabaseWrapper]]:
    default = connections["default"]
    params = default.get_connection_params()
    proxy = FreezingProxy(os.path.join(params["host"], f".s.PGSQL.{params.get('port') or 5432}"))
    settings = {**default.settings_dict, "OPTIONS": {**default.settings_dict["OPTIONS"], "connect_timeout": 1}}
    wrapper = DatabaseWrapper(settings, alias="health-check")
    wrapper.connection = psycopg.connect(
        host="127.0.0.1",
        port=proxy.port,
        user=params["user"],
        dbname=params["dbname"],
        autocommit=True,
        application_name=APP,
    )
    try:
        yield proxy, wrapper
    finally:
        proxy.frozen.clear()
        wrapper.connection.close()
        proxy.close()
        _gone(default)


def _gone(default: Any) -> None:
    """Wait for the server to end the session the proxy carried (ending it after a while), so the test database
    can be dropped at the end of the run."""
    with default.cursor() as cursor:
        for _ in range(100):
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE application_name = %s", [APP])
            if cursor.fetchone()[0] == 0:
                return
            time.sleep(0.05)
        cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = %s", [APP])


def test_a_connection_that_answers_is_usable_and_stays_usable(through_proxy: tuple[FreezingProxy, Any]) -> None:
    _, wrapper = through_proxy
    for _ in range(3):
        assert wrapper.is_usable()
    # The check leaves the connection as it found it: the next query on it is answered.
    assert wrapper.connection.execute("SELECT 41 + 1").fetchone() == (42,)


def test_a_connection_whose_server_stops_answering_is_unusable_within_the_timeout(
    through_proxy: tuple[FreezingProxy, Any],
) -> None:
    proxy, wrapper = through_proxy
    proxy.frozen.set()
    answered: list[bool] = []
    started = time.monotonic()
    check = threading.Thread(target=lambda: answered.append(wrapper.is_usable()))
    check.start()
    check.join(3)  # connect_timeout is 1 s here; a check without a deadline would still be waiting
    took = time.monotonic() - started
    proxy.frozen.clear()
    check.join(10)
    assert answered[:1] == [False] and took < 3


def test_djangos_own_check_waits_on_a_server_that_stops_answering(through_proxy: tuple[FreezingProxy, Any]) -> None:
    """What the deadline is for: Django's check is still waiting after twice the timeout, and answers once the server
    does again."""
    proxy, wrapper = through_proxy
    proxy.frozen.set()
    answered: list[bool] = []
    check = threading.Thread(target=lambda: answered.append(django_base.DatabaseWrapper.is_usable(wrapper)))
    check.start()
    check.join(2)
    assert check.is_alive() and not answered
    proxy.frozen.clear()
    check.join(10)
    assert answered == [True]


def test_a_closed_connection_is_unusable(through_proxy: tuple[FreezingProxy, Any]) -> None:
    _, wrapper = through_proxy
    wrapper.connection.close()
    assert wrapper.is_usable() is False


@pytest.fixture
def django_through_proxy() -> Iterator[tuple[FreezingProxy, DatabaseWrapper]]:
    """The product's backend, connecting through the proxy itself (so its cursors are Django's, execute wrappers
    included)."""
    default = connections["default"]
    params = default.get_connection_params()
    proxy = FreezingProxy(os.path.join(params["host"], f".s.PGSQL.{params.get('port') or 5432}"))
    settings = {
        **default.settings_dict,
        "ENGINE": "kpo_advisor.postgres",
        "HOST": "127.0.0.1",
        "PORT": str(proxy.port),
        "NAME": params["dbname"],
        "USER": params["user"],
        "OPTIONS": {"connect_timeout": 1, "application_name": APP},
    }
    wrapper = DatabaseWrapper(settings, alias="query-deadline")
    connections["query-deadline"] = wrapper  # this thread's: the signals' connection handling looks it up
    try:
        yield proxy, wrapper
    finally:
        proxy.frozen.clear()
        wrapper.close()
        del connections["query-deadline"]
        proxy.close()
        _gone(default)


def test_a_query_in_a_request_that_gets_no_answer_fails_at_its_deadline(
    django_through_proxy: tuple[FreezingProxy, Any], settings: Any
) -> None:
    """Review 70: a request inside a query when the database froze waited for the whole freeze (40 s), so a dozen of
    them held every gunicorn thread. In a request, the watchdog shuts the connection at the deadline: the query fails
    as a lost connection does (the request's 503)."""
    # In a request as the backend knows it (its request signals' receivers; the signals themselves would close the
    # test's own connections).
    from kpo_advisor.postgres.base import _begin, _end

    proxy, wrapper = django_through_proxy
    settings.DATABASE_QUERY_DEADLINE = 1
    with wrapper.cursor() as cursor:  # answered while the database answers
        cursor.execute("SELECT 1")
    proxy.frozen.set()
    thaw = threading.Timer(6, proxy.frozen.clear)  # should the deadline not hold, the test fails rather than hangs
    thaw.start()
    started = time.monotonic()
    _begin()
    try:
        with pytest.raises(OperationalError), wrapper.cursor() as cursor:
            cursor.execute("SELECT 1")
    finally:
        took = time.monotonic() - started
        _end()
        thaw.cancel()
    assert took < 3


def test_outside_a_request_a_query_waits_for_the_database(
    django_through_proxy: tuple[FreezingProxy, Any], settings: Any
) -> None:
    """The worker's work and management commands have no deadline: a slow database is waited for."""
    proxy, wrapper = django_through_proxy
    settings.DATABASE_QUERY_DEADLINE = 1
    with wrapper.cursor() as cursor:
        cursor.execute("SELECT 1")
    proxy.frozen.set()
    thaw = threading.Timer(2.5, proxy.frozen.clear)
    thaw.start()
    started = time.monotonic()
    with wrapper.cursor() as cursor:
        cursor.execute("SELECT 42")
        assert cursor.fetchone() == (42,)
    assert time.monotonic() - started >= 2.4  # waited for the thaw, not cut off at the deadline


def test_a_commit_in_a_request_that_gets_no_answer_fails_at_its_deadline(
    django_through_proxy: tuple[FreezingProxy, Any], settings: Any
) -> None:
    """Review 75: a transaction's COMMIT is no query run through Django's cursor, so the execute wrapper did not watch
    it: a save whose commit met a freeze waited for the whole freeze (35 s)."""
    from kpo_advisor.postgres.base import _begin, _end, commit_outcome_unknown

    proxy, wrapper = django_through_proxy
    settings.DATABASE_QUERY_DEADLINE = 1
    thaw = threading.Timer(10, proxy.frozen.clear)  # should the deadline not hold, the test fails at 10 s
    _begin()
    started = 0.0
    try:
        with pytest.raises(OperationalError), transaction.atomic(using="query-deadline"):
            with wrapper.cursor() as cursor:
                cursor.execute("SELECT 1")
            proxy.frozen.set()  # the database freezes as the block ends: its COMMIT gets no answer
            thaw.start()
            started = time.monotonic()
        # Its outcome is unknown (the server may carry it out on waking): the 503 page says so (review 77).
        assert commit_outcome_unknown()
    finally:
        took = time.monotonic() - started
        _end()
        thaw.cancel()
    assert not commit_outcome_unknown()  # a request's own
    # The deadline (1 s, seen within the watchdog's 0.5 s), then Django's turning autocommit back on tries one new
    # connection, bounded by the connect timeout (1 s here), where before it waited for the thaw.
    assert took < 5


@pytest.mark.django_db(transaction=True)
def test_a_request_knows_whether_it_committed_a_change() -> None:
    # Review 112: what a request committed before losing the database is saved; the 503 page reads this.
    from django.db import connection

    from kpo_advisor.postgres import base

    base._begin()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        assert not base.committed_in_request()  # a read commits nothing
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("CREATE TEMPORARY TABLE kpo_committed_probe (n int)")
            assert not base.committed_in_request()  # not until the COMMIT
        assert base.committed_in_request()
        base._begin()
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO kpo_committed_probe VALUES (1)")  # autocommit: stored as it runs
        assert base.committed_in_request()
    finally:
        base._end()
    assert not base.committed_in_request()
