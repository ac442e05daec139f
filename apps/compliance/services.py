"""Writes to the compliance catalogue that are more than one row's edit."""

from __future__ import annotations

import datetime

import pghistory
from django.db import transaction
from django.db.models import QuerySet

from apps.compliance.models import Obligation, Regime


def mark_reviewed(
    *, regimes: QuerySet[Regime] | None = None, obligations: QuerySet[Obligation] | None = None, on: datetime.date
) -> int:
    """Record that a curator checked these regimes (with all their obligations) and obligations against the
    primary text on ``on``. One update per table; the audit trail records each row's new date, and the
    context label says it was a review rather than an edit. Returns how many rows were marked."""
    with transaction.atomic(), pghistory.context(action="mark reviewed"):
        marked = 0
        if regimes is not None:
            ids = list(regimes.values_list("pk", flat=True))
            marked += Regime.objects.filter(pk__in=ids).update(last_reviewed=on)
            marked += Obligation.objects.filter(regime__in=ids).update(last_reviewed=on)
        if obligations is not None:
            marked += Obligation.objects.filter(pk__in=obligations.values("pk")).update(last_reviewed=on)
        return marked
