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
from django.db.models import Case, IntegerField, OuterRef, QuerySet, Subquery, When
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from django.tasks import TaskResultStatus, task
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from apps.api import webhooks
from apps.api.models import WebhookDelivery, WebhookEndpoint
from apps.tasks.queue import enqueue_once

MAX_ATTEMPTS = 6
FIRST_RETRY = timedelta(seconds=30)  # then 2, 8, 32 and 128 minutes: given up about 2 h 50 min after the first
# An endpoint whose last ``FAILED_ATTEMPTS`` attempts all failed (no answer, or an answer that was not 2xx) is paused
# for ``PAUSE``: its pending deliveries are parked (``WebhookDelivery.parked``), their queued attempts dropped, and one
# check (``check_endpoint``) at the end of the pause tries the oldest of them. It answers: every parked delivery is
# queued again. It fails: the endpoint stays paused another ``PAUSE``. A delivery made while the endpoint is paused is
# parked at once. Each attempt holds the webhooks worker for up to WEBHOOK_TIMEOUT_SECONDS: one organisation's
# receivers that never answer had held every organisation's deliveries behind theirs (review 62: 432 tasks ahead of
# another organisation's), as had receivers answering 500 after 4.6 s (review 65: 11 minutes), and while each waiting
# delivery still had a task of its own, 2,000 of them coming due every 5 minutes held another organisation's for 57 s
# (review 67). A delivery parked past ``GIVE_UP`` after it was made is given up. Between organisations, the worker
# takes the task of the organisation whose latest attempt is oldest first (``oldest_served_first``).
WEBHOOKS = "webhooks"  # the queue of deliveries (settings.TASK_QUEUES)
FAILED_ATTEMPTS = 3
PAUSE = timedelta(minutes=5)
GIVE_UP = timedelta(hours=3)
GIVEN_UP = f"Given up: the endpoint has not taken a delivery for over {GIVE_UP // timedelta(hours=1)} hours."
REMOVED = "The endpoint was removed before this delivery was sent."


def retry_delay(attempt: int) -> timedelta:
    """The wait after failed attempt number ``attempt`` (1-based) before the next."""
    return FIRST_RETRY * 4 ** (attempt - 1)


def send_delivery(*, delivery: WebhookDelivery, attempt: int, after: timedelta | None = None, paused: int = 0) -> None:
    """Queue attempt number ``attempt`` of ``delivery`` (once), ``after`` a delay; ``paused``: for an attempt queued
    again when its paused endpoint answered, the pause's stamp (part of the task's identity: the attempt's first task
    may have run already, finding the endpoint paused)."""
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
    # Only a webhook task's turn is read from deliveries: a memo or a mail of an organisation with webhooks had waited
    # behind every task of organisations without any (review 70), which the default queue takes in order of arrival.
    organisation = Case(
        When(queue_name=WEBHOOKS, then=Cast(KT("args_kwargs__kwargs__organisation_id"), IntegerField())),
        default=None,
        output_field=IntegerField(),
    )
    return tasks.annotate(fair_organisation=organisation, served=Subquery(latest))


def endpoint_paused(delivery: WebhookDelivery, now: datetime) -> bool:
    """Whether the delivery's endpoint is paused, or its latest attempts all failed (``FAILED_ATTEMPTS``), the newest
    of them within ``PAUSE``: a pause found by its attempts alone begins when ``park`` is called."""
    if delivery.endpoint.paused_until is not None:
        return True
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


def _stamp(moment: datetime) -> int:
    return int(moment.timestamp() * 1_000_000)


def park(endpoint_id: int, now: datetime) -> datetime:
    """Pause the endpoint (unless it is already) and park its pending deliveries: each waits for the pause's one
    check, and the attempts they had queued are dropped, so a thousand deliveries waiting cost the worker nothing.
    Returns when the check is due."""
    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint_id)
        if endpoint.paused_until is None:
            endpoint.paused_until = now + PAUSE
            endpoint.save(update_fields=["paused_until"])
            check = check_endpoint
            if check.get_backend().supports_defer:  # the immediate backend (tests of pages) cannot wait
                identity = {"endpoint_id": endpoint.pk, "until": _stamp(endpoint.paused_until)}
                enqueue_once(
                    check.using(run_after=endpoint.paused_until),
                    identity=identity,
                    organisation_id=endpoint.organisation_id,
                )
        waiting = WebhookDelivery.objects.filter(endpoint_id=endpoint.pk, status=WebhookDelivery.Status.PENDING)
        ids = list(waiting.filter(parked=False).values_list("pk", flat=True))
        waiting.update(parked=True, next_attempt_at=endpoint.paused_until)
        if ids:
            # A task claimed already is RUNNING, not READY, and finds its delivery parked.
            delivery_of = Cast(KT("args_kwargs__kwargs__delivery_id"), IntegerField())
            DBTaskResult.objects.filter(task_path=deliver_webhook.module_path, status=TaskResultStatus.READY).annotate(
                delivery_of=delivery_of
            ).filter(delivery_of__in=ids).delete()
        return endpoint.paused_until


def body_of(delivery: WebhookDelivery) -> bytes:
    """The bytes sent (and signed): the stored payload as compact JSON."""
    return json.dumps(delivery.payload, separators=(",", ":"), ensure_ascii=False).encode()


