"""API keys, the per-key rate counter and remembered idempotent responses.

A key is shown once, when it is made; only its prefix (to tell keys apart) and the SHA-256 of its
secret are stored. The secret is 256 bits from ``secrets``, so a plain hash is enough: nothing can be
guessed that a slow password hash would protect.
"""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models

from apps.accounts.models import Organisation


class Scope(models.TextChoices):
    READ = "read", "Read assessments, recommendations and the answer schema"
    ANSWER = "answer", "Start assessments and record answers"
    SUBMIT = "submit", "Submit assessments for a recommendation"


class ApiKeyQuerySet(models.QuerySet["ApiKey"]):
    def active(self) -> ApiKeyQuerySet:
        return self.filter(revoked_at__isnull=True)


class ApiKey(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(max_length=100)
    scopes = ArrayField(models.CharField(max_length=10, choices=Scope.choices))
    # Public part of the key (``kpo_<prefix>_<secret>``): finds the row, and tells keys apart on the page.
    prefix = models.CharField(max_length=16, unique=True)
    secret_sha256 = models.CharField(max_length=64)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiKeyQuerySet.as_manager()

    SCOPES: ClassVar[tuple[str, ...]] = tuple(Scope.values)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(secret_sha256__regex=r"^[0-9a-f]{64}$"), name="api_key_sha256_hex"
            ),
            models.CheckConstraint(
                condition=models.Q(scopes__contained_by=list(Scope.values)) & ~models.Q(scopes=[]),
                name="api_key_known_scopes",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class RateCounter(models.Model):
    """Calls made with one key in one minute (UTC), counted by one upsert per call (``services.count_call``):
    shared by every app process, unlike a per-process memory cache."""

    api_key = models.ForeignKey(ApiKey, on_delete=models.CASCADE, related_name="+", db_index=False)
    # The tenant, as on its API key (docs/scaling.md): the distribution column on Citus, so that every
    # query on this table can be routed to one organisation's shard.
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+", db_index=False)
    minute = models.DateTimeField()
    calls = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["organisation", "api_key"], name="api_rate_by_org")]
        constraints = [models.UniqueConstraint(fields=["api_key", "minute"], name="api_rate_one_per_key_minute")]

    def __str__(self) -> str:
        return f"{self.api_key_id} {self.minute:%H:%M}: {self.calls}"


class IdempotentResponse(models.Model):
    """A successful response to a request sent with an ``Idempotency-Key`` header, replayed for 24 hours
    to a repeat of the same request (same method, path and body) from the same organisation."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+", db_index=False)
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)  # SHA-256 of method, path and body
    status = models.PositiveSmallIntegerField()
    body = models.JSONField()
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "key"], name="api_idempotency_one_per_key"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.key}: {self.status}"


class WebhookEvent(models.TextChoices):
    RECOMMENDATION_STORED = "recommendation.stored", "A recommendation is stored (submit, saved what-if, re-score)"
    DECISION_MADE = "decision.made", "An approver approves or rejects a recommendation"


class WebhookEndpointQuerySet(models.QuerySet["WebhookEndpoint"]):
    def active(self) -> WebhookEndpointQuerySet:
        return self.filter(removed_at__isnull=True)


class WebhookEndpoint(models.Model):
    """Where an organisation's events are sent. The secret signs every delivery (HMAC-SHA256), so unlike
    an API key's it must be kept as it is: the page shows it once, and nothing else ever shows it."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="webhook_endpoints")
    url = models.URLField(max_length=500)
    events = ArrayField(models.CharField(max_length=40, choices=WebhookEvent.choices))
    secret = models.CharField(max_length=64)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # Removed endpoints are kept (not deleted) so their deliveries stay listed for the record.
    removed_at = models.DateTimeField(null=True, blank=True)
    # Paused (its latest attempts all failed, ``apps/api/tasks.py``): its deliveries wait, with no task of their own,
    # until one check at this time tries the oldest of them.
    paused_until = models.DateTimeField(null=True, blank=True)

    objects = WebhookEndpointQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(events__contained_by=list(WebhookEvent.values)) & ~models.Q(events=[]),
                name="webhook_known_events",
            ),
            models.CheckConstraint(condition=models.Q(url__regex=r"^https?://"), name="webhook_url_http"),
            # No user name or password in the address: they would be shown on the page and sent to every proxy; the
            # signing secret authenticates a delivery instead (forms.WebhookForm says so to the owner).
            models.CheckConstraint(
                condition=~models.Q(url__regex=r"^[a-z]+://[^/?#]*@"), name="webhook_url_no_userinfo"
            ),
        ]

    def __str__(self) -> str:
        return self.url


class WebhookDelivery(models.Model):
    """One event sent (or being sent) to one endpoint: what was sent, and how its last attempt went."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed"

    # Sent as the payload's ``id`` and the ``KPO-Webhook-Id`` header: receivers drop a repeat by it.
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # The organisation is kept on the row (not only through the endpoint) so every tenant query filters by it.
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+", db_index=False)
    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=40, choices=WebhookEvent.choices)
    payload = models.JSONField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    response_code = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.CharField(max_length=500, blank=True)  # the start of it
    error = models.CharField(max_length=300, blank=True)  # no response at all: refused, timed out, blocked
    created_at = models.DateTimeField(auto_now_add=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # Waiting for its paused endpoint's check (``WebhookEndpoint.paused_until``) rather than for a task of its own.
    parked = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["endpoint", "-created_at"], name="webhook_delivery_by_endpoint"),
            # The worker's turn between organisations reads each one's latest attempt (tasks.oldest_served_first).
            models.Index(fields=["organisation", "-last_attempt_at"], name="webhook_delivery_served"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="delivered") | models.Q(response_code__gte=200, response_code__lt=300),
                name="webhook_delivered_has_2xx",
            ),
            models.CheckConstraint(
                condition=~models.Q(parked=True) | models.Q(status="pending"), name="webhook_parked_pending"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} to {self.endpoint_id}: {self.status}"
