"""Advice a sourcing adviser and a regulatory lawyer checked (review 94)."""

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
from tests.recommendations.golden import evaluated_answers

pytestmark = pytest.mark.django_db

# Every situation below is this one with some answers changed: a steady, mixed-judgement job bought from a provider.
BASE: dict[str, Any] = {
    "work_nature": "mixed",
    "codifiability": "partial",
    "quality_measurable": "partly",
    "process_documented": "partly",
    "core_differentiator": "critical",
    "ip_sensitivity": "medium",
    "asset_specificity": "moderate",
    "own_team_plan": False,
    "volume_pattern": "steady",
    "horizon": 3,
    "start_within": "three-to-six",
    "delivery_ownership": "provider-team",
    "mgmt_hours": 3,
    "prior_outsourcing": "bpo",
    "pilot_possible": True,
    "data_onshore_only": False,
    "overlap_hours": 2,
    "shifted_hours": True,
    "overnight_turnaround": True,
    "onsite_presence": "never",
    "licensed_signoff": ["none"],
    "vendor_assurance": ["soc2", "iso27001"],
    "preferred_region": "no-preference",
    "work_language": "none",
}
SYDNEY_ACTUARIES = {
    **BASE,
    "buyer_location": "australia-east",
    "home_market": "other",
    "client_jurisdictions": ["other"],
    "function": "actuarial",
    "buyer_sector": "insurer",
    "buyer_regulated_in": "australia",
    "critical_function": True,
    "annual_hours": 8000,
    "team_size": 4,
    "data_categories": ["au-personal"],
    "licensed_signoff": ["actuary"],
    "signoff_capacity": "yes",
    "overlap_hours": 3,
}


def test_clocks_changing_in_opposite_seasons_are_an_hour_either_side_of_the_middle(reference: Playbook) -> None:
    # Sydney keeps summer time from October to April, Poland from March to October: on a day moved four hours earlier
    # (05:00-13:00 in Warsaw) the overlap is 2 h in the southern summer and 4 h in July. It was shown as "3 h" and
    # ranked first against a 3-hour requirement.
    ev = evaluated_answers(reference, SYDNEY_ACTUARIES)
    by_code = {loc.code: loc for loc in ev.locations}
    assert by_code["poland"].excluded_because, "2 h for months is short of the 3 h needed"
    romania = by_code["romania"]
    assert not romania.excluded_because
    assert romania.shifted_day == "05:00–13:00" and romania.shifted_gives == "3–5 h over the year"
    assert romania.moved_furthest  # no day moved further gives more: the page says no "up to … on a day moved further"
    # One clock moving alone (South Africa keeps none) is half an hour either side, the catalogue's convention: the
    # figure shown is the middle one.
    assert by_code["south-africa"].shifted_gives == "" and by_code["south-africa"].overlap_yours == 3.5
    # India, whose day moves half an hour, could move further for more.
    assert by_code["india"].shifted_gives == "3–4 h over the year" and not by_code["india"].moved_furthest


def test_the_locations_table_gives_the_year_s_range_and_no_further_move_where_there_is_none(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    a = AssessmentFactory(organisation=organisation, created_by=buyer, playbook=reference, answers=SYDNEY_ACTUARIES)
    rec = submit_and_recommend(assessment=a, user=buyer)
    page = re.sub(
        r"\s+",
        " ",
        html.unescape(
            re.sub(r"<[^>]+>", " ", buyer_client.get(reverse("recommendations:detail", args=[rec.pk])).content.decode())
        ),
    )
    assert "3–5 h over the year working 05:00–13:00 there" in page  # Romania
    assert "3–5 h over the year working 05:00–13:00 there; up to" not in page
    # India's day could move further for more, and says so.
    assert "3–4 h over the year working 08:30–16:30 there; up to 7 h on a day moved further" in page
