"""A member owing a second opinion does not read the first answers in the review page's checks, nor on the submit
refusal (review 70: "7,777 hours a year for 3 people is 2,592 hours each" on both, while the step hid them)."""

from __future__ import annotations

import re

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


@pytest.fixture
def asked_on_data(
    reference: Playbook, organisation: Organisation, buyer: User, colleague: User, buyer_client: Client
) -> Assessment:
    draft = Assessment.objects.create(organisation=organisation, created_by=buyer, title="Coding", playbook=reference)
    answers = {"function": "medical-coding", "client_jurisdictions": ["us"], "data_categories": ["phi"]}
    Answer.objects.bulk_create(
        Answer(organisation_id=organisation.pk, assessment=draft, question_code=code, value=value, answered_by=buyer)
        for code, value in answers.items()
    )
    member = Membership.objects.get(user=colleague, organisation=organisation)
    response = buyer_client.post(reverse("teamwork:contributors", args=[draft.pk]), {"opinion-data": str(member.pk)})
    assert response.status_code == 302
    return draft


def test_missing_answers_and_counts_do_not_tell_the_hidden_answers(
    asked_on_data: Assessment, buyer_client: Client, colleague_client: Client
) -> None:
    # Review 72: the HIPAA follow-ups listed as missing (and the step counts) told the member that PHI was ticked.
    review = reverse("questionnaire:review", args=[asked_on_data.pk])
    assert "For HIPAA purposes" in buyer_client.get(review).content.decode()  # the owner is told what is missing
    assert "For HIPAA purposes" not in colleague_client.get(review).content.decode()
    refused = colleague_client.post(reverse("recommendations:submit", args=[asked_on_data.pk]))
    assert refused.status_code == 400 and "For HIPAA purposes" not in refused.content.decode()
    step = colleague_client.get(reverse("questionnaire:step", args=[asked_on_data.pk, "volume"])).content.decode()
    blind = colleague_client.get(reverse("questionnaire:step", args=[asked_on_data.pk, "volume"]))
    assert blind.status_code == 200 and "For HIPAA purposes" not in step
    owner_step = buyer_client.get(reverse("questionnaire:step", args=[asked_on_data.pk, "volume"])).content.decode()
    counts = re.compile(r'value="data">[^<]*<span class="section-list__meta">(.*?)</span></span>', re.S)
    theirs, mine = counts.search(step), counts.search(owner_step)
    assert theirs and mine and theirs.group(1) != mine.group(1)  # not the owner's count, which the answers set


def test_a_hidden_questions_comments_are_closed_to_the_member_who_owes_the_opinion(
    asked_on_data: Assessment, buyer_client: Client, colleague_client: Client
) -> None:
    # Review 72: the thread on a hidden question showed the owner's "We ticked PHI here".
    url = reverse("discussion:question", args=[asked_on_data.pk, "data_categories"])
    assert buyer_client.get(url).status_code == 200
    assert colleague_client.get(url).status_code == 403
    assert colleague_client.post(url, {"body": "What did you tick?"}).status_code == 403
    assert (
        colleague_client.get(reverse("discussion:question", args=[asked_on_data.pk, "annual_hours"])).status_code == 200
    )


def test_the_apis_submit_refusal_does_not_name_the_hidden_sections_missing_questions(
    reference: Playbook, organisation: Organisation, buyer: User, colleague: User, colleague_client: Client
) -> None:
    # Review 72: the API's 422 listed "Not answered yet: For HIPAA purposes…" to the owner owing the opinion (keys are
    # an owner's).
    from tests.api.conftest import key_client

    draft = Assessment.objects.create(
        organisation=organisation, created_by=colleague, title="Coding", playbook=reference
    )
    answers = {"function": "medical-coding", "client_jurisdictions": ["us"], "data_categories": ["phi"]}
    Answer.objects.bulk_create(
        Answer(
            organisation_id=organisation.pk, assessment=draft, question_code=code, value=value, answered_by=colleague
        )
        for code, value in answers.items()
    )
    owner = Membership.objects.get(user=buyer, organisation=organisation)
    assert (
        colleague_client.post(
            reverse("teamwork:contributors", args=[draft.pk]), {"opinion-data": str(owner.pk)}
        ).status_code
        == 302
    )
    refused = key_client(organisation, buyer).post(f"/assessments/{draft.pk}/submit", **{"Idempotency-Key": "blind"})
    assert refused.status_code == 422
    messages = [e["message"] for e in refused.json()["errors"]]
    assert messages and not any("HIPAA" in m or "de-identified" in m for m in messages)
    assert "Not answered yet: Which best describes the day-to-day work?" in messages  # the rest is still named


def test_the_timeline_does_not_count_changed_answers_for_the_member_who_owes_the_opinion(
    asked: Assessment, buyer: User, buyer_client: Client, colleague_client: Client
) -> None:
    # Review 80: "changed 2 answers" took in the hidden sections' answers, so one more hidden answer read 37, not 36.
    from apps.common import events
    from apps.discussion.models import Activity

    summary = events.answers_changed_summary(buyer.email, 37, asked.title)
    Activity.objects.create(
        organisation=asked.organisation, assessment=asked, actor=buyer, kind="answers_changed", summary=summary
    )
    url = reverse("discussion:assessment_activity", args=[asked.pk])
    theirs = colleague_client.get(url).content.decode()
    assert f"{buyer.email} changed answers in" in theirs and "changed 37 answers" not in theirs
    assert "changed 37 answers" in buyer_client.get(url).content.decode()  # the owner owes nothing: counted
    replacing = events.answers_changed_uncounted(f"{summary}, replacing 2 given by a colleague since they loaded it")
    assert replacing.endswith(
        "changed answers in “Research”, replacing answers given by a colleague since they loaded it"
    )
    assert events.answers_changed_uncounted("buyer@acme.test commented on “Research”") == (
        "buyer@acme.test commented on “Research”"
    )
