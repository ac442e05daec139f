"""The start page's form sent twice (a double click without JavaScript, review 86) starts one draft, the one the
first send started; a start without the page's key, or another person's with the same key, starts its own."""

from __future__ import annotations

import re
import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from apps.accounts.models import Organisation, User
from apps.playbooks.models import Playbook
from apps.questionnaire import services
from apps.questionnaire.models import Assessment

pytestmark = pytest.mark.django_db


def _drawn_key(client: Client) -> str:
    page = client.get(reverse("questionnaire:start")).content.decode()
    found = re.search(r'name="start_once" value="([^"]+)"', page)
    assert found, "the start page draws a one-time key"
    return found.group(1)


def test_the_same_start_sent_twice_starts_one_draft(buyer_client: Client, playbook: Playbook) -> None:
    key = _drawn_key(buyer_client)
    form = {"title": "Equity research 2027", "function": "research", "start_once": key}
    first = buyer_client.post(reverse("questionnaire:start"), form)
    second = buyer_client.post(reverse("questionnaire:start"), form)
    (only,) = Assessment.objects.all()
    assert first.status_code == second.status_code == 302 and first["Location"] == second["Location"]
    assert str(only.pk) in first["Location"]
    # A page drawn again has a new key: a second assessment on purpose is a second draft.
    buyer_client.post(reverse("questionnaire:start"), {**form, "start_once": _drawn_key(buyer_client)})
    assert Assessment.objects.count() == 2


@pytest.mark.parametrize("key", ["", "short", "x" * 41, "<script>alert(1)</script>aaaaaaaaaaaa"])
def test_a_start_without_a_usable_key_starts_its_own_draft(buyer_client: Client, playbook: Playbook, key: str) -> None:
    form = {"title": "Equity research 2027", "function": "research", "start_once": key}
    for _ in range(2):
        assert buyer_client.post(reverse("questionnaire:start"), form).status_code == 302
    assert Assessment.objects.count() == 2 and set(Assessment.objects.values_list("start_key", flat=True)) == {""}


@pytest.mark.django_db(transaction=True)
def test_two_sends_at_once_start_one_draft(playbook: Playbook, organisation: Organisation, buyer: User) -> None:
    started: list[int] = []
    barrier = threading.Barrier(2)

    def send() -> None:
        try:
            barrier.wait()
            a = services.start_assessment(
                organisation=organisation, user=buyer, title="Twice", function=None, start_key="k" * 24
            )
            started.append(a.pk)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(started) == 2 and started[0] == started[1]
    assert Assessment.objects.count() == 1


def test_a_field_sent_twice_is_refused_not_taken_last(buyer_client: Client, playbook: Playbook) -> None:
    # Review 85: the start form took the last of two titles where other forms refused.
    twice = buyer_client.post(reverse("questionnaire:start"), {"title": ["One", "Two"], "function": "research"})
    assert twice.status_code == 400 and "Give one value, not 2." in twice.content.decode()
    assert not Assessment.objects.exists()


def test_the_same_key_sent_with_another_title_or_function_starts_a_draft_of_its_own(
    buyer_client: Client, playbook: Playbook
) -> None:
    # Review 90: the form restored by Back and filled in again landed on the first draft, its new title dropped.
    key = _drawn_key(buyer_client)
    form = {"title": "Payroll research 2027", "function": "research", "start_once": key}
    first = buyer_client.post(reverse("questionnaire:start"), form)
    retitled = buyer_client.post(reverse("questionnaire:start"), {**form, "title": "Completely different review"})
    assert first["Location"] != retitled["Location"]
    # That form sent twice too: still its one draft (review 92: each send of it had started another).
    twice = buyer_client.post(reverse("questionnaire:start"), {**form, "title": "Completely different review"})
    assert twice["Location"] == retitled["Location"]
    titles = sorted(Assessment.objects.values_list("title", flat=True))
    assert titles == ["Completely different review", "Payroll research 2027"]
    other = buyer_client.post(reverse("questionnaire:start"), {**form, "function": "legal"})
    assert other["Location"] not in (first["Location"], retitled["Location"]) and Assessment.objects.count() == 3
    again = buyer_client.post(reverse("questionnaire:start"), form)  # the first form once more: its draft
    assert again["Location"] == first["Location"] and Assessment.objects.count() == 3


def test_the_start_form_is_offered_again_on_the_outage_page(buyer_client: Client, playbook: Playbook) -> None:
    # Review 90: its one-time key's field was named like a secret, so the page said to type everything again.
    from kpo_advisor.outage import SECRET_NAME

    page = buyer_client.get(reverse("questionnaire:start")).content.decode()
    names = re.findall(r'<input[^>]*name="([^"]+)"', page)
    assert "start_once" in names and not any(SECRET_NAME.search(n) for n in names if n != "csrfmiddlewaretoken")


def test_starts_beyond_the_hours_limit_are_refused_with_what_was_typed_kept(
    buyer_client: Client, playbook: Playbook, settings: object
) -> None:
    # Review 112: a script in a member's session started 150 drafts in 21 s, each stored.
    settings.DRAFTS_PER_HOUR = 2  # type: ignore[attr-defined]  # pytest-django's settings fixture
    for i in range(2):
        form = {"title": f"Research {i}", "function": "research", "start_once": _drawn_key(buyer_client)}
        assert buyer_client.post(reverse("questionnaire:start"), form).status_code == 302
    form = {"title": "One too many", "function": "research", "start_once": _drawn_key(buyer_client)}
    refused = buyer_client.post(reverse("questionnaire:start"), form)
    body = refused.content.decode()
    assert refused.status_code == 429 and refused["Retry-After"] == "600"
    assert "You have started 2 assessments in the last hour" in body and 'value="One too many"' in body
    assert Assessment.objects.count() == 2
