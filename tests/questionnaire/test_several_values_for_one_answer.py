"""A question that takes one answer (a choice, yes or no, a number) posted with several values is refused with a
clear message and a 400, by autosave and by the step's form alike, and the stored answer stays as it was: the
parser does not quietly keep the last value."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from apps.accounts.models import Organisation, User
from apps.playbooks.models import Playbook
from apps.questionnaire.models import Answer, Assessment

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}
CASES = [
    ("function", ["legal", "research"], "legal", "Choose one of the options shown."),
    ("judgement", ["yes", "no"], True, "Answer yes or no."),
    ("hours", ["4000", "5000"], 4000, None),
]


def _stored(assessment: Assessment) -> dict[str, Any]:
    return dict(Answer.objects.filter(assessment=assessment).values_list("question_code", "value"))


@pytest.fixture
def assessment(organisation: Organisation, buyer: User, playbook: Playbook) -> Assessment:
    a = Assessment.objects.create(organisation=organisation, created_by=buyer, title="t", playbook=playbook)
    for code, _values, kept, _message in CASES:
        Answer.objects.create(organisation=organisation, assessment=a, question_code=code, value=kept)
    return a


@pytest.mark.parametrize(("code", "values", "kept", "message"), CASES)
def test_autosave_refuses_several_values_for_one_answer(
    buyer_client: Client, assessment: Assessment, code: str, values: list[str], kept: Any, message: str | None
) -> None:
    before = _stored(assessment)
    response = buyer_client.post(reverse("questionnaire:answer", args=[assessment.pk, code]), {code: values}, **HX)
    assert response.status_code == 400
    if message:
        assert message in response.content.decode()
    assert _stored(assessment) == before


def test_the_steps_form_refuses_them_and_keeps_the_others(buyer_client: Client, assessment: Assessment) -> None:
    url = reverse("questionnaire:step", args=[assessment.pk, "work"])
    response = buyer_client.post(url, {"function": ["legal", "research"], "judgement": "no"})
    assert response.status_code == 400
    assert "Choose one of the options shown." in response.content.decode()
    stored = _stored(assessment)
    assert stored["function"] == "legal"  # as it was
    assert stored["judgement"] is False  # the valid answer on the same step is saved: nothing typed is lost


def test_one_value_is_still_one_answer(buyer_client: Client, assessment: Assessment) -> None:
    response = buyer_client.post(
        reverse("questionnaire:answer", args=[assessment.pk, "function"]), {"function": ["research"]}, **HX
    )
    assert response.status_code == 200
    assert _stored(assessment)["function"] == "research"
