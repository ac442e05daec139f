"""Vendor selection pages: directory, matching, shortlist, comparison, export and due diligence.

Every view resolves the member first; objects are fetched within the member's organisation
(``get_for_member``), so another organisation's ids are 404s. Viewers read; editors and owners
change. Shortlist entries and checklist items reach their organisation through their shortlist.
"""

from __future__ import annotations

import datetime
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import slugify
from django.views.decorators.http import require_POST, require_safe

from apps.accounts.models import Membership
from apps.accounts.scoping import (
    HtmxMemberRequest,
    MemberRequest,
    get_for_member,
    member_required,
    pin_to_organisation,
)
from apps.common.confirm import unconfirmed
from apps.common.drawn import Since, since_drawn
from apps.common.formatting import usd_range
from apps.common.hostile import ascii_int, cut_text, holds_secret
from apps.common.spreadsheet import csv_writer
from apps.common.spreadsheet import safe_cell as _safe
from apps.engagements.models import EngagementModel
from apps.recommendations.models import Recommendation
from apps.vendors import queries, services
from apps.vendors.forms import AddVendorForm, DiligenceItemForm, DirectoryFilter, EntryForm
from apps.vendors.matching import CAPABILITY_OF, Match
from apps.vendors.models import (
    CAPABILITIES,
    DiligenceItem,
    ShortlistEntry,
    Vendor,
    checklist_drawn,
    item_drawn,
    item_shown,
    item_value_drawn,
    item_values,
    text_drawn,
)
from apps.vendors.services import moved_since

EDITOR = Membership.Role.EDITOR


def _recommendation(request: MemberRequest, pk: int) -> Recommendation:
    return get_for_member(request, Recommendation, pk=pk)


# Entries and checklist items belong to their organisation through their shortlist, so they are
# fetched with get_object_or_404 on that path: the same rule as get_for_member (another
# organisation's id is a 404), which filters on a direct ``organisation`` field.


def _entry(request: MemberRequest, pk: int) -> ShortlistEntry:
    qs = ShortlistEntry.objects.select_related("vendor", "shortlist__recommendation")
    return get_object_or_404(pin_to_organisation(qs, request.organisation), pk=pk)


def _item(request: MemberRequest, pk: int) -> DiligenceItem:
    qs = DiligenceItem.objects.select_related("entry__vendor", "entry__shortlist__recommendation")
    return get_object_or_404(pin_to_organisation(qs, request.organisation), pk=pk)


def _can_edit(request: MemberRequest) -> bool:
    return bool(request.membership.can_edit)


@require_safe
@member_required()
def directory(request: MemberRequest) -> HttpResponse:
    form = DirectoryFilter(request.GET or None)
    vendors = list(form.apply(queries.directory()))
    return render(
        request,
        "vendors/directory.html",
        {"form": form, "vendors": vendors, "today": timezone.localdate()},
        status=400 if form.errors else 200,
    )


def _matching_context(request: MemberRequest, recommendation: Recommendation, **extra: Any) -> dict[str, Any]:
    result = queries.match_recommendation(recommendation, today=timezone.localdate())
    listed = {e.vendor.code: e for e in queries.entries(queries.shortlist_for(recommendation))}
    return {
        "rec": recommendation,
        "result": result,
        "needs": result.needs,
        "ranked": [(m, listed.get(m.vendor.code)) for m in result.ranked],
        "excluded": [(m, listed.get(m.vendor.code), services.reason_room(m)) for m in result.excluded],
        "can_edit": _can_edit(request),
        "reason_min": services.EXCEPTION_REASON_MIN,
        **extra,
    }


@require_safe
@member_required()
def matching(request: MemberRequest, pk: int) -> HttpResponse:
    recommendation = _recommendation(request, pk)
    return render(request, "vendors/matching.html", _matching_context(request, recommendation))


