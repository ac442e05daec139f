"""Vendor selection: the curated vendor directory, and each organisation's shortlists and due diligence.

The directory (``Vendor`` with its per-function rates) is reference data curated in admin, like the
catalogue. Shortlists belong to an organisation: one per recommendation, with one entry per vendor,
a status flow (``ShortlistEntry.TRANSITIONS``) and, for short-listed vendors, a due-diligence
checklist copied from the recommendation's obligations (the snapshot is immutable, so the copy is
exactly what the result page shows).
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from apps.accounts.models import Organisation
from apps.common.audit import audited
from apps.common.models import CatalogueEntry, money_field, range_constraints
from apps.engagements.models import DeliveryLocation, EngagementModel, KnowledgeFunction
from apps.recommendations.models import Recommendation

# Contract capabilities: (field, short label). The matcher and the pages use the same names.
CAPABILITIES: tuple[tuple[str, str], ...] = (
    ("signs_hipaa_baa", "Signs a HIPAA business associate agreement"),
    ("offers_scc_module_2", "Signs the EU SCCs, module 2 (controller to processor)"),
    ("offers_uk_addendum", "Signs the UK IDTA or the UK Addendum to the SCCs"),
    ("offers_dpdp_terms", "Offers DPDP processor terms"),
    ("grants_mifid_audit_rights", "Grants MiFID II outsourcing access and audit rights"),
    ("supports_reg_ac", "Supports Reg AC analyst certification"),
)


def text_drawn(text: str) -> str:
    """A short digest of a box's text as a page drew it (``forms.EntryForm``'s hidden ``…_drawn`` fields), which
    ``services.change_entry`` compares with what is stored now."""
    # A browser sends a textarea's lines as CRLF in a form post and htmx as LF: the same text either way (review 105).
    return hashlib.sha256(text.replace("\r\n", "\n").strip().encode()).hexdigest()[:16]


ITEM_FIELDS = ("status", "owner", "due_date", "evidence")


def item_value_drawn(name: str, value: Any) -> str:
    """One field of a checklist item as a page draws it, for comparing: the owner by id, the date as YYYY-MM-DD, the
    evidence by its digest (``text_drawn``)."""
    if name == "owner":
        value = getattr(value, "pk", value)
    if name == "evidence":
        return text_drawn(str(value or ""))
    if isinstance(value, datetime.date):
        return value.isoformat()
    return "" if value is None else str(value)


def item_values(item: DiligenceItem) -> dict[str, Any]:
    """A checklist item's fields (``ITEM_FIELDS``) as stored, the owner by id."""
    return {"status": item.status, "owner": item.owner_id, "due_date": item.due_date, "evidence": item.evidence}


def item_drawn(values: Mapping[str, Any]) -> str:
    """The fields of a checklist item as a page drew them, in one hidden value (``forms.DiligenceItemForm.drawn``)."""
    return "|".join(item_value_drawn(name, values.get(name)) for name in ITEM_FIELDS)


def checklist_drawn(items: Iterable[DiligenceItem]) -> str:
    """A short digest of a checklist's items as they stand (each ``item_drawn``), which a removal's confirmation
    carries: any work on the checklist since asks again (review 110)."""
    return text_drawn("\n".join(f"{item.pk}:{item_drawn(item_values(item))}" for item in items))


def item_shown(drawn: str) -> dict[str, str] | None:
    """``item_drawn`` read back; None when it is not one (an older page)."""
    parts = drawn.split("|")
    return dict(zip(ITEM_FIELDS, parts, strict=True)) if len(parts) == len(ITEM_FIELDS) else None


