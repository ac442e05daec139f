"""API keys (make, revoke, check), the per-key rate limit, idempotent replays, and webhook endpoints and
their deliveries. Writes run in one transaction each."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import Organisation, User
from apps.accounts.services import lock_owner
from apps.api import webhooks
from apps.api.models import (
    ApiKey,
    IdempotentResponse,
    RateCounter,
    Scope,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)
from apps.common import events as team_events
from apps.common.durability import wait_for_disk
from apps.common.prepared import PreparedQuery

KEY_PREFIX = "kpo"
IDEMPOTENCY_WINDOW = timedelta(hours=24)
# Advisory lock namespaces, each distinct from every other in use (tests/core/test_advisory_locks.py): 7_202_621 is
# the workers' liveness, which the "no worker running" notice reads from the lock table (review 57).
IDEMPOTENCY_LOCK = 7_202_633  # one request at a time per (organisation, key)
CREDENTIALS_LOCK = 7_202_632  # one key or endpoint made at a time per organisation


class ApiKeyError(Exception):
    """Refused with a message for the owner; nothing was written."""


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def create_api_key(*, organisation: Organisation, user: User, name: str, scopes: Iterable[str]) -> tuple[ApiKey, str]:
    """Make a key and return it with its full secret, which is never stored and cannot be shown again."""
    chosen = [s for s in Scope.values if s in set(scopes)]
    if not chosen:
        raise ApiKeyError("Choose at least one scope.")
    prefix, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
    with transaction.atomic():
        lock_owner(organisation_id=organisation.pk, user_id=user.pk)  # still an owner, until this key is made
        limit = settings.API_KEYS_PER_ORGANISATION
        if _active_count(organisation, ApiKey.objects.filter(revoked_at__isnull=True)) >= limit:
            raise ApiKeyError(
                f"Your organisation already has {limit} active keys, the most it may hold: each has its own rate"
                f" of {settings.API_RATE_PER_MINUTE} calls a minute. Revoke one no longer used, then make this one."
            )
        key = ApiKey.objects.create(
            organisation=organisation,
            name=name,
            scopes=chosen,
            prefix=prefix,
            secret_sha256=_sha256(secret),
            created_by=user,
        )
    return key, f"{KEY_PREFIX}_{prefix}_{secret}"


def _active_count(organisation: Organisation, active: Any) -> int:
    """How many of ``active`` (keys or endpoints in use) the organisation holds, counted while no other key or
    endpoint of its can be made (an advisory lock to the transaction's end), so two owners at once cannot both
    make the last one allowed. The caller is in a transaction."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [CREDENTIALS_LOCK, organisation.pk])
    return int(active.filter(organisation_id=organisation.pk).count())


def revoke_api_key(*, api_key: ApiKey) -> None:
    """Revoke once; a repeat keeps the first time."""
    # The organisation beside the id: the UPDATE goes to one node on Citus (docs/scaling.md).
    ApiKey.objects.filter(organisation_id=api_key.organisation_id, pk=api_key.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def end_credentials_of(*, organisation_id: int, user_id: int) -> tuple[int, int]:
    """Revoke the organisation's API keys and remove its webhook endpoints that ``user_id`` made: they are leaving
    the organisation or losing the owner's role, and took each key's secret (shown to them once) and each
    endpoint's with them. Runs in the caller's transaction (``accounts.services``). Returns (keys, endpoints)."""
    now = timezone.now()
    keys = ApiKey.objects.filter(organisation_id=organisation_id, created_by_id=user_id, revoked_at__isnull=True)
    endpoints = WebhookEndpoint.objects.filter(
        organisation_id=organisation_id, created_by_id=user_id, removed_at__isnull=True
    )
    return keys.update(revoked_at=now), endpoints.update(removed_at=now)


def find_key(token: str) -> ApiKey | None:
    """The active key this bearer token is, or None (unknown, malformed, wrong secret or revoked)."""
    parts = token.split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_PREFIX or not parts[1].isalnum() or len(parts[1]) > 16:
        return None
    key = ApiKey.objects.active().select_related("organisation").filter(prefix=parts[1]).first()
    # compare_digest: the time taken says nothing about how much of the secret was right.
    if key is None or not hmac.compare_digest(key.secret_sha256, _sha256(parts[2])):
        return None
    return key


def _minute(now: datetime) -> datetime:
    return now.replace(second=0, microsecond=0)


def count_call(*, api_key: ApiKey, now: datetime | None = None) -> int | None:
    """Count one call against the key's limit for this minute. Returns None when allowed, else the seconds
    until the next minute starts (for ``Retry-After``).

    One upsert statement, so concurrent calls on any number of app processes count exactly. The first
    call of a minute also stamps ``last_used_at`` (so at most once a minute) and drops older counters."""
    now = now or timezone.now()
    minute = _minute(now)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {RateCounter._meta.db_table} (organisation_id, api_key_id, minute, calls) "
            "VALUES (%s, %s, %s, 1) "
            "ON CONFLICT (api_key_id, minute) DO UPDATE SET calls = EXCLUDED.calls + "
            f"{RateCounter._meta.db_table}.calls RETURNING calls",
            [api_key.organisation_id, api_key.pk, minute],
        )
        calls = cursor.fetchone()[0]
    if calls == 1:
        ApiKey.objects.filter(organisation_id=api_key.organisation_id, pk=api_key.pk).update(last_used_at=now)
        RateCounter.objects.filter(organisation_id=api_key.organisation_id, api_key=api_key, minute__lt=minute).delete()
    if calls > settings.API_RATE_PER_MINUTE:
        return max(1, 60 - now.second)
    return None


@dataclass(frozen=True)
class Replay:
    status: int
    body: Any


class IdempotencyConflict(Exception):
    """The key was used for a different request within the window."""


def fingerprint(method: str, path: str, body: bytes) -> str:
    return hashlib.sha256(b"\0".join([method.encode(), path.encode(), body])).hexdigest()


def idempotent(
    *, organisation: Organisation, key: str, fingerprint: str, run: Callable[[], tuple[int, Any]]
) -> tuple[int, Any]:
    """Run ``run`` once per (organisation, key) for 24 hours: a repeat with the same fingerprint gets the
    stored status and body, one with another fingerprint raises IdempotencyConflict.

    Only successes are stored: a refused request (say, answers still missing) can be retried with the same
    key once corrected. Two requests with one key at once are serialised by an advisory lock, so the
    second sees what the first stored."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, hashtext(%s))", [IDEMPOTENCY_LOCK, f"{organisation.pk}:{key}"]
            )
        now = timezone.now()
        stored = IdempotentResponse.objects.filter(organisation=organisation, key=key).first()
        if stored is not None and stored.created_at < now - IDEMPOTENCY_WINDOW:
            stored.delete()
            stored = None
        if stored is not None:
            if stored.fingerprint != fingerprint:
                raise IdempotencyConflict
            return stored.status, stored.body
        status, body = run()
        if 200 <= status < 300:
            IdempotentResponse.objects.create(
                organisation=organisation,
                key=key,
                fingerprint=fingerprint,
                status=status,
                body=json.loads(json.dumps(body, default=str)),
                created_at=now,
            )
        return status, body


# Webhooks


class WebhookError(Exception):
    """Refused with a message for the owner; nothing was written."""


class WebhookLimit(WebhookError):
    """Refused: the organisation holds as many endpoints as it may (a problem of the whole form, not its address)."""


# The signal kinds (apps/common/events.py) that webhooks carry, by the event name receivers see.
WEBHOOK_EVENT_OF_KIND = {
    team_events.KINDS[team_events.recommendation_stored]: WebhookEvent.RECOMMENDATION_STORED,
    team_events.KINDS[team_events.decision_made]: WebhookEvent.DECISION_MADE,
}
SECRET_PREFIX = "whsec_"


def create_webhook_endpoint(
    *, organisation: Organisation, user: User, url: str, events: Iterable[str]
) -> tuple[WebhookEndpoint, str]:
    """Register an endpoint and return it with its signing secret (shown to the owner once)."""
    chosen = [e for e in WebhookEvent.values if e in set(events)]
    if not chosen:
        raise WebhookError("Choose at least one event.")
    # A scheme is case-blind ("HTTPS://" is https): stored in lower case, as it is called and as the table's check
    # on the scheme reads it.
    scheme, sep, rest = url.partition("://")
    url = scheme.lower() + sep + rest
    try:
        webhooks.resolve(url)
    except webhooks.BlockedTarget as refused:
        raise WebhookError(str(refused)) from None
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        lock_owner(organisation_id=organisation.pk, user_id=user.pk)  # still an owner, until this endpoint is made
        limit = settings.WEBHOOKS_PER_ORGANISATION
        if _active_count(organisation, WebhookEndpoint.objects.filter(removed_at__isnull=True)) >= limit:
            raise WebhookLimit(
                f"Your organisation already sends events to {limit} webhooks, the most it may: each event is sent to"
                " every one. Remove one that is no longer used, then add this one."
            )
        endpoint = WebhookEndpoint.objects.create(
            organisation=organisation, url=url, events=chosen, secret=secret, created_by=user
        )
    return endpoint, secret


def remove_webhook_endpoint(*, endpoint: WebhookEndpoint) -> None:
    """Stop sending to the endpoint (its deliveries stay listed, those parked by a pause marked failed at once); a
    repeat keeps the first time."""
    from apps.api.tasks import REMOVED  # tasks import this module

    with transaction.atomic():
        WebhookEndpoint.objects.filter(
            organisation_id=endpoint.organisation_id, pk=endpoint.pk, removed_at__isnull=True
        ).update(removed_at=timezone.now())
        WebhookDelivery.objects.filter(
            organisation_id=endpoint.organisation_id, endpoint_id=endpoint.pk, status="pending", parked=True
        ).update(status="failed", parked=False, next_attempt_at=None, error=REMOVED)


def _absolute(path: str) -> str:
    return settings.SITE_URL + path


def _recommendation_links(recommendation_id: int) -> dict[str, Any]:
    return {
        "id": recommendation_id,
        "url": _absolute(reverse("recommendations:detail", args=[recommendation_id])),
        "api_url": _absolute(reverse("api:recommendation_get", kwargs={"recommendation_id": recommendation_id})),
    }


def webhook_payload(*, uid: str, event: str, organisation_id: int, target: Any, url: str, when: datetime) -> dict:
    """The documented payload (docs/api.md "Webhooks"): ids and links only, never answers, figures or titles;
    the receiver reads the rest through the API with its key, which keeps the key's scopes in charge."""
    if event == WebhookEvent.RECOMMENDATION_STORED:
        data = {"recommendation": _recommendation_links(target.pk)}
    else:
        data = {"decision": {"id": target.pk, "url": _absolute(url)}}
        recommendation_id = getattr(target, "recommendation_id", None)
        if recommendation_id is not None:
            data["recommendation"] = _recommendation_links(recommendation_id)
    created = when.astimezone(UTC).isoformat().replace("+00:00", "Z")
    return {"id": uid, "event": event, "created": created, "organisation": {"id": organisation_id}, "data": data}


_ENDPOINTS: dict[str, PreparedQuery] = {}


def _endpoints_taking(event: str) -> PreparedQuery:
    """An organisation's active endpoints that take ``event``, compiled once per process and event
    (apps/common/prepared.py): every announced event asks, and most organisations have no endpoint."""
    found = _ENDPOINTS.get(event)
    if found is None:
        found = _ENDPOINTS[event] = PreparedQuery(
            lambda organisation: WebhookEndpoint.objects.active().filter(
                organisation_id=organisation, events__contains=[event]
            )
        )
    return found


def queue_deliveries(*, kind: str, organisation: Organisation, target: Any, url: str) -> list[WebhookDelivery]:
    """One delivery per active endpoint of the organisation that takes this event, each sent by a task.

    Runs inside the event's own transaction (``events.announce``), so the deliveries commit with what
    they announce; the rows and their tasks are written in one savepoint, so a delivery never exists without its task
    or the reverse, and its commit waits for the disk (``wait_for_disk``)."""
    from apps.api.tasks import send_delivery  # tasks import this module

    event = WEBHOOK_EVENT_OF_KIND.get(kind)
    if event is None:
        return []
    endpoints = _endpoints_taking(event)(organisation=organisation.pk)
    made: list[WebhookDelivery] = []
    if not endpoints:  # most organisations take no webhooks: one read, no transaction
        return made
    with transaction.atomic():
        wait_for_disk()  # a delivery is never lost to a crash, whatever transaction it shares
        for endpoint in endpoints:
            paused_until = None
            if endpoint.paused_until is not None:
                # Paused: the delivery waits for the pause's check with the endpoint's others, with no task of its own;
                # read again under the lock the check's resuming takes, so none is parked after it.
                paused_until = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk).paused_until
            uid = uuid.uuid4()
            payload = webhook_payload(
                uid=str(uid), event=event, organisation_id=organisation.pk, target=target, url=url, when=timezone.now()
            )
            made.append(
                WebhookDelivery.objects.create(
                    uid=uid,
                    organisation=organisation,
                    endpoint=endpoint,
                    event=event,
                    payload=payload,
                    parked=paused_until is not None,
                    next_attempt_at=paused_until,
                )
            )
        for delivery in made:
            if not delivery.parked:
                send_delivery(delivery=delivery, attempt=1)
    return made
