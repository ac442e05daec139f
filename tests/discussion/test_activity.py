"""The activity timeline of an assessment and of a recommendation: who did what, newest first, paginated."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from apps.accounts.models import Organisation, User
from apps.common import events
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
