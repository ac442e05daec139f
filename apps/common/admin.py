"""Admin building blocks shared by the catalogue apps."""

from __future__ import annotations

from django.contrib import admin


class CatalogueAdmin(admin.ModelAdmin):
    search_fields = ["code", "name"]
    list_filter = ["confidence", "retired"]
    readonly_fields = ["updated_at"]
    save_on_top = True


def catalogue_columns(*extra: str) -> tuple[str, ...]:
    """The list columns every catalogue admin shows, with the model's own in the middle."""
    return ("name", "code", *extra, "confidence", "retired", "updated_at")
