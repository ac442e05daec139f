"""A webhook's address is measured as stored, and a refusal says when the https:// added to what was typed made it too
long (review 154: 496 characters typed without a scheme were told to keep the address to 500)."""

from __future__ import annotations

import html

import pytest
from django.test import Client
from django.urls import reverse

from apps.api import webhooks
from apps.api.forms import WebhookForm
from apps.api.models import WebhookEndpoint

pytestmark = pytest.mark.django_db


def _address(length: int, scheme: str = "") -> str:
    start = f"{scheme}hooks.example.com/"
    return start + "a" * (length - len(start))


@pytest.fixture
def public(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(webhooks, "resolve", lambda url: ("hooks.example.com", 443, "93.184.216.34"))


def _form(url: str) -> WebhookForm:
    return WebhookForm({"url": url, "events": ["decision.made"]})


def test_an_address_typed_without_its_scheme_is_refused_saying_the_scheme_made_it_too_long(
    buyer_client: Client,
) -> None:
    typed = _address(496)
    response = buyer_client.post(reverse("api_keys:webhooks"), {"url": typed, "events": ["decision.made"]})
    page = html.unescape(response.content.decode())
    assert response.status_code == 400
    assert "With https:// added it is 504 characters: keep the address, https:// included, to 500" in page
    assert "Keep the address to 500 characters or fewer." not in page
    assert not WebhookEndpoint.objects.exists()


def test_an_address_that_fits_with_its_scheme_added_is_taken_whole(public: None) -> None:
    form = _form(_address(492))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["url"] == "https://" + _address(492)
    assert len(form.cleaned_data["url"]) == 500


def test_an_address_typed_too_long_keeps_the_plain_refusal(public: None) -> None:
    form = _form(_address(501, scheme="https://"))
    assert form.errors["url"] == ["Keep the address to 500 characters or fewer."]


def test_the_box_takes_500_characters() -> None:
    assert 'maxlength="500"' in str(_form("")["url"])