@audited()
class Vendor(CatalogueEntry):
    """A KPO provider in the directory. Curators keep it current; ``last_verified`` says how current."""

    headquarters_country = models.CharField(max_length=100)
    summary = models.TextField(blank=True)
    delivery_locations = models.ManyToManyField(DeliveryLocation, related_name="vendors", blank=True)
    engagement_models = models.ManyToManyField(EngagementModel, related_name="vendors", blank=True)
    functions = models.ManyToManyField(KnowledgeFunction, through="VendorFunction", related_name="vendors")
    soc2_type2_report_date = models.DateField(
        "SOC 2 Type II report date", null=True, blank=True, help_text="End of the period the latest report covers."
    )
    iso27001_certificate = models.CharField(
        "ISO/IEC 27001:2022 certificate", max_length=120, blank=True, help_text="Certificate number; blank if none."
    )
    iso27001_valid_until = models.DateField("ISO 27001 certificate valid until", null=True, blank=True)
    iso27001_scope = models.TextField("ISO 27001 scope", blank=True, help_text="The scope text on the certificate.")
    signs_hipaa_baa = models.BooleanField("signs a HIPAA BAA", default=False)
    offers_scc_module_2 = models.BooleanField("signs GDPR SCC module 2", default=False)
    offers_uk_addendum = models.BooleanField("signs the UK IDTA or Addendum", default=False)
    offers_dpdp_terms = models.BooleanField("offers DPDP processor terms", default=False)
    grants_mifid_audit_rights = models.BooleanField("grants MiFID II access and audit rights", default=False)
    supports_reg_ac = models.BooleanField("supports Reg AC certification", default=False)
    capacity_fte = models.PositiveIntegerField("capacity (FTE)", help_text="People it could put on new work.")
    languages = models.CharField(max_length=200, blank=True)
    last_verified = models.DateField(help_text="When a curator last checked this entry against its source.")

    # The relations are compared too (see apps/vendors/reference.py); these are the plain fields.
    reference_fields = (
        "name", "headquarters_country", "summary", "soc2_type2_report_date", "iso27001_certificate",
        "iso27001_valid_until", "iso27001_scope", *(name for name, _ in CAPABILITIES), "capacity_fte",
        "languages", "last_verified", "sources", "confidence", "confidence_note",
    )  # fmt: skip

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(capacity_fte__lte=100_000), name="vendor_capacity_plausible"),
            models.CheckConstraint(
                condition=Q(iso27001_certificate="") | Q(iso27001_valid_until__isnull=False),
                name="vendor_iso27001_certificate_has_expiry",
                violation_error_message="An ISO/IEC 27001 certificate needs the date it is valid until.",
            ),
        ]

    def clean(self) -> None:
        super().clean()
        if self.iso27001_certificate and self.iso27001_valid_until is None:
            raise ValidationError({"iso27001_valid_until": "A certificate needs the date it is valid until."})
        if self.capacity_fte is not None and self.capacity_fte > 100_000:
            raise ValidationError({"capacity_fte": "Capacity above 100,000 FTE is not plausible."})

    def iso27001_valid_on(self, day: datetime.date) -> bool:
        return (
            bool(self.iso27001_certificate)
            and self.iso27001_valid_until is not None
            and self.iso27001_valid_until >= day
        )

    @property
    def capability_flags(self) -> list[tuple[str, bool]]:
        return [(label, getattr(self, name)) for name, label in CAPABILITIES]


@audited()
class VendorFunction(models.Model):
    """A knowledge function the vendor covers, with its hourly rate range for it (USD)."""

    vendor = models.ForeignKey(Vendor, on_delete=models.CASCADE, related_name="rates")
    function = models.ForeignKey(KnowledgeFunction, on_delete=models.PROTECT, related_name="vendor_rates")
    rate_low = money_field("Hourly rate, USD: low.")
    rate_likely = money_field("Hourly rate, USD: likely.")
    rate_high = money_field("Hourly rate, USD: high.")

    RATE_FIELDS: ClassVar[tuple[str, str, str]] = ("rate_low", "rate_likely", "rate_high")

    class Meta:
        ordering = ["vendor", "function__display_order", "function__name"]
        verbose_name = "function and rate"
        verbose_name_plural = "functions and rates"
        constraints = [
            models.UniqueConstraint(fields=["vendor", "function"], name="vendorfunction_one_per_function"),
            *range_constraints("vendorfunction", "rate"),
        ]

    def __str__(self) -> str:
        return f"{self.vendor.code}: {self.function.code}"

    def clean(self) -> None:
        # The check the catalogue entries make, with the message beside the field the curator typed.
        super().clean()
        low, likely, high = self.rate_low, self.rate_likely, self.rate_high
        if any(v is not None and v < 0 for v in (low, likely, high)):
            raise ValidationError({"rate_low": "Hourly rate: figures cannot be negative."})
        if low is not None and likely is not None and low > likely:
            raise ValidationError({"rate_likely": f"Hourly rate: 'likely' must be at least 'low' ({low})."})
        if likely is not None and high is not None and likely > high:
            raise ValidationError({"rate_high": f"Hourly rate: 'high' must be at least 'likely' ({likely})."})


