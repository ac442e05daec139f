from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from apps.api import webhooks
from apps.api.models import Scope, WebhookEvent
from apps.common.hostile import OneValueEach, looks_blank
from apps.common.once import OnceField


class ApiKeyForm(OneValueEach):
    name = forms.CharField(
        max_length=100,
        help_text="What uses it, e.g. “Sourcing suite (production)”.",
        error_messages={"required": "Name the key.", "max_length": "Keep the name to 100 characters or fewer."},
    )
    scopes = forms.MultipleChoiceField(
        choices=Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[Scope.READ],
        help_text="Give a key only what its system needs.",
        error_messages={"required": "Tick at least one scope.", "invalid_choice": "Tick read, write or both."},
    )
    once = OnceField()

    def clean_name(self) -> str:
        name = " ".join(str(self.cleaned_data["name"]).split())
        if looks_blank(name):  # characters that draw nothing name nothing (review 67)
            raise forms.ValidationError("Name the key.")
        return name


class _SchemeAddedURLField(forms.URLField):
    """A URL field whose length refusal says so when the scheme it added to what was typed made the address too long.
    The length is checked on the address as stored (``WebhookEndpoint.url`` holds 500 characters), so one typed in
    the box's 500 without its scheme may not fit once it is added: the refusal says that, rather than "keep it to
    500" beside an address of 496 (review 154)."""

    def __init__(self, *, assume_scheme: str, **kwargs: Any) -> None:
        super().__init__(assume_scheme=assume_scheme, **kwargs)
        self.scheme_added = f"{assume_scheme}://"

    def clean(self, value: Any) -> Any:
        try:
            return super().clean(value)
        except ValidationError as refused:
            if not any(e.code == "max_length" for e in refused.error_list):
                raise
            typed, url, scheme = str(value).strip(), str(self.to_python(value)), self.scheme_added
            limit = int(self.max_length or 0)
            if len(typed) > limit or url != scheme + typed:  # too long as typed: the field's own words say it
                raise
            added = ValidationError(
                f"With {scheme} added it is {len(url):,} characters: keep the address, {scheme} included, to "
                f"{limit:,} characters or fewer.",
                code="max_length",
            )
            raise ValidationError([added if e.code == "max_length" else e for e in refused.error_list]) from None


class WebhookForm(OneValueEach):
    url = _SchemeAddedURLField(
        max_length=500,
        assume_scheme="https",
        label="URL",
        help_text="Where to POST the events, e.g. https://sourcing.example.com/hooks/kpo.",
        # A text box that asks for a URL keyboard: a refused address is drawn back as typed, which a type="url" box
        # may not hold (Nu: bad value "not a url"; review 61).
        widget=forms.TextInput(attrs={"inputmode": "url", "autocomplete": "url", "spellcheck": "false"}),
        error_messages={
            "required": "Enter the address to send the events to.",
            "invalid": "Enter a web address like https://sourcing.example.com/hooks/kpo.",
            "max_length": "Keep the address to 500 characters or fewer.",
        },
    )
    events = forms.MultipleChoiceField(
        choices=WebhookEvent.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[WebhookEvent.RECOMMENDATION_STORED],
        error_messages={"required": "Tick at least one event.", "invalid_choice": "Tick one of the events listed."},
    )
    once = OnceField()

    def clean_url(self) -> str:
        url = str(self.cleaned_data["url"])
        try:
            webhooks.resolve(url)
        except webhooks.BlockedTarget as refused:
            raise forms.ValidationError(str(refused)) from None
        return url
