"""Webhook deliveries, sent by the background worker: one attempt per task, the next one queued with a
growing delay until the endpoint answers 2xx or ``MAX_ATTEMPTS`` are used up.

A task is identified by (delivery, attempt) and records its attempt with a conditional update, so a task
run twice (a worker that died after sending) records once. The receiver may still get a delivery twice in
that case; the payload's ``id`` (and the ``KPO-Webhook-Id`` header) lets it drop the repeat.
"""

from __future__ import annotations

import http.client
import json
import time
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from django.tasks import task
from django.utils import timezone

from apps.api import webhooks
from apps.api.models import WebhookDelivery
from apps.tasks.queue import enqueue_once

MAX_ATTEMPTS = 6
FIRST_RETRY = timedelta(seconds=30)  # then 2, 8, 32 and 128 minutes: given up about 2 h 50 min after the first
# An endpoint whose last ``FAILED_ATTEMPTS`` attempts all failed (no answer, or an answer that was not 2xx), the
# latest within ``PAUSE``, is paused: its deliveries wait ``PAUSE`` without being sent, so one attempt in each pause
# finds out whether it works again. Each attempt holds the webhooks worker for up to WEBHOOK_TIMEOUT_SECONDS, and one
# organisation's receivers that never answer had held every organisation's deliveries behind theirs (review 62: 432
# tasks ahead of another organisation's), as had receivers answering 500 after 4.6 s (review 65: 11 minutes). A
# delivery paused past ``GIVE_UP`` after it was made is given up. Between organisations, the worker takes the task of
# the organisation whose latest attempt is oldest first (``oldest_served_first``).
FAILED_ATTEMPTS = 3
PAUSE = timedelta(minutes=5)
GIVE_UP = timedelta(hours=3)


def retry_delay(attempt: int) -> timedelta:
    """The wait after failed attempt number ``attempt`` (1-based) before the next."""
    return FIRST_RETRY * 4 ** (attempt - 1)


def send_delivery(*, delivery: WebhookDelivery, attempt: int, after: timedelta | None = None, paused: int = 0) -> None:
    """Queue attempt number ``attempt`` of ``delivery`` (once), ``after`` a delay; ``paused``: how many times this
    attempt has waited for its paused endpoint (part of the task's identity, so each wait is a task of its own)."""
    run = deliver_webhook
    if after is not None:
        if not deliver_webhook.get_backend().supports_defer:
            # The immediate backend (tests of pages) cannot wait; the worker's database backend always can.
            return
        run = deliver_webhook.using(run_after=timezone.now() + after)
    identity: dict[str, int] = {"delivery_id": delivery.pk, "attempt": attempt}
    if paused:
        identity["paused"] = paused
    # The organisation rides along (not part of the identity), for the worker's turn between organisations.
    enqueue_once(run, identity=identity, organisation_id=delivery.organisation_id)


def oldest_served_first(tasks: QuerySet[Any]) -> QuerySet[Any]:
    """``tasks`` (the queue's ready tasks) annotated with ``served``: for a delivery, when its organisation's latest
    attempt was made (None for an organisation with none yet, and for every other task), so that ordering by it takes
    the organisation waiting longest first and one organisation's many deliveries take turns with another's few."""
    latest = (
        WebhookDelivery.objects.filter(organisation_id=OuterRef("fair_organisation"), last_attempt_at__isnull=False)
        .order_by("-last_attempt_at")
        .values("last_attempt_at")[:1]
    )
    organisation = Cast(KT("args_kwargs__kwargs__organisation_id"), IntegerField())
    return tasks.annotate(fair_organisation=organisation, served=Subquery(latest))


def endpoint_paused(delivery: WebhookDelivery, now: datetime) -> bool:
    """Whether the delivery's endpoint is paused (``FAILED_ATTEMPTS``, ``PAUSE``): its latest attempts all failed, the
    newest of them within the pause."""
    recent = list(
        WebhookDelivery.objects.filter(
            organisation_id=delivery.organisation_id, endpoint_id=delivery.endpoint_id, last_attempt_at__isnull=False
        )
        .order_by("-last_attempt_at")
        .values_list("last_attempt_at", "response_code")[:FAILED_ATTEMPTS]
    )
    return (
        len(recent) == FAILED_ATTEMPTS
        and recent[0][0] is not None  # filtered out above; the column may hold none
        and recent[0][0] >= now - PAUSE
        and all(code is None or not 200 <= code < 300 for _at, code in recent)
    )


