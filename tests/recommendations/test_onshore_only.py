"""Data that may not leave the buyer's country: the answer makes a hard requirement, so every (offshore) catalogue
location is excluded with the reason, no offshore cost or saving is shown, and vendor matching finds no provider
delivering from abroad: the locations, the cost and the vendors agree with the blocker."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from apps.accounts.models import Organisation, User
from apps.playbooks.models import Playbook
from apps.vendors.queries import match_recommendation
from tests.recommendations.conftest import recommend
from tests.recommendations.golden import evaluated_case

pytestmark = pytest.mark.django_db
ONSHORE = "Textbook research that must not leave the country"


def test_the_onshore_answer_is_a_requirement_that_excludes_every_offshore_location(reference: Playbook) -> None:
    ev = evaluated_case(reference, ONSHORE)

    data = next(r for r in ev.requirements if r.code == "data_location")
    assert "your own country" in data.text and data.because == ("your answer",)
    assert ev.locations and all(loc.excluded_because for loc in ev.locations)
    india = next(loc for loc in ev.locations if loc.code == "india")
    assert any("outside your country" in reason for reason in india.excluded_because)
    assert ev.delivered_from == ""


def test_no_offshore_cost_or_saving_is_estimated_and_the_way_out_is_onshore(reference: Playbook) -> None:
    ev = evaluated_case(reference, ONSHORE)

    assert not ev.cost.available and ev.cost.cheaper_location is None
    assert "may not be accessed from outside your country" in ev.cost.reason
    options = [o.text for c in ev.conflicts for o in c.options]
    assert any("onshore" in text for text in options)
    assert not any("SCCs" in text for text in options)


def test_a_preferred_offshore_region_is_not_offered_under_transfer_safeguards(reference: Playbook) -> None:
    ev = evaluated_case(reference, ONSHORE, preferred_region="india")

    options = [o.text for c in ev.conflicts for o in c.options]
    assert options and not any("SCCs" in text for text in options)


def test_the_same_case_free_to_go_offshore_has_no_data_requirement(reference: Playbook) -> None:
    ev = evaluated_case(reference, ONSHORE, data_onshore_only=False)

    assert not any(r.code == "data_location" for r in ev.requirements)
    assert ev.delivered_from and ev.cost.available


def test_vendor_matching_ranks_no_provider_delivering_from_abroad(
    reference: Playbook, organisation: Organisation, buyer: User
) -> None:
    rec = recommend(reference, organisation, buyer, ONSHORE)

    result = match_recommendation(rec, today=datetime.date(2026, 12, 1))

    assert not result.ranked and result.excluded
    assert "onshore" in result.needs.codes  # listed among what the provider must offer
    for m in result.excluded:
        # once, in the recommendation's own words: every location the provider delivers from was excluded
        failure = next(f for f in m.failures if f.requirement.code == "allowed_location")
        assert "onshore" not in {f.requirement.code for f in m.failures}
        assert failure.detail.startswith("Delivers only from locations the recommendation excluded: ")
        assert "would be offshore delivery, ruled out: your data may not be accessed from outside" in failure.detail


def test_the_find_providers_page_names_the_excluded_locations_and_why(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    rec = recommend(reference, organisation, buyer, ONSHORE)

    page = buyer_client.get(reverse("vendors:matching", args=[rec.pk])).content.decode()
    result = buyer_client.get(reverse("recommendations:detail", args=[rec.pk])).content.decode()

    # the requirement in the words "What you require" gives it, and each location's reason as the result page words it
    required = "Data processed only in your own country, with no access from abroad"
    assert required in result and f"You require: {required} (your answer)" in page
    assert "Delivers from a location the recommendation did not exclude" in page
    assert "Colombia would be offshore delivery, ruled out: your data may not be accessed from outside" in result
    assert "Colombia would be offshore delivery, ruled out: your data may not be accessed from outside" in page