@require_POST
@member_required(EDITOR, of=Recommendation)
def add(request: MemberRequest, pk: int) -> HttpResponse:
    recommendation = _recommendation(request, pk)
    form = AddVendorForm(request.POST)
    code = str(request.POST.get("vendor", ""))
    own = recommendation.organisation_id
    listed = ShortlistEntry.objects.filter(
        organisation_id=own, shortlist__organisation_id=own, shortlist__recommendation=recommendation, vendor__code=code
    )
    if code and (entry := listed.select_related("vendor").first()) is not None:
        # On the list already (a colleague added it meanwhile), whatever else is wrong with the form (review 129: a
        # reason too short was refused under a link to a box no longer drawn, and the text lost).
        return _already_listed(request, recommendation, entry.vendor, entry.status)
    if form.is_valid():
        vendor = form.cleaned_data["vendor"]
        try:
            services.add_vendor(
                recommendation=recommendation,
                vendor=vendor,
                user=request.user,
                notes=form.cleaned_data["notes"],
                reason=form.cleaned_data["reason"],
            )
        except services.ShortlistError as exc:
            form.add_error(None, exc.messages[0])
            if exc.conflict:
                return _already_listed(request, recommendation, vendor)
        else:
            messages.success(request, f"{vendor.name} is on the long list.")
            return redirect(f"{reverse('vendors:matching', args=[pk])}#vendor-{vendor.code}")
    context = _matching_context(request, recommendation, add_form=form, add_code=request.POST.get("vendor", ""))
    context["page_address"] = reverse("vendors:matching", args=[pk])  # Back loads the page, not the form's address
    return render(request, "vendors/matching.html", context, status=400)


def _already_listed(
    request: MemberRequest, recommendation: Recommendation, vendor: Vendor, status: str = ""
) -> HttpResponse:
    """A provider a colleague added meanwhile (review 125: the summary linked a reason box no longer drawn, and the
    reason typed was lost): the matching page with the refusal linking its card, and what was typed given back to
    copy, as sent, whether or not the form would have passed (review 129)."""
    own = recommendation.organisation_id
    entry = (
        ShortlistEntry.objects.filter(
            organisation_id=own, shortlist__organisation_id=own, shortlist__recommendation=recommendation, vendor=vendor
        )
        .only("status", "added_by_id", "notes")
        .first()
    )
    status = status or (entry.status if entry is not None else "")
    reason = " ".join(str(request.POST.get("reason", "")).split())
    notes = str(request.POST.get("notes", "")).strip()
    if entry is not None and entry.added_by_id == request.user.pk and reason in entry.notes and notes in entry.notes:
        # The same person's form sent twice (a double click, a resend): the first send stored what it held, so the
        # second is told it was added once, not that what was typed was lost (review 134).
        messages.info(request, f"{vendor.name} is on the list: the form was sent twice, and it was added once.")
        return redirect(f"{reverse('vendors:matching', args=[recommendation.pk])}#vendor-{vendor.code}")
    # Where it stands, in the list's own words (review 132: "Not added to the long list. … already on this shortlist").
    standing = f", {ShortlistEntry.STANDING[status]}" if status in ShortlistEntry.STANDING else ""
    context = _matching_context(request, recommendation, add_form=AddVendorForm(), add_code=vendor.code)
    context["already_listed"] = {
        "message": f"{vendor.name} is already among this recommendation's providers{standing}.",
        "reason": _given_back(request, "reason"),
        "notes": _given_back(request, "notes"),
    }
    context["page_address"] = reverse("vendors:matching", args=[recommendation.pk])
    return render(request, "vendors/matching.html", context, status=409)


def _given_back(request: MemberRequest, name: str) -> str:
    """A field's text given back on the 409, as every refusal gives it (review 137: a pasted API key came back)."""
    text = str(request.POST.get(name, "")).strip()
    if text and holds_secret(name, [text]):
        return "(not listed: it holds something shaped like a password, key or token)"
    return cut_text(text)


