"""Webhooks listen to the team events (apps/common/events.py): each one an organisation's endpoints take
becomes a delivery row and a task. Quick, as listeners must be: the sending happens in the worker."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from apps.api import services
from apps.common import events


@receiver(events.recommendation_stored)
@receiver(events.decision_made)
def queue_webhook_deliveries(
    sender: Any, *, kind: str, organisation: Any, target: Any, url: str, **kwargs: Any
) -> None:
    services.queue_deliveries(kind=kind, organisation=organisation, target=target, url=url)
