"""How an organisation comes to use KPO Advisor: ``manage.py create_organisation`` makes it and invites its first owner,
who is mailed the set-password link and joins on accepting; the sign-in page says accounts come by invitation (review
66: a new user found no way in and no word on how)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from apps.accounts.models import Invitation, Membership, Organisation, User

pytestmark = pytest.mark.django_db


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("create_organisation", *args, stdout=out)
    return out.getvalue()


def test_a_new_organisation_is_made_and_its_first_owner_invited_and_mailed(
    mailoutbox: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        said = _run("Acme Procurement Ltd", "Owner@Acme.example", "--base-url", "https://kpo.example/")

    organisation = Organisation.objects.get(name="Acme Procurement Ltd")
    assert organisation.slug == "acme-procurement-ltd"
    invitation = Invitation.objects.get(organisation=organisation)
    assert (invitation.email, invitation.role, invitation.invited_by) == ("owner@acme.example", "owner", None)
    assert not User.objects.get(email="owner@acme.example").has_usable_password()
    assert not Membership.objects.filter(organisation=organisation).exists()  # they join when they accept
    assert "invited owner@acme.example as its first owner" in said
    (mail,) = mailoutbox
    assert mail.to == ["owner@acme.example"] and "Acme Procurement Ltd" in mail.subject
    assert "You are invited to set up Acme Procurement Ltd on KPO Advisor, as its first owner" in mail.body
    assert "https://kpo.example/accounts/" in mail.body


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["\u200b", "a@b.example"], "Give the organisation a name"),
        (["Acme", "not-an-address"], "is not an email address"),
        (["Acme", "a@b.example", "--base-url", "ftp://x"], "must be the site's http or https address"),
        (["Acme", "a@b.example", "--base-url", "http://kpo.example/?next=//evil.example#"], "must be the site's"),
        (["Acme", "a@b.example", "--base-url", "http://attacker.example@kpo.example"], "must be the site's"),
        (["\u200b\u034f\ufe0f", "a@b.example"], "Give the organisation a name"),
    ],
)
def test_bad_arguments_are_refused_and_make_nothing(args: list[str], said: str) -> None:
    full = args if "--base-url" in args else [*args, "--base-url", "https://kpo.example"]
    with pytest.raises(CommandError, match=said):
        _run(*full)
    assert not Organisation.objects.exists() and not Invitation.objects.exists()


def test_a_name_in_use_is_refused(organisation: Organisation) -> None:
    for same in (organisation.name.upper(), organisation.name + "\u200b", "\u202e" + organisation.name):
        with pytest.raises(CommandError, match="exists already"):
            _run(same, "x@y.example", "--base-url", "https://kpo.example")


def test_asked_again_before_anyone_joined_it_sends_the_first_owner_a_new_invitation(
    mailoutbox: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # Review 67: the mailed link lasts days, the invitation 14, and a lost one had left the organisation no way in.
    with django_capture_on_commit_callbacks(execute=True):
        _run("Acme Ltd", "owner@acme.example", "--base-url", "https://kpo.example")
    with django_capture_on_commit_callbacks(execute=True):
        said = _run("Acme Ltd", "owner@acme.example", "--base-url", "https://kpo.example")
    assert "sent a new invitation" in said and Organisation.objects.filter(name="Acme Ltd").count() == 1
    assert Invitation.objects.open().filter(email="owner@acme.example").count() == 1 and len(mailoutbox) == 2
    with pytest.raises(CommandError, match="exists already"):  # another address is not a way in
        _run("Acme Ltd", "someone@else.example", "--base-url", "https://kpo.example")


def test_direction_controls_are_taken_out_of_the_name() -> None:
    _run("Acme\u202e dtL", "o@acme.example", "--base-url", "https://kpo.example")
    assert Organisation.objects.get().name == "Acme dtL"


def test_the_sign_in_page_says_how_accounts_come(client: Client) -> None:
    page = client.get("/accounts/login/").content.decode()
    assert "Accounts come by invitation" in page


def test_the_invited_owners_link_says_they_are_setting_a_password_to_join(
    client: Client, mailoutbox: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """Review 66: the invitation link opened "Choose a new password" for someone who never had one."""
    import re

    with django_capture_on_commit_callbacks(execute=True):
        _run("Acme Procurement Ltd", "owner@acme.example", "--base-url", "http://kpo.example")
    link = re.search(r"http://kpo.example(/\S+)", mailoutbox[0].body)
    assert link is not None
    page = client.get(link.group(1), follow=True).content.decode()
    assert "Set your password" in page and "You are invited to join Acme Procurement Ltd as an owner" in page
    assert "Choose a new password" not in page
