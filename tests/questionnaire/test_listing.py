"""The assessments list keeps copies (re-scores, saved what-ifs) under the assessment they came from."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import reverse

from apps.accounts.models import Organisation, User
from apps.playbooks.models import Playbook
from apps.questionnaire.listing import with_copies_under_originals
from apps.questionnaire.models import Assessment
from apps.recommendations.services import save_what_if
from tests.recommendations.conftest import recommend


def _a(pk: int, based_on: int | None = None) -> SimpleNamespace:
    return SimpleNamespace(pk=pk, based_on_id=based_on)


def test_copies_follow_their_original_and_orphans_keep_their_place() -> None:
    rows = [_a(5, based_on=1), _a(4), _a(3, based_on=9), _a(2, based_on=5), _a(1)]
    ordered = [(a.pk, original.pk if original else None) for a, original in with_copies_under_originals(rows)]
    assert ordered == [(4, None), (3, None), (1, None), (5, 1), (2, 5)]


@pytest.mark.django_db
def test_a_saved_what_if_is_listed_under_its_original_and_says_what_it_is(
    reference: Playbook,
    organisation: Organisation,
    buyer: User,
    buyer_client: Client,
) -> None:
    rec = recommend(reference, organisation, buyer, "US hedge fund", title="Fund research")
    Assessment.objects.create(organisation=organisation, created_by=buyer, title="Later draft", playbook=reference)
    answers = dict(rec.snapshot["stored_answers"]) | {"codifiability": "tacit"}
    save_what_if(recommendation=rec, answers=answers, title="Fund research, tacit", user=buyer)
    body = buyer_client.get(reverse("questionnaire:list")).content.decode()
    original, copy, later = (
        body.index(">Fund research<"),
        body.index(">Fund research, tacit<"),
        body.index(">Later draft<"),
    )
    assert original < copy, "the copy sits right under its original"
    assert later < original or later > copy, "nothing comes between an original and its copy"
    assert "What-if copy of “Fund research”" in body
