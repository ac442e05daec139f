"""Compliance regimes a piece of KPO work can trigger, and what each obliges the buyer to settle."""

from __future__ import annotations

from django.db import models

from apps.common.audit import audited
from apps.common.models import CatalogueEntry, ReferenceTracked, code_validator
from apps.common.sources import Confidence


@audited()
class Regime(CatalogueEntry):
    class Kind(models.TextChoices):
        LAW = "law", "Law or regulation"
        PROFESSIONAL = "professional", "Professional rule"
        STANDARD = "standard", "Assurance standard"

    kind = models.CharField(max_length=14, choices=Kind.choices, default=Kind.LAW)
    jurisdiction = models.CharField(max_length=120)
    summary = models.TextField()
    trigger = models.TextField(help_text="When a piece of KPO work falls under this regime.")
    penalties = models.TextField(blank=True)

    reference_fields = (
        "name", "kind", "jurisdiction", "summary", "trigger", "penalties", "sources", "confidence", "confidence_note",
    )  # fmt: skip

    class Meta:
        ordering = ["name"]


@audited()
class Obligation(ReferenceTracked):
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

    reference_fields = ("title", "action", "phase", "citation", "source_url", "confidence", "order")

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