@task(queue_name=WEBHOOKS)  # a queue of its own: a slow receiver holds no worker drawing memos or sending mail
def deliver_webhook(*, delivery_id: int, attempt: int, paused: int = 0, organisation_id: int = 0) -> str:
    """Make attempt ``attempt`` of the delivery and record it; returns its new status ("" when this
    attempt was already made, or the delivery is gone or parked; "paused" when its endpoint is paused and it waits).
    ``organisation_id`` is for the worker's order (``oldest_served_first``) and pins the delivery's read to it."""
    # By organisation and id, as every tenant read (a task queued before the organisation rode along has 0).
    pinned = (
        {"organisation_id": organisation_id, "endpoint__organisation_id": organisation_id} if organisation_id else {}
    )
    delivery = WebhookDelivery.objects.select_related("endpoint").filter(pk=delivery_id, **pinned).first()
    if (
        delivery is None
        or delivery.status != WebhookDelivery.Status.PENDING
        or delivery.attempts >= attempt
        or delivery.parked
    ):
        return ""
    if delivery.endpoint.removed_at is None and endpoint_paused(delivery, timezone.now()):
        park(delivery.endpoint_id, timezone.now())
        return "paused"
    return attempt_delivery(delivery, attempt)


def attempt_delivery(delivery: WebhookDelivery, attempt: int, *, check: bool = False) -> str:
    """Send the delivery once, as attempt ``attempt``, and record how it went (``record_attempt``)."""
    endpoint = delivery.endpoint
    code, text, error = None, "", ""
    if endpoint.removed_at is not None:
        error = REMOVED
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
    return record_attempt(
        delivery=delivery, attempt=attempt, code=code, text=text, error=error, final=final, check=check
    )


@task(queue_name=WEBHOOKS)
def check_endpoint(*, endpoint_id: int, until: int, organisation_id: int = 0) -> str:
    """The one check of a paused endpoint, due at the end of its pause (``until``: the pause's stamp): the oldest
    parked delivery is tried. When the endpoint takes it, the endpoint is no longer paused and every parked delivery is
    queued again; when it does not, the pause starts again. Parked deliveries made over ``GIVE_UP`` ago are given up,
    and all of them when the endpoint was removed. Returns "resumed", "paused" or "" (nothing to check)."""
    now = timezone.now()
    endpoint = WebhookEndpoint.objects.filter(pk=endpoint_id).first()
    if endpoint is None or endpoint.paused_until is None or _stamp(endpoint.paused_until) != until:
        return ""  # resumed already, or a later pause has a check of its own
    Status = WebhookDelivery.Status
    parked = WebhookDelivery.objects.filter(endpoint_id=endpoint.pk, status=Status.PENDING, parked=True)
    ended = {"status": Status.FAILED, "parked": False, "next_attempt_at": None}
    if endpoint.removed_at is not None:
        parked.update(error=REMOVED, **ended)
        return resume(endpoint)
    parked.filter(created_at__lt=now - GIVE_UP).update(error=GIVEN_UP, **ended)
    oldest = parked.select_related("endpoint").order_by("created_at", "pk").first()
    if oldest is None:
        return resume(endpoint)
    if attempt_delivery(oldest, oldest.attempts + 1, check=True) == Status.DELIVERED:
        return resume(endpoint)
    with transaction.atomic():
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(paused_until=None)
        park(endpoint.pk, timezone.now())
    return "paused"


def resume(endpoint: WebhookEndpoint) -> str:
    """End the endpoint's pause: each parked delivery is queued again, its next attempt at once."""
    with transaction.atomic():
        WebhookEndpoint.objects.select_for_update().filter(pk=endpoint.pk).update(paused_until=None)
        waiting = list(
            WebhookDelivery.objects.filter(
                endpoint_id=endpoint.pk, status=WebhookDelivery.Status.PENDING, parked=True
            ).order_by("created_at", "pk")
        )
        WebhookDelivery.objects.filter(pk__in=[d.pk for d in waiting]).update(parked=False, next_attempt_at=None)
        again = _stamp(endpoint.paused_until) if endpoint.paused_until is not None else 0
        for delivery in waiting:
            send_delivery(delivery=delivery, attempt=delivery.attempts + 1, paused=again)
    return "resumed"


def record_attempt(
    *,
    delivery: WebhookDelivery,
    attempt: int,
    code: int | None,
    text: str,
    error: str,
    final: bool = False,
    check: bool = False,
) -> str:
    """Store how attempt ``attempt`` went. When it failed and tries are left, the next is queued after its wait, or,
    when the endpoint is paused now, the delivery is parked with the endpoint's others (``check``: this was the paused
    endpoint's check, which parks it again itself)."""
    delivered = code is not None and 200 <= code < 300
    # A paused endpoint's check uses no attempt of the delivery it tries: while paused, a delivery waits until it is
    # taken or ``GIVE_UP`` after it was made (review 73: six checks, half an hour, had failed it).
    last = final or (attempt >= MAX_ATTEMPTS and not check)
    Status = WebhookDelivery.Status
    status = Status.DELIVERED if delivered else (Status.FAILED if last else Status.PENDING)
    now = timezone.now()
    retry_at = None if status != Status.PENDING else now + retry_delay(attempt)
    # A NUL, which PostgreSQL's text refuses, had made recording an attempt fail every time, so the delivery was never
    # recorded, retried, parked or given up (review 72): stored as the replacement character.
    text, error = text.replace("\x00", "\ufffd"), error.replace("\x00", "\ufffd")
    with transaction.atomic():
        recorded = WebhookDelivery.objects.filter(
            organisation_id=delivery.organisation_id, pk=delivery.pk, status=Status.PENDING, attempts=attempt - 1
        ).update(
            status=status,
            attempts=attempt,
            response_code=code,
            response_body=text[: webhooks.BODY_KEPT],
            error=error[:300],
            last_attempt_at=now,
            next_attempt_at=retry_at,
            parked=False,
        )
        if recorded and status == Status.PENDING and not check:
            if endpoint_paused(delivery, now):
                park(delivery.endpoint_id, now)
            else:
                send_delivery(delivery=delivery, attempt=attempt + 1, after=retry_delay(attempt))
    return status if recorded else ""
