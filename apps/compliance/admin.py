from django.contrib import admin

from apps.common.admin import AuditedAdmin, CatalogueAdmin, catalogue_columns
from apps.compliance.models import Obligation, Regime


class ObligationInline(admin.StackedInline):
    model = Obligation
    extra = 0
    fields = (("code", "phase", "order"), "title", "action", ("citation", "source_url"), "confidence")


@admin.register(Regime)
class RegimeAdmin(CatalogueAdmin):
    list_display = catalogue_columns("kind", "jurisdiction")
    list_filter = ["kind", *CatalogueAdmin.list_filter]
    search_fields = ["code", "name", "jurisdiction", "trigger"]
    inlines = [ObligationInline]
    fieldsets = (
        (None, {"fields": ("code", "name", "kind", "jurisdiction")}),
        ("What it is and when it applies", {"fields": ("summary", "trigger", "penalties")}),
        ("Sources and confidence", {"fields": ("sources", "confidence", "confidence_note", "retired", "updated_at")}),
    )


@admin.register(Obligation)
class ObligationAdmin(AuditedAdmin):
    list_display = ["title", "regime", "phase", "citation", "confidence", "order"]
    list_filter = ["phase", "confidence", "regime"]
    search_fields = ["title", "action", "citation", "regime__name", "regime__code"]
    list_select_related = ["regime"]
    autocomplete_fields = ["regime"]
