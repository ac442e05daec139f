from __future__ import annotations

from django import forms

from apps.api import webhooks
from apps.api.models import Scope, WebhookEvent


class ApiKeyForm(forms.Form):
    name = forms.CharField(max_length=100, help_text="What uses it, e.g. “Sourcing suite (production)”.")
    scopes = forms.MultipleChoiceField(
        choices=Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[Scope.READ],
        help_text="Give a key only what its system needs.",
    )

    def clean_name(self) -> str:
        name = " ".join(str(self.cleaned_data["name"]).split())
        if not name:
            raise forms.ValidationError("Name the key.")
        return name


class WebhookForm(forms.Form):
    url = forms.URLField(
        max_length=500,
        assume_scheme="https",
        label="URL",
        help_text="Where to POST the events, e.g. https://sourcing.example.com/hooks/kpo.",
    )
    events = forms.MultipleChoiceField(
        choices=WebhookEvent.choices, widget=forms.CheckboxSelectMultiple, initial=[WebhookEvent.RECOMMENDATION_STORED]
    )

    def clean_url(self) -> str:
        url = str(self.cleaned_data["url"])
        try:
            webhooks.resolve(url)
        except webhooks.BlockedTarget as refused:
            raise forms.ValidationError(str(refused)) from None
        return url
