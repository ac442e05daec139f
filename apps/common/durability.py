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
        yield