class Shortlist(models.Model):
    """An organisation's vendor shortlist for one recommendation."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="shortlists")
    recommendation = models.OneToOneField(Recommendation, on_delete=models.CASCADE, related_name="shortlist")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Shortlist for {self.recommendation.title}"


class ShortlistEntry(models.Model):
    class Status(models.TextChoices):
        LONG_LIST = "long_list", "Long list"
        SHORT_LIST = "short_list", "Short list"
        RFP_SENT = "rfp_sent", "RFP sent"
        SELECTED = "selected", "Selected"
        REJECTED = "rejected", "Rejected"

    # How a provider in each status is said mid-sentence ("A provider on the long list can move to: …"), and each
    # status as a destination (an initialism keeps its capitals: review 92 read "A vendor on the rejected").
    STANDING: ClassVar[dict[str, str]] = {
        "long_list": "on the long list",
        "short_list": "on the short list",
        "rfp_sent": "sent an RFP",
        "selected": "selected",
        "rejected": "rejected",
    }
    DESTINATION: ClassVar[dict[str, str]] = {
        "long_list": "the long list",
        "short_list": "the short list",
        "rfp_sent": "RFP sent",
        "selected": "selected",
        "rejected": "rejected",
    }

    # Where each status may go next. Moving back one step is allowed (a mistake, or an RFP withdrawn);
    # rejection is possible from anywhere but "selected" (un-select first), and a rejected vendor can
    # only come back to the long list.
    TRANSITIONS: ClassVar[dict[str, tuple[str, ...]]] = {
        Status.LONG_LIST: (Status.SHORT_LIST, Status.REJECTED),
        Status.SHORT_LIST: (Status.RFP_SENT, Status.LONG_LIST, Status.REJECTED),
        Status.RFP_SENT: (Status.SELECTED, Status.SHORT_LIST, Status.REJECTED),
        Status.SELECTED: (Status.RFP_SENT,),
        Status.REJECTED: (Status.LONG_LIST,),
    }
    # Statuses whose vendors are "short-listed": compared side by side and given a due-diligence checklist.
    SHORT_LISTED: ClassVar[tuple[str, ...]] = (Status.SHORT_LIST, Status.RFP_SENT, Status.SELECTED)

    shortlist = models.ForeignKey(Shortlist, on_delete=models.CASCADE, related_name="entries")
    # The tenant, as on its shortlist (docs/scaling.md): the distribution column on Citus, so that every
    # query on this table can be routed to one organisation's shard.
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+", db_index=False)
    vendor = models.ForeignKey(Vendor, on_delete=models.PROTECT, related_name="shortlist_entries")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.LONG_LIST)
    notes = models.TextField(blank=True)
    rejection_reason = models.TextField(blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The delivery locations its checklist's obligations were worked out for (``services.checklist_basis``): the
    # provider's own, where the recommendation was worked out for another; empty: the recommendation's, as stored.
    checklist_from = models.JSONField(default=list, blank=True)

    class Meta:
        indexes = [models.Index(fields=["organisation", "shortlist"], name="shortlistentry_by_org")]
        ordering = ["shortlist", "added_at", "id"]
        verbose_name_plural = "shortlist entries"
        constraints = [
            models.UniqueConstraint(fields=["shortlist", "vendor"], name="shortlistentry_one_per_vendor"),
            models.UniqueConstraint(
                fields=["shortlist"], condition=Q(status="selected"), name="shortlistentry_one_selected"
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(rejection_reason=""), name="shortlistentry_rejected_has_reason"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["long_list", "short_list", "rfp_sent", "selected", "rejected"]),
                name="shortlistentry_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.vendor.name} ({self.get_status_display()})"

    @property
    def next_statuses(self) -> tuple[str, ...]:
        return self.TRANSITIONS[self.status]

    @classmethod
    def moves_from(cls, status: str) -> str:
        """Where a provider in ``status`` may move, in words."""
        onward = ", ".join(cls.DESTINATION.get(s, s) for s in cls.TRANSITIONS.get(status, ()))
        return f"A provider {cls.STANDING.get(status, status)} can move to: {onward}."

    @property
    def is_short_listed(self) -> bool:
        return self.status in self.SHORT_LISTED


class DiligenceItem(models.Model):
    """One obligation to check with one short-listed vendor, copied from the recommendation's snapshot."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"
        NOT_APPLICABLE = "not_applicable", "Not applicable"

    # The database deletes these rows with their shortlist entry (ON DELETE CASCADE, migration 0004;
    # apps/common/on_delete.py).
    entry = models.ForeignKey(ShortlistEntry, on_delete=models.DO_NOTHING, related_name="diligence")
    # The tenant, as on its shortlist entry (docs/scaling.md): the distribution column on Citus, so that every
    # query on this table can be routed to one organisation's shard.
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+", db_index=False)
    regime_code = models.CharField(max_length=60)
    regime_name = models.CharField(max_length=200)
    obligation_code = models.CharField(max_length=60)
    phase = models.CharField(max_length=20, blank=True)
    phase_label = models.CharField(max_length=60, blank=True)
    title = models.CharField(max_length=200)
    action = models.TextField(blank=True)
    citation = models.CharField(max_length=200, blank=True)
    source_url = models.URLField(max_length=500, blank=True)
    order = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    due_date = models.DateField(null=True, blank=True)
    evidence = models.TextField("evidence notes", blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["organisation", "entry"], name="diligenceitem_by_org")]
        ordering = ["entry", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["entry", "regime_code", "obligation_code"], name="diligenceitem_one_per_obligation"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["open", "in_progress", "done", "not_applicable"]),
                name="diligenceitem_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.regime_code}/{self.obligation_code}: {self.get_status_display()}"


# Which locations a vendor delivers from and which models it offers are curated facts too: their join
# rows are in the audit trail like the vendor row itself. The triggers sit on proxies of the join
# tables so that they are created by this app's migrations.
@audited(model_name="VendorDeliveryLocationEvent")
# django-stubs: an auto-created through model has no name it can use as a base class.
class VendorDeliveryLocation(Vendor.delivery_locations.through):  # type: ignore[name-defined]
    class Meta:
        proxy = True
        verbose_name = "vendor delivery location"


@audited(model_name="VendorEngagementModelEvent")
# django-stubs: an auto-created through model has no name it can use as a base class.
class VendorEngagementModel(Vendor.engagement_models.through):  # type: ignore[name-defined]
    class Meta:
        proxy = True
        verbose_name = "vendor engagement model"
