"""Django's PostgreSQL backend, except that a request tries to reach a lost database once.

A database that hangs (stopped, a cut network) makes each connection attempt wait out ``connect_timeout``. A request
that has failed to connect once met more attempts on its way to the 503 page: the user read again to log the error
and to draw Django's error pages, each a new connection waiting its own timeout, so a signed-in page took two
timeouts and more before its 503 (11 s, and 30 s under DEBUG; review 60). Within one request, a connection attempt
after a failed one fails at once with the same error; outside requests (the worker, management commands) every
attempt is made, as the worker's own reconnecting needs.
"""

from __future__ import annotations

import threading
from typing import Any

import psycopg
from django.core.signals import request_finished, request_started
from django.db.backends.postgresql import base

_state = threading.local()


def _begin(**kwargs: Any) -> None:
    _state.in_request, _state.failed = True, None


def _end(**kwargs: Any) -> None:
    _state.in_request, _state.failed = False, None


request_started.connect(_begin, dispatch_uid="kpo_advisor.postgres.begin")
request_finished.connect(_end, dispatch_uid="kpo_advisor.postgres.end")


class DatabaseWrapper(base.DatabaseWrapper):
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
