from __future__ import annotations

import datetime
from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

# Registers the allow-list of source hosts and the source-check page (see that module's docstring).
from apps.common import source_admin  # noqa: F401
from apps.common.admin import AuditedAdmin, CatalogueAdmin, PlainInitialMixin, catalogue_columns
from apps.compliance.models import Guidance, Obligation, Regime, due_for_review_q
from apps.compliance.services import mark_reviewed


class DueForReviewFilter(admin.SimpleListFilter):
    """The curators' review list: not reviewed in twelve months, never reviewed, or a known change date passed."""

    title = "review"
    parameter_name = "review"

    def lookups(self, request: Any, model_admin: Any) -> list[tuple[str, str]]:
        return [("due", "Due for review")]

    def queryset(self, request: Any, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "due":
            # The rule itself rather than the querysets' due_for_review: the filter serves regimes and obligations.
            return queryset.filter(due_for_review_q(timezone.localdate()))
        return queryset


@admin.display(description="Review due", boolean=True)
def review_due(obj: Regime | Obligation) -> bool:
    return obj.review_due(timezone.localdate())


class ObligationInline(PlainInitialMixin, admin.StackedInline):
    model = Obligation
    extra = 0
    fields = (
        ("code", "phase", "order"),
        "title",
        "action",
        ("citation", "source_url"),
        "confidence",
        "delivered_from",
        ("effective_date", "next_change_date", "last_reviewed"),
    )


def _mark(request: HttpRequest, count: int, today: datetime.date) -> None:
    messages.success(request, f"Marked {count} row(s) reviewed on {today:%d %b %Y}; the history records the review.")


@admin.register(Regime)
class RegimeAdmin(CatalogueAdmin):
    list_display = [*catalogue_columns("kind", "jurisdiction", "effective_date", "last_reviewed"), review_due]
    list_filter = [DueForReviewFilter, "kind", "vendor_requirement", *CatalogueAdmin.list_filter]
    search_fields = ["code", "name", "jurisdiction", "trigger"]
    inlines = [ObligationInline]
    actions = ["mark_reviewed_today"]
    fieldsets = (
        (None, {"fields": ("code", "name", "kind", "jurisdiction")}),
        ("What it is and when it applies", {"fields": ("summary", "trigger", "penalties")}),
        ("Sources and confidence", {"fields": ("sources", "confidence", "confidence_note", "retired", "updated_at")}),
        ("Dates", {"fields": ("effective_date", "next_change_date", "last_reviewed")}),
    )

    @admin.action(description="Mark reviewed today (with all their obligations)", permissions=["change"])
    def mark_reviewed_today(self, request: HttpRequest, queryset: QuerySet[Regime]) -> None:
        today = timezone.localdate()
        _mark(request, mark_reviewed(regimes=queryset, on=today), today)


@admin.register(Obligation)
class ObligationAdmin(AuditedAdmin):
    list_display = ["title", "regime", "phase", "citation", "confidence", "effective_date", "last_reviewed", review_due]
    list_filter = [DueForReviewFilter, "phase", "confidence", "regime"]
    search_fields = ["title", "action", "citation", "regime__name", "regime__code"]
    list_select_related = ["regime"]
    # A plain list of the regimes (about a hundred): an autocomplete box lists only the chosen one without
    # JavaScript, so a curator could neither add an obligation nor move one to another regime (review 63).
    actions = ["mark_reviewed_today"]

    @admin.action(description="Mark reviewed today", permissions=["change"])
    def mark_reviewed_today(self, request: HttpRequest, queryset: QuerySet[Obligation]) -> None:
        today = timezone.localdate()
        _mark(request, mark_reviewed(obligations=queryset, on=today), today)


@admin.register(Guidance)
class GuidanceAdmin(CatalogueAdmin):
    """The memo's practice guidance. Edits reach buyers with the next published playbook, and only in new
    recommendations: each stored recommendation keeps the guidance it was made with."""

    list_display = catalogue_columns("kind", "order")
    list_filter = ["kind", *CatalogueAdmin.list_filter]
    search_fields = ["code", "name", "text", "stop_if"]
    fieldsets = (
        (None, {"fields": ("code", "kind", "order", "name", "text", "stop_if")}),
        ("When it applies", {"fields": ("pricing_bases", "regimes")}),
        (
            "Sources and confidence",
            {"fields": ("sources", "source_label", "confidence", "confidence_note", "retired", "updated_at")},
        ),
    )
