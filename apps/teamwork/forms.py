from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, cast

from django import forms

from apps.accounts.models import Membership
from apps.common.hostile import OneValueEach, says_something, visible_length
from apps.teamwork.models import GIVEN, Stakeholder


class AssignForm(OneValueEach):
    """Per section, who answers it (``section-<code>``: "", "member-<id>" or "role-<code>") and who is asked
    for a second opinion (``opinion-<code>``: "" or "<membership id>"). Only the organisation's members are
    offered; anything else is refused."""

    def __init__(
        self,
        *args: Any,
        sections: Sequence[tuple[str, str]],
        members: Sequence[Membership],
        started_by: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.sections = sections
        self.by_key = {f"member-{m.pk}": m for m in members}
        # Not whoever started the assessment: they settle the differences, so an opinion of their own against their
        # own answers could never be settled (review 73).
        # Kept, as assigned ones are; and what the page showed (``was-``), so a select left as drawn is not refused
        # for a member made a viewer since (review 105).
        # Only a select sent as it was drawn: one changed here is checked against who may be chosen now.
        shown = {
            value
            for k, v in self.data.items()
            if k.startswith("was-") and v and (value := str(v).removesuffix(GIVEN)) == self.data.get(k[4:])
        }
        asked = {str(v) for k, v in self.initial.items() if k.startswith("opinion-") and v} | shown
        self.reviewers = {
            str(m.pk): m for m in members if m.can_edit and (m.user_id != started_by or str(m.pk) in asked)
        }
        # Those who can answer: a viewer could be assigned a section, was told so, and found it read-only (review 56).
        # One assigned already (a member since made a viewer) stays listed, so saving the page changes nothing else.
        assigned = {str(v) for k, v in self.initial.items() if k.startswith("section-") and v} | shown
        people = [(key, str(m.user)) for key, m in self.by_key.items() if m.can_edit or key in assigned]
        roles = [(f"role-{value}", f"Whoever is {label.lower()}") for value, label in Stakeholder.choices]
        for code, title in sections:
            self.fields[f"section-{code}"] = forms.ChoiceField(
                label=title,
                required=False,
                choices=[("", "Anyone who may edit"), *people, *roles],
                error_messages={
                    "invalid_choice": "Choose a member who edits, or a role: the one chosen is not in the "
                    "organisation now (removed since this page was opened), or is a viewer, and a viewer can only "
                    "read, so cannot answer it."
                },
            )
            self.fields[f"opinion-{code}"] = forms.ChoiceField(
                label=f"Second opinion on {title}",
                required=False,
                choices=[("", "None"), *((k, str(m.user)) for k, m in self.reviewers.items())],
                error_messages={
                    "invalid_choice": "Choose a member who edits, or nobody: the one chosen is not in the "
                    "organisation now (removed since this page was opened), or can only read."
                },
            )
        # A select sent as the page drew it, naming a member removed since: left as it is, not refused for a choice
        # nobody made here (review 123: a stale page's untouched select blocked the change made beside it).
        for name, field in list(self.fields.items()):
            sent = str(self.data.get(name) or "")
            drawn = str(self.data.get(f"was-{name}") or "").removesuffix(GIVEN)
            if isinstance(field, forms.ChoiceField) and sent and sent == drawn:
                offered = list(cast(Iterable[tuple[str, str]], field.choices))
                if sent not in {str(v) for v, _ in offered}:
                    field.choices = [*offered, (sent, "a member no longer in the organisation")]
        # What the page showed in each select (``was-<name>``), so that a save from a page opened before a colleague's
        # change leaves the selects it did not touch alone (review 103: a stale page's "None" withdrew a second
        # opinion asked and given since, with its answers), and refuses one changed here and by someone else since.
        for name in [n for n in self.fields if n.startswith(("section-", "opinion-"))]:
            self.fields[f"was-{name}"] = forms.CharField(
                required=False,
                max_length=40,
                widget=forms.HiddenInput,
                initial=self.initial.get(f"was-{name}", self.initial.get(name, "")),
            )

    def clean(self) -> dict[str, Any]:
        """A member chosen both to answer a section and to give its second opinion, as the page sent it, is refused on
        the opinion's select, the choices kept (review 122: refused by the save alone, the page came back as stored,
        every choice lost). The save checks it again against what is stored, under the draft's lock."""
        data = super().clean() or {}
        for code, title in self.sections:
            answerer, reviewer = data.get(f"section-{code}"), data.get(f"opinion-{code}")
            if answerer and reviewer and answerer == f"member-{reviewer}":
                who = self.reviewers.get(reviewer) or self.by_key.get(answerer)
                self.add_error(
                    f"opinion-{code}",
                    f"{who.user if who else 'That member'} would both answer “{title}” and give its second opinion: "
                    "choose someone other than who answers, or nobody.",
                )
        return data

    def _changed(self, name: str) -> bool:
        """Posted, and (on a page that says what it showed) changed on this page."""
        if name not in self.data:
            return False
        if f"was-{name}" not in self.data:  # an older page, or a post naming only what it changes
            return True
        return self.cleaned_data[name] != self.cleaned_data[f"was-{name}"].removesuffix(GIVEN)

    # Only the fields posted and changed on the page change: a form that names one section leaves the others as they
    # are, and so does a select left as the page drew it.
    def assignments(self) -> dict[str, Membership | str | None]:
        result: dict[str, Membership | str | None] = {}
        for code, _ in self.sections:
            if self._changed(f"section-{code}"):
                value = self.cleaned_data[f"section-{code}"]
                result[code] = self.by_key.get(value) or (value.removeprefix("role-") if value else None)
        return result

    def opinions(self) -> dict[str, Membership | None]:
        return {
            code: self.reviewers.get(self.cleaned_data[f"opinion-{code}"])
            for code, _ in self.sections
            if self._changed(f"opinion-{code}")
        }

    def drawn(self) -> dict[str, tuple[str, str]]:
        """Each select changed on this page that says what it showed: its name, with (what it showed, what was
        chosen), for ``services.assign_sections`` to check against what is stored now."""
        return {
            name: (self.cleaned_data[f"was-{name}"], self.cleaned_data[name])
            for code, _ in self.sections
            for name in (f"section-{code}", f"opinion-{code}")
            if f"was-{name}" in self.data and self._changed(name)
        }


class SettleForm(OneValueEach):
    # Plain words (review 73: Django's "This field is required." and "Ensure this value has at least 10 characters").
    choice = forms.ChoiceField(
        choices=[("first", "Keep the answer given"), ("second", "Take the second opinion")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose which answer stands.", "invalid_choice": "Choose which answer stands."},
    )
    reason = forms.CharField(
        min_length=10,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Why (recorded).",
        error_messages={
            "required": "Give the reason in at least 10 characters.",
            "min_length": "Give the reason in at least 10 characters.",
            "max_length": "Keep the reason to 2,000 characters or fewer.",
        },
    )

    # The settlement the page showed (``Settlement.stamp``, or "none"): a settle from a page drawn before another was
    # recorded is refused (review 85). Absent: not checked.
    seen = forms.CharField(
        required=False,
        max_length=60,
        widget=forms.HiddenInput,
        error_messages={"max_length": "This page's record of what it showed is not one it drew: reload the page."},
    )

    def clean_reason(self) -> str:
        reason = " ".join(str(self.cleaned_data["reason"]).split())
        if visible_length(reason) < 10 or not says_something(reason):
            raise forms.ValidationError("Give the reason in at least 10 characters.")
        return reason


class StakeholderRolesForm(OneValueEach):
    """Per member, the stakeholder roles they hold (``roles-<membership id>``)."""

    def __init__(self, *args: Any, members: Sequence[Membership], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.members = members
        for m in members:
            self.fields[f"roles-{m.pk}"] = forms.MultipleChoiceField(
                label=str(m.user), required=False, choices=Stakeholder.choices, widget=forms.CheckboxSelectMultiple
            )
        # What the page showed each member holding (``was-roles-<id>``: the roles, comma-joined in order), so that a
        # save from a page opened before a colleague's leaves the members it did not change alone (review 103: a
        # stale page cleared the roles another owner had just given).
        for m in members:
            self.fields[f"was-roles-{m.pk}"] = forms.CharField(
                required=False,
                max_length=400,
                widget=forms.HiddenInput,
                initial=",".join(sorted(self.initial.get(f"roles-{m.pk}", []))),
            )

    def changes(self) -> dict[Membership, tuple[frozenset[str] | None, frozenset[str]]]:
        """Each member whose roles this page changed (or, on a page that does not say what it showed, every member):
        what the page showed (None when it does not say) and the roles chosen."""
        found: dict[Membership, tuple[frozenset[str] | None, frozenset[str]]] = {}
        # A page that says what it showed names every member it drew: one it does not (who joined since) is left alone
        # (review 105: their roles, given since in another tab, were cleared).
        says = any(key.startswith("was-roles-") for key in self.data)
        for m in self.members:
            chosen = frozenset(self.cleaned_data[f"roles-{m.pk}"])
            if f"was-roles-{m.pk}" not in self.data:
                if not says:
                    found[m] = (None, chosen)
                continue
            shown = frozenset(r for r in self.cleaned_data[f"was-roles-{m.pk}"].split(",") if r)
            if shown != chosen:
                found[m] = (shown, chosen)
        return found
