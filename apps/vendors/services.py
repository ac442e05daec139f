"""Writes to shortlists and due-diligence checklists, each in one transaction.

Two requests can race on one shortlist (two colleagues selecting different vendors), so every
status change locks the shortlist row first; the database's partial unique index is the backstop.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import User
from apps.accounts.scoping import update_pinned
from apps.common import events
from apps.common.drawn import Since, since_drawn
from apps.common.formatting import listed
from apps.common.hostile import says_something, visible_length
from apps.playbooks.engine import evaluate
from apps.playbooks.runtime import compiled_playbook
from apps.recommendations.models import Recommendation
from apps.recommendations.snapshot import Snapshot
from apps.recommendations.snapshot.write import written_snapshot
from apps.recommendations.whatif import original_answers
from apps.vendors import queries
from apps.vendors.forms import NOTES_MAX
from apps.vendors.models import (
    ITEM_FIELDS,
    DiligenceItem,
    Shortlist,
    ShortlistEntry,
    Vendor,
    item_value_drawn,
    item_values,
    text_drawn,
)

# A reason for short-listing a provider that misses a requirement must say something ("ok" does not).
EXCEPTION_REASON_MIN = 10

Status = ShortlistEntry.Status


class ShortlistError(ValidationError):
    """A refused change, with the message to show beside the field (``field``) or on top. ``conflict``: refused
    because someone changed it since the page was opened (a 409), not for what was sent."""

    def __init__(self, message: str, *, field: str | None = None, conflict: bool = False) -> None:
        super().__init__({field: [message]} if field else message)
        self.conflict = conflict


def _since_drawn(sent: str, current: str, drawn: str | None, what: str) -> str:
    """The text to store for a box: what was sent, or the current text when the page's box was left as it was drawn
    (a colleague's text since stays). Refused (``conflict``) when both this page and someone else changed it since
    it was drawn. ``drawn`` None: not checked (what was sent is stored)."""
    if not drawn:
        return sent
    found = since_drawn(drawn, text_drawn(sent), text_drawn(current))
    if found is not Since.CLASH:
        return current if found is Since.KEEP else sent
    raise ShortlistError(
        f"Someone changed the {what} since this page was opened, so nothing was saved. They now read: “{current}”. "
        "Your text is kept in the box: combine the two if both should stay, and save again.",
        field="notes" if what == "notes" else "rejection_reason",
        conflict=True,
    )


def transition_problem(entry: ShortlistEntry, to: str, reason: str, *, other_selected: bool) -> tuple[str, str] | None:
    """Why ``entry`` may not move to ``to`` (field, message), or None. Pure, so forms and tests share it."""
    if to not in Status.values:
        return "status", "Choose one of the statuses offered."
    if to == Status.REJECTED and not says_something(reason):
        # Asked of an entry rejected already too: saving it with the reason emptied would store a rejection with none.
        return "rejection_reason", "Say why the provider is rejected: the reason is kept with the shortlist."
    if to == entry.status:
        return None
    if to not in ShortlistEntry.TRANSITIONS[entry.status]:
        return "status", ShortlistEntry.moves_from(entry.status)
    if to == Status.SELECTED and other_selected:
        return "status", "Another vendor is already selected on this shortlist: move it back to 'RFP sent' first."
    return None


def exception_prefix(found: Any) -> str:
    """What a provider added although it misses a requirement has recorded before its reason, in its note."""
    missed = "; ".join(f.requirement.label for f in found.failures)
    return f"Added although it misses: {missed}. Reason: "


def reason_room(found: Any) -> int:
    """The characters a reason for adding ``found`` anyway has, the note holding what it misses first: the box's
    limit on the matching page (review 146: the box took 2,000 where 1,942 were kept)."""
    return max(EXCEPTION_REASON_MIN, NOTES_MAX - len(exception_prefix(found)))


@transaction.atomic
def add_vendor(
    *, recommendation: Recommendation, vendor: Vendor, user: User, notes: str = "", reason: str = ""
) -> ShortlistEntry:
    """Put a vendor on the recommendation's long list. A vendor the matching excludes goes on only with
    the buyer's ``reason`` for taking it despite what it misses (no provider may meet every requirement):
    the reason and the requirements it misses are recorded at the top of the entry's notes, so the
    shortlist shows them to everyone who reads it later."""
    result = queries.match_recommendation(recommendation, vendors=[vendor], today=timezone.localdate())
    found = result.get(vendor.code)
    if found is None:
        raise ShortlistError(f"{vendor.name} is retired and cannot be added.", field="vendor")
    notes = notes.strip()
    if not found.eligible:
        reason = " ".join(reason.split())
        if visible_length(reason) < EXCEPTION_REASON_MIN or not says_something(reason):
            # Each detail is a sentence of its own (review 161: "Equity research.; Delivers only from").
            failed = "; ".join(f.detail.rstrip(". ") for f in found.failures)
            given = visible_length(reason)
            # Whatever it misses (review 168: "the terms it has agreed to sign" for a provider that does not do the
            # work at all).
            example = "for example what it has agreed to do about it, or why it does not matter for this work"
            if given >= EXCEPTION_REASON_MIN:  # long enough, but no words (review 163: told of its length alone)
                # The example follows the ask, not the cause (review 166: "… has no letters or digits, for example
                # the terms it has agreed to sign").
                ask = f"say why in words, {example}: what you wrote has no letters or digits"
            else:
                wrote = f" (you wrote {given})" if given else ""
                ask = f"say why in at least {EXCEPTION_REASON_MIN} characters{wrote}, {example}"
            raise ShortlistError(
                f"{vendor.name} does not meet this recommendation's requirements: {failed}. To consider it "
                f"anyway, {ask}.",
                field="reason",
            )
        prefix = exception_prefix(found)
        recorded = f"{prefix}{reason}"
        typed = notes
        notes = f"{recorded}\n\n{notes}" if notes else recorded
        if len(notes) > NOTES_MAX:
            # The room the reason has, said as a number the buyer can meet (review 131: "the reason and the note
            # together" with no note typed, the box taking 2,000).
            room = NOTES_MAX - len(prefix) - (len(typed) + 2 if typed else 0)
            note = " with your note" if typed else ""
            raise ShortlistError(
                f"Keep the reason to {max(room, 0):,} characters or fewer{note}: it is recorded after what the "
                f"provider misses, in one note of at most {NOTES_MAX:,}.",
                field="reason",
            )
    shortlist, _ = Shortlist.objects.get_or_create(
        recommendation=recommendation,
        defaults={"organisation_id": recommendation.organisation_id, "created_by": user},
    )
    if shortlist.entries.filter(vendor=vendor).exists():
        raise ShortlistError(
            f"{vendor.name} is already among this recommendation's providers.", field="vendor", conflict=True
        )
    try:
        with transaction.atomic():
            return ShortlistEntry.objects.create(
                organisation_id=shortlist.organisation_id,
                shortlist=shortlist,
                vendor=vendor,
                notes=notes,
                added_by=user,
            )
    except IntegrityError:  # added by someone else a moment ago
        raise ShortlistError(
            f"{vendor.name} is already among this recommendation's providers.", field="vendor", conflict=True
        ) from None


def moved_since(entry: ShortlistEntry) -> str:
    """Why a status changed on a page drawn before someone moved the entry is refused."""
    return (
        f"Someone moved this vendor to “{entry.get_status_display()}” since this page was opened, so nothing was "
        "saved. Your notes are kept in the box: choose the status again knowing it, and save."
    )


@transaction.atomic
def change_entry(
    *,
    entry: ShortlistEntry,
    status: str,
    notes: str,
    rejection_reason: str = "",
    notes_drawn: str | None = None,
    rejection_drawn: str | None = None,
    status_drawn: str | None = None,
) -> ShortlistEntry:
    """Move an entry along the status flow and update its notes. Short-listing creates its checklist.
    ``notes_drawn`` and ``rejection_drawn``: the digests of the boxes as the page showed them (``text_drawn``): a box
    left as drawn keeps what is stored now, and one changed here and by someone else since is refused.
    ``status_drawn``: the status the page showed, likewise."""
    # Every statement names the organisation beside the ids, joined tables too (one node on Citus, docs/scaling.md).
    org = entry.organisation_id
    Shortlist.objects.select_for_update().get(organisation_id=org, pk=entry.shortlist_id)
    entry = (
        ShortlistEntry.objects.select_for_update()
        .select_related("shortlist__recommendation")
        .filter(organisation_id=org, shortlist__organisation_id=org, shortlist__recommendation__organisation_id=org)
        .get(pk=entry.pk)
    )
    other_selected = (
        ShortlistEntry.objects.filter(organisation_id=org, shortlist_id=entry.shortlist_id, status=Status.SELECTED)
        .exclude(pk=entry.pk)
        .exists()
    )
    if status_drawn:
        found = since_drawn(status_drawn, status, entry.status)
        if found is Since.CLASH:
            raise ShortlistError(moved_since(entry), field="status", conflict=True)
        if found is Since.KEEP:
            status = entry.status  # a move someone made since stays
    notes = _since_drawn(notes, entry.notes, notes_drawn, "notes")
    if status == Status.REJECTED:
        rejection_reason = _since_drawn(
            rejection_reason, entry.rejection_reason, rejection_drawn, "reason for rejecting"
        )
    problem = transition_problem(entry, status, rejection_reason, other_selected=other_selected)
    if problem:
        raise ShortlistError(problem[1], field=problem[0])
    changes = {
        "status": status,
        "notes": notes.strip(),
        "rejection_reason": rejection_reason.strip() if status == Status.REJECTED else "",
        "updated_at": timezone.now(),
    }
    update_pinned(entry, **changes)
    if entry.is_short_listed:
        create_checklist(entry=entry)
    return entry


@transaction.atomic
def remove_entry(*, entry: ShortlistEntry) -> None:
    """Take a vendor off the shortlist, with its checklist. The selected vendor must be un-selected first."""
    entry = ShortlistEntry.objects.select_for_update().get(organisation_id=entry.organisation_id, pk=entry.pk)
    if entry.status == Status.SELECTED:
        raise ShortlistError("The selected vendor cannot be removed: move it back to 'RFP sent' first.")
    # By organisation and id; the database deletes its checklist and overdue notices (apps/common/on_delete.py).
    ShortlistEntry.objects.filter(organisation_id=entry.organisation_id, pk=entry.pk).delete()


def checklist_rows(*snapshots: Snapshot) -> list[dict[str, Any]]:
    """The obligations of the snapshots (the recommendation, or it worked out for each of a provider's locations), in
    the order their result pages list them, each once."""
    rows: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    for regime in (r for snapshot in snapshots for r in snapshot.evaluation.regimes):
        for phase, label, obligations in regime.obligations:
            for obligation in obligations:
                if (key := (regime.code[:60], obligation.code[:60])) in seen:
                    continue
                seen.add(key)
                rows.append(
                    {
                        "regime_code": regime.code[:60],
                        "regime_name": regime.name[:200],
                        "obligation_code": obligation.code[:60],
                        "phase": phase[:20],
                        "phase_label": label[:60],
                        "title": obligation.title[:200],
                        "action": obligation.action,
                        "citation": obligation.citation[:200],
                        "source_url": (obligation.source_url or "")[:500],
                        "order": len(rows),
                    }
                )
    return rows


@dataclass(frozen=True)
class ChecklistBasis:
    """Where a shortlisted provider's checklist reads its regimes and obligations from: the recommendation as stored
    when the provider delivers from where it does (or records no location), else the recommendation worked out again
    for delivery from each of the provider's locations (``at``), those meeting every requirement if any do, else all
    of them (a provider short-listed anyway will deliver from there: review 87). ``moved``: those locations' codes."""

    snapshots: tuple[Snapshot, ...]
    moved: tuple[str, ...] = ()


def checklist_basis(recommendation: Recommendation, locations: list[str]) -> ChecklistBasis:
    """A provider's obligations follow where it delivers from (review 86: a provider in Poland was given India's data
    law, and not the GDPR its own location brings, from a recommendation worked out for India)."""
    record = recommendation.record
    ev = record.evaluation
    planned = {loc.code for loc in ev.candidate_locations} or {ev.delivered_from or ""}
    if not locations or planned & set(locations) or ev.delivered_from is None:
        return ChecklistBasis((record,))
    compiled = compiled_playbook(recommendation.playbook)
    answers = original_answers(recommendation, compiled)
    order = [loc.code for loc in ev.locations if loc.code in locations]
    unmet = unmet_locations(ev)
    meeting = [code for code in order if code not in unmet]
    snapshots, moved = [], []
    for code in meeting or order:
        evaluation = evaluate(compiled, answers, priced=False, at=code)
        if evaluation.delivered_from == code:
            written = written_snapshot(
                compiled, evaluation, record.stored_answers, title=recommendation.title, guidance=None, flips=None
            )
            snapshots.append(written[1])
            moved.append(code)
    if not snapshots:
        return ChecklistBasis((record,))
    return ChecklistBasis(tuple(snapshots), tuple(moved))


def unmet_locations(ev: Any) -> set[str]:
    """The locations of a recommendation that break a requirement the buyer set."""
    return {loc.code for loc in ev.locations if loc.excluded_because}


def checklist_note(entry: ShortlistEntry) -> str:
    """What the checklist page says of where its obligations were worked out for, when that is not where the
    recommendation delivers from ("" when it is)."""
    if not entry.checklist_from:
        return ""
    ev = entry.shortlist.recommendation.record.evaluation
    names = {loc.code: loc.in_text for loc in ev.locations}
    there = listed([names.get(code, code) for code in entry.checklist_from])
    planned = ev.delivery_location
    was = f", not {planned.in_text}, as the recommendation was" if planned is not None else ""
    unmet = unmet_locations(ev)
    broken = [names.get(code, code) for code in entry.checklist_from if code in unmet]
    short = (
        f" {listed(broken)} {'does' if len(broken) == 1 else 'do'} not meet every requirement you set: the result's "
        "“Where to deliver from” says which."
        if broken
        else ""
    )
    return (
        f"These obligations are worked out for delivery from {there}, where {entry.vendor.name} delivers from{was}: "
        f"obligations that hold only for delivery from elsewhere are left out, and those of delivery from there are in."
        f"{short}"
    )


def create_checklist(*, entry: ShortlistEntry) -> int:
    """The entry's due-diligence items, one per obligation; idempotent. Returns how many are new. Made once: a stored
    recommendation never changes, so an entry short-listed again keeps its items and is not worked out again."""
    if DiligenceItem.objects.filter(organisation_id=entry.organisation_id, entry=entry).exists():
        return 0
    locations = list(entry.vendor.delivery_locations.values_list("code", flat=True))
    basis = checklist_basis(entry.shortlist.recommendation, locations)
    rows = checklist_rows(*basis.snapshots)
    if list(basis.moved) != entry.checklist_from:
        ShortlistEntry.objects.filter(organisation_id=entry.organisation_id, pk=entry.pk).update(
            checklist_from=list(basis.moved)
        )
        entry.checklist_from = list(basis.moved)
    created = DiligenceItem.objects.bulk_create(
        [DiligenceItem(organisation_id=entry.organisation_id, entry=entry, **row) for row in rows],
        ignore_conflicts=True,
        unique_fields=["entry", "regime_code", "obligation_code"],
    )
    return len([item for item in created if item.pk])


def update_item(
    *,
    item: DiligenceItem,
    status: str,
    owner: User | None,
    due_date: datetime.date | None,
    evidence: str,
    user: User,
) -> DiligenceItem:
    values = {"status": status, "owner": owner, "due_date": due_date, "evidence": evidence}
    return save_item_fields(item=item, values=values, user=user)[0]


@transaction.atomic
def save_item_fields(
    *, item: DiligenceItem, values: Mapping[str, Any], user: User, shown: Mapping[str, str] | None = None
) -> tuple[DiligenceItem, list[str], list[str]]:
    """Store some of an item's fields (``ITEM_FIELDS``, already validated); the others stay as they are.

    ``shown``: each field as the page drew it (``item_value_drawn``). A field left as drawn keeps what is stored now
    (a colleague's change since stays); one changed here and by someone else since, to something else, is not stored
    (review 103: a stale form's empty evidence wiped a colleague's).

    Returns the item, the names of the fields that changed, and those refused as changed by someone else since; when
    none changed, nothing is written (not even who changed it last), so re-posting an unchanged form is no change.
    """
    unknown = set(values) - set(ITEM_FIELDS)
    if unknown:
        raise ValueError(f"not a checklist item field: {sorted(unknown)}")
    # The organisation and vendor come along (joined, not locked) for the announcement of a new owner.
    item = (
        DiligenceItem.objects.select_for_update(of=("self",))
        .select_related("entry__shortlist__organisation", "entry__vendor")
        .filter(
            organisation_id=item.organisation_id,
            entry__organisation_id=item.organisation_id,
            entry__shortlist__organisation_id=item.organisation_id,
        )
        .get(pk=item.pk)
    )
    wanted = {**values}
    if "evidence" in wanted:
        wanted["evidence"] = str(wanted["evidence"] or "").strip()
    current = item_values(item)
    clashed: list[str] = []
    if shown is not None:
        for name in list(wanted):
            found = since_drawn(
                shown[name], item_value_drawn(name, wanted[name]), item_value_drawn(name, current[name])
            )
            if found is not Since.TAKE:
                del wanted[name]  # left as drawn (what is stored now stays), or clashing
            if found is Since.CLASH:
                clashed.append(name)
    changed = [
        name
        for name, value in wanted.items()
        if current[name] != (getattr(value, "pk", value) if name == "owner" else value)
    ]
    if changed:
        update_pinned(
            item, **{**{name: wanted[name] for name in changed}, "updated_by": user, "updated_at": timezone.now()}
        )
    if "owner" in changed and item.owner is not None:
        _announce_owner(item, user)
    return item, changed, clashed


def _announce_owner(item: DiligenceItem, user: User) -> None:
    entry = item.entry
    events.announce(
        events.diligence_assigned,
        sender=DiligenceItem,
        organisation=entry.shortlist.organisation,
        actor=user,
        recipients=[item.owner],
        target=item,
        url=reverse("vendors:diligence", args=[entry.pk]),
        summary=f"{user} made {item.owner} the owner of “{item.title}” for {entry.vendor.name}",
    )
