"""Compliance regimes a piece of KPO work can trigger, and what each obliges the buyer to settle."""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import F, Q

from apps.common.audit import audited
from apps.common.models import CatalogueEntry, CatalogueQuerySet, ReferenceTracked, code_validator
from apps.common.sources import Confidence

# A text nobody has checked against its source for this long is due for review.
REVIEW_INTERVAL = datetime.timedelta(days=365)


def due_for_review_q(today: datetime.date) -> Q:
    """Never reviewed, not reviewed in twelve months, or a known change date has passed since the last review."""
    changed = Q(next_change_date__lte=today) & (
        Q(last_reviewed__isnull=True) | Q(last_reviewed__lt=F("next_change_date"))
    )
    return Q(last_reviewed__isnull=True) | Q(last_reviewed__lt=today - REVIEW_INTERVAL) | changed


class Reviewed(models.Model):
    """When the cited text took effect, when a curator last checked it, and when it is known to change."""

    effective_date = models.DateField(
        null=True, blank=True, help_text="When the cited text took effect or applies from (shown to buyers)."
    )
    last_reviewed = models.DateField(
        null=True,
        blank=True,
        help_text="When a curator last checked this against the primary text (shown to buyers). "
        "Use the 'Mark reviewed' action so the review is recorded in the history.",
    )
    next_change_date = models.DateField(
        null=True,
        blank=True,
        help_text="A known date the rule changes (an amendment applying, a transition ending); "
        "the entry is due for review once it passes.",
    )

    class Meta:
        abstract = True

    def review_due(self, today: datetime.date) -> bool:
        if self.last_reviewed is None or self.last_reviewed < today - REVIEW_INTERVAL:
            return True
        return self.next_change_date is not None and self.last_reviewed < self.next_change_date <= today


class RegimeQuerySet(CatalogueQuerySet):
    def due_for_review(self, today: datetime.date) -> RegimeQuerySet:
        return self.filter(due_for_review_q(today))


class ObligationQuerySet(models.QuerySet):
    def due_for_review(self, today: datetime.date) -> ObligationQuerySet:
        return self.filter(due_for_review_q(today))


@audited()
class Regime(CatalogueEntry, Reviewed):
    class Kind(models.TextChoices):
        LAW = "law", "Law or regulation"
        PROFESSIONAL = "professional", "Professional rule"
        STANDARD = "standard", "Assurance standard"

    kind = models.CharField(max_length=14, choices=Kind.choices, default=Kind.LAW)
    jurisdiction = models.CharField(max_length=120)
    summary = models.TextField()
    trigger = models.TextField(help_text="When a piece of KPO work falls under this regime.")
    penalties = models.TextField(blank=True)

    objects = RegimeQuerySet.as_manager()  # type: ignore[misc]  # the catalogue's manager, plus review queries

    # Review dates are not compared with the reference data: a curator's "mark reviewed" is not an edit of
    # the text, so it must not stop the next reference update from applying (see reference.load).
    reference_fields = (
        "name", "kind", "jurisdiction", "summary", "trigger", "penalties", "sources", "confidence", "confidence_note",
        "effective_date", "next_change_date",
    )  # fmt: skip

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


@audited()
class Obligation(ReferenceTracked, Reviewed):
    class Phase(models.TextChoices):
        BEFORE_SIGNING = "before_signing", "Before signing"
        IN_CONTRACT = "in_contract", "In the contract"
        DURING = "during", "During the engagement"

    regime = models.ForeignKey(Regime, on_delete=models.CASCADE, related_name="obligations")
    code = models.CharField(max_length=60, validators=[code_validator])
    title = models.CharField(max_length=200)
    action = models.TextField(help_text="What the buyer does, in plain words.")
    phase = models.CharField(max_length=16, choices=Phase.choices)
    citation = models.CharField(max_length=200, help_text="The article, section or rule, e.g. '45 CFR 164.504(e)'.")
    source_url = models.URLField(max_length=500, blank=True)
    confidence = models.CharField(max_length=12, choices=Confidence.choices, default=Confidence.SECONDARY)
    order = models.PositiveIntegerField(default=100)

    objects = ObligationQuerySet.as_manager()

    reference_fields = (
        "title", "action", "phase", "citation", "source_url", "confidence", "order",
        "effective_date", "next_change_date",
    )  # fmt: skip

    class Meta:
        ordering = ["regime", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["regime", "code"], name="obligation_unique_code_per_regime"),
        ]

    def __str__(self) -> str:
        return f"{self.regime.code}: {self.title}"

    @property
    def is_weak(self) -> bool:
        return self.confidence == Confidence.WEAK
