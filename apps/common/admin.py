"""Admin building blocks shared by the catalogue apps."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django import forms
from django.contrib import admin


def row_version(obj: Any) -> str:
    """A digest of the object's stored field values: it changes whenever anyone saves the row."""
    fresh = type(obj)._default_manager.filter(pk=obj.pk).values().first() or {}
    return hashlib.sha256(json.dumps(fresh, sort_keys=True, default=str).encode()).hexdigest()[:20]


class ConflictCheckedAdmin(admin.ModelAdmin):
    """Optimistic locking: the change form carries the version it was loaded at, and a save over a
    newer version (another curator saved in between) is refused with a clear message instead of
    silently overwriting their work. Saving again, having seen the message, overwrites on purpose."""

    conflict_message = (
        "Someone else saved this {name} while you were editing it, so your changes were not saved. "
        "Reload the page to see their version, or save again to replace it with yours."
    )

    def change_view(self, request: Any, object_id: str, form_url: str = "", extra_context: Any = None) -> Any:
        obj = self.get_object(request, object_id)
        extra = dict(extra_context or {})
        if obj is not None:
            extra["loaded_version"] = row_version(obj)
        return super().change_view(request, object_id, form_url, extra)

    def get_form(self, request: Any, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is None:
            return form
        message = self.conflict_message.format(name=self.model._meta.verbose_name)

        class CheckedForm(form):  # type: ignore[valid-type, misc]
            def clean(self) -> Any:
                data = super().clean()
                loaded = self.data.get("_loaded_version")
                if loaded and self.instance.pk and loaded != row_version(self.instance):
                    raise forms.ValidationError(message, code="conflict")
                return data

        return CheckedForm


class AuditedAdmin(ConflictCheckedAdmin):
    """The admin "History" page shows the audit trail recorded by the database triggers: who changed
    what and when, bulk updates and changes outside admin included (Django's own log misses those)."""

    history_events_limit = 200
    audit_related = False  # also show changes to rows that reference this object (a playbook's parts)

    def history_view(self, request: Any, object_id: str, extra_context: Any = None) -> Any:
        from django.shortcuts import get_object_or_404, render
        from pghistory.models import Events

        from apps.accounts.models import User

        obj = get_object_or_404(self.get_queryset(request), pk=object_id)
        if not self.has_view_or_change_permission(request, obj):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        events = Events.objects.references(obj) if self.audit_related else Events.objects.tracks(obj)
        rows = list(events.order_by("-pgh_created_at")[: self.history_events_limit])
        user_ids: set[int] = {u for e in rows if isinstance(u := (e.pgh_context or {}).get("user"), int)}
        emails: dict[Any, str] = dict(User.objects.filter(pk__in=user_ids).values_list("pk", "email"))
        entries: list[dict[str, Any]] = []
        for e in rows:
            context = e.pgh_context or {}
            entry = {
                "when": e.pgh_created_at,
                "action": e.pgh_label,
                "model": e.pgh_model.split(".")[-1].removesuffix("Event"),
                "object_id": e.pgh_obj_id,
                "count": 1,
                "who": emails.get(context.get("user"), "system (command or migration)"),
                "where": context.get("url", ""),
                "changes": sorted((e.pgh_diff or {}).items()),
            }
            last = entries[-1] if entries else None
            # A copy or an import inserts hundreds of rows at once: show each such run as one line.
            if (
                last
                and not entry["changes"]
                and not last["changes"]
                and (last["action"], last["model"], last["who"]) == (entry["action"], entry["model"], entry["who"])
                and abs((last["when"] - entry["when"]).total_seconds()) < 2
            ):
                last["count"] += 1
                continue
            entries.append(entry)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Audit trail: {obj}",
            "subtitle": None,
            "object": obj,
            "opts": self.model._meta,
            "entries": entries,
            "limit": self.history_events_limit,
            **(extra_context or {}),
        }
        return render(request, "admin/audit_history.html", context)


class CatalogueAdmin(AuditedAdmin):
    search_fields = ["code", "name"]
    list_filter = ["confidence", "retired"]
    readonly_fields = ["updated_at"]
    save_on_top = True


def catalogue_columns(*extra: str) -> tuple[str, ...]:
    """The list columns every catalogue admin shows, with the model's own in the middle."""
    return ("name", "code", *extra, "confidence", "retired", "updated_at")
