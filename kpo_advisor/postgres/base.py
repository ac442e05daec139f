"""Django's PostgreSQL backend, except that a request tries to reach a lost database once.

A database that hangs (stopped, a cut network) makes each connection attempt wait out ``connect_timeout``. A request
that has failed to connect once met more attempts on its way to the 503 page: the user read again to log the error
and to draw Django's error pages, each a new connection waiting its own timeout, so a signed-in page took two
timeouts and more before its 503 (11 s, and 30 s under DEBUG; review 60). Within one request, a connection attempt
after a failed one fails at once with the same error; outside requests (the worker, management commands) every
attempt is made, as the worker's own reconnecting needs.

A kept connection (``CONN_MAX_AGE``) is health-checked at a request's first query, and Django's check waits for
its ``SELECT 1`` without a deadline: a database that hangs while the connection is open (a stopped process, a frozen
host) held the request until gunicorn's timeout. Here the check waits at most ``connect_timeout`` for the answer; a
connection that does not answer in time is closed as unusable, and the request goes on to connect afresh, which
is bounded by the same timeout.

A query already under way when the database hangs waited for it without end too: 12 requests inside a query at the
moment of a freeze held every gunicorn thread, the 503s included, for as long as the freeze lasted (review 70: 40 s).
Within a request, a query that gets no answer within ``DATABASE_QUERY_DEADLINE`` seconds (15 by default; 0 turns it
off) has its connection's socket shut by a watchdog thread: the query fails as a lost connection does, and the request
answers 503. A transaction's COMMIT and ROLLBACK are watched the same way (review 75: no execute wrapper sees them).
Work outside requests (the worker's bulk tasks, management commands) has no deadline.
"""

from __future__ import annotations

import contextlib
import os
import select
import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import psycopg
from django.conf import settings
from django.core.signals import request_finished, request_started
from django.db import InterfaceError, OperationalError
from django.db.backends.postgresql import base

_state = threading.local()


def _begin(**kwargs: Any) -> None:
    _state.in_request, _state.failed, _state.commit_unknown, _state.committed = True, None, False, False


def _end(**kwargs: Any) -> None:
    _state.in_request, _state.failed, _state.commit_unknown, _state.committed = False, None, False, False


def committed_in_request() -> bool:
    """Whether this request has committed a change: a transaction's COMMIT, or a write outside one (autocommit), that
    the database answered. With its view answered (``ViewAnsweredMiddleware``), a database lost after it (saving
    the session, drawing the page that follows) leaves the change stored, so the 503 page must not say it was not
    saved nor offer to send it again (review 112)."""
    return bool(getattr(_state, "committed", False))


def commit_outcome_unknown() -> bool:
    """Whether this request's COMMIT failed (the database lost or cut off at the deadline while it was sent): the
    server may still have carried it out, so what was sent may be stored (review 77: "Try again" made a draft twice)."""
    return bool(getattr(_state, "commit_unknown", False))


request_started.connect(_begin, dispatch_uid="kpo_advisor.postgres.begin")
request_finished.connect(_end, dispatch_uid="kpo_advisor.postgres.end")


# Queries under way in requests, by thread: when each is due and its connection's socket (a file descriptor).
_inflight: dict[int, tuple[float, int]] = {}
_watchdog_lock = threading.Lock()
_watchdog: threading.Thread | None = None
WATCH_EVERY = 0.5  # seconds between the watchdog's looks


def _watch() -> None:
    while True:
        time.sleep(WATCH_EVERY)
        now = time.monotonic()
        for key, entry in list(_inflight.items()):
            due, fd = entry
            if now < due or _inflight.get(key) is not entry:
                continue
            _inflight.pop(key, None)
            # Shut, not close: the socket stays the connection's (libpq closes it), and its read returns at once.
            with contextlib.suppress(OSError), socket.socket(fileno=os.dup(fd)) as held:
                held.shutdown(socket.SHUT_RDWR)


def _start_watchdog() -> None:
    global _watchdog
    with _watchdog_lock:
        if _watchdog is None or not _watchdog.is_alive():
            _watchdog = threading.Thread(target=_watch, name="kpo-query-deadline", daemon=True)
            _watchdog.start()


