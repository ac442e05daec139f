"""The rule a new password must meet is said once, as the box's help: not Django's list of its validators' help, and
not again beside a refusal, which shows only the checks that failed (review 154)."""

from __future__ import annotations

import html

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from apps.accounts.forms import PASSWORD_HELP
from apps.accounts.models import User
from tests.factories import PASSWORD, InvitationFactory, UserFactory

pytestmark = pytest.mark.django_db

DJANGO_HELP = "can’t be too similar to your other personal information"


def _set_password_url(client: Client, user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return client.get(reverse("accounts:password_reset_confirm", args=[uid, default_token_generator.make_token(user)]))[
        "Location"
    ]


def _said_once(page: str) -> None:
    assert DJANGO_HELP not in page and "Your password must contain at least" not in page
    assert page.count(PASSWORD_HELP) == 1
    assert "Choose another" not in page


@pytest.mark.parametrize("invited", [False, True], ids=["reset", "invitation"])
def test_setting_a_password_says_the_rule_once_as_help_and_a_refusal_shows_only_the_failed_checks(
    client: Client, buyer: User, invited: bool
) -> None:
    user = buyer
    if invited:  # someone invited who has never had a password sets their first one on the same page
        user = UserFactory(email="new.person@acme.test", password=None)
        InvitationFactory(organisation=buyer.memberships.get().organisation, email=user.email, invited_by=buyer)
    url = _set_password_url(client, user)
    page = html.unescape(client.get(url).content.decode())
    assert ("Set your password" in page) is invited
    _said_once(page)
    assert 'id="id_new_password1_helptext"' in page
    refused = client.post(url, {"new_password1": "password123", "new_password2": "password123"})
    page = html.unescape(refused.content.decode())
    assert refused.context["form"].errors["new_password1"] == ["This password is too common."]
    _said_once(page)


def test_changing_a_password_says_the_rule_once_as_help_and_a_refusal_shows_only_the_failed_checks(
    buyer_client: Client,
) -> None:
    url = reverse("accounts:password_change")
    _said_once(html.unescape(buyer_client.get(url).content.decode()))
    refused = buyer_client.post(url, {"old_password": PASSWORD, "new_password1": "qz7#Lm", "new_password2": "qz7#Lm"})
    assert refused.context["form"].errors["new_password1"] == [
        "This password is too short. It must contain at least 10 characters."
    ]
    _said_once(html.unescape(refused.content.decode()))
