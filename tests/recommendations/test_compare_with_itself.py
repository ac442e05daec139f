"""A recommendation compared with itself is refused in the compare form's words, not drawn as two assessments
(review 154)."""

from __future__ import annotations

import html

import pytest
from django.test import Client
from django.urls import reverse

from apps.accounts.models import Organisation, User
from apps.playbooks.models import Playbook
from apps.recommendations.models import Recommendation
from apps.recommendations.services import submit_and_recommend
from tests.factories import AssessmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def rec(organisation: Organisation, buyer: User, playbook: Playbook) -> Recommendation:
    answers = {"function": "legal", "judgement": True, "hours": 4000, "data": ["none"]}
    done = AssessmentFactory(organisation=organisation, created_by=buyer, playbook=playbook, answers=answers)
    return submit_and_recommend(assessment=done, user=buyer)


def test_comparing_a_recommendation_with_itself_is_refused_in_the_compare_form_s_words(
    buyer_client: Client, rec: Recommendation
) -> None:
    response = buyer_client.get(reverse("recommendations:compare_pair", args=[rec.pk, rec.pk]))
    page = html.unescape(response.content.decode())
    assert response.status_code == 400
    assert "Choose two to four recommendations to compare." in page
    assert "Two assessments compared" not in page and "separate assessments" not in page
    # As the compare form answers the same pair.
    form = buyer_client.get(reverse("recommendations:compare"), {"ids": [rec.pk, rec.pk]})
    assert form.status_code == 400 and "Choose two to four recommendations to compare." in form.content.decode()


def test_an_outsider_comparing_one_recommendation_with_itself_still_gets_404(
    outsider_client: Client, rec: Recommendation
) -> None:
    assert outsider_client.get(reverse("recommendations:compare_pair", args=[rec.pk, rec.pk])).status_code == 404
