"""A buyer in India, Brazil or Mexico whose work is delivered from its own country is priced at the catalogue's
provider rates, which are what providers there charge clients abroad in US dollars: the cost says so, and asks for a
local quote, until the buyer gives one."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from apps.accounts.models import Organisation, User
from apps.playbooks.models import Playbook
from tests.recommendations.test_total_cost import answered

pytestmark = pytest.mark.django_db
PUNE = "Pune drug maker"  # clinical data management on trial data that must stay in India
SAID = "The provider rates here are what providers in India charge clients abroad, in US dollars."


def test_a_buyer_priced_at_home_is_told_the_rates_are_export_prices(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    rec = answered(reference, organisation, buyer, PUNE)
    ev = rec.record.evaluation
    here = ev.delivery_location
    assert here is not None and here.code == "india" and here.home
    assert ev.export_rates_at_home
    page = buyer_client.get(reverse("recommendations:detail", args=[rec.pk])).content.decode()
    assert 'id="export-rates"' in page and SAID in page
    # The headline's level says it too (review 159: "pays above about $94,000 a head" with nothing to say why).
    from apps.recommendations.cost_caveat import elsewhere_cost_text

    headline = elsewhere_cost_text(ev)
    assert "That level rests on what providers in India charge clients abroad, in US dollars" in headline, headline


def test_not_with_a_local_quote_nor_for_a_buyer_abroad(
    reference: Playbook, organisation: Organisation, buyer: User
) -> None:
    quoted = answered(reference, organisation, buyer, PUNE, own_figures=True, quoted_rate=12)
    assert not quoted.record.evaluation.export_rates_at_home
    abroad = answered(reference, organisation, buyer, "Pittsburgh manufacturer")
    assert not abroad.record.evaluation.export_rates_at_home


def test_the_licensed_review_the_answers_require_is_said_to_be_left_out_of_the_cost(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    # A law firm's contract review that a lawyer must supervise and sign: the saving is before that lawyer's time.
    rec = answered(
        reference, organisation, buyer, "Pittsburgh manufacturer", licensed_signoff=["attorney"], signoff_capacity="yes"
    )
    assert rec.record.evaluation.licensed_review_uncosted
    page = buyer_client.get(reverse("recommendations:detail", args=[rec.pk])).content.decode()
    assert 'id="licensed-review"' in page and "stay onshore to supervise the work as it is done" in page
    plain = answered(reference, organisation, buyer, "Pittsburgh manufacturer", licensed_signoff=["none"])
    assert not plain.record.evaluation.licensed_review_uncosted
