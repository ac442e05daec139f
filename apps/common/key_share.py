"""Rows a change is about to refer to, held until it commits.

Django's foreign keys are checked when the transaction commits (DEFERRABLE INITIALLY DEFERRED on PostgreSQL), so a
row read as there, then deleted by a colleague's transaction before this one commits, failed the commit with an
IntegrityError: a 500 (review 116: a member removed while the contributors page assigned them, a draft deleted under
a comment, a second opinion withdrawn while it was given). Taking the rows FOR KEY SHARE first makes a delete wait for
this transaction, or, when the delete came first, shows the row gone, so the caller refuses the change in words.

FOR KEY SHARE conflicts only with a delete and a change of the row's key: saves that update the rows (FOR NO KEY
UPDATE, a plain UPDATE) go on beside it. Django's ``select_for_update`` has no form for it.
"""

from __future__ import annotations

from typing import Any

from django.db import connections, transaction
from django.db.models import QuerySet


def held(queryset: QuerySet[Any]) -> set[Any]:
    """The primary keys of ``queryset``'s rows, each locked FOR KEY SHARE until the transaction ends. Inside a
    transaction only: a lock outside one would end with its statement."""
    if not transaction.get_connection(queryset.db).in_atomic_block:
        raise transaction.TransactionManagementError("held() locks rows until the transaction ends: call it in one")
    sql, params = queryset.order_by().values_list("pk", flat=True).query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(f"{sql} FOR KEY SHARE", params)
        return {row[0] for row in cursor.fetchall()}
