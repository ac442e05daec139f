"""The comment edit page says what the comment is on and has a way back to its thread (review 154)."""

from __future__ import annotations

import html

import pytest
from django.test import Client
from django.urls import reverse

from apps.discussion.models import Comment
from apps.questionnaire.models import Assessment
from apps.recommendations.models import Recommendation

pytestmark = pytest.mark.django_db


def _page(response: object) -> str:
    return html.unescape(response.content.decode())  # type: ignore[attr-defined]


def _cancel(page: str, back: str) -> bool:
    return f'href="{back}">Cancel</a>' in page


def test_editing_a_question_comment_names_the_question_and_assessment_and_cancels_back_to_its_thread(
    buyer_client: Client, assessment: Assessment
) -> None:
    buyer_client.post(reverse("discussion:question", args=[assessment.pk, "judgement"]), {"body": "Original"})
    comment = Comment.objects.get()
    edit = reverse("discussion:comment_edit", args=[comment.pk])
    back = f"{reverse('discussion:question', args=[assessment.pk, 'judgement'])}#comment-{comment.pk}"
    response = buyer_client.get(edit)
    page = _page(response)
    assert response.status_code == 200
    assert "On “Is the work judgement-based?” in Legal review 2027." in page
    assert _cancel(page, back)
    # Refused (an empty comment), the page keeps its context and its way back.
    refused = buyer_client.post(edit, {"body": "   "})
    assert refused.status_code == 400
    assert "Is the work judgement-based?" in _page(refused) and _cancel(_page(refused), back)
    comment.refresh_from_db()
    assert comment.body == "Original"


def test_editing_a_result_comment_names_the_result_and_cancels_back_to_its_comments(
    buyer_client: Client, recommendation: Recommendation
) -> None:
    buyer_client.post(reverse("discussion:result_comment", args=[recommendation.pk]), {"body": "On the result"})
    comment = Comment.objects.get()
    page = _page(buyer_client.get(reverse("discussion:comment_edit", args=[comment.pk])))
    assert f"On the result of {recommendation.title}." in page
    assert _cancel(page, f"{reverse('recommendations:detail', args=[recommendation.pk])}#comment-{comment.pk}")


def test_a_deleted_comment_is_still_409_and_says_what_it_was_on_with_a_way_back(
    buyer_client: Client, assessment: Assessment
) -> None:
    buyer_client.post(reverse("discussion:question", args=[assessment.pk, "judgement"]), {"body": "Gone soon"})
    comment = Comment.objects.get()
    buyer_client.post(reverse("discussion:comment_delete", args=[comment.pk]), {"confirm": "yes"})
    response = buyer_client.post(reverse("discussion:comment_edit", args=[comment.pk]), {"body": "Back"})
    page = _page(response)
    assert response.status_code == 409
    assert "This comment was deleted" in page and "Is the work judgement-based?" in page
    back = f"{reverse('discussion:question', args=[assessment.pk, 'judgement'])}#comment-{comment.pk}"
    assert f'href="{back}">Back to the comments</a>' in page
