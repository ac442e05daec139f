"""The activity timeline of an assessment and of a recommendation: who did what, newest first, paginated."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import Organisation, User
from apps.common import events
from apps.discussion.models import Activity
from apps.discussion.services import ANSWERS_SITTING
from apps.questionnaire.models import Assessment
from apps.recommendations.models import Recommendation

pytestmark = pytest.mark.django_db


def test_an_assessments_activity_lists_answers_and_comments_newest_first(
    viewer_client: Client,
    organisation: Organisation,
    colleague: User,
    assessment: Assessment,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        events.announce(
            events.answers_changed,
            sender=Assessment,
            organisation=organisation,
            actor=colleague,
            recipients=[],
            target=assessment,
            url=reverse("questionnaire:review", args=[assessment.pk]),
            summary="colleague@acme.test changed 2 answers in 'Work'",
        )
    with django_capture_on_commit_callbacks(execute=True):
        viewer_client.post(reverse("discussion:question", args=[assessment.pk, "judgement"]), {"body": "Why yes?"})
    page = viewer_client.get(reverse("discussion:assessment_activity", args=[assessment.pk])).content.decode()
    assert page.index("viewer@acme.test commented") < page.index("changed 2 answers")


def test_a_recommendations_activity_includes_its_assessments_and_pages(
    buyer_client: Client,
    outsider_client: Client,
    organisation: Organisation,
    buyer: User,
    recommendation: Recommendation,
    django_capture_on_commit_callbacks: Any,
) -> None:
    for n in range(32):
        with django_capture_on_commit_callbacks(execute=True):
            events.announce(
                events.decision_made if n % 2 else events.answers_changed,
                sender=Recommendation,
                organisation=organisation,
                actor=buyer,
                recipients=[],
                target=recommendation if n % 2 else recommendation.assessment,
                url="/",
                summary=f"Event number {n:02d}",
            )
    url = reverse("discussion:recommendation_activity", args=[recommendation.pk])
    first = buyer_client.get(url).content.decode()
    assert "Event number 31" in first and "Event number 00" not in first and "Page 1 of 2" in first
    assert "Event number 00" in buyer_client.get(url, {"page": 2}).content.decode()
    assert outsider_client.get(url).status_code == 404


def _saved(assessment: Assessment, actor: User, count: int, capture: Any, *, replaced: bool = False) -> None:
    """An answers_changed event as the questionnaire sends it after a save (questionnaire.services)."""
    summary = events.answers_changed_summary(actor.email, count, assessment.title)
    with capture(execute=True):
        events.announce(
            events.answers_changed,
            sender=Assessment,
            organisation=assessment.organisation,
            actor=actor,
            recipients=[],
            target=assessment,
            url=reverse("questionnaire:review", args=[assessment.pk]),
            summary=summary + (", replacing 1 given by a colleague since they loaded the page" if replaced else ""),
            answers=None if replaced else count,
        )


def test_one_persons_saves_in_a_sitting_are_one_line_and_anything_else_starts_a_new_one(
    organisation: Organisation,
    buyer: User,
    colleague: User,
    assessment: Assessment,
    django_capture_on_commit_callbacks: Any,
) -> None:
    def lines() -> list[str]:
        return list(
            Activity.objects.filter(assessment=assessment)
            .order_by("created_at", "pk")
            .values_list("summary", flat=True)
        )

    for count in (1, 1, 3):
        _saved(assessment, buyer, count, django_capture_on_commit_callbacks)
    assert lines() == [events.answers_changed_summary(buyer.email, 5, assessment.title)]
    _saved(assessment, colleague, 1, django_capture_on_commit_callbacks)  # someone else: a line of their own
    _saved(assessment, buyer, 1, django_capture_on_commit_callbacks)  # and the buyer's next save starts a new one
    assert len(lines()) == 3 and lines()[-1] == events.answers_changed_summary(buyer.email, 1, assessment.title)
    _saved(assessment, buyer, 1, django_capture_on_commit_callbacks, replaced=True)  # replacing a colleague's
    _saved(assessment, buyer, 2, django_capture_on_commit_callbacks)
    assert len(lines()) == 5 and "replacing 1" in lines()[3]
    # A save after a long pause is a new sitting.
    Activity.objects.filter(pk=Activity.objects.filter(assessment=assessment).latest("created_at", "pk").pk).update(
        created_at=timezone.now() - ANSWERS_SITTING - timedelta(minutes=1)
    )
    _saved(assessment, buyer, 1, django_capture_on_commit_callbacks)
    assert len(lines()) == 6


def test_saves_in_a_sitting_gather_into_one_line_whatever_the_title_length(
    buyer: User, assessment: Assessment, django_capture_on_commit_callbacks: Any
) -> None:
    """A long title is shortened in the line, never its closing quote, which the next save reads the count by."""
    assessment.title = "T" * 200
    assessment.save(update_fields=["title"])
    buyer.email = "a" * 60 + "@" + "b" * 60 + ".example"
    for count in (1, 2):
        _saved(assessment, buyer, count, django_capture_on_commit_callbacks)
    [line] = Activity.objects.filter(assessment=assessment).values_list("summary", flat=True)
    assert len(line) <= events.SUMMARY_LENGTH and line.startswith(f"{buyer.email} changed 3 answers in “T")
    assert line.endswith("T…”") and events.answers_changed_count(line) == 3