def body_of(delivery: WebhookDelivery) -> bytes:
    """The bytes sent (and signed): the stored payload as compact JSON."""
    return json.dumps(delivery.payload, separators=(",", ":"), ensure_ascii=False).encode()


@task(queue_name="webhooks")  # a queue of its own: a slow receiver holds no worker drawing memos or sending mail
def deliver_webhook(*, delivery_id: int, attempt: int, paused: int = 0, organisation_id: int = 0) -> str:
    """Make attempt ``attempt`` of the delivery and record it; returns its new status ("" when this
    attempt was already made, or the delivery is gone; "paused" when its endpoint is paused and it waits).
    ``organisation_id`` is for the worker's order only (``oldest_served_first``)."""
    delivery = WebhookDelivery.objects.select_related("endpoint").filter(pk=delivery_id).first()
    if delivery is None or delivery.status != WebhookDelivery.Status.PENDING or delivery.attempts >= attempt:
        return ""
    endpoint = delivery.endpoint
    now = timezone.now()
    if endpoint.removed_at is None and endpoint_paused(delivery, now):
        if delivery.created_at < now - GIVE_UP:
            error = f"Given up: the endpoint has not taken a delivery for over {GIVE_UP // timedelta(hours=1)} hours."
            return record_attempt(delivery=delivery, attempt=attempt, code=None, text="", error=error, final=True)
        WebhookDelivery.objects.filter(pk=delivery.pk, status=WebhookDelivery.Status.PENDING).update(
            next_attempt_at=now + PAUSE
        )
        send_delivery(delivery=delivery, attempt=attempt, after=PAUSE, paused=paused + 1)
        return "paused"
    code, text, error = None, "", ""
    if endpoint.removed_at is not None:
        error = "The endpoint was removed before this delivery was sent."
    else:
        body = body_of(delivery)
        stamp = int(time.time())
        headers = {
            "Content-Type": "application/json",
            "KPO-Webhook-Id": str(delivery.uid),
            "KPO-Webhook-Event": delivery.event,
            "KPO-Webhook-Timestamp": str(stamp),
            "KPO-Webhook-Signature": webhooks.signature(secret=endpoint.secret, timestamp=stamp, body=body),
        }
        try:
            response = webhooks.post(url=endpoint.url, body=body, headers=headers)
            code, text = response.code, response.body
        except webhooks.BlockedTarget as refused:
            error = str(refused)
        except TimeoutError:
            error = f"No answer within {settings.WEBHOOK_TIMEOUT_SECONDS} s."
        except OSError as failed:
            error = f"Could not connect: {failed.strerror or type(failed).__name__}."
        except http.client.HTTPException as failed:
            error = f"The answer was not HTTP: {type(failed).__name__}."
    final = endpoint.removed_at is not None
    return record_attempt(delivery=delivery, attempt=attempt, code=code, text=text, error=error, final=final)


def record_attempt(
    *, delivery: WebhookDelivery, attempt: int, code: int | None, text: str, error: str, final: bool = False
) -> str:
    """Store how attempt ``attempt`` went, and queue the next one when it failed and tries are left."""
    delivered = code is not None and 200 <= code < 300
    last = final or attempt >= MAX_ATTEMPTS
    Status = WebhookDelivery.Status
    status = Status.DELIVERED if delivered else (Status.FAILED if last else Status.PENDING)
    now = timezone.now()
    retry_at = None if status != Status.PENDING else now + retry_delay(attempt)
    with transaction.atomic():
        recorded = WebhookDelivery.objects.filter(pk=delivery.pk, status=Status.PENDING, attempts=attempt - 1).update(
            status=status,
            attempts=attempt,
            response_code=code,
            response_body=text[: webhooks.BODY_KEPT],
            error=error[:300],
            last_attempt_at=now,
            next_attempt_at=retry_at,
        )
        if recorded and status == Status.PENDING:
            send_delivery(delivery=delivery, attempt=attempt + 1, after=retry_delay(attempt))
    return status if recorded else ""
