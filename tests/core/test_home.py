"""The right home for each user, the navigation they can use, and signing out that says so."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from apps.accounts.models import Organisation, User
from apps.discussion.models import Notification
from apps.playbooks.models import Playbook
from tests.factories import AssessmentFactory

pytestmark = pytest.mark.django_db


def _links(page: str) -> set[str]:
    return set(re.findall(r'href="([^"]+)"', page))


def test_a_curator_in_no_organisation_lands_on_the_curation_home(curator_client: Client, playbook: object) -> None:
    response = curator_client.get(reverse("home"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Keep the advice right" in page
    links = _links(page)
    for name in ("admin:index", "admin:playbooks_playbook_changelist", "admin:vendors_vendor_changelist"):
        assert reverse(name) in links
    for name in (
        "admin:playbooks_playbook_lint",
        "admin:playbooks_playbook_golden",
        "admin:playbooks_playbook_simulate",
    ):
        assert reverse(name, args=[playbook.pk]) in links  # type: ignore[attr-defined]
    # Nothing on the page (header included) leads to a page that answers 403 to a curator.
    for href in links:
        if href.startswith("/") and not href.startswith(("/static/", "/admin/", "/accounts/logout")):
            assert curator_client.get(href).status_code == 200, href


def test_the_curation_home_works_before_any_playbook_exists(curator_client: Client) -> None:
    page = curator_client.get(reverse("home")).content.decode()
    assert reverse("admin:playbooks_playbook_changelist") in page
    assert "/lint/" not in page


def test_members_get_the_buyer_home_with_portfolio_in_the_navigation(buyer_client: Client) -> None:
    page = buyer_client.get(reverse("home")).content.decode()
    assert "Start an assessment" in page
    nav = re.search(r'<nav class="site-nav" aria-label="Main">(.*?)</nav>', page, re.S)
    assert nav is not None
    for name in ("questionnaire:list", "recommendations:history", "recommendations:portfolio", "vendors:directory"):
        assert reverse(name) in nav.group(1)


def test_a_staff_member_of_an_organisation_keeps_the_buyer_home(buyer: User, buyer_client: Client) -> None:
    User.objects.filter(pk=buyer.pk).update(is_staff=True)
    assert "Start an assessment" in buyer_client.get(reverse("home")).content.decode()


def test_portfolio_is_marked_as_the_current_page_on_its_own_page(buyer_client: Client) -> None:
    page = buyer_client.get(reverse("recommendations:portfolio")).content.decode()
    assert re.search(rf'href="{reverse("recommendations:portfolio")}" aria-current="page">Portfolio<', page)
    assert not re.search(r'aria-current="[^"]+">Recommendations<', page)


def test_the_menu_opens_without_javascript(buyer_client: Client) -> None:
    page = buyer_client.get(reverse("home")).content.decode()
    menu = re.search(r'<details class="site-menu">\s*<summary[^>]*>.*?Menu</summary>(.*?)</details>', page, re.S)
    assert menu is not None, "the header's menu is a <details> with a Menu summary"
    assert 'aria-label="Main"' in menu.group(1) and reverse("accounts:logout") in menu.group(1)


def test_signing_out_says_so_and_offers_to_sign_in_again(buyer_client: Client) -> None:
    page = buyer_client.get(reverse("home")).content.decode()
    form = re.search(rf'<form method="post" action="{reverse("accounts:logout")}">(.*?)</form>', page, re.S)
    assert form is not None
    next_url = re.search(r'name="next" value="([^"]+)"', form.group(1))
    assert next_url is not None
    response = buyer_client.post(reverse("accounts:logout"), {"next": next_url.group(1)}, follow=True)
    assert response.status_code == 200
    body = response.content.decode()
    assert "You are signed out." in body
    assert reverse("accounts:login") in _links(body)
    assert "_auth_user_id" not in buyer_client.session


def test_the_signed_out_page_is_only_for_signed_out_visitors(buyer_client: Client, client: Client) -> None:
    assert "You are signed out." not in buyer_client.get(reverse("home"), {"signed-out": "1"}).content.decode()
    assert "You are signed out." in client.get(reverse("home"), {"signed-out": "1"}).content.decode()
    assert "You are signed out." not in client.get(reverse("home")).content.decode()


def test_home_and_the_folded_menu_say_what_is_waiting_for_you(
    buyer: User, buyer_client: Client, organisation: Organisation, playbook: Playbook
) -> None:
    # Review 76: on a phone the unread count sat inside the closed menu, and home offered only "Start an assessment".
    page = buyer_client.get(reverse("home")).content.decode()
    assert "Waiting for you" not in page
    draft = AssessmentFactory(organisation=organisation, created_by=buyer, title="Legal review 2027", playbook=playbook)
    Notification.objects.create(
        organisation=organisation, recipient=buyer, kind="approval_requested", summary="Approve it", url="/"
    )
    page = buyer_client.get(reverse("home")).content.decode()
    summary = re.search(r'<summary class="site-menu__toggle">(.*?)</summary>', page, re.S)
    assert (
        summary is not None
        and '<span class="badge">1<span class="visually-hidden"> unread in your inbox' in summary.group(1)
    )
    waiting = page[page.index('id="waiting-heading"') :]
    assert "1 unread notice in your inbox" in waiting
    assert f'href="{reverse("questionnaire:resume", args=[draft.pk])}">Legal review 2027</a>' in waiting
    assert "(your draft, changed" in waiting and ">Waiting for you</h2>" in page


def test_a_colleagues_draft_on_home_is_named_as_theirs(
    buyer: User, colleague: User, buyer_client: Client, organisation: Organisation, playbook: Playbook
) -> None:
    # Review 86: a new member's home said colleagues' drafts were "Waiting for you", without saying whose.
    AssessmentFactory(organisation=organisation, created_by=colleague, title="Their review", playbook=playbook)
    page = buyer_client.get(reverse("home")).content.decode()
    assert ">Waiting for you and your colleagues</h2>" in page
    assert f"(a draft {colleague.email} started, changed" in page
