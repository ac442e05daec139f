"""A member owing a second opinion does not read the first answers in the review page's checks, nor on the submit
refusal (review 70: "7,777 hours a year for 3 people is 2,592 hours each" on both, while the step hid them)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from apps.accounts.models import Membership, Organisation, User
from apps.playbooks.models import Playbook
from apps.questionnaire.models import Answer, Assessment

pytestmark = pytest.mark.django_db


@pytest.fixture
def asked(
    reference: Playbook, organisation: Organisation, buyer: User, colleague: User, buyer_client: Client
) -> Assessment:
    draft = Assessment.objects.create(organisation=organisation, created_by=buyer, title="Research", playbook=reference)
    answers = {"function": "equity-research", "annual_hours": 7777, "team_size": 3, "volume_pattern": "steady"}
    Answer.objects.bulk_create(
        Answer(organisation_id=organisation.pk, assessment=draft, question_code=code, value=value, answered_by=buyer)
        for code, value in answers.items()
    )
    member = Membership.objects.get(user=colleague, organisation=organisation)
    response = buyer_client.post(reverse("teamwork:contributors", args=[draft.pk]), {"opinion-volume": str(member.pk)})
    assert response.status_code == 302
    return draft


def test_the_review_page_leaves_out_checks_that_read_hidden_answers(
    asked: Assessment, buyer_client: Client, colleague_client: Client
) -> None:
    review = reverse("questionnaire:review", args=[asked.pk])
    assert "2,592 hours each" in buyer_client.get(review).content.decode()  # the owner sees the check
    for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
        body = colleague_client.get(review, **headers).content.decode()
        assert "2,592" not in body and "7,777" not in body


def test_the_submit_refusal_leaves_them_out_too(asked: Assessment, colleague_client: Client) -> None:
    response = colleague_client.post(reverse("recommendations:submit", args=[asked.pk]))
    assert response.status_code == 400
    body = response.content.decode()
    assert "required answer" in body  # the refusal itself still says why
    assert "2,592" not in body and "7,777" not in body
    assert "Give your second opinion" in body
