"""Admin building blocks shared by the catalogue apps."""

from __future__ import annotations

import hashlib
import json
from typing import Any
from urllib.parse import unquote

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404
from django.utils.html import format_html_join
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from pghistory.admin.core import EventsAdmin, EventsChangeList

from apps.common.hostile import ascii_int, refusal


class RowLabelledFormSet(forms.BaseInlineFormSet):
    """A table inline (``admin.TabularInline``) whose every box names itself: the admin labels a table's columns
    only by its header cells, so a screen reader heard "combo box" for each condition's question and "check box"
    for each Delete (axe: select-name, label; review 34). Each widget gets an ``aria-label`` of its column and row
    ("Question, condition 2"; "Delete condition 2"); ``noun`` names the rows."""

    noun = "row"

    def add_fields(self, form: Any, index: int | None) -> None:
        super().add_fields(form, index)
        row = f"{self.noun} {index + 1}" if index is not None else f"new {self.noun}"
        for name, field in form.fields.items():
            if isinstance(field.widget, forms.HiddenInput):
                continue
            label = f"Delete {row}" if name == "DELETE" else f"{field.label or name.replace('_', ' ')}, {row}"
            # A related field's box sits inside Django's add-another wrapper, whose own attrs reach no element.
            widget = getattr(field.widget, "widget", field.widget)
            widget.attrs.setdefault("aria-label", str(label)[:1].upper() + str(label)[1:])


def row_version(obj: Any) -> str:
    """A digest of the object's stored field values: it changes whenever anyone saves the row."""
    fresh = type(obj)._default_manager.filter(pk=obj.pk).values().first() or {}
    return hashlib.sha256(json.dumps(fresh, sort_keys=True, default=str).encode()).hexdigest()[:20]


class _ConflictCheckedForm(forms.ModelForm):
    """Mixed in before an admin's own form (see ``ConflictCheckedAdmin.get_form``): refuses a save over a
    version of the row newer than the one the page was loaded at."""

    conflict_message: str

    def clean(self) -> Any:
        data = super().clean()
        loaded = self.data.get("_loaded_version")
        if loaded and self.instance.pk and loaded != row_version(self.instance):
            raise forms.ValidationError(self.conflict_message, code="conflict")
        return data


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
        # The admin builds its form class per request, so the check is mixed in the same way.
        return type(
            f"Checked{form.__name__}",
            (_ConflictCheckedForm, form),
            {"conflict_message": message, "__module__": __name__},
        )


class PlainInitialMixin:
    """A JSON field whose default is a new empty list or dict is drawn without Django's hidden copy of its initial
    value: that copy carried the field's aria-describedby, which no hidden input may (the Nu HTML checker's error on
    a curator's add pages), and an empty list needs no copy to tell whether the form changed."""

    def formfield_for_dbfield(self, db_field: Any, request: Any, **kwargs: Any) -> Any:
        # A mixin for Django's model admins and inlines, whose method it extends; mypy sees no base that has it.
        field = super().formfield_for_dbfield(db_field, request, **kwargs)  # type: ignore[misc]  # see above
        if field is not None and isinstance(db_field, models.JSONField) and db_field.default in (list, dict):
            field.show_hidden_initial = False
        return field


