"""Personal data processed by a provider in Mexico reads a risk that Mexico's 2025 data protection law (the LFPDPPP)
governs it and is not set out here, with what counsel should put in the contract (review 124: delivery from Mexico
read no Mexican law, where Colombia, the Philippines and South Africa read theirs). Only when Mexico is where the work
is delivered from, and only with personal data."""

from __future__ import annotations

import pytest

from apps.playbooks.models import Playbook
from tests.recommendations.golden import evaluated_case

pytestmark = pytest.mark.django_db
CASE = "Policyholder data from elsewhere"
PACIFIC = {
    "buyer_location": "us",
    "buyer_us_zone": "pacific",
    "buyer_regulated_in": "us",
    "client_jurisdictions": ["us"],
    "data_categories": ["other-personal", "california-personal"],
    "preferred_region": "latam",
    "overlap_hours": 6,
    "shifted_hours": False,
    "home_market": "us",
}
RULE = "mexico-delivery-privacy-law"


def test_delivery_from_mexico_reads_its_law_as_a_risk(reference: Playbook) -> None:
    ev = evaluated_case(reference, CASE, **PACIFIC)
    assert ev.delivered_from == "mexico"
    (risk,) = [r for r in ev.risks if r.rule == RULE]
    assert risk.severity == "medium" and "not set out here" in risk.title
    assert "(LFPDPPP, Diario Oficial de la Federación, 20 March 2025)" in risk.mitigation
    assert "processor (encargado)" in risk.mitigation


def test_not_without_personal_data_nor_from_elsewhere(reference: Playbook) -> None:
    none = evaluated_case(reference, CASE, **{**PACIFIC, "data_categories": ["none"]})
    assert none.delivered_from == "mexico" and not [r for r in none.risks if r.rule == RULE]
    india = evaluated_case(reference, CASE, **{**PACIFIC, "preferred_region": "india", "overlap_hours": 0})
    assert india.delivered_from != "mexico" and not [r for r in india.risks if r.rule == RULE]
