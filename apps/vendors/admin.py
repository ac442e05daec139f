"""The vendor directory in admin: curated like the catalogue (audited, conflict-checked), with JSON
import and export of the whole directory. Shortlists are the organisations' own data and stay out."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path

from apps.common.admin import BlankLabelledAutocompleteMixin, CatalogueAdmin, RowLabelledFormSet, catalogue_columns
from apps.common.uploads import upload_page
from apps.vendors.directory_io import export_directory, import_directory
from apps.vendors.models import Vendor, VendorFunction


class RateFormSet(RowLabelledFormSet):
    noun = "rate"


class VendorFunctionInline(BlankLabelledAutocompleteMixin, admin.TabularInline):
    """A provider's rates by function. Each box names its column and row ("Rate low, rate 2"), and the table is
    named: its number boxes and Delete boxes had been labelled only by the table's headers (axe: label, critical,
    twelve on one provider; review 56)."""

    model = VendorFunction
    formset = RateFormSet
    extra = 0
    autocomplete_fields = ["function"]
    fields = ["function", "rate_low", "rate_likely", "rate_high"]
    template = "admin/vendors/rate_inline.html"


@admin.register(Vendor)
class VendorAdmin(CatalogueAdmin):
    audit_related = True  # its History shows its rates, locations and models changing too
    list_display = catalogue_columns("headquarters_country", "capacity_fte", "soc2_type2_report_date", "last_verified")
    list_filter = ["signs_hipaa_baa", "offers_scc_module_2", "delivery_locations", *CatalogueAdmin.list_filter]
    search_fields = ["code", "name", "headquarters_country", "summary"]
    filter_horizontal = ["delivery_locations", "engagement_models"]
    inlines = [VendorFunctionInline]
    change_list_template = "vendors/admin/change_list.html"
    fieldsets = (
        (None, {"fields": ("code", "name", "headquarters_country", "summary", "languages", "capacity_fte")}),
        ("Delivery and engagement models", {"fields": ("delivery_locations", "engagement_models")}),
        (
            "Assurance",
            {
                "fields": (
                    "soc2_type2_report_date",
                    ("iso27001_certificate", "iso27001_valid_until"),
                    "iso27001_scope",
                )
            },
        ),
        (
            "Contract capabilities",
            {
                "fields": (
                    "signs_hipaa_baa",
                    "offers_scc_module_2",
                    "offers_uk_addendum",
                    "offers_dpdp_terms",
                    "grants_mifid_audit_rights",
                    "supports_reg_ac",
                )
            },
        ),
        (
            "Sources and confidence",
            {"fields": ("last_verified", "sources", "confidence", "confidence_note", "retired", "updated_at")},
        ),
    )

    def get_urls(self) -> list[Any]:
        def page(view: Any) -> Any:
            return self.admin_site.admin_view(view)

        return [
            path("export/", page(self.export_view), name="vendors_vendor_export"),
            path("import/", page(self.import_view), name="vendors_vendor_import"),
            *super().get_urls(),
        ]

    def export_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        body = json.dumps(export_directory(), indent=2, ensure_ascii=False) + "\n"
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="kpo-vendors.json"'
        return response

    def import_view(self, request: HttpRequest) -> HttpResponse:
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied

        def accept(data: Any) -> HttpResponse:
            for line in import_directory(data).lines():
                messages.success(request, line)
            return redirect("admin:vendors_vendor_changelist")

        return upload_page(
            request,
            self,
            template="vendors/admin/import.html",
            opts=self.model._meta,
            title="Import the vendor directory",
            help_text="A vendor directory JSON file exported from KPO Advisor. Vendors match by code.",
            accept=accept,
            decimals=True,  # a rate of 12.6 must stay 12.6
        )
