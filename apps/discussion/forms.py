from __future__ import annotations

from typing import Any

from django import forms

from apps.common.hostile import OneValueEach, looks_blank
from apps.discussion.models import COMMENT_MAX, NOTIFIED_KINDS, Kind

MENTION_HELP = "Mention a colleague with @ and their email address or name, e.g. @dana@acme.test."


class CommentForm(OneValueEach):
    body = forms.CharField(
        label="Comment",
        strip=True,
        widget=forms.Textarea(attrs={"rows": 3}),
        # The limit said before it is reached, and the count with its thousands separated (review 86).
        help_text=f"{MENTION_HELP} Up to {COMMENT_MAX:,} characters.",
        error_messages={"required": "Write something first: an empty comment is not posted."},
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # No maxlength in the page: a browser cuts a longer paste without a word (review 48: 5,000 characters
        # with emoji posted as 3,909); the server refuses it instead, with the text kept in the box.
        self.fields["body"].widget.attrs.pop("maxlength", None)
        self.fields["parent"].error_messages["invalid"] = "That is not a comment you can reply to."

    def clean_body(self) -> str:
        body = str(self.cleaned_data["body"])
        if len(body) > COMMENT_MAX:
            raise forms.ValidationError(
                f"Keep a comment to {COMMENT_MAX:,} characters or fewer (this one has {len(body):,})."
            )
        if looks_blank(body):  # characters that draw nothing (a zero-width space) post an empty comment (review 65)
            raise forms.ValidationError(self.fields["body"].error_messages["required"])
        return body


# Changed answers reach a person only when a colleague's later save replaced theirs: said so where they choose.
PREFERENCE_LABELS = {Kind.ANSWERS_CHANGED.value: "Your answers replaced by a colleague's later save"}


class PreferencesForm(OneValueEach):
    kinds = forms.MultipleChoiceField(
        label="Send me an email for",
        choices=[(k, PREFERENCE_LABELS.get(k, Kind(k).label)) for k in NOTIFIED_KINDS],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    daily_digest = forms.BooleanField(
        label="Instead of one mail each, send one daily digest of my unread notifications", required=False
    )
