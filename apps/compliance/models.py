"""Compliance regimes a piece of KPO work can trigger, and what each obliges the buyer to settle."""

from __future__ import annotations

import datetime
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
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


# The catalogue's queries plus the review ones; declared as a class so Regime can type its manager.
RegimeManager = models.Manager.from_queryset(RegimeQuerySet)


class ObligationQuerySet(models.QuerySet):
    def due_for_review(self, today: datetime.date) -> ObligationQuerySet:
        return self.filter(due_for_review_q(today))


@audited()
class Regime(CatalogueEntry, Reviewed):
    class Kind(models.TextChoices):
        LAW = "law", "Law or regulation"
        PROFESSIONAL = "professional", "Professional rule"
        STANDARD = "standard", "Assurance standard"

    class VendorRequirement(models.TextChoices):
        """What a provider must offer before it can take on work under a regime. Vendor matching knows how to
        check each of these against the directory (``apps/vendors/matching.py``), so the list is fixed in
        code; which regime needs which is the curator's choice."""

        NONE = "", "Nothing of the provider"
        HIPAA_BAA = "hipaa-baa", "Signs a HIPAA business associate agreement"
        GDPR_TRANSFER = (
            "gdpr-transfer",
            "Delivers from the EEA or an adequate country, or signs the EU SCCs (module 2; module 3 where you process "
            "the data for clients)",
        )
        UK_TRANSFER = (
            "uk-transfer",
            "Delivers from the EEA or another country UK adequacy covers, or signs the UK IDTA or Addendum",
        )
        DPDP_TERMS = "dpdp-terms", "Offers DPDP processor terms"
        MIFID_AUDIT = "mifid-audit", "Grants MiFID II outsourcing access and audit rights"
        REG_AC = "reg-ac", "Supports Reg AC analyst certification"
        SOC2 = "soc2", "Has a SOC 2 Type II report"
        ISO27001 = "iso27001", "Holds a current ISO/IEC 27001:2022 certificate"

    kind = models.CharField(max_length=14, choices=Kind.choices, default=Kind.LAW)
    vendor_requirement = models.CharField(
        max_length=20,
        choices=VendorRequirement.choices,
        blank=True,
        help_text=(
            "What a provider must offer when this regime applies: vendor matching excludes providers that do not. "
            "Reaches buyers with the next publication of the playbook."
        ),
    )
    jurisdiction = models.CharField(max_length=120)
    summary = models.TextField()
    trigger = models.TextField(help_text="When a piece of KPO work falls under this regime.")
    penalties = models.TextField(blank=True)

    objects: ClassVar[RegimeManager] = RegimeManager()

    # Review dates are not compared with the reference data: a curator's "mark reviewed" is not an edit of
    # the text, so it must not stop the next reference update from applying (see reference.load).
    reference_fields = (
        "name", "kind", "jurisdiction", "summary", "trigger", "penalties", "sources", "confidence", "confidence_note",
        "effective_date", "next_change_date", "vendor_requirement",
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
    delivered_from = models.JSONField(
        default=list,
        blank=True,
        help_text="Applies only when the work is delivered from one of these delivery locations (codes), e.g. "
        '["india", "philippines"] for a transfer tool needed outside the EEA; empty: wherever the work is done. '
        "Reaches buyers with the next publication of the playbook.",
    )

    objects = ObligationQuerySet.as_manager()

    reference_fields = (
        "title", "action", "phase", "citation", "source_url", "confidence", "order",
        "effective_date", "next_change_date", "delivered_from",
    )  # fmt: skip
    # Reference fields the reference data may leave out: most obligations hold wherever the work is done.
    optional_reference_fields: ClassVar[dict[str, Any]] = {"delivered_from": []}

    class Meta:
        ordering = ["regime", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["regime", "code"], name="obligation_unique_code_per_regime"),
        ]

    def __str__(self) -> str:
        return f"{self.regime.code}: {self.title}"

    def clean(self) -> None:
        super().clean()
        value = self.delivered_from
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise ValidationError(
                {"delivered_from": 'A list of delivery location codes, e.g. ["india"]; empty for "wherever".'}
            )

    @property
    def is_weak(self) -> bool:
        return self.confidence == Confidence.WEAK


@audited()
class Guidance(CatalogueEntry):
    """Practice guidance the decision memo prints beside the regimes' own obligations: contract clauses any
    KPO contract should settle, pilot thresholds and transition advice, and exit-plan steps, each with its
    source. Curated like the rest of the catalogue; publishing a playbook freezes it, and each new
    recommendation stores the items that applied to it, so an edit never rewrites an old memo."""

    class Kind(models.TextChoices):
        CLAUSE = "clause", "Contract clause (any KPO contract)"
        PILOT_THRESHOLD = "pilot_threshold", "Pilot threshold (scale if / stop if)"
        PILOT_TRANSITION = "pilot_transition", "Pilot: transition after the pilot"
        EXIT_STEP = "exit_step", "Exit plan step"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    text = models.TextField(
        help_text="What to agree or do; for a pilot threshold, when to scale (the 'scale if' column)."
    )
    stop_if = models.TextField(blank=True, help_text="Pilot thresholds only: when to stop.")
    source_label = models.CharField(
        max_length=120,
        blank=True,
        help_text="A short name for the first source in the memo's tables (e.g. \"Curators' checklist\"); "
        "its full title is printed once under the table. Empty: the source's title.",
    )
    pricing_bases = models.JSONField(
        default=list,
        blank=True,
        help_text='Applies only when the top model is priced on one of these bases, e.g. ["setup_plus_hourly"] '
        "for build-operate-transfer; empty: whatever the model.",
    )
    regimes = models.JSONField(
        default=list,
        blank=True,
        help_text='Applies only when one of these regime codes is triggered, e.g. ["gdpr"]; '
        "empty: whatever the regimes.",
    )
    order = models.PositiveIntegerField(default=100)

    reference_fields = (
        "name", "kind", "text", "stop_if", "source_label", "pricing_bases", "regimes", "order",
        "sources", "confidence", "confidence_note",
    )  # fmt: skip

    class Meta:
        ordering = ["kind", "order", "code"]
        verbose_name_plural = "guidance"
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="pilot_threshold") | Q(stop_if=""),
                name="guidance_stop_if_only_for_thresholds",
                violation_error_message="Only a pilot threshold has a stop-if text; leave it empty for this kind.",
            ),
        ]

    def clean(self) -> None:
        super().clean()
        errors: dict[str, str] = {}
        for name in ("pricing_bases", "regimes"):
            value = getattr(self, name)
            if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
                errors[name] = 'A list of codes, e.g. ["setup_plus_hourly"]; empty for "always".'
        if self.kind == self.Kind.PILOT_THRESHOLD and not self.stop_if.strip():
            errors["stop_if"] = "A pilot threshold needs a 'stop if'."
        elif self.kind != self.Kind.PILOT_THRESHOLD and self.stop_if:
            errors["stop_if"] = "Only pilot thresholds have a 'stop if'."
        if not self.sources:
            errors["sources"] = "Guidance needs at least one source (a title; a URL where there is one)."
        if errors:
            raise ValidationError(errors)

    def as_data(self) -> dict[str, Any]:
        """The plain form frozen into a published playbook's catalogue snapshot."""
        return {
            "code": self.code,
            "kind": self.kind,
            "title": self.name,
            "text": self.text,
            "stop_if": self.stop_if,
            "source_label": self.source_label,
            "pricing_bases": list(self.pricing_bases),
            "regimes": list(self.regimes),
            "order": self.order,
            "sources": self.sources,
            "confidence": self.confidence,
            "retired": self.retired,
        }
