"""A location in the region the buyer prefers is listed in the result's locations table while it meets every
requirement, however it ranks, marked as the buyer's preference; a recommendation stored before reads as it
rendered (the first five and the buyer's own country)."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from apps.accounts.models import Organisation, User
from apps.playbooks.models import Playbook
from apps.recommendations.services import submit_and_recommend
from tests.factories import AssessmentFactory
from tests.recommendations.test_snapshot import store

pytestmark = pytest.mark.django_db
UK_BANK: dict[str, Any] = {
    "function": "kyc-aml",
    "work_nature": "rules-based",
    "codifiability": "high",
    "quality_measurable": "objective",
    "process_documented": "documented",
    "buyer_sector": "bank",
    "buyer_regulated_in": "uk",
    "critical_function": True,
    "core_differentiator": "commodity",
    "ip_sensitivity": "medium",
    "asset_specificity": "moderate",
    "volume_pattern": "steady",
    "annual_hours": 60000,
    "team_size": 40,
    "client_jurisdictions": ["uk", "eu"],
    "data_categories": ["uk-personal", "eu-personal"],
    "data_onshore_only": False,
    "buyer_location": "uk",
    "overlap_hours": 4,
    "shifted_hours": True,
    "home_market": "uk",
    "preferred_region": "india",
    "own_team_plan": False,
    "horizon": 3,
    "start_within": "one-to-three",
    "delivery_ownership": "provider-outcome",
    "mgmt_hours": 2,
    "prior_outsourcing": "bpo",
    "pilot_possible": True,
    "overnight_turnaround": False,
    "onsite_presence": "never",
    "licensed_signoff": ["none"],
    "vendor_assurance": ["iso27001"],
}


def table(client: Client, pk: int) -> str:
    page = html.unescape(client.get(reverse("recommendations:detail", args=[pk])).content.decode())
    found = re.search(r'aria-label="Delivery locations ranked">.*?</table>', page, re.S)
    assert found is not None
    return found.group(0)


def test_a_preferred_location_meeting_every_requirement_is_listed_however_it_ranks(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    a = AssessmentFactory(organisation=organisation, created_by=buyer, playbook=reference, answers=UK_BANK)
    rec = submit_and_recommend(assessment=a, user=buyer)
    ev = rec.record.evaluation
    india = next(loc for loc in ev.locations if loc.code == "india")
    assert india.preferred and not india.excluded_because
    assert ev.locations.index(india) >= 5  # ranked below the first five the table shows
    assert india in ev.top_locations
    assert [loc.code for loc in ev.locations if loc.preferred] == ["india"]
    rows = table(buyer_client, rec.pk)
    assert re.search(r'<th scope="row">India <span class="badge badge--secondary" data-preferred>', rows)
    # Stored before the mark, it reads as it rendered: India, below the first five, is not listed.
    document = rec.snapshot
    for location in document["evaluation"]["locations"]:
        del location["preferred"]
    old = store(document, organisation=organisation, user=buyer, playbook=reference)
    assert '<th scope="row">India' not in table(buyer_client, old.pk)