def _status_words(label: str) -> str:
    """A status as it reads mid-sentence: "long list", "RFP sent" (an initialism keeps its capitals: review 91 read
    "rfp sent")."""
    first = label.split(" ", 1)[0]
    return label if first.isupper() and len(first) > 1 else label.lower()


def _shortlist_context(request: MemberRequest, recommendation: Recommendation, **extra: Any) -> dict[str, Any]:
    shortlist = queries.shortlist_for(recommendation)
    forms = extra.pop("forms", {})
    # Each entry with its form: the one that failed to save keeps what the person typed and its errors.
    rows = [(entry, forms.get(entry.pk) or EntryForm(entry=entry)) for entry in queries.entries(shortlist)]
    return {"rec": recommendation, "shortlist": shortlist, "rows": rows, "can_edit": _can_edit(request), **extra}


@require_safe
@member_required()
def shortlist(request: MemberRequest, pk: int) -> HttpResponse:
    recommendation = _recommendation(request, pk)
    return render(request, "vendors/shortlist.html", _shortlist_context(request, recommendation))


def _status_since_drawn(posted: QueryDict, entry: ShortlistEntry) -> tuple[QueryDict, str]:
    """The post, and why it is refused ("" when it is not), for a page that drew another status than the one stored
    now. Left as drawn, the status is read as the one stored now, so the moves the form allows start from there and
    the move made since stays (review 103: a stale page's "long list" undid a colleague's rejection and cleared its
    reason). Changed here too, it is refused (a 409), the status shown as it is now and the notes typed kept."""
    key, drawn = f"entry-{entry.pk}-status", f"entry-{entry.pk}-status_drawn"
    shown = posted.get(drawn)
    if not shown or shown == entry.status:
        return posted, ""
    refused = moved_since(entry) if since_drawn(shown, posted.get(key), entry.status) is Since.CLASH else ""
    now = posted.copy()
    now[key] = now[drawn] = entry.status
    return now, refused


@require_POST
@member_required(EDITOR, of=ShortlistEntry)
def entry_update(request: MemberRequest, pk: int) -> HttpResponse:
    entry = _entry(request, pk)
    recommendation = entry.shortlist.recommendation
    posted, moved_since = _status_since_drawn(request.POST, entry)
    form = EntryForm(posted, entry=entry)
    status = 400
    if moved_since:
        form.is_valid()
        form.add_error("status", moved_since)
        status = 409
    elif form.is_valid():
        try:
            updated = services.change_entry(
                entry=entry,
                status=form.cleaned_data["status"],
                notes=form.cleaned_data["notes"],
                rejection_reason=form.cleaned_data["rejection_reason"],
                notes_drawn=form.cleaned_data["notes_drawn"]
                if form.add_prefix("notes_drawn") in request.POST
                else None,
                rejection_drawn=(
                    form.cleaned_data["rejection_drawn"] if form.add_prefix("rejection_drawn") in request.POST else None
                ),
                status_drawn=form.cleaned_data["status_drawn"] or None,
            )
        except services.ShortlistError as exc:
            if exc.conflict:
                # Drawn again with what is stored now, what was typed kept: saving again is a choice made knowing it.
                entry.refresh_from_db(fields=["status", "notes", "rejection_reason"])
                data = request.POST.copy()
                data[form.add_prefix("status_drawn")] = entry.status
                data[form.add_prefix("notes_drawn")] = text_drawn(entry.notes)
                data[form.add_prefix("rejection_drawn")] = text_drawn(entry.rejection_reason)
                form = EntryForm(data, entry=entry)
                form.is_valid()
                status = 409
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, f"{updated.vendor.name}: {_status_words(updated.get_status_display())}.")
            return redirect(f"{reverse('vendors:shortlist', args=[recommendation.pk])}#entry-{entry.pk}")
    context = _shortlist_context(request, recommendation, forms={entry.pk: form})
    # The error pattern: a summary at the top that takes the focus, each line linked to its box far down the page,
    # "Error:" in the title, and Back and reload on the shortlist rather than the form's address (review 66).
    context["error_summary"] = [
        (
            form[name].auto_id if name in form.fields else f"entry-{entry.pk}",
            f"{entry.vendor.name}, {_label(form, name)}" if name in form.fields else entry.vendor.name,
            message,
        )
        for name, messages_ in form.errors.items()
        for message in messages_
    ]
    context["page_address"] = reverse("vendors:shortlist", args=[recommendation.pk])
    return render(request, "vendors/shortlist.html", context, status=status)


