"""Rows the product can lose to a database crash without harm, written without waiting for the disk.

A commit waits until PostgreSQL has flushed its write-ahead log to disk (``synchronous_commit`` on):
milliseconds each on this kind of machine, and the largest single wait of an autosave or a submit. Some
rows are written after the work that matters has committed, and are worth less than that wait: a timeline
line ("Ana changed 2 answers") and the queue entry that works out what would flip a new recommendation
(the result page works it out itself when it comes first). ``without_waiting_for_disk`` writes them in a
transaction of their own with ``synchronous_commit`` off for that transaction only (``SET LOCAL``): the
commit is still atomic and ordered, and only a crash of the database server in the next fraction of a
second (three times ``wal_writer_delay``, 200 ms by default) can lose it. Answers, recommendations,
decisions and webhook deliveries are never written this way.

Inside a caller's transaction it does nothing: that commit is the caller's, and stays durable.

A row written by one statement needs no transaction of its own for this: ``set_config('synchronous_commit',
'off', true)`` in that statement holds for its implicit transaction's commit (an autosave's timeline line,
apps/discussion/sitting.py, under the same rule: only outside a caller's transaction).

Several such rows may share the one transaction (a submit writes its flips task and its timeline line after
its commit, together). A listener that writes what must never be lost in a transaction it may share (a
webhook delivery, an inbox row) calls ``wait_for_disk`` first, which makes that transaction's commit durable
again: a setting a rolled-back savepoint undoes with the rows it was for.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction


@contextmanager
def without_waiting_for_disk() -> Iterator[None]:
    if connection.in_atomic_block:
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
        setattr(connection, _NOT_DURABLE, True)  # on this thread's connection (the proxy forwards it)
        try:
            yield
        finally:
            setattr(connection, _NOT_DURABLE, False)


_NOT_DURABLE = "kpo_not_waiting_for_disk"  # set on a connection inside a transaction opened above


def wait_for_disk() -> None:
    """Make the current transaction's commit wait for the disk, whatever ``without_waiting_for_disk`` set
    (a statement only inside one of its transactions: any other commit waits already)."""
    if getattr(connection, _NOT_DURABLE, False):
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO ON")
