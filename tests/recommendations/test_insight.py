"""What would flip it on the result page, and comparing recommendations (scoped to the organisation)."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from apps.accounts.models import Organisation, User
from apps.playbooks.models import Playbook
from apps.questionnaire.models import Answer, Assessment
from apps.recommendations.models import Recommendation
from tests.recommendations.conftest import recommend

pytestmark = pytest.mark.django_db


def test_the_result_offers_a_change_that_would_flip_it(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    rec = recommend(reference, organisation, buyer, "US hedge fund", "Fund research")
    url = reverse("recommendations:flips", args=[rec.pk])
    page = buyer_client.get(url).content.decode()
    assert "What would flip it" in page and "<html" in page
    assert "If “" in page and ("the verdict would be" in page or "would rank first" in page)
    fragment = buyer_client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in fragment and 'id="insight"' in fragment
    assert "Which answers move the fit score most" in fragment


def test_what_would_flip_stores_nothing(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    rec = recommend(reference, organisation, buyer, "US hedge fund", "Fund research")
    before = (Recommendation.objects.count(), Assessment.objects.count(), Answer.objects.count())
    buyer_client.get(reverse("recommendations:flips", args=[rec.pk]))
    assert (Recommendation.objects.count(), Assessment.objects.count(), Answer.objects.count()) == before


def test_compare_shows_differences_side_by_side(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    a = recommend(reference, organisation, buyer, "US hedge fund", "Fund research")
    b = recommend(reference, organisation, buyer, "Rules-based invoice", "Invoice entry")
    body = buyer_client.get(reverse("recommendations:compare"), {"ids": [a.pk, b.pk]}).content.decode()
    assert "Fund research" in body and "Invoice entry" in body
    assert 'Verdict <span class="badge badge--warn">differs</span>' in body


@pytest.mark.parametrize("ids", [["1"], ["x", "y"], ["1", "2", "3", "4", "5"], ["1_2", "3"], ["٢", "3"], [" 2", "3"]])
def test_compare_refuses_bad_choices_clearly(reference: Playbook, buyer_client: Client, ids: list[Any]) -> None:
    response = buyer_client.get(reverse("recommendations:compare"), {"ids": ids})
    assert response.status_code == 400
    assert "Choose" in response.content.decode()


def test_compare_opened_with_nothing_chosen_is_its_guidance_not_a_refusal(
    reference: Playbook, buyer_client: Client
) -> None:
    # Review 117: a 400 for a page opened from a link or a bookmark, which chose nothing wrong.
    response = buyer_client.get(reverse("recommendations:compare"))
    assert response.status_code == 200
    assert "Choose two to four recommendations to compare" in response.content.decode()


def test_one_ticked_box_goes_back_to_the_history_still_ticked_with_the_message(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    # From the history's form (it sends its filters and page as "back"): the boxes come back ticked, the filters
    # kept, and the message says what is needed; nothing else of "back" comes along.
    a = recommend(reference, organisation, buyer, "US hedge fund", "Fund research")
    recommend(reference, organisation, buyer, "Rules-based invoice", "Invoice entry")
    history = buyer_client.get(reverse("recommendations:history"), {"verdict": "wins"}).content.decode()
    assert '<input type="hidden" name="back" value="verdict=wins">' in history
    back = "verdict=wins&next=https://evil.example/&page=1"
    response = buyer_client.get(reverse("recommendations:compare"), {"ids": [a.pk], "back": back})
    assert response.status_code == 302
    location = f"{reverse('recommendations:history')}?verdict=wins&page=1&ticked={a.pk}&compare=few#compare-error"
    assert response["Location"] == location
    page = buyer_client.get(response["Location"]).content.decode()
    assert f'value="{a.pk}" id="compare-{a.pk}" aria-label="Compare Fund research" checked>' in page
    # Beside the button it describes (review 61: a notice at the top of the page).
    assert 'aria-describedby="compare-error">Compare selected</button>' in page
    # Scrolled to and focused, the page's title saying there is an error (review 71: it sat a screen down, unseen).
    assert (
        '<span class="field__error" id="compare-error" role="alert" tabindex="-1" data-error-summary>Choose two to four'
        in page
    )
    assert "<title>Error: Recommendations" in page and "error-summary.js" in page
    unfiltered = buyer_client.get(f"{reverse('recommendations:history')}?ticked={a.pk}&compare=few").content.decode()
    assert '<details class="card">' in unfiltered  # the filters stay folded: ticked boxes are not filters
    assert "compare=few" not in page.split('id="compare-form"')[0]  # not carried into the filters' links
    # The compare page, chosen from that history, links back to it with the boxes ticked.
    b = Recommendation.objects.exclude(pk=a.pk).get().pk
    compared = buyer_client.get(reverse("recommendations:compare"), {"ids": [a.pk, b], "back": "verdict=wins"})
    assert (
        f'href="{reverse("recommendations:history")}?verdict=wins&amp;ticked={a.pk}&amp;ticked={b}">Recommendations'
        in (compared.content.decode())
    )
    # Ids that are not numbers are not sent back: the refusal page says so.
    assert buyer_client.get(reverse("recommendations:compare"), {"ids": ["x"], "back": ""}).status_code == 400


def test_compare_is_scoped_to_the_organisation(
    reference: Playbook, organisation: Organisation, buyer: User, outsider_client: Client, buyer_client: Client
) -> None:
    a = recommend(reference, organisation, buyer, "US hedge fund", "Fund research")
    b = recommend(reference, organisation, buyer, "Rules-based invoice", "Invoice entry")
    assert outsider_client.get(reverse("recommendations:compare"), {"ids": [a.pk, b.pk]}).status_code == 404
    assert outsider_client.get(reverse("recommendations:flips", args=[a.pk])).status_code == 404


def test_each_flip_can_be_tried_in_what_if_and_there_it_flips(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    rec = recommend(reference, organisation, buyer, "US hedge fund", "Fund research")
    fragment = buyer_client.get(reverse("recommendations:flips", args=[rec.pk]), HTTP_HX_REQUEST="true")
    forms = re.findall(
        r'<form method="post" action="([^"]+)" class="flip__try">(.*?)</form>', fragment.content.decode()
    )
    assert forms
    before = (Recommendation.objects.count(), Assessment.objects.count(), Answer.objects.count())
    for action, inner in forms:
        assert action == reverse("recommendations:what_if", args=[rec.pk])
        data: dict[str, list[str]] = {}
        for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', inner):
            if name != "csrfmiddlewaretoken":
                data.setdefault(name, []).append(unescape(value))
        response = buyer_client.post(action, data)
        assert response.status_code == 200
        assert response.context["w"].moved, data
    assert (Recommendation.objects.count(), Assessment.objects.count(), Answer.objects.count()) == before
