"""Each costed model's card on the result page names the rate or price its cost is worked out from: a card's
catalogue summary gives the model's general range (a dedicated team's $30 to $60 an hour), while the cost uses the
function's own rate where the catalogue has one, and a buyer's quote before either."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from apps.accounts.models import Organisation, User
from apps.playbooks.models import Playbook
from apps.recommendations.models import Recommendation
from apps.recommendations.services import submit_and_recommend
from tests.factories import AssessmentFactory

pytestmark = pytest.mark.django_db
CASE = "Textbook KPO: a US fund"


def submitted(reference: Playbook, organisation: Organisation, buyer: User, **changes: Any) -> Recommendation:
    answers = {**reference.golden_cases.get(name__startswith=CASE).answers, **changes}
    a = AssessmentFactory(organisation=organisation, created_by=buyer, playbook=reference, answers=answers)
    return submit_and_recommend(assessment=a, user=buyer)


def card(page: str, name: str) -> str:
    """The text of the model's card on the result page, up to the next card or the list's end (a card holds lists)."""
    title = rf'<h3 class="card__title">\d+\. {re.escape(name)}</h3>'
    found = re.search(rf"{title}.*?(?=<li class=\"card\">|</ol>)", page, re.S)
    assert found is not None, name
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", found.group(0)))


def test_a_costed_models_card_names_the_rate_its_cost_uses(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    rec = submitted(reference, organisation, buyer)
    ev = rec.record.evaluation
    page = html.unescape(buyer_client.get(reverse("recommendations:detail", args=[rec.pk])).content.decode())
    assert ev.cost.models
    for m in ev.cost.models:
        figure = next(f for f in ev.cost.figures if f.key in (f"{m.model}.rate", f"{m.model}.price"))
        text = card(page, m.name)
        assert f"Costed on this page from: {figure.value} ({figure.source}" in text
        assert ("(weak source: verify)" in text) == figure.weak
    # A model not costed has no such line.
    costed = {m.model for m in ev.cost.models}
    for m in ev.models:
        if m.code not in costed:
            assert "Costed on this page from" not in card(page, m.name)


def test_a_quote_is_named_as_the_buyers(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    rec = submitted(reference, organisation, buyer, own_figures=True, quoted_rate=31)
    page = html.unescape(buyer_client.get(reverse("recommendations:detail", args=[rec.pk])).content.decode())
    assert "Costed on this page from: $31/h (your quote)." in card(page, "Dedicated team at the provider")


def test_a_buyer_elsewhere_reads_the_rate_of_the_fees_shown(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    rec = submitted(reference, organisation, buyer, buyer_location="other", home_market="other")
    cost = rec.record.evaluation.cost
    assert not cost.available and cost.provider_fees
    page = html.unescape(buyer_client.get(reverse("recommendations:detail", args=[rec.pk])).content.decode())
    for f in cost.provider_fees:
        assert f"Costed on this page from: {f.inputs[0].value} ({f.inputs[0].source}" in card(page, f.name)


def test_a_recommendation_stored_before_the_line_reads_as_it_rendered(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    from tests.recommendations.test_snapshot import store

    document = submitted(reference, organisation, buyer).snapshot
    for model in document["evaluation"]["models"]:
        del model["priced_from"]
    old = store(document, organisation=organisation, user=buyer, playbook=reference)
    assert all(m.priced_from is None for m in old.record.evaluation.models)
    page = buyer_client.get(reverse("recommendations:detail", args=[old.pk])).content.decode()
    assert "Costed on this page from" not in page
