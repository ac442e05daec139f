"""HEAD is answered wherever GET is (RFC 9110 s. 9.3.2): the pages that also take a form post answer it as their GET,
with no body, instead of a 405 that a monitor or a scanner reads as a fault."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from apps.accounts.models import Organisation, User
from apps.playbooks.models import Playbook
from tests.factories import AssessmentFactory

pytestmark = pytest.mark.django_db


def test_pages_that_take_a_post_answer_head_as_they_answer_get(
    buyer_client: Client, organisation: Organisation, buyer: User, playbook: Playbook
) -> None:
    draft = AssessmentFactory(organisation=organisation, created_by=buyer, playbook=playbook)
    section = playbook.sections.order_by("order").first()
    assert section is not None
    urls = [
        reverse("accounts:members"),
        reverse("api_keys:list"),
        reverse("api_keys:webhooks"),
        reverse("teamwork:roles"),
        reverse("signoff:policy"),
        reverse("discussion:preferences"),
        reverse("questionnaire:start"),
        reverse("questionnaire:step", args=[draft.pk, section.code]),
    ]
    for url in urls:
        got = buyer_client.get(url)
        head = buyer_client.head(url)
        assert got.status_code == head.status_code == 200, url
        assert head.content == b"", url
    # A HEAD changes nothing and is no post: the step's answers are as they were.
    assert not draft.answers.exists()
