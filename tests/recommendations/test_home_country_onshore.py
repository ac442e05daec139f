"""A buyer whose own country is a delivery location of the catalogue (India, Brazil, Mexico) has it ranked as its
onshore option, on the same criteria as the offshore locations, not excluded as "not offshore": data that must stay
in the buyer's country is met there, so the work is delivered from home instead of having nowhere to go, and the
locations, the verdict, the cost, the result page and the vendor matcher say the same."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from apps.accounts.models import Organisation, User
from apps.playbooks.engine.evaluate import NOWHERE_TO_DELIVER, ONSHORE_ONLY_COST
from apps.playbooks.models import Playbook
from apps.recommendations.memo import render_memo_html
from apps.recommendations.services import submit_and_recommend
from apps.vendors.queries import match_recommendation
from tests.factories import AssessmentFactory
from tests.recommendations.conftest import recommend
from tests.recommendations.golden import evaluated_case
from tests.recommendations.test_requirements_rank_locations import submit

pytestmark = pytest.mark.django_db
# An Indian drug maker whose trial data must stay in India: the reference golden case.
PUNE = "Pune drug maker"
KEEP_AT_HOME = "Write into the contract that the data is stored, processed and accessed only in your country"


def test_data_kept_in_india_is_delivered_from_india_the_onshore_option(reference: Playbook) -> None:
    ev = evaluated_case(reference, PUNE)

    assert ev.verdict == "wins" and not ev.blockers
    assert ev.delivered_from == "india"
    india = ev.locations[0]
    assert india.code == "india" and india.home and not india.excluded_because and india.overlap_yours == 8
    abroad = [loc for loc in ev.locations if loc.code != "india"]
    assert abroad and all(loc.excluded_because and not loc.home for loc in abroad)
    assert not any(r.code == "offshore" for r in ev.requirements)
    # Not "nowhere": no trade-off forced, no condition to settle one, no cost set aside as onshore-only.
    assert ev.conflicts == ()
    assert NOWHERE_TO_DELIVER.text not in [c.text for c in ev.conditions]
    assert ev.cost.reason != ONSHORE_ONLY_COST and "abroad" not in ev.cost.reason
    # The contract keeps the data at home; no caution to compare a provider at home, which it already is.
    assert any(c.text.startswith(KEEP_AT_HOME) for c in ev.conditions)
    assert not any("your own country" in r.title for r in ev.risks)


def test_a_buyer_whose_country_the_catalogue_lacks_still_has_nowhere_offshore_to_go(reference: Playbook) -> None:
    ev = evaluated_case(reference, PUNE, buyer_location="japan-korea", client_jurisdictions=["other"])

    assert ev.verdict == "doesnt_win" and ev.delivered_from == ""
    assert all(loc.excluded_because and not loc.home for loc in ev.locations)
    assert not any(c.text.startswith(KEEP_AT_HOME) for c in ev.conditions)


def test_an_indian_buyer_free_to_send_data_abroad_still_has_india_ranked_first_here(reference: Playbook) -> None:
    ev = evaluated_case(reference, PUNE, data_onshore_only=False)

    assert ev.delivered_from == "india" and ev.locations[0].home
    # the offshore locations meeting every requirement are listed after it, not excluded
    assert not ev.locations[1].excluded_because and ev.locations[1].code == "philippines"


def test_the_result_page_and_memo_name_india_as_the_buyers_own_country_and_the_onshore_option(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    rec = recommend(reference, organisation, buyer, PUNE)

    page = buyer_client.get(reverse("recommendations:detail", args=[rec.pk])).content.decode()

    assert "delivered from <strong>India</strong>, your own country: the onshore option" in page
    assert "your own country: the onshore option</span>" in page  # the locations table marks the row
    assert "no delivery location meets every requirement" not in page.lower()
    assert "Delivered from outside your own country" not in page
    assert "The Philippines would be offshore delivery, ruled out" in page
    memo = render_memo_html(rec, "http://testserver/")
    assert "delivered from India, your own country: the onshore option" in memo


def test_vendor_matching_ranks_a_provider_in_india_as_delivering_from_the_buyers_own_country(
    reference: Playbook, organisation: Organisation, buyer: User
) -> None:
    rec = recommend(reference, organisation, buyer, PUNE)

    result = match_recommendation(rec, today=datetime.date(2026, 12, 1))

    northwind = result.get("northwind-analytics")  # India and the Philippines, clinical data, DPDP terms
    assert northwind is not None and northwind.eligible
    assert [loc.code for loc in northwind.usable_locations] == ["india"]
    assert "Delivers from India, your own country: the onshore option, ranked 1st of 10 locations for this work" in [
        r.text for r in northwind.reasons
    ]
    poland_only = result.get("tatra-biostatistics")
    assert poland_only is not None and not poland_only.eligible


def test_an_own_centre_in_the_buyers_own_country_is_not_called_offshoring(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    # The US company's own FP&A centre where it has an entity, India, answered by a team in India.
    rec = submit(reference, organisation, buyer, "US company with an entity in India", buyer_location="india")
    ev = rec.record.evaluation
    assert ev.top is not None and ev.top.owned_by_buyer and ev.delivered_from == "india"

    page = buyer_client.get(reverse("recommendations:detail", args=[rec.pk])).content.decode()

    assert "Setting up your own centre in your own country is neither outsourcing nor offshoring" in page
    assert "Setting up your own centre is offshoring" not in page


def test_a_brazilian_bank_delivered_from_brazil_reads_the_transfer_ground_as_for_a_provider_abroad_only(
    reference: Playbook,
) -> None:
    ev = evaluated_case(reference, "São Paulo bank")

    assert ev.delivered_from == "brazil" and ev.locations[0].home
    lgpd = [c.text for c in ev.conditions if "LGPD" in c.text]
    assert lgpd == [
        "Sign processor terms before the data moves and, for a provider working from outside Brazil, settle the LGPD "
        "ground for sending the data abroad (usually the ANPD's standard contractual clauses)"
    ]
    assert not any("sending personal data abroad" in c.text for c in ev.conditions)


def test_the_locations_table_lists_the_buyers_own_country_even_ranked_below_the_first_five(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    # A Mexican buyer with EU customers' special-category data and overnight turnaround: six locations rank above
    # Mexico (a transfer risk assessment that must hold up for such data counts against it).
    rec = submit(
        reference,
        organisation,
        buyer,
        "Mumbai consumer-goods company",
        buyer_location="mexico",
        overlap_hours=0,
        data_categories=["eu-personal"],
        sensitive_personal_data=["special-category"],
        client_jurisdictions=["eu"],
        overnight_turnaround=True,
        preferred_region="no-preference",
    )
    ev = rec.record.evaluation
    ranked = [loc.code for loc in ev.locations]
    assert ranked.index("mexico") >= 5 and not ev.locations[ranked.index("mexico")].excluded_because
    assert [loc.code for loc in ev.top_locations] == [*ranked[:5], "mexico"]

    page = buyer_client.get(reverse("recommendations:detail", args=[rec.pk])).content.decode()

    assert '<th scope="row">Mexico <span class="badge badge--secondary" data-home>' in page
    assert '<th scope="row">Colombia' not in page  # ranked below the five, and not the buyer's country


def test_data_kept_at_home_with_nowhere_to_go_still_gives_the_in_house_cost_to_set_quotes_against(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    # Review 120: the memo's box read "In-house, same period —", and the page gave no in-house figure, while the
    # reason said to compare onshore providers' quotes with the in-house cost, which the answers give.
    us = "Textbook KPO: steady market analytics"
    ev = evaluated_case(reference, us, data_onshore_only=True)
    assert ev.cost.reason == ONSHORE_ONLY_COST and not ev.cost.available and not ev.cost.models
    low, likely, high = ev.cost.inhouse_horizon
    assert 0 < low <= likely <= high and ev.cost.inhouse_annual is not None
    assert "Delivered from" not in [i.label for i in ev.cost.inhouse_inputs]
    # The salary and the shares it rests on, each with its source (review 121), and no offshore figure.
    keys = {f.key for f in ev.cost.figures}
    assert "inhouse.salary" in keys and all(k.startswith("inhouse.") for k in keys)
    assert ev.cost.inhouse_lines
    assert ev.cost.inhouse_inputs and all(i.source for i in ev.cost.inhouse_inputs)
    answers = {**reference.golden_cases.get(name__startswith=us).answers, "data_onshore_only": True}
    draft = AssessmentFactory(
        organisation=organisation, created_by=buyer, title="Kept at home", playbook=reference, answers=answers
    )
    rec = submit_and_recommend(assessment=draft, user=buyer)
    page = buyer_client.get(reverse("recommendations:detail", args=[rec.pk])).content.decode()
    assert 'id="inhouse-alone"' in page and "Your in-house cost to set onshore quotes against" in page
    assert "set onshore quotes against it" in render_memo_html(rec, "http://testserver/")
    csv = buyer_client.get(reverse("recommendations:cost_csv", args=[rec.pk])).content.decode()
    assert '"Keep it in-house","Total over 3 years","total","USD",' in csv
    assert '"input","In-house salary per FTE-year","input"' in csv and "OEWS" in csv
    assert "In-house salary per FTE-year" in page
    # A buyer elsewhere, with no in-house benchmark and no cost of its own, has none to give.
    elsewhere = evaluated_case(reference, PUNE, buyer_location="japan-korea", client_jurisdictions=["other"])
    assert elsewhere.cost.reason == ONSHORE_ONLY_COST and elsewhere.cost.inhouse_horizon is None
