"""The read-replica router: history and portfolio reads go to the ``replica`` alias, everything else to the primary.

Only reads that tolerate a replica's lag of a second or so are sent there, and only when a view asks
(``reads_from_replica``): the history list, its CSV and the portfolio. A write, any read inside a transaction
on the primary (a service's lock-then-read must see its own rows) and every other page read the primary.
Without ``DATABASE_REPLICA_URL`` (settings.READ_REPLICA off) nothing goes to the replica at all.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import connections

PRIMARY, REPLICA = "default", "replica"

_replica_reads: ContextVar[bool] = ContextVar("replica_reads", default=False)


@contextmanager
def replica_reads() -> Iterator[None]:
    """Within this block, reads outside a transaction go to the replica (when one is configured)."""
    token = _replica_reads.set(True)
    try:
        yield
    finally:
        _replica_reads.reset(token)


def reads_from_replica[**P, R](view: Callable[P, R]) -> Callable[P, R]:
    """A view decorator: the view's reads may come from the replica (see the module's docstring)."""

    @functools.wraps(view)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with replica_reads():
            return view(*args, **kwargs)

    return wrapper


class ReplicaRouter:
    def db_for_read(self, model: type[Any], **hints: Any) -> str:
        if settings.READ_REPLICA and _replica_reads.get() and not connections[PRIMARY].in_atomic_block:
            return REPLICA
        return PRIMARY

    def db_for_write(self, model: type[Any], **hints: Any) -> str:
        return PRIMARY

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        # The replica holds the primary's rows, so objects read from either may be related.
        return True

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool:
        # A replica follows the primary's schema by replication; migrations run on the primary only.
        return db == PRIMARY
