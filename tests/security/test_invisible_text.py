"""Text made only of characters that draw nothing (a zero-width space, a word joiner, a byte-order mark, a soft
hyphen, a Hangul filler, the Braille blank) is refused as empty, as spaces are: an assessment's title on the page and
through the API, a comment, a what-if's name (review 65: each was stored, and listed as an empty link or comment)."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from apps.accounts.models import Organisation, User
from apps.common.hostile import looks_blank, says_something, visible_length
from apps.discussion.models import Comment
from apps.playbooks.models import Playbook
from apps.questionnaire.models import Assessment
from tests.api.conftest import key_client
from tests.factories import AssessmentFactory

pytestmark = pytest.mark.django_db
INVISIBLE = [
    "\u200b", "\u2060\ufeff", "\u00ad", "\u3164", "\u2800", " \u200b \u115f ",
    # Review 67: the combining grapheme joiner, variation selectors, Mongolian and Khmer ignorables and unassigned code
    # points (the C1 controls are refused outright since review 75: test_bad_input).
    "\u034f", "\ufe0f\ufe0f", "\U000e0100", "\u180b\u180f", "\u17b4\u17b5", "\u2065", "\ufff0",
    "\u200b\u034f\u200b",
]  # fmt: skip


@pytest.mark.parametrize("text", INVISIBLE)
def test_invisible_text_is_blank_and_says_nothing(text: str) -> None:
    assert looks_blank(text) and not says_something(text)


@pytest.mark.parametrize("text", ["a\u200b", "📊", "Q3 — review", "ß"])
def test_text_that_draws_is_not_blank(text: str) -> None:
    assert not looks_blank(text)


@pytest.mark.parametrize("title", INVISIBLE)
def test_an_invisible_title_is_refused_on_the_page(buyer_client: Client, playbook: Playbook, title: str) -> None:
    response = buyer_client.post(reverse("questionnaire:start"), {"title": title, "function": "legal"})
    assert response.status_code == 400
    assert "Give the assessment a title." in response.content.decode()
    assert not Assessment.objects.exists()


def test_an_invisible_title_is_refused_through_the_api(
    organisation: Organisation, buyer: User, playbook: Playbook
) -> None:
    api = key_client(organisation, buyer)
    response = api.client.post(
        "/api/v1/assessments",
        json.dumps({"title": "\u200b", "function": "legal"}),
        content_type="application/json",
        headers=api.headers,
    )
    assert response.status_code in (400, 422) and not Assessment.objects.exists()


@pytest.mark.parametrize("body", INVISIBLE)
def test_an_invisible_comment_is_refused_and_nothing_is_posted(
    buyer_client: Client, organisation: Organisation, buyer: User, playbook: Playbook, body: str
) -> None:
    assessment = AssessmentFactory(organisation=organisation, created_by=buyer, title="t", playbook=playbook)
    url = reverse("discussion:question", args=[assessment.pk, "function"])
    response = buyer_client.post(url, {"body": body})
    assert response.status_code == 400
    assert "Write something first" in response.content.decode()
    assert not Comment.objects.exists()


def test_a_minimum_length_counts_only_what_a_reader_sees() -> None:
    # Review 67: one letter and nine zero-width spaces met a 10-character minimum.
    assert visible_length("a" + "\u200b" * 9) == 1
    assert visible_length("No BAA template") == 15
