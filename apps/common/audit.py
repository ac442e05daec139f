"""The audit trail of curated data: every insert, update and delete recorded by PostgreSQL triggers
(django-pghistory), bulk updates included, with who and where from the request context."""

from __future__ import annotations

from typing import Any

import pghistory


def audited(**kwargs: Any) -> Any:
    """Track a curated model's inserts, updates and deletes in an event table beside it."""
    return pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(), **kwargs)
