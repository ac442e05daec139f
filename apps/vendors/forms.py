"""Forms for the buyer's vendor pages. They validate and normalise; the services decide and write."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.db.models import Q

from apps.accounts.models import Membership, Organisation, User
from apps.common.hostile import OneValueEach, OneValueEachMixin
from apps.engagements.models import DeliveryLocation, KnowledgeFunction
from apps.vendors.models import DiligenceItem, ShortlistEntry, Vendor, item_drawn, item_shown, item_values, text_drawn

NOTES_MAX = 2000


class DirectoryFilter(OneValueEach):
    function = forms.ModelChoiceField(
        KnowledgeFunction.objects.active(), required=False, to_field_name="code", empty_label="Any function"
    )
    location = forms.ModelChoiceField(
        DeliveryLocation.objects.active(), required=False, to_field_name="code", empty_label="Any location"
    )

    def apply(self, vendors: Any) -> Any:
        if not self.is_bound:
            return vendors
        if not self.is_valid():
            return vendors.none()
        if function := self.cleaned_data.get("function"):
            vendors = vendors.filter(rates__function=function)
        if location := self.cleaned_data.get("location"):
            vendors = vendors.filter(delivery_locations=location)
        return vendors.distinct()


class AddVendorForm(OneValueEach):
    vendor = forms.ModelChoiceField(Vendor.objects.active(), to_field_name="code")
    notes = forms.CharField(required=False, max_length=NOTES_MAX, widget=forms.Textarea(attrs={"rows": 2}))
    # Needed only for a provider that misses a requirement; the service checks it against the matching.
    reason = forms.CharField(
        required=False,
        max_length=NOTES_MAX,
        label="Why consider it anyway",
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["vendor"].error_messages["invalid_choice"] = "Choose a vendor from the directory."
        self.fields["reason"].error_messages["max_length"] = f"Keep the reason to {NOTES_MAX:,} characters or fewer."
        # Named, and with the count (review 135: Django's "Ensure this value has at most 2000 characters").
        self.fields["notes"].error_messages["max_length"] = (
            f"Keep the note to {NOTES_MAX:,} characters or fewer (it has %(show_value)d)."
        )


class EntryForm(OneValueEach):
    status = forms.ChoiceField(choices=ShortlistEntry.Status.choices)
    rejection_reason = forms.CharField(
        required=False,
        max_length=NOTES_MAX,
        label="Reason for rejecting",
        help_text="Needed when the status is 'Rejected'.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    # Not "(optional)" beside a box a rejection needs (review 61).
    rejection_reason.optional_note = "(required to reject)"  # type: ignore[attr-defined]  # includes/form_field.html
    notes = forms.CharField(required=False, max_length=NOTES_MAX, widget=forms.Textarea(attrs={"rows": 2}))
    # What the page showed in each box (a digest: ``models.text_drawn``), so that a save from a page opened before
    # a colleague's leaves their text alone where this one did not change it, and refuses where both did (review
    # 100: a status changed from an older page wiped a colleague's notes). Absent (an older page): not checked.
    # The status the page showed: left as drawn, the status stored now stays (review 103: a stale page's "long list"
    # undid a colleague's rejection and cleared its reason).
    status_drawn = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)
    notes_drawn = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)
    rejection_drawn = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    def __init__(self, *args: Any, entry: ShortlistEntry, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", f"entry-{entry.pk}")
        kwargs.setdefault(
            "initial",
            {
                "status": entry.status,
                "notes": entry.notes,
                "rejection_reason": entry.rejection_reason,
                "status_drawn": entry.status,
                "notes_drawn": text_drawn(entry.notes),
                "rejection_drawn": text_drawn(entry.rejection_reason),
            },
        )
        super().__init__(*args, **kwargs)
        offered = (entry.status, *entry.next_statuses)
        status: Any = self.fields["status"]
        status.choices = [(s, ShortlistEntry.Status(s).label) for s in offered]
        self.fields["status"].error_messages["invalid_choice"] = ShortlistEntry.moves_from(entry.status)
        # Named, with its limit, and the box says its limit (review 140: Django's "Ensure this value has at most…").
        for name, what in (("notes", "the notes"), ("rejection_reason", "the reason")):
            self.fields[name].error_messages["max_length"] = (
                f"Keep {what} to {NOTES_MAX:,} characters or fewer (they have %(show_value)d)."
                if name == "notes"
                else f"Keep {what} to {NOTES_MAX:,} characters or fewer (it has %(show_value)d)."
            )
        self.fields["notes"].help_text = f"Up to {NOTES_MAX:,} characters."


def item_owners(organisation: Organisation, *, keep: int | None = None, shown: int | None = None) -> Any:
    """The members who can own a due-diligence item: editors and owners, since a viewer cannot update
    items. ``keep``: the item's current owner, still offered if their role has dropped to viewer, so
    saving a status does not quietly clear who owns the item; ``shown``: the owner the page drew, likewise, so a
    form drawn before someone else chose another owner is not refused for the one it showed (review 105)."""
    can_own = Q(role__in=(Membership.Role.EDITOR, Membership.Role.OWNER))
    for kept in (keep, shown):
        if kept is not None:
            can_own |= Q(user_id=kept)
    members = Membership.objects.filter(can_own, organisation=organisation).values("user_id")
    return User.objects.filter(pk__in=members).order_by("email")


# The years a due-diligence item's due date may fall in.
DUE_YEARS = (2000, 2100)


class DiligenceItemForm(OneValueEachMixin, forms.ModelForm):
    # The fields as the page drew them (``models.item_drawn``), so that a save from a form opened before a colleague's
    # leaves their changes alone where this one did not touch the field (review 103: a stale form's empty evidence
    # wiped a colleague's). Absent (an older page): not checked.
    drawn = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)

    class Meta:
        model = DiligenceItem
        fields = ["status", "owner", "due_date", "evidence"]
        widgets = {
            "due_date": forms.DateInput(
                attrs={"type": "date", "min": f"{DUE_YEARS[0]}-01-01", "max": f"{DUE_YEARS[1]}-12-31"},
                format="%Y-%m-%d",
            ),
            "evidence": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(
        self, *args: Any, organisation: Organisation, members: list[User] | None = None, **kwargs: Any
    ) -> None:
        """``members``: the users who may own an item (``item_owners``), read once for a page of many
        item forms."""
        kwargs.setdefault("prefix", f"item-{kwargs['instance'].pk}")
        super().__init__(*args, **kwargs)
        item = self.instance
        self.fields["drawn"].initial = item_drawn(item_values(item))
        # Opened in place by "Update" (htmx), the form takes the focus at its first box (static/js/focus-swapped.js).
        self.fields["status"].widget.attrs["data-focus-on-swap"] = ""
        owner: Any = self.fields["owner"]
        drawn = item_shown(str(self.data.get(self.add_prefix("drawn"), ""))) if self.is_bound else None
        shown = drawn["owner"] if drawn and drawn["owner"].isascii() and drawn["owner"].isdigit() else ""
        if shown != str(self.data.get(self.add_prefix("owner"), "")):
            shown = ""  # only an owner sent as it was drawn: one changed here is checked against who may own it now
        owner.queryset = item_owners(
            organisation, keep=self.instance.owner_id, shown=int(shown) if shown and len(shown) < 12 else None
        )
        if members is not None:
            owner.choices = [("", "Nobody yet"), *((u.pk, u.email) for u in members)]
        else:
            owner.label_from_instance = lambda user: user.email
            owner.empty_label = "Nobody yet"
        self.fields["status"].error_messages["invalid_choice"] = "Choose one of the statuses shown."
        owner.error_messages["invalid_choice"] = (
            "Choose a member of your organisation. Items are owned by editors and owners: viewers cannot update them."
        )
        self.fields["due_date"].error_messages["invalid"] = (
            "Enter a day that is in the calendar, as YYYY-MM-DD (for example 2026-05-15)."
        )
        evidence = self.fields["evidence"]
        assert isinstance(evidence, forms.CharField)  # the model's TextField
        evidence.max_length = NOTES_MAX
        evidence.validators.append(_max_length)

    def clean_due_date(self) -> datetime.date | None:
        """A due date in a year a checklist could mean: a date box being typed into sent years such as 0002 and 4202
        (review 56)."""
        due = self.cleaned_data.get("due_date")
        if due is not None and not DUE_YEARS[0] <= due.year <= DUE_YEARS[1]:
            raise forms.ValidationError(f"Enter a due date between {DUE_YEARS[0]} and {DUE_YEARS[1]}.")
        return due

    def clean_evidence(self) -> str:
        return str(self.cleaned_data.get("evidence") or "").strip()


def _max_length(value: str) -> None:
    if len(value) > NOTES_MAX:
        raise forms.ValidationError(f"Keep the notes to {NOTES_MAX:,} characters or fewer.")
