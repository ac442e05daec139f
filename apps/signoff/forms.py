from __future__ import annotations

from typing import Any

from django import forms

from apps.common.hostile import OneValueEach, ascii_int, looks_blank
from apps.signoff.models import MAX_APPROVALS, REASON_MAX, Decision


class DecisionForm(OneValueEach):
    outcome = forms.ChoiceField(
        choices=Decision.Outcome.choices,
        widget=forms.RadioSelect,
        label="Your decision",
        error_messages={"required": "Choose approve or reject.", "invalid_choice": "Choose approve or reject."},
    )
    reason = forms.CharField(
        required=False,
        label="Reason",
        help_text="Required for a rejection. It is recorded with your decision and cannot be changed.",
        # The length is checked in clean_reason, whose message writes the count as the page writes numbers.
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": REASON_MAX}),
    )
    reason.optional_note = "(required to reject)"  # type: ignore[attr-defined]  # includes/form_field.html

    def clean_reason(self) -> str:
        reason = str(self.cleaned_data.get("reason") or "").strip()
        if looks_blank(reason):  # characters that draw nothing say nothing (review 67)
            reason = ""
        if len(reason) > REASON_MAX:
            raise forms.ValidationError(
                f"Keep the reason to {REASON_MAX:,} characters or fewer (this one has {len(reason):,})."
            )
        return reason

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # A reason refused already (too long) is not also missing: one message, the one that says what to change.
        if data.get("outcome") == Decision.Outcome.REJECTED and not data.get("reason") and "reason" not in self.errors:
            self.add_error("reason", "Say why you reject it: the reason is recorded with your decision.")
        return data


class PolicyForm(OneValueEach):
    required = forms.BooleanField(required=False, label="Require approval of every new recommendation")
    approvals_needed = forms.IntegerField(
        min_value=1,
        max_value=MAX_APPROVALS,
        label="Approvals needed",
        # A text box that takes digits: a number box holding what was sent ("abc", refused) is invalid HTML (review 81).
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "size": 4}),
        error_messages={
            "required": "Say how many approvals a recommendation needs (1 or more).",
            "invalid": "Enter a whole number of approvals, like 2.",
            "min_value": "A recommendation needs at least 1 approval.",
            "max_value": f"Ask for {MAX_APPROVALS} approvals at most.",
        },
    )

    # What the page showed, sent back with it, so a save from an older page keeps a colleague's change to the field it
    # left alone, and a change of the same field since is a clash (review 108: an older page's unticked box switched
    # required approval off again). Blank from a form that carries none: what was sent is taken, as before.
    required_drawn = forms.CharField(required=False, widget=forms.HiddenInput)
    approvals_drawn = forms.CharField(required=False, widget=forms.HiddenInput)

    @classmethod
    def drawn_from(cls, policy: Any, data: Any = None) -> PolicyForm:
        """The form for ``policy`` as stored now: its values, and the same as what it draws. With ``data`` (a 409):
        what was changed on the page stays as typed, and what it left as drawn shows what is stored now, so saving it
        again changes only what was typed (review 110: an untouched box redrawn as sent switched approval off)."""
        drawn = {"required_drawn": "1" if policy.required else "0", "approvals_drawn": str(policy.approvals_needed)}
        if data is not None:
            was = cls(data)
            was.is_valid()
            was_required, was_needed = was.drawn()
            data = data.copy()
            if was_required is not None and ("required" in data) == was_required:  # the box left as drawn
                if policy.required:
                    data["required"] = "on"
                else:
                    data.pop("required", None)
            if was_needed is not None and str(data.get("approvals_needed", "")).strip() == str(was_needed):
                data["approvals_needed"] = str(policy.approvals_needed)
            for key, value in drawn.items():  # replaced, not added: a QueryDict's update appends a second value
                data[key] = value
        return cls(data, initial={"required": policy.required, "approvals_needed": policy.approvals_needed, **drawn})

    def drawn(self) -> tuple[bool | None, int | None]:
        """What the page showed: (required, approvals needed), each None when the form did not say (or said nothing a
        number of approvals could be: at most a few digits)."""
        data = getattr(self, "cleaned_data", {})
        required = {"1": True, "0": False}.get(str(data.get("required_drawn") or ""))
        return required, ascii_int(str(data.get("approvals_drawn") or ""), max_digits=4)

    def clean_approvals_needed(self) -> int:
        # Digits 0 to 9 only, as every other number the product reads (review 92: "٢" was taken as 2).
        raw = str(self.data.get(self.add_prefix("approvals_needed"), "")).strip()
        if not raw.isascii():
            raise forms.ValidationError("Enter a whole number of approvals with the digits 0 to 9, like 2.")
        return int(self.cleaned_data["approvals_needed"])


class ApproverForm(OneValueEach):
    can_approve = forms.TypedChoiceField(
        choices=[("yes", "Approver"), ("no", "Not an approver")],
        coerce=lambda value: value == "yes",
        error_messages={"required": "Choose approver or not.", "invalid_choice": "Choose approver or not."},
    )