@require_POST
@member_required(EDITOR, of=ShortlistEntry)
def entry_remove(request: MemberRequest, pk: int) -> HttpResponse:
    entry = _entry(request, pk)
    recommendation = entry.shortlist.recommendation
    with transaction.atomic():
        # The checklist's items locked first, then counted and compared with what the confirmation page showed: a
        # colleague's save in flight finishes first and asks again, and one sent after waits and finds the item gone
        # (review 116: evidence saved between the count and the delete was deleted, its author told "Saved").
        items = list(
            DiligenceItem.objects.select_for_update()
            .filter(organisation_id=entry.organisation_id, entry_id=entry.pk)
            .order_by("pk")
        )
        if entry.status != ShortlistEntry.Status.SELECTED:  # the selected one is refused at once, below
            # Its checklist goes with it (review 66: owners, due dates and evidence went at one press).
            untouched = {"status": DiligenceItem.Status.OPEN, "owner": None, "due_date": None, "evidence": ""}
            worked = sum(item_values(item) != untouched for item in items)
            kept = (
                f" {worked} of its {len(items)} due-diligence items {'has' if worked == 1 else 'have'} an owner, a "
                "due date, evidence or progress; they are deleted too."
                if worked
                else " Its due-diligence checklist is deleted too."
            )
            ask = unconfirmed(
                request,
                heading=f"Remove {entry.vendor.name} from the shortlist?",
                consequence=f"{entry.vendor.name} leaves this recommendation's shortlist.{kept} This cannot be undone: "
                "adding the provider again starts a new, empty checklist.",
                button=f"Remove {entry.vendor.name}",
                back=reverse("vendors:shortlist", args=[recommendation.pk]),
                # The items worked on, counted as the page said them, and a digest of every item's fields: any work on
                # the checklist since (a colleague's evidence, even on an item already worked) asks again (108, 110).
                shown=f"worked-{worked}-{checklist_drawn(items)}",
            )
            if ask is not None:
                return ask
        try:
            services.remove_entry(entry=entry)
        except services.ShortlistError as exc:
            context = _shortlist_context(request, recommendation, remove_error=(entry.pk, exc.messages[0]))
            return render(request, "vendors/shortlist.html", context, status=409)
    messages.success(request, f"{entry.vendor.name} is off the shortlist.")
    return redirect("vendors:shortlist", pk=recommendation.pk)


@dataclass(frozen=True)
class ComparedRow:
    """One short-listed provider in the comparison: its entry, how it matches, and its rate for this work."""

    entry: ShortlistEntry
    match: Match | None
    rate_text: str


def _compared(recommendation: Recommendation) -> tuple[list[ComparedRow], Any]:
    entries = [e for e in queries.entries(queries.shortlist_for(recommendation)) if e.is_short_listed]
    vendors = [e.vendor for e in entries]
    result = queries.match_recommendation(recommendation, vendors=vendors, today=timezone.localdate())
    rows = []
    for entry in entries:
        found = result.get(entry.vendor.code)
        rate = found.vendor.rates.get(result.needs.function) if found else None
        known = rate is not None and rate.known and rate.likely is not None
        text = usd_range(rate.low, rate.likely, rate.high, suffix="/h") if rate is not None and known else ""
        rows.append(ComparedRow(entry, found, text))
    return rows, result


