from django.contrib import admin

from apps.common.admin import CatalogueAdmin, catalogue_columns
from apps.engagements.models import DeliveryLocation, EngagementModel, KnowledgeFunction

SOURCES = ("Sources and confidence", {"fields": ("sources", "confidence", "confidence_note", "retired", "updated_at")})


@admin.register(EngagementModel)
class EngagementModelAdmin(CatalogueAdmin):
    list_display = catalogue_columns("pricing_basis", "rate_low", "rate_likely", "rate_high", "is_kpo", "display_order")
    list_editable = ("display_order",)
    list_filter = ["pricing_basis", "is_kpo", *CatalogueAdmin.list_filter]
    fieldsets = (
        (None, {"fields": ("code", "name", "summary", "is_kpo", "pricing_basis", "display_order")}),
        ("Hourly rate per person (USD)", {"fields": (("rate_low", "rate_likely", "rate_high"), "commitment_hours")}),
        ("Price per deliverable (USD)", {"fields": (("price_low", "price_likely", "price_high"),)}),
        (
            "Set-up, team and timing",
            {
                "fields": (
                    ("setup_low", "setup_likely", "setup_high"),
                    ("team_size_min", "team_size_max"),
                    ("ramp_up_months", "transfer_months"),
                )
            },
        ),
        ("Fit", {"fields": ("best_for", "avoid_when", "used_by")}),
        SOURCES,
    )


@admin.register(KnowledgeFunction)
class KnowledgeFunctionAdmin(CatalogueAdmin):
    list_display = catalogue_columns("kpo_rate_low", "kpo_rate_high", "inhouse_us_low", "inhouse_us_high")
    fieldsets = (
        (None, {"fields": ("code", "name", "summary", "examples", "display_order")}),
        ("Credentials and sign-off", {"fields": ("credentials", "onshore_constraints")}),
        (
            "Cost benchmarks (USD per hour)",
            {
                "description": "Low, likely and high must be in order; the database refuses anything else.",
                "fields": (
                    ("kpo_rate_low", "kpo_rate_likely", "kpo_rate_high"),
                    "located_share",
                    ("inhouse_us_low", "inhouse_us_likely", "inhouse_us_high"),
                    ("inhouse_uk_low", "inhouse_uk_likely", "inhouse_uk_high"),
                ),
            },
        ),
        (
            "Project price (USD)",
            {"fields": (("deliverable_price_low", "deliverable_price_likely", "deliverable_price_high"),)},
        ),
        SOURCES,
    )


@admin.register(DeliveryLocation)
class DeliveryLocationAdmin(CatalogueAdmin):
    list_display = catalogue_columns(
        "region", "overlap_us_eastern_hours", "overlap_uk_hours", "gdpr_transfer", "cost_index"
    )
    list_filter = ["region", "gdpr_transfer", *CatalogueAdmin.list_filter]
    fieldsets = (
        (None, {"fields": ("code", "name", "name_in_text", "region", "languages")}),
        ("Time", {"fields": ("utc_offset_minutes", "dst_rule", ("overlap_us_eastern_hours", "overlap_uk_hours"))}),
        (
            "Data transfer",
            {"fields": ("gdpr_transfer", "adequate_since", "uk_transfer", "uk_transfer_note", "local_privacy_law")},
        ),
        ("Profile", {"fields": ("strengths", "risks", "cost_index")}),
        ("Night work", {"fields": ("night_premium", ("night_from_hour", "night_to_hour"))}),
        SOURCES,
    )
