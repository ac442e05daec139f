"""Shared building blocks for the curated catalogue: codes, sources, confidence, ranges."""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q

from apps.common.audit import audited
from apps.common.sources import Confidence, validate_sources

code_validator = RegexValidator(
    r"^[a-z0-9]+(?:[_-][a-z0-9]+)*$",
    "Use lower-case letters, digits, '-' and '_' only (for example 'equity-research').",
)


# What a range's fields are called in a curator's message ("The low KPO rate must be at or below the likely one.").
RANGE_WORDS = {
    "kpo_rate": "KPO rate",
    "inhouse_us": "US in-house cost",
    "inhouse_uk": "UK in-house cost",
    "deliverable_price": "price per deliverable",
    "setup": "set-up cost",
}


def range_constraints(model: str, *prefixes: str) -> list[models.BaseConstraint]:
    """Named constraints keeping every low <= likely <= high triple in order (nulls allowed)."""
    constraints: list[models.BaseConstraint] = []
    for prefix in prefixes:
        low, likely, high = f"{prefix}_low", f"{prefix}_likely", f"{prefix}_high"
        words = RANGE_WORDS.get(prefix, prefix.replace("_", " "))
        constraints += [
            models.CheckConstraint(
                condition=Q(**{f"{low}__lte": F(likely)}),
                name=f"{model}_{prefix}_low_lte_likely",
                violation_error_message=f"The low {words} must be at or below the likely one.",
            ),
            models.CheckConstraint(
                condition=Q(**{f"{likely}__lte": F(high)}),
                name=f"{model}_{prefix}_likely_lte_high",
                violation_error_message=f"The likely {words} must be at or below the high one.",
            ),
            models.CheckConstraint(
                condition=Q(**{f"{low}__gte": 0}),
                name=f"{model}_{prefix}_low_not_negative",
                violation_error_message=f"The low {words} cannot be negative.",
            ),
        ]
    return constraints


def money_field(help_text: str = "") -> models.DecimalField:
    return models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True, help_text=help_text)


class CatalogueQuerySet(models.QuerySet):
    def active(self) -> CatalogueQuerySet:
        return self.filter(retired=False)


class ReferenceTracked(models.Model):
    """Remembers the reference data it was last loaded from, so reloads never clobber curator edits."""

    reference_digest = models.CharField(
        max_length=64,
        blank=True,
        editable=False,
        help_text="Digest of the reference data as last loaded; tells curator edits from stale reference data.",
    )

    # Fields the reference loader compares and fills; subclasses list theirs.
    reference_fields: ClassVar[tuple[str, ...]] = ()

    class Meta:
        abstract = True

    def reference_values(self) -> dict[str, Any]:
        return {name: _plain(getattr(self, name)) for name in self.reference_fields}

    def current_digest(self) -> str:
        return digest(self.reference_values())


class CatalogueEntry(ReferenceTracked):
    """A curated reference item keyed by a stable code, with its sources and their confidence."""

    code = models.CharField(max_length=60, unique=True, validators=[code_validator])
    name = models.CharField(max_length=200)
    sources = models.JSONField(
        default=list,
        blank=True,
        validators=[validate_sources],
        help_text='A list of {"title": ..., "url": ..., "date": ..., "note": ...}; every figure needs one.',
    )
    confidence = models.CharField(
        max_length=12,
        choices=Confidence.choices,
        default=Confidence.SECONDARY,
        help_text="How firm the figures are. 'Weak' is shown to buyers as 'verify before relying on it'.",
    )
    confidence_note = models.TextField(blank=True, help_text="Why the confidence is what it is, shown to buyers.")
    retired = models.BooleanField(default=False, help_text="Retired entries stay for history but are not offered.")
    updated_at = models.DateTimeField(auto_now=True)

    objects = CatalogueQuerySet.as_manager()

    # (prefix, label) for each low/likely/high triple.
    ranges: ClassVar[tuple[tuple[str, str], ...]] = ()

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_weak(self) -> bool:
        return self.confidence == Confidence.WEAK

    def clean(self) -> None:
        super().clean()
        errors: dict[str, str] = {}
        for prefix, label in self.ranges:
            low, likely, high = (getattr(self, f"{prefix}_{part}") for part in ("low", "likely", "high"))
            present = [v for v in (low, likely, high) if v is not None]
            if any(v < 0 for v in present):
                errors[f"{prefix}_low"] = f"{label}: figures cannot be negative."
            elif low is not None and likely is not None and low > likely:
                errors[f"{prefix}_likely"] = f"{label}: 'likely' must be at least 'low' ({low})."
            elif likely is not None and high is not None and likely > high:
                errors[f"{prefix}_high"] = f"{label}: 'high' must be at least 'likely' ({likely})."
        if errors:
            raise ValidationError(errors)


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")  # 12.50 and 12.5 are the same figure
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def digest(values: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(values, sort_keys=True, default=str).encode()).hexdigest()


@audited()
class SourceHost(models.Model):
    """A host the product may cite: an official publisher of law, guidance or statistics, or a named secondary
    source the curators keep. ``manage.py check_sources`` flags any source link whose host is not listed."""

    class Kind(models.TextChoices):
        OFFICIAL = "official", "Official (law, regulator, standards body, statistics office)"
        SECONDARY = "secondary", "Named secondary source (survey, journal, practice guidance)"

    host = models.CharField(
        max_length=200,
        unique=True,
        validators=[
            RegexValidator(
                r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$",
                "A host name in lower case without 'www.' or a path, e.g. 'ecfr.gov'.",
            )
        ],
        help_text="Without 'www.'; sub-domains are allowed too (listing 'europa.eu' would allow every EU site).",
    )
    publisher = models.CharField(max_length=200, help_text="Who publishes there, as a reviewer would name them.")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    note = models.TextField(blank=True, help_text="What it may be cited for, and any limit on that.")

    class Meta:
        ordering = ["host"]

    def __str__(self) -> str:
        return self.host
