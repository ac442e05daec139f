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
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from apps.api import webhooks
from apps.api.models import WebhookDelivery
from apps.tasks.queue import enqueue_once

MAX_ATTEMPTS = 6
FIRST_RETRY = timedelta(seconds=30)  # then 2, 8, 32 and 128 minutes: given up about 2 h 50 min after the first


def retry_delay(attempt: int) -> timedelta:
    """The wait after failed attempt number ``attempt`` (1-based) before the next."""
    return FIRST_RETRY * 4 ** (attempt - 1)


def send_delivery(*, delivery: WebhookDelivery, attempt: int, after: timedelta | None = None) -> None:
    """Queue attempt number ``attempt`` of ``delivery`` (once), ``after`` a delay."""
    run = deliver_webhook
    if after is not None:
        if not deliver_webhook.get_backend().supports_defer:
            # The immediate backend (tests of pages) cannot wait; the worker's database backend always can.
            return
        run = deliver_webhook.using(run_after=timezone.now() + after)
    enqueue_once(run, identity={"delivery_id": delivery.pk, "attempt": attempt})


def body_of(delivery: WebhookDelivery) -> bytes:
    """The bytes sent (and signed): the stored payload as compact JSON."""
    return json.dumps(delivery.payload, separators=(",", ":"), ensure_ascii=False).encode()


@task(queue_name="webhooks")  # a queue of its own: a slow receiver holds no worker drawing memos or sending mail
def deliver_webhook(*, delivery_id: int, attempt: int) -> str:
    """Make attempt ``attempt`` of the delivery and record it; returns its new status ("" when this
    attempt was already made, or the delivery is gone)."""
    delivery = WebhookDelivery.objects.select_related("endpoint").filter(pk=delivery_id).first()
    if delivery is None or delivery.status != WebhookDelivery.Status.PENDING or delivery.attempts >= attempt:
        return ""
    endpoint = delivery.endpoint
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