class _BlankLabelledAutocompleteSelect(AutocompleteSelect):
    """Django admin's autocomplete box, whose empty choice (select2's placeholder) carries a
    ``label``: an empty ``<option>`` without one is an error to the Nu HTML checker (review 52, three on the rule
    form). select2 shows an option's text, which stays empty; a browser without JavaScript shows the label."""

    def create_option(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option: dict[str, Any] = super().create_option(*args, **kwargs)
        if option["value"] in ("", None) and not option["label"]:
            option["attrs"]["label"] = "Choose one" if self.is_required else "None"
        return option

    def _names_a_row(self, value: Any) -> bool:
        """Whether ``value`` can be a key of the field's target: a posted id that is not one ("abc", "1e20", NaN, past
        the column's range) is refused by the form, and the form is drawn again with it, whose lookup of the
        selected rows would raise (review 171: a 500 on a replayed rates or effects form). Such a value selects none."""
        if value in (None, ""):
            return True
        remote = self.field.remote_field
        target = remote.model._meta.get_field(remote.field_name)
        try:
            key = target.to_python(value)
        except (ValidationError, TypeError, ValueError):
            return False
        return not isinstance(key, int) or -(2**63) <= key < 2**63

    def optgroups(self, name: str, value: Any, attr: Any = None) -> Any:
        """A required box starts with an empty choice too: Django draws none, so on an add page the ``<select
        required>`` held no option at all, and on a change page its first option was a value (the Nu checker's
        errors on the obligation form without JavaScript; review 61). select2 shows it as its empty placeholder."""
        groups = super().optgroups(name, [v for v in value if self._names_a_row(v)], attr)
        if self.is_required and not self.allow_multiple_selected:
            options = groups[0][1]
            options.insert(0, self.create_option(name, "", "", False, 0))
            for index, option in enumerate(options):
                option["index"] = str(index)
        return groups


class BlankLabelledAutocompleteMixin:
    """Autocomplete fields drawn with ``_BlankLabelledAutocompleteSelect`` (a mixin for model admins and
    inlines, which Django's ``formfield_for_foreignkey`` leaves alone when given a widget)."""

    def formfield_for_foreignkey(self, db_field: Any, request: Any, **kwargs: Any) -> Any:
        # A mixin for Django's model admins and inlines, whose method it extends; mypy sees no base that has it.
        admin_site = self.admin_site  # type: ignore[attr-defined]  # see above
        autocomplete = self.get_autocomplete_fields(request)  # type: ignore[attr-defined]  # see above
        if "widget" not in kwargs and db_field.name in autocomplete:
            kwargs["widget"] = _BlankLabelledAutocompleteSelect(db_field, admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]  # see above


class NamedPickerMixin:
    """A two-list picker's box (``filter_horizontal``) named after its field. Django draws the field in a fieldset
    whose legend names it, which names no ``<select>``: without JavaScript the box was unnamed (axe select-name, on a
    provider's form; review 58). With JavaScript, Django's picker names its lists itself (``aria-labelledby``, which
    takes precedence)."""

    def formfield_for_manytomany(self, db_field: Any, request: Any, **kwargs: Any) -> Any:
        # A mixin for Django's model admins, whose method it extends; mypy sees no base that has it.
        field = super().formfield_for_manytomany(db_field, request, **kwargs)  # type: ignore[misc]  # see above
        if field is not None and db_field.name in self.filter_horizontal:  # type: ignore[attr-defined]  # see above
            widget = getattr(field.widget, "widget", field.widget)  # inside Django's add-another wrapper
            widget.attrs.setdefault("aria-label", str(field.label or db_field.verbose_name).capitalize())
        return field


class AuditedAdmin(NamedPickerMixin, BlankLabelledAutocompleteMixin, PlainInitialMixin, ConflictCheckedAdmin):
    """The admin "History" page shows the audit trail recorded by the database triggers: who changed
    what and when, bulk updates and changes outside admin included (Django's own log misses those)."""

    history_events_limit = 200
    audit_related = False  # also show changes to rows that reference this object (a playbook's parts)

    def get_object(self, request: Any, object_id: str, from_field: str | None = None) -> Any:
        """As Django's, with an id in the digits 0 to 9 only: Django's own integer reading takes any script's
        digits (a full-width "１" opened row 1), where every other page of the product refuses them."""
        if from_field is None and isinstance(self.model._meta.pk, models.AutoField | models.BigAutoField):
            from django.contrib.admin.utils import unquote as admin_unquote

            if ascii_int(admin_unquote(object_id)) is None:
                return None
        return super().get_object(request, object_id, from_field)

    def history_view(self, request: Any, object_id: str, extra_context: Any = None) -> Any:
        from django.contrib.admin.utils import unquote
        from django.shortcuts import render
        from pghistory.models import Events

        from apps.accounts.models import User

        # As Django's own history page: an id that is not one (letters, a NUL) is no such row, not a 500.
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404("No such row.")
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

    def get_changelist_formset(self, request: Any, **kwargs: Any) -> Any:
        """The list's editable fields (list_editable) named for assistive technology: Django draws them in a
        table cell with no <label>, so a screen reader announced an unnamed box (axe: label)."""
        formset = super().get_changelist_formset(request, **kwargs)
        for name in self.list_editable:
            field = formset.form.base_fields[name]
            field.widget.attrs.setdefault("aria-label", str(field.label or name))
        return formset


def catalogue_columns(*extra: str) -> tuple[str, ...]:
    """The list columns every catalogue admin shows, with the model's own in the middle."""
    return ("name", "code", *extra, "confidence", "retired", "updated_at")


def readable_diff(diff: Any, *, width: int = 80) -> list[str]:
    """An audit event's changes as "field: before → after" lines, values shortened to ``width``."""

    def show(value: Any) -> str:
        text = "—" if value in (None, "") else str(value)
        return text if len(text) <= width else text[: width - 1] + "…"

    return [f"{field}: {show(change[0])} → {show(change[1])}" for field, change in sorted((diff or {}).items())]


SYSTEM = "system (command or migration)"


class AuditEventsChangeList(EventsChangeList):
    def get_results(self, request: Any) -> None:
        super().get_results(request)
        from apps.accounts.models import User

        # Who made each change, for the whole page in one query (the event stores the user's id).
        ids = {u for e in self.result_list if isinstance(u := (e.pgh_context or {}).get("user"), int)}
        emails = dict(User.objects.filter(pk__in=ids).values_list("pk", "email"))
        for e in self.result_list:
            user = (e.pgh_context or {}).get("user")
            e.changed_by = emails.get(user, SYSTEM) if isinstance(user, int) else SYSTEM


def event_model_labels() -> set[str]:
    """The audit trail's event models by their lower-case label ("compliance.regimeevent")."""
    from pghistory import core

    return {m._meta.label_lower for m in core.event_models()}


def audited_models() -> dict[str, type[models.Model]]:
    """The models whose changes the audit trail records, by their lower-case label ("vendors.vendor")."""
    from pghistory import core

    tracked = (getattr(m, "pgh_tracked_model", None) for m in core.event_models())
    return {m._meta.label_lower: m for m in tracked if m is not None}


def _admin_path(back: str) -> bool:
    """Whether ``back`` is a path inside this site's admin: the only place the audit list's Back link may go (no
    "..", which a browser resolves out of /admin/, plain or percent-encoded)."""
    path = unquote(back.partition("?")[0])
    return (
        back.startswith("/admin/")
        and "\\" not in back
        and ".." not in path.split("/")
        and url_has_allowed_host_and_scheme(back, allowed_hosts=None)
    )


class AuditEventsAdmin(EventsAdmin):
    """The audit trail of every curated model, in words: who changed what, when, and how."""

    list_display_links = None
    # pghistory's change list cannot count its filters' choices (its get_queryset() does not take Django's
    # exclude_parameters): the "Show counts" link answered 500. The filters work without the counts.
    show_facets = admin.ShowFacets.NEVER

    def get_changelist(self, request: Any, **kwargs: Any) -> Any:
        return AuditEventsChangeList

    def changelist_view(self, request: Any, extra_context: Any = None) -> Any:
        """pghistory's list, for audited rows only: its ``obj`` and ``model`` parameters load any installed model
        and print the row's name as the heading (a member's email, another organisation's webhook), and a row or
        an event model that is not there answered 500. Here a malformed parameter is a 400, a row that is not an
        audited one the curator may view is a 404 (whether it exists is not said), and Back leads inside the
        admin only."""
        problem = self._parameter_problem(request)
        if problem:
            from django.urls import reverse

            back = ("Go to the audit trail", reverse("admin:pghistory_events_changelist"))
            return refusal(request, 400, "This audit list can't be shown", problem, back=back)
        return super().changelist_view(request, extra_context)

    def _parameter_problem(self, request: Any) -> str:
        audited = audited_models()
        for name in ("obj", "model", "method", "event_model", "back"):
            if len(request.GET.getlist(name)) > 1:
                return f"“{name}” is given more than once."
        obj, model = request.GET.get("obj"), request.GET.get("model")
        if obj is not None:
            label, _, pk = obj.partition(":")
            target = audited.get(label.lower())
            number = ascii_int(pk)
            if target is None or number is None:
                return "“obj” names an audited row as app.model:id, e.g. vendors.vendor:12."
            if not self._may_view(request, target) or not target._default_manager.filter(pk=number).exists():
                raise Http404("No such audited row.")
        if model is not None:
            target = audited.get(model.lower())
            if target is None:
                return "“model” names an audited model as app.model, e.g. vendors.vendor."
            if not self._may_view(request, target):
                raise Http404("No such audited model.")
        if request.GET.get("method") not in (None, "tracks", "references"):
            return "“method” is tracks or references."
        event_model = request.GET.get("event_model")
        if event_model is not None and event_model not in event_model_labels():
            return "“event_model” names one of the audit trail's event models."
        back = request.GET.get("back")
        if back is not None and not _admin_path(back):
            return "“back” must be a page of this admin."
        return ""

    def change_view(self, request: Any, object_id: str, form_url: str = "", extra_context: Any = None) -> Any:
        self._event_or_404(object_id)
        return super().change_view(request, object_id, form_url, extra_context)

    def history_view(self, request: Any, object_id: str, extra_context: Any = None) -> Any:
        self._event_or_404(object_id)
        return super().history_view(request, object_id, extra_context)

    @staticmethod
    def _event_or_404(object_id: str) -> None:
        """An event's address is its event model and id ("compliance.regimeevent:12"): pghistory built the query
        from any installed model named there, so a model without events (accounts.user) answered 500."""
        from django.contrib.admin.utils import unquote

        label, _, pk = unquote(object_id).partition(":")
        if label.lower() not in event_model_labels() or ascii_int(pk) is None:
            raise Http404("No such audit event.")

    def _may_view(self, request: Any, model: type[models.Model]) -> bool:
        model_admin = self.admin_site._registry.get(model)
        return model_admin is not None and model_admin.has_view_or_change_permission(request)

    def get_list_display(self, request: Any) -> Any:
        return ["when", "changed_by", "what", "changes"]

    @admin.display(description="When", ordering="pgh_created_at")
    def when(self, event: Any) -> Any:
        return event.pgh_created_at

    @admin.display(description="Changed by")
    def changed_by(self, event: Any) -> str:
        return getattr(event, "changed_by", "")

    @admin.display(description="What")
    def what(self, event: Any) -> str:
        model = event.pgh_obj_model.split(".")[-1] if event.pgh_obj_model else event.pgh_model
        return f"{event.pgh_label} {model} #{event.pgh_obj_id}"

    @admin.display(description="Changes")
    def changes(self, event: Any) -> Any:
        lines = readable_diff(event.pgh_diff)
        if not lines:
            return {"insert": "new row", "delete": "row deleted"}.get(event.pgh_label, "—")
        return format_html_join(mark_safe("<br>"), "{}", ((line,) for line in lines))


def use_audit_events_admin() -> None:
    """Show the audit events with :class:`AuditEventsAdmin` instead of pghistory's raw columns. Called
    from ``CommonConfig.ready``: pghistory registers its own admin in its ``ready``, after autodiscovery."""
    from pghistory.models import Events

    if admin.site.is_registered(Events):
        admin.site.unregister(Events)
    admin.site.register(Events, AuditEventsAdmin)
