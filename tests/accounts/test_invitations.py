"""Membership by consent: owners invite, and only the invited person's Accept makes a member.

The attack this guards against: an owner of "Aardvark ..." added an existing account of another
organisation by email; the victim was a member at once, and after their next sign-in Aardvark (first
by name) was where their next assessment landed.
"""

from __future__ import annotations

import html
import logging
import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.db import IntegrityError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import Invitation, Membership, Organisation, User
from tests.factories import InvitationFactory, MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

SECURITY = "kpo_advisor.security"


@pytest.fixture
def aardvark(db: None) -> Organisation:
    return OrganisationFactory(name="Aardvark Holdings")


@pytest.fixture
def mallory(aardvark: Organisation) -> User:
    """Owner of an organisation whose name sorts before everyone else's."""
    return MembershipFactory(organisation=aardvark, role="owner", user__email="mallory@aardvark.test").user


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def invite(owner: User, email: str, role: str = "editor") -> Any:
    return signed_in(owner).post(reverse("accounts:members"), {"email": email, "role": role}, follow=True)


def working_in(user: User) -> str:
    """The organisation a fresh sign-in of ``user`` works in (the members page names it)."""
    body = signed_in(user).get(reverse("accounts:members")).content.decode()
    return body.split("<h1>Members of ", 1)[1].split("</h1>", 1)[0]


def events(caplog: pytest.LogCaptureFixture, name: str) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == SECURITY and f"event={name} " in r.getMessage()]


def test_an_invited_user_is_a_member_only_after_accepting(
    mallory: User, aardvark: Organisation, outsider: User, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger=SECURITY)
    invite(mallory, "outsider@other.test", "viewer")
    assert not Membership.objects.filter(user=outsider, organisation=aardvark).exists()
    assert len(events(caplog, "invitation_sent")) == 1

    client = signed_in(outsider)
    page = client.get(reverse("accounts:invitations")).content.decode()
    assert "Aardvark Holdings" in page and "mallory@aardvark.test" in page
    invitation = Invitation.objects.get(email="outsider@other.test")
    response = client.post(reverse("accounts:accept_invitation", args=[invitation.pk]))
    assert response.status_code == 302

    membership = Membership.objects.get(user=outsider, organisation=aardvark)
    assert membership.role == "viewer" and membership.added_by == mallory
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None and not invitation.is_open
    assert len(events(caplog, "invitation_accepted")) == 1


def test_declining_leaves_no_membership(
    mallory: User, aardvark: Organisation, outsider: User, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger=SECURITY)
    invite(mallory, "outsider@other.test")
    invitation = Invitation.objects.get()
    client = signed_in(outsider)
    assert client.post(reverse("accounts:decline_invitation", args=[invitation.pk])).status_code == 302
    invitation.refresh_from_db()
    assert invitation.declined_at is not None
    assert not Membership.objects.filter(user=outsider, organisation=aardvark).exists()
    assert len(events(caplog, "invitation_declined")) == 1
    # Answered once: accepting it afterwards opens nothing.
    # Declined, it is not accepted after all: refused with why (409, review 82), not a 404.
    assert client.post(reverse("accounts:accept_invitation", args=[invitation.pk])).status_code == 409
    assert not Membership.objects.filter(user=outsider, organisation=aardvark).exists()


