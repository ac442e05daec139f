"""Hostile input to every discussion form and page: a clear 4xx (or the same page), never a 500, and a
refused request stores nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from apps.discussion.models import NOTIFIED_KINDS, Comment, MailPreference
from tests.security.conftest import World, client_for
from tests.security.test_bad_input import EXAMPLES, NASTY, VALUE, attempt

pytestmark = pytest.mark.django_db

FIELDS = ("body", "parent", "kinds", "daily_digest", "page", "open")
FORM = st.fixed_dictionaries({}, optional={name: st.one_of(st.sampled_from(NASTY), VALUE) for name in FIELDS})


def _urls(w: World) -> list[str]:
    return [
        reverse("discussion:question", args=[w.draft.pk, "judgement"]),
        reverse("discussion:result_comment", args=[w.recommendation.pk]),
        reverse("discussion:comment_edit", args=[w.comment.pk]),
        reverse("discussion:read", args=[w.notification.pk]),
        reverse("discussion:preferences"),
    ]


def test_discussion_forms_refuse_hostile_posts_cleanly(world: World) -> None:
    owner = client_for(world.owner)

    @EXAMPLES
    @given(data=FORM, which=st.integers(min_value=0, max_value=4))
    def check(data: dict[str, Any], which: int) -> None:
        response, changed = attempt(lambda: owner.post(_urls(world)[which], data))
        assert response.status_code in (200, 302, 400)
        if response.status_code == 400:
            assert not changed
        for comment in Comment.objects.all():
            assert comment.body.strip() and len(comment.body) <= 4000 and "\x00" not in comment.body
        for pref in MailPreference.objects.all():
            assert set(pref.kinds) <= set(NOTIFIED_KINDS)

    check()


def test_inbox_and_activity_pages_take_any_page_number(world: World) -> None:
    viewer = client_for(world.viewer)
    urls = [
        reverse("discussion:inbox"),
        reverse("discussion:assessment_activity", args=[world.draft.pk]),
        reverse("discussion:recommendation_activity", args=[world.recommendation.pk]),
    ]

    @EXAMPLES
    @given(page=st.one_of(st.sampled_from(NASTY), st.text(max_size=20)), which=st.integers(min_value=0, max_value=2))
    def check(page: str, which: int) -> None:
        response, changed = attempt(lambda: viewer.get(urls[which], {"page": page}))
        assert response.status_code in (200, 400) and not changed

    check()


def test_a_comment_with_a_control_character_or_too_long_is_refused_and_nothing_is_stored(world: World) -> None:
    url = reverse("discussion:question", args=[world.draft.pk, "judgement"])
    editor = client_for(world.editor)
    for body in ("abc\x00def", "x" * 4001, "", "   "):
        response, changed = attempt(lambda body=body: editor.post(url, {"body": body}))
        assert response.status_code == 400 and not changed, body


def test_a_comment_field_given_twice_is_refused_and_nothing_is_stored(world: World) -> None:
    editor = client_for(world.editor)
    for url in (
        reverse("discussion:question", args=[world.draft.pk, "judgement"]),
        reverse("discussion:result_comment", args=[world.recommendation.pk]),
    ):
        response, changed = attempt(lambda url=url: editor.post(url, {"body": ["First", "Second"]}))
        assert response.status_code == 400 and not changed, url
        assert "Give one value, not 2." in response.content.decode()


def test_the_same_comment_sent_twice_is_stored_once(world: World) -> None:
    # A double click, or a form resent without JavaScript: the second post lands on the first comment.
    editor = client_for(world.editor)
    url = reverse("discussion:result_comment", args=[world.recommendation.pk])
    before = Comment.objects.count()
    first = editor.post(url, {"body": "Confirm the BAA is signed first."})
    second = editor.post(url, {"body": "Confirm the BAA is signed first."})
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Comment.objects.count() == before + 1
    assert editor.post(url, {"body": "A different remark."}).status_code == 302
    assert Comment.objects.count() == before + 2


@pytest.mark.parametrize("pk", [2**63, 10**25])
def test_a_comment_id_beyond_any_bigint_is_not_found(world: World, pk: int) -> None:
    """Review 103: editing or deleting comment 9999999999999999999999999 was a 500 (the deleted-draft lookup sent
    the id in an array PostgreSQL could not read)."""
    owner = client_for(world.owner)
    assert owner.get(reverse("discussion:comment_edit", args=[pk])).status_code == 404
    assert owner.post(reverse("discussion:comment_delete", args=[pk])).status_code == 404