@require_safe
@member_required()
def compare(request: MemberRequest, pk: int) -> HttpResponse:
    recommendation = _recommendation(request, pk)
    rows, result = _compared(recommendation)
    needs = result.needs
    required = {CAPABILITY_OF[code][0] for code in needs.codes if code in CAPABILITY_OF}
    capability_rows = [
        (label, name in required, [getattr(row.entry.vendor, name) for row in rows]) for name, label in CAPABILITIES
    ]
    context = {"rec": recommendation, "rows": rows, "needs": needs, "capability_rows": capability_rows}
    return render(request, "vendors/compare.html", context)


CSV_HEADER = [
    "vendor_code", "vendor", "status", "rejection_reason", "notes", "match_score", "fails",
    "headquarters", "delivery_locations", "engagement_models", "rate_low", "rate_likely", "rate_high",
    "capacity_fte", "soc2_type2_report_date", "iso27001_valid_until", "diligence_done", "diligence_applicable",
    # In words, after the codes (review 113: codes alone, and "captive-team" is the provider's dedicated team).
    "status_label", "delivery_location_names", "engagement_model_names",
]  # fmt: skip


@require_safe
@member_required()
def export_csv(request: MemberRequest, pk: int) -> HttpResponse:
    recommendation = _recommendation(request, pk)
    rows = queries.entries(queries.shortlist_for(recommendation))
    result = queries.match_recommendation(recommendation, vendors=[r.vendor for r in rows], today=timezone.localdate())
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = slugify(recommendation.title)[:60] or "recommendation"
    response["Content-Disposition"] = f'attachment; filename="{name}-shortlist.csv"'
    writer = csv_writer(response)
    writer.writerow(CSV_HEADER)
    model_names = dict(EngagementModel.objects.values_list("code", "name"))
    for row in rows:
        found = result.get(row.vendor.code)
        facts = found.vendor if found else None
        rate = facts.rates.get(result.needs.function) if facts else None
        writer.writerow(
            [
                row.vendor.code,
                _safe(row.vendor.name),
                row.status,
                _safe(row.rejection_reason),
                _safe(row.notes),
                found.score if found and found.eligible else "",
                _safe("; ".join(f.detail for f in found.failures)) if found else "",
                _safe(row.vendor.headquarters_country),
                " ".join(loc.code for loc in facts.locations) if facts else "",
                " ".join(sorted(facts.models)) if facts else "",
                *((rate.low, rate.likely, rate.high) if rate else ("", "", "")),
                row.vendor.capacity_fte,
                row.vendor.soc2_type2_report_date or "",
                row.vendor.iso27001_valid_until or "",
                # django-stubs cannot see the columns queries.entries adds on the model type.
                row.dd_done,  # type: ignore[attr-defined]
                # django-stubs: as for dd_done (queries.entries).
                row.dd_applicable,  # type: ignore[attr-defined]
                row.get_status_display(),
                # Names a curator wrote: through the formula guard, as every such cell.
                _safe("; ".join(loc.name for loc in facts.locations)) if facts else "",
                _safe("; ".join(sorted(model_names.get(m, m) for m in facts.models))) if facts else "",
            ]
        )
    return response