def test_the_owner_gets_the_same_answer_whether_or_not_the_email_has_an_account(
    mallory: User, outsider: User, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        known = invite(mallory, "outsider@other.test")
        unknown = invite(mallory, "nobody@nowhere.test")
    assert known.status_code == unknown.status_code == 200
    # Each lands at its own invitation's row (where the page puts the focus); the same page otherwise.
    chains = [[(url.split("#")[0], code) for url, code in r.redirect_chain] for r in (known, unknown)]
    assert chains[0] == chains[1]
    for response, email in ((known, "outsider@other.test"), (unknown, "nobody@nowhere.test")):
        pk = Invitation.objects.get(email=email).pk
        assert response.redirect_chain[-1][0].endswith(f"#invitation-{pk}")
        assert f'<tr id="invitation-{pk}">' in response.content.decode()
    messages = [[str(m) for m in r.context["messages"]] for r in (known, unknown)]
    assert messages == [
        ["Invitation sent to outsider@other.test. They join when they accept."],
        ["Invitation sent to nobody@nowhere.test. They join when they accept."],
    ]
    # Both are listed as pending, and each address got one email.
    assert "outsider@other.test" in unknown.content.decode() and "nobody@nowhere.test" in unknown.content.decode()
    assert sorted(m.to[0] for m in mail.outbox) == ["nobody@nowhere.test", "outsider@other.test"]


def test_an_invitation_does_not_move_the_invited_user_to_the_inviting_organisation(
    mallory: User, outsider: User
) -> None:
    invite(mallory, "outsider@other.test")
    assert working_in(outsider) == "Other Corp"
    client = signed_in(outsider)
    client.post(reverse("accounts:accept_invitation", args=[Invitation.objects.get().pk]))
    # Accepted without choosing to switch: this session and the next sign-in stay where they were.
    assert "Members of Other Corp" in client.get(reverse("accounts:members")).content.decode()
    assert working_in(outsider) == "Other Corp"


def test_accepting_and_switching_makes_the_new_organisation_current(mallory: User, outsider: User) -> None:
    invite(mallory, "outsider@other.test")
    client = signed_in(outsider)
    client.post(reverse("accounts:accept_invitation", args=[Invitation.objects.get().pk]), {"switch": "on"})
    assert "Members of Aardvark Holdings" in client.get(reverse("accounts:members")).content.decode()
    assert working_in(outsider) == "Aardvark Holdings"


def test_after_sign_in_the_current_organisation_is_the_last_chosen_then_the_oldest(
    outsider: User, aardvark: Organisation, other_organisation: Organisation
) -> None:
    # A membership made before invitations existed (added without consent), newer than their own.
    MembershipFactory(user=outsider, organisation=aardvark, role="viewer")
    assert working_in(outsider) == "Other Corp"  # the oldest, not the first by name
    client = signed_in(outsider)
    client.post(reverse("accounts:switch_organisation"), {"organisation": aardvark.pk})
    assert working_in(outsider) == "Aardvark Holdings"  # chosen last
    client.post(reverse("accounts:switch_organisation"), {"organisation": other_organisation.pk})
    assert working_in(outsider) == "Other Corp"


@pytest.mark.parametrize("who", ["buyer", "colleague", "viewer"])
def test_only_the_invited_user_can_answer_an_invitation(request: pytest.FixtureRequest, who: str) -> None:
    """Even the owner who sent it gets a 404: the invitation belongs to the invited email."""
    outsider = request.getfixturevalue("outsider")
    invite(request.getfixturevalue("buyer"), outsider.email)
    invitation = Invitation.objects.get()
    client = signed_in(request.getfixturevalue(who))
    for name in ("accounts:accept_invitation", "accounts:decline_invitation"):
        assert client.post(reverse(name, args=[invitation.pk])).status_code == 404
    invitation.refresh_from_db()
    assert invitation.is_open
    assert not Membership.objects.filter(user=outsider, organisation=invitation.organisation).exists()


def test_answering_needs_a_signed_in_post(buyer: User, outsider: User) -> None:
    invite(buyer, outsider.email)
    invitation = Invitation.objects.get()
    assert Client().post(reverse("accounts:accept_invitation", args=[invitation.pk])).status_code == 302  # sign in
    assert signed_in(outsider).get(reverse("accounts:accept_invitation", args=[invitation.pk])).status_code == 405
    assert not Membership.objects.filter(user=outsider, organisation=invitation.organisation).exists()


def test_the_owner_lists_and_cancels_pending_invitations(buyer: User, buyer_client: Client, outsider: User) -> None:
    invite(buyer, outsider.email, "viewer")
    invitation = Invitation.objects.get()
    assert "<td>outsider@other.test</td>" in buyer_client.get(reverse("accounts:members")).content.decode()
    assert buyer_client.post(reverse("accounts:cancel_invitation", args=[invitation.pk])).status_code == 302
    invitation.refresh_from_db()
    assert invitation.cancelled_at is not None
    assert "<td>outsider@other.test</td>" not in buyer_client.get(reverse("accounts:members")).content.decode()
    # Cancelled, it is refused with why (409, review 82), not a 404.
    assert signed_in(outsider).post(reverse("accounts:accept_invitation", args=[invitation.pk])).status_code == 409
    assert not Membership.objects.filter(user=outsider, organisation=invitation.organisation).exists()


@pytest.mark.parametrize("who", ["colleague_client", "viewer_client"])
def test_only_owners_cancel_invitations(request: pytest.FixtureRequest, buyer: User, who: str) -> None:
    invite(buyer, "someone@new.test")
    invitation = Invitation.objects.get()
    response = request.getfixturevalue(who).post(reverse("accounts:cancel_invitation", args=[invitation.pk]))
    assert response.status_code == 403
    invitation.refresh_from_db()
    assert invitation.is_open


def test_editors_and_viewers_do_not_see_pending_invitations(buyer: User, colleague_client: Client) -> None:
    invite(buyer, "someone@new.test")
    assert "someone@new.test" not in colleague_client.get(reverse("accounts:members")).content.decode()


def test_a_second_open_invitation_is_refused_clearly_and_one_after_a_decline_is_fine(
    buyer: User, outsider: User
) -> None:
    invite(buyer, outsider.email)
    again = invite(buyer, "Outsider@Other.test")
    assert again.status_code == 400
    assert "already has a pending invitation" in again.content.decode()
    assert Invitation.objects.count() == 1
    signed_in(outsider).post(reverse("accounts:decline_invitation", args=[Invitation.objects.get().pk]))
    assert invite(buyer, outsider.email).status_code == 200
    assert Invitation.objects.open().count() == 1


def test_the_database_allows_one_open_invitation_per_organisation_and_email(
    organisation: Organisation, buyer: User
) -> None:
    InvitationFactory(organisation=organisation, email="x@y.test", invited_by=buyer)
    with pytest.raises(IntegrityError):
        InvitationFactory(organisation=organisation, email="x@y.test", invited_by=buyer)


def test_someone_new_sets_a_password_signs_in_and_accepts(
    buyer: User, organisation: Organisation, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        invite(buyer, "new.person@acme.test", "editor")
    link = next(line for line in mail.outbox[0].body.splitlines() if "/accounts/password/reset/" in line)
    client = Client()
    # The link starts with SITE_URL (never the request's host): the path is what this client follows.
    form_url = client.get(urlsplit(re.search(r"https?://\S+", link).group(0)).path)["Location"]  # type: ignore[union-attr]
    new = "a-brand-new-passphrase-42"
    # A password too short is said while the two boxes still differ (review 58), nothing set.
    refused = client.post(form_url, {"new_password1": "short1", "new_password2": "short2"})
    assert refused.status_code == 400 and "too short" in " ".join(refused.context["form"].errors["new_password1"])
    assert client.post(form_url, {"new_password1": new, "new_password2": new}).status_code == 302
    user = User.objects.get(email="new.person@acme.test")
    assert not Membership.objects.filter(user=user).exists()  # setting a password is not consent

    assert client.post(reverse("accounts:login"), {"username": user.email, "password": new}).status_code == 302
    home = client.get(reverse("home")).content.decode()
    assert "You have 1 invitation to join an organisation" in home
    # Review 61: someone with no organisation was told to ask for an invitation they had, and offered a box to
    # "work in" the organisation instead of their current one, which they did not have.
    waiting = html.unescape(client.get(reverse("questionnaire:list")).content.decode())
    assert "an invitation to one is waiting for you" in waiting and "Ask an owner" not in waiting
    offered = client.get(reverse("accounts:invitations")).content.decode()
    # Review 181: one invitation read "these organisations" and "the first you accept".
    assert (
        'name="switch"' not in offered and "is invited to this organisation. You join it only if you accept" in offered
    )
    assert "and then you work in it" in offered and "the first you accept" not in offered
    client.post(reverse("accounts:accept_invitation", args=[Invitation.objects.get().pk]))
    assert Membership.objects.get(user=user).organisation == organisation
    assert "Members of Acme Procurement" in client.get(reverse("accounts:members")).content.decode()
    assert "invitation to join" not in client.get(reverse("home")).content.decode()


def test_a_user_without_an_organisation_sees_their_invitations(buyer: User, curator: User) -> None:
    invite(buyer, curator.email)
    response = signed_in(curator).get(reverse("accounts:members"))
    assert response.status_code == 403
    assert "You have 1 invitation to join an organisation" in response.content.decode()


def test_the_home_page_shows_no_notice_without_pending_invitations(buyer_client: Client) -> None:
    assert "invitation to join" not in buyer_client.get(reverse("home")).content.decode()


def test_an_existing_account_without_a_password_gets_the_set_password_email(
    buyer: User, django_capture_on_commit_callbacks: Any
) -> None:
    User.objects.create_user("invited.before@acme.test")  # invited earlier, never set a password
    with django_capture_on_commit_callbacks(execute=True):
        invite(buyer, "invited.before@acme.test")
    assert "/accounts/password/reset/" in mail.outbox[0].body


def test_invitations_page_for_the_signed_in_user_only_lists_their_own(
    buyer: User, outsider: User, viewer: User
) -> None:
    invite(buyer, outsider.email)
    title = '<h2 class="card__title">Acme Procurement</h2>'
    assert title in signed_in(outsider).get(reverse("accounts:invitations")).content.decode()
    theirs = signed_in(viewer).get(reverse("accounts:invitations")).content.decode()
    assert title not in theirs and "No invitations are waiting for you." in theirs


def test_an_invitation_expires_and_a_new_one_replaces_it(mallory: User, aardvark: Organisation, outsider: User) -> None:
    """Review 35: invitations never expired, so an old one (an owner's, since removed) let its address in for good."""
    from datetime import timedelta

    from django.conf import settings
    from django.utils import timezone

    invite(mallory, outsider.email)
    invitation = Invitation.objects.get(email=outsider.email)
    Invitation.objects.filter(pk=invitation.pk).update(
        created_at=timezone.now() - timedelta(days=settings.INVITATION_DAYS, minutes=1)
    )
    client = signed_in(outsider)
    assert aardvark.name not in client.get(reverse("accounts:invitations")).content.decode()
    refused = client.post(reverse("accounts:accept_invitation", args=[invitation.pk]), follow=True)
    assert "This invitation expired on" in refused.content.decode()
    assert not Membership.objects.filter(organisation=aardvark, user=outsider).exists()
    owner_page = signed_in(mallory).get(reverse("accounts:members")).content.decode()
    assert "(expired: invite them again)" in owner_page
    invite(mallory, outsider.email)  # the expired one makes way
    new = Invitation.objects.get(email=outsider.email, cancelled_at__isnull=True)
    assert new.pk != invitation.pk
    assert client.post(reverse("accounts:accept_invitation", args=[new.pk])).status_code == 302
    assert Membership.objects.filter(organisation=aardvark, user=outsider).exists()


def test_invitations_to_one_address_and_from_one_organisation_are_limited(
    mallory: User, aardvark: Organisation, settings: Any
) -> None:
    """Review 35: invite and cancel four times sent four mails, each with a working set-password link."""
    settings.INVITATIONS_PER_ADDRESS = 2
    victim = "victim@elsewhere.test"
    for _ in range(2):
        assert "Invitation sent" in invite(mallory, victim).content.decode()
        signed_in(mallory).post(
            reverse("accounts:cancel_invitation", args=[Invitation.objects.get(email=victim, cancelled_at=None).pk])
        )
    mail.outbox.clear()
    third = invite(mallory, victim).content.decode()
    assert (
        "has been invited several times today" in third
        and not Invitation.objects.filter(email=victim, cancelled_at=None).exists()
    )
    settings.INVITATIONS_PER_ORGANISATION = 3
    assert "Invitation sent" in invite(mallory, "next@elsewhere.test").content.decode()
    assert "many invitations in the last hour" in invite(mallory, "another@elsewhere.test").content.decode()


def test_cancelling_an_invitation_removes_the_account_it_made_and_nobody_used(
    mallory: User, aardvark: Organisation, outsider: User
) -> None:
    invite(mallory, "new@elsewhere.test")
    invite(mallory, outsider.email)
    for email in ("new@elsewhere.test", outsider.email):
        pk = Invitation.objects.get(email=email).pk
        signed_in(mallory).post(reverse("accounts:cancel_invitation", args=[pk]))
    assert not User.objects.filter(email="new@elsewhere.test").exists()  # its set-password link leads nowhere now
    assert User.objects.filter(pk=outsider.pk).exists()  # an account in use stays


def test_a_user_joining_their_first_organisation_is_told_they_work_in_it(mallory: User) -> None:
    # Review 56: a new user was told to "switch to it from the header", which has no switcher for one organisation.
    invite(mallory, "first@new.test", "editor")
    newcomer = User.objects.get(email="first@new.test")
    client = signed_in(newcomer)
    response = client.post(reverse("accounts:accept_invitation", args=[Invitation.objects.get().pk]), follow=True)
    page = response.content.decode()
    assert "You joined Aardvark Holdings and are now working in it." in page
    assert "Switch to it from the header" not in page


def test_a_failed_sign_in_or_reset_request_says_error_in_the_title_and_takes_the_focus(client: Client) -> None:
    page = client.post(reverse("accounts:login"), {"username": "nobody@x.test", "password": "wrong-password"})
    body = page.content.decode()
    assert "<title>Error: Sign in" in body and "data-error-summary" in body
    assert "required autofocus" not in body  # the focus goes to the errors, not back to the email box
    reset = client.post(reverse("accounts:password_reset"), {"email": "not an address"}).content.decode()
    assert "<title>Error: Reset your password" in reset and 'id="error-summary"' in reset


def test_an_invited_person_whose_set_password_link_expired_gets_a_fresh_one_from_forgotten_password(
    buyer: User, django_capture_on_commit_callbacks: Any
) -> None:
    # Review 76: the link lasts PASSWORD_RESET_TIMEOUT (3 days), the invitation 14; "Forgotten your password?" said a
    # link was sent, and sent none to an account without a password.
    from apps.accounts.tasks import send_password_reset_mail

    with django_capture_on_commit_callbacks(execute=True):
        invite(buyer, "late.joiner@acme.test")
    first = mail.outbox[0].body
    assert "expires in 3 days" in first and "/accounts/password/reset/ with this email address" in first
    send_password_reset_mail.call(email="Late.Joiner@acme.test", domain="kpo.example", use_https=True)
    assert len(mail.outbox) == 2
    again = mail.outbox[1]
    assert again.to == ["late.joiner@acme.test"] and "has invited you to join" in again.body
    assert "https://kpo.example/accounts/password/reset/" in again.body
    # Once the invitation is cancelled or answered, nothing more is sent to an account without a password.
    Invitation.objects.filter(email="late.joiner@acme.test").update(cancelled_at=timezone.now())
    send_password_reset_mail.call(email="late.joiner@acme.test", domain="kpo.example", use_https=True)
    assert len(mail.outbox) == 2


def test_a_reset_link_starts_with_the_whole_site_url_its_path_included(buyer: User, settings: Any) -> None:
    # Review 75: with SITE_URL=https://kpo.example.com/kpo the link lost /kpo, where every other mail's kept it.
    from apps.accounts.tasks import send_password_reset_mail

    send_password_reset_mail.call(
        email=buyer.email, domain="kpo.example.com", use_https=True, base_url="https://kpo.example.com/kpo/"
    )
    (sent,) = mail.outbox
    assert "https://kpo.example.com/kpo/accounts/password/reset/" in sent.body
    # The page asks with the site's address whole.
    settings.SITE_URL = "https://kpo.example.com/kpo"
    from django.test import Client as PlainClient

    PlainClient().post(reverse("accounts:password_reset"), {"email": buyer.email}).close()
    assert len(mail.outbox) == 2 and "https://kpo.example.com/kpo/accounts/password/reset/" in mail.outbox[1].body


def test_the_expired_link_page_tells_an_invited_person_how_to_get_a_fresh_one(client: Any) -> None:
    # Review 78: the page spoke of password resets alone, and someone invited did not know to ask there.
    page = client.get(reverse("accounts:password_reset_confirm", args=["MQ", "expired-token"])).content.decode()
    assert "This link no longer works" in page
    assert "in an invitation to join a team" in page and "the new mail is your invitation again" in page
    assert f'href="{reverse("accounts:password_reset")}"' in page


def test_an_invitation_answered_already_is_refused_with_why_not_a_404(
    mallory: User, aardvark: Organisation, outsider: User
) -> None:
    # Review 82: a stale tab's accept, decline or cancel of an answered invitation was the generic "can't find that
    # page … may belong to another organisation".
    invite(mallory, "outsider@other.test", "viewer")
    invitation = Invitation.objects.get(email="outsider@other.test")
    client = signed_in(outsider)
    assert client.post(reverse("accounts:accept_invitation", args=[invitation.pk])).status_code == 302
    for name in ("accounts:accept_invitation", "accounts:decline_invitation"):
        again = client.post(reverse(name, args=[invitation.pk]))
        assert again.status_code == 409 and "already been answered or withdrawn" in again.content.decode()
    cancel = signed_in(mallory).post(reverse("accounts:cancel_invitation", args=[invitation.pk]))
    assert cancel.status_code == 409 and "already been answered or withdrawn" in cancel.content.decode()
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None and invitation.cancelled_at is None


def test_accepting_with_the_switch_box_sent_twice_is_refused_and_joins_nothing(
    mallory: User, aardvark: Organisation, outsider: User
) -> None:
    # Review 92: switch=on&switch= joined, the box's answer guessed.
    invite(mallory, "outsider@other.test", "viewer")
    client = signed_in(outsider)
    invitation = Invitation.objects.get(email="outsider@other.test")
    refused = client.post(reverse("accounts:accept_invitation", args=[invitation.pk]), {"switch": ["on", ""]})
    assert refused.status_code == 400 and "Give one value, not 2." in refused.content.decode()
    assert not Membership.objects.filter(user=outsider, organisation=aardvark).exists()


@pytest.mark.parametrize(("role", "said"), [("editor", "as an editor,"), ("viewer", "as a viewer,")])
def test_the_invitation_names_the_role_as_one_of_several(
    buyer: User, django_capture_on_commit_callbacks: Any, role: str, said: str
) -> None:
    # Review 166: "as its editor" read as the organisation's only editor.
    with django_capture_on_commit_callbacks(execute=True):
        invite(buyer, f"new.{role}@acme.test", role)
    body = mail.outbox[-1].body
    assert said in body and "as its" not in body