@contextlib.contextmanager
def _deadline(connection: Any) -> Iterator[None]:
    """In a request, what runs inside is under the watchdog's deadline (``DATABASE_QUERY_DEADLINE``) on the psycopg
    ``connection``; outside one, or with no connection, it runs unwatched."""
    deadline = getattr(settings, "DATABASE_QUERY_DEADLINE", 0)
    if (
        not deadline
        or not getattr(_state, "in_request", False)
        or connection is None
        or connection.closed
        or connection.broken
    ):
        yield
        return
    key = threading.get_ident()
    _inflight[key] = (time.monotonic() + deadline, connection.pgconn.socket)
    if _watchdog is None or not _watchdog.is_alive():
        _start_watchdog()
    try:
        yield
    finally:
        _inflight.pop(key, None)


# The first word of a statement that writes nothing (a write outside a transaction commits as it runs).
_READS = ("SELECT", "SHOW", "SET", "BEGIN", "SAVEPOINT", "RELEASE", "ROLLBACK", "DECLARE", "FETCH", "CLOSE")


def _with_deadline(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]) -> Any:
    """Run the query; in a request, under the watchdog's deadline."""
    connection = context["connection"]
    with _deadline(connection.connection):
        result = execute(sql, params, many, context)
    if not connection.in_atomic_block and getattr(_state, "in_request", False):
        words = sql.lstrip(" (\n").split(None, 1)
        if words and words[0].upper() not in _READS:
            _state.committed = True
    return result


class DatabaseWrapper(base.DatabaseWrapper):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.execute_wrappers.append(_with_deadline)

    # A transaction's end is no query Django runs through its cursor, so no execute wrapper sees it: a database that
    # froze as a save committed held the request for the whole freeze (review 75: 35 s, twice in four freezes).
    def commit(self) -> None:
        try:
            with _deadline(self.connection):
                super().commit()
        except (OperationalError, InterfaceError):
            # The connection was lost as the COMMIT went (not a constraint checked at commit, which is a refusal).
            if getattr(_state, "in_request", False):
                _state.commit_unknown = True
            raise
        if getattr(_state, "in_request", False):
            _state.committed = True

    def rollback(self) -> None:
        with _deadline(self.connection):
            super().rollback()

    def get_new_connection(self, conn_params: dict[str, Any]) -> Any:
        failed = getattr(_state, "failed", None)
        if failed is not None:
            raise psycopg.OperationalError(f"{failed} (not tried again in this request)")
        try:
            return super().get_new_connection(conn_params)
        except psycopg.OperationalError as exc:
            if getattr(_state, "in_request", False):
                _state.failed = exc
            raise

    def is_usable(self) -> bool:
        """Django's check (``SELECT 1`` on the open connection), answered within ``connect_timeout`` seconds: a
        connection whose server does not answer in time is unusable, whatever the server's state."""
        if self.connection is None or self.connection.closed or self.connection.broken:
            return False  # known lost (its socket shut at a deadline, say): nothing to wait for
        deadline = time.monotonic() + float(self.settings_dict["OPTIONS"].get("connect_timeout") or 5)
        try:
            return _answers(self.connection.pgconn, deadline)
        except (psycopg.Error, OSError):
            return False


def _answers(pgconn: Any, deadline: float) -> bool:
    """Send ``SELECT 1`` on ``pgconn`` (libpq's connection, idle) and read its result, waiting on the socket until
    ``deadline`` (``time.monotonic``) at most; whether it answered, with one row and no error."""
    from psycopg.pq import ExecStatus

    pgconn.send_query(b"SELECT 1")
    sock = pgconn.socket
    while pgconn.flush():  # the query not yet all written: wait until the socket takes more
        if not _wait(sock, deadline, write=True):
            return False
    ok = False
    while True:
        pgconn.consume_input()
        while not pgconn.is_busy():
            result = pgconn.get_result()
            if result is None:
                return ok
            ok = result.status == ExecStatus.TUPLES_OK and result.ntuples == 1
        if not _wait(sock, deadline):
            return False


def _wait(sock: int, deadline: float, *, write: bool = False) -> bool:
    """Whether ``sock`` became readable (or writable) before ``deadline``."""
    left = deadline - time.monotonic()
    if left <= 0:
        return False
    ready = select.select([], [sock], [], left) if write else select.select([sock], [], [], left)
    return bool(ready[1] if write else ready[0])