def _diligence_context(
    request: MemberRequest,
    entry: ShortlistEntry,
    *,
    edit: int | None = None,
    bound: DiligenceItemForm | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """The checklist, read-only but for the one item being edited (``edit``, or the item of a refused
    ``bound`` form): a long checklist costs one small form, not one per item."""
    # Ordered as the model orders one entry's items, without joining the entry and shortlist for it.
    own = entry.diligence.filter(organisation=request.organisation).order_by("order", "id")
    items: list[Any] = list(own.select_related("owner"))
    editing = bound.instance.pk if bound is not None else edit
    form = bound
    if form is None and editing is not None and _can_edit(request):
        item = next((i for i in items if i.pk == editing), None)
        organisation = request.organisation
        form = DiligenceItemForm(instance=item, organisation=organisation) if item is not None else None
    return {
        "entry": entry,
        "rec": entry.shortlist.recommendation,
        "items": items,
        "editing": editing if form is not None else None,
        "edit_form": form,
        "progress": queries.progress(items),
        "can_edit": _can_edit(request),
        "basis_note": services.checklist_note(entry),
        **extra,
    }


def _edit_param(value: str | None) -> int | None:
    return ascii_int(value, max_digits=11)


@require_safe
@member_required()
def diligence(request: HtmxMemberRequest, pk: int) -> HttpResponse:
    """The checklist; ``?edit=<item>`` opens that item's editor (htmx gets just that item)."""
    entry = _entry(request, pk)
    context = _diligence_context(request, entry, edit=_edit_param(request.GET.get("edit")))
    if request.htmx and context["editing"] is not None:
        item = next(i for i in context["items"] if i.pk == context["editing"])
        return render(request, "vendors/diligence.html#item", {**context, "item": item})
    return render(request, "vendors/diligence.html", context)


@require_POST
@member_required(EDITOR, of=DiligenceItem)
def diligence_item(request: HtmxMemberRequest, pk: int) -> HttpResponse:
    """Save one checklist item. htmx gets the item's status line and the progress; a plain post
    goes back to the checklist (or, partly refused, gets the page with the message beside the field).

    Only the fields that were posted change, and each valid one is saved even when another is
    refused: a mistyped date never costs the buyer the evidence they wrote beside it."""
    item = _item(request, pk)
    entry = item.entry
    form = DiligenceItemForm(request.POST, instance=item, organisation=request.organisation)
    if not any(form.add_prefix(name) in request.POST for name in services.ITEM_FIELDS):
        # Nothing of the item reached the server (a body it cannot read, such as JSON): said, not "Saved" (review 103).
        form.is_valid()
        form.add_error(
            None,
            "Nothing was saved: no field of this item reached the server with this request. Reload "
            "the page and make the change again.",
        )
        return _item_refused(request, entry, item, form, [])
    form.is_valid()
    # A field that was not posted keeps its value, so it cannot be refused ("Status: This field is required"
    # for a post that only changes the owner): only the posted fields' errors count.
    for name in [n for n in form.errors if n in form.fields and form.add_prefix(n) not in request.POST]:
        del form.errors[name]
    valid = not form.errors
    values = {
        name: form.cleaned_data[name]
        for name in services.ITEM_FIELDS
        if name in form.cleaned_data and form.add_prefix(name) in request.POST
    }
    shown = item_shown(form.cleaned_data.get("drawn") or "") if form.add_prefix("drawn") in request.POST else None
    saved, changed, clashed = services.save_item_fields(item=item, values=values, user=request.user, shown=shown)
    drawn = _drawn_now(form, saved, values, shown, refused=[n for n in form.errors if n in services.ITEM_FIELDS])
    if clashed:
        form = _item_drawn_again(request, saved, clashed)
    if not valid or clashed:
        return _item_refused(request, entry, saved, form, changed, status=409 if clashed else 400, drawn=drawn)
    if not request.htmx:
        messages.success(request, f"Saved: {saved.title}.")
        return redirect(f"{reverse('vendors:diligence', args=[entry.pk])}#item-{saved.pk}")
    progress = queries.progress(entry.diligence.all())
    parts = [
        render_to_string("vendors/diligence.html#item-status", {"item": saved, "status": "saved"}, request),
        render_to_string("vendors/diligence.html#progress", {"progress": progress, "oob": True}, request),
        drawn,
    ]
    return HttpResponse("".join(parts))


def _drawn_now(
    form: DiligenceItemForm,
    item: DiligenceItem,
    values: Mapping[str, Any],
    shown: Mapping[str, str] | None,
    refused: Collection[str] = (),
) -> str:
    """The form's hidden ``drawn`` value after a save, swapped in out of band: each field the form left as drawn, or
    whose value was refused (its box still shows what was typed), as it was drawn, every other one as stored now, so
    the next autosave from the same form decides from what it has seen (review 105: a refused field took a
    colleague's value as drawn, and the corrected save then wrote over it)."""
    stored = item_values(item)
    if shown is None:
        value = item_drawn(stored)
    else:
        value = "|".join(
            shown[name]
            if name in refused or (name in values and item_value_drawn(name, values[name]) == shown[name])
            else item_value_drawn(name, stored[name])
            for name in services.ITEM_FIELDS
        )
    return format_html(
        '<input type="hidden" name="{}" id="{}" value="{}" data-hx-swap-oob="true">',
        form.add_prefix("drawn"),
        form["drawn"].auto_id,
        value,
    )


def _item_drawn_again(request: HtmxMemberRequest, item: DiligenceItem, clashed: list[str]) -> DiligenceItemForm:
    """The form drawn again after a save refused for fields a colleague changed since (``clashed``): those keep what
    was entered here, with a message giving what they read now; every other field shows what is stored now, and the
    form says it was drawn from that, so saving again is a choice made knowing it."""
    prefix = f"item-{item.pk}-"
    data = request.POST.copy()
    stored = item_values(item)
    # What each clashing field reads now, in words, read before the form is bound (binding sets the item's fields to
    # what was posted; review 105: the message named the saver's own choice as theirs).
    now = {
        "status": item.get_status_display(),
        "owner": str(item.owner or "nobody"),
        "due_date": item.due_date.isoformat() if item.due_date else "no date",
        "evidence": item.evidence or "empty",
    }
    for name in services.ITEM_FIELDS:
        if name in clashed:
            continue
        value = stored[name]
        data[prefix + name] = (
            value.isoformat() if isinstance(value, datetime.date) else ("" if value is None else value)
        )
    data[prefix + "drawn"] = item_drawn(stored)
    form = DiligenceItemForm(data, instance=item, organisation=request.organisation)
    form.is_valid()
    for name in clashed:
        label = str(form.fields[name].label or name).lower()
        form.add_error(
            name,
            f"Someone changed the {label} since this form was opened, so yours was not saved. It now reads: "
            f"“{now[name]}”. What you entered is kept here: your next save replaces theirs.",
        )
    return form


def _item_refused(
    request: HtmxMemberRequest,
    entry: ShortlistEntry,
    item: DiligenceItem,
    form: DiligenceItemForm,
    changed: list[str],
    *,
    status: int = 400,
    drawn: str = "",
) -> HttpResponse:
    """400 (409 for a field someone else changed since): the refused fields' messages; what else was posted is saved
    (``changed``) and shown."""
    if request.htmx:
        message = _error_text(form)
        if changed:
            message = f"Your other changes are saved. {message}"
        parts: list[str] = [
            render_to_string(
                "vendors/diligence.html#item-status", {"item": item, "status": "error", "message": message}, request
            )
        ]
        if changed:
            progress = queries.progress(entry.diligence.all())
            parts.append(
                render_to_string("vendors/diligence.html#progress", {"progress": progress, "oob": True}, request)
            )
        parts.append(drawn)
        return HttpResponse("".join(parts), status=status)
    summary = [
        (
            form[name].auto_id if name in form.fields else f"item-{item.pk}",
            _label(form, name),
            " ".join(str(e) for e in errors),
        )
        for name, errors in form.errors.items()
    ]
    intro = f"“{item.title}”: " + ("your other changes are saved." if changed else "nothing was saved.")
    context = _diligence_context(request, entry, bound=form, error_summary=summary, error_intro=intro)
    return render(request, "vendors/diligence.html", context, status=status)


def _label(form: forms.BaseForm, name: str) -> str:
    # The bound field's label: Django's own for a field declared without one ("Status"), not "This item" (review 106).
    return str(form[name].label) if name in form.fields else "This item"


def _error_text(form: DiligenceItemForm) -> str:
    """A refused item's errors as one line, each named by its field (shown beside the item's fields)."""
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        text = " ".join(str(e) for e in errors)
        parts.append(f"{label}: {text}" if label else text)
    return "; ".join(parts)
