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


@pytest.mark.django_db
def test_the_list_is_paged_and_narrowed_to_drafts_or_submitted_and_says_how_many(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    # 53 drafts and one submitted: 54 in all, 50 a page, the last changed first; no row is out of reach.
    drafts = [
        Assessment.objects.create(organisation=organisation, created_by=buyer, title=f"Draft {i}", playbook=reference)
        for i in range(53)
    ]
    recommend(reference, organisation, buyer, "US hedge fund", title="Fund research")
    url = reverse("questionnaire:list")
    first = buyer_client.get(url).content.decode()
    assert "1–50 of 54 assessments, the last changed first" in first
    assert ">Fund research<" in first and ">Draft 52<" in first and ">Draft 3<" not in first
    assert 'href="?page=2">Older</a>' in first and "Page 1 of 2" in first
    second = buyer_client.get(url + "?page=2").content.decode()
    assert all(f">Draft {i}<" in second for i in range(4)) and "51–54 of 54" in second
    # Each row says under its title what the columns say, for a narrow screen where those columns give way.
    assert "Draft · 0 of " in first and "Submitted · " in first
    submitted = buyer_client.get(url + "?status=submitted").content.decode()
    assert ">Fund research<" in submitted and "Draft 1<" not in submitted and "1 submitted, the last" in submitted
    assert '<a href="/assessments/?status=submitted" aria-current="page">Submitted</a>' in submitted
    only_drafts = buyer_client.get(url + "?status=draft&page=2").content.decode()
    assert "51–53 of 53 drafts" in only_drafts and 'href="?status=draft&amp;page=1">Newer</a>' in only_drafts
    assert ">Fund research<" not in only_drafts
    assert len(drafts) == 53
    # Page 0, -1 or anything not a page number opens the first page, not the last.
    for junk in ("0", "-1", "abc", "9" * 30, "٢"):
        assert "1–50 of 54 assessments" in buyer_client.get(url, {"page": junk}).content.decode(), junk
    for past in ("3", "999999999", "9999999999"):  # past the last page, however many digits: the last page
        assert "51–54 of 54" in buyer_client.get(url, {"page": past}).content.decode(), past
    twice = buyer_client.get(url + "?page=1&page=2")
    assert twice.status_code == 400 and "gives a status or a page more than once" in twice.content.decode()
    # A status the list does not know, or two of them, is refused with the choices, not a 500 or an empty list.
    for bad in ("?status=deleted", "?status=draft&status=submitted"):
        refused = buyer_client.get(url + bad)
        assert refused.status_code == 400 and "That list cannot be shown" in refused.content.decode()
