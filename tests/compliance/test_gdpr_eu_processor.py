"""A provider delivering from Poland or Romania is a processor established in the EU, bound by the GDPR whoever the
buyer is (Art. 3(1)): a Swiss bank whose work is delivered from Poland reads the processor's duties (Arts. 28(3),
30(2), 32, 33(2)); a buyer in the EU reads the GDPR in full instead, and delivery from elsewhere reads neither."""

from __future__ import annotations

from typing import Any

import pytest

from apps.playbooks.models import Playbook
from tests.recommendations.golden import evaluated_answers, fired_codes

pytestmark = pytest.mark.django_db
RULE = "gdpr-eu-processor-delivery"
TITLE = "A provider in the EU processes your personal data under the GDPR"
SWISS_BANK: dict[str, Any] = {
    "process_documented": "documented",
    "prior_outsourcing": "kpo",
    "pilot_possible": True,
    "data_onshore_only": False,
    "onsite_presence": "never",
    "work_language": "german",
    "start_within": "three-to-six",
    "mgmt_hours": 3,
    "overnight_turnaround": False,
    "work_nature": "mixed",
    "codifiability": "partial",
    "quality_measurable": "partly",
    "core_differentiator": "critical",
    "ip_sensitivity": "high",
    "asset_specificity": "moderate",
    "own_team_plan": False,
    "volume_pattern": "steady",
    "horizon": 5,
    "delivery_ownership": "provider-team",
    "licensed_signoff": ["none"],
    "own_figures": True,
    "vendor_assurance": ["iso27001"],
    "preferred_region": "cee",
    "function": "equity-research",
    "buyer_sector": "bank",
    "buyer_regulated_in": "other",
    "critical_function": True,
    "client_jurisdictions": ["other", "eu"],
    "data_categories": ["other-personal", "mnpi-research"],
    "mnpi_inside_information": "own-research-only",
    "research_broker_dealer": False,
    "research_mifid_firm": False,
    "research_authorship": "onshore-adopts",
    "buyer_location": "eu",
    "buyer_eu_country": "switzerland",
    "overlap_hours": 6,
    "shifted_hours": True,
    "home_market": "other",
    "own_inhouse_cost": 180000,
    "annual_hours": 12000,
    "team_size": 6,
}


def test_a_swiss_bank_delivered_from_poland_reads_the_processors_gdpr_duties(reference: Playbook) -> None:
    ev = evaluated_answers(reference, SWISS_BANK)
    assert ev.delivered_from in ("poland", "romania"), ev.delivered_from
    assert RULE in fired_codes(ev)
    (risk,) = [r for r in ev.risks if r.title == TITLE]
    assert "(Art. 3(1))" in risk.mitigation and "Art. 28(3)" in risk.mitigation and "(Art. 33(2))" in risk.mitigation


def test_not_for_a_buyer_in_the_eu(reference: Playbook) -> None:
    ev = evaluated_answers(reference, SWISS_BANK, buyer_eu_country="germany")
    assert RULE not in fired_codes(ev)


def test_not_said_when_the_work_is_delivered_from_outside_the_eu(reference: Playbook) -> None:
    # English only: German, a language the team must work in, ranks Poland before a region merely preferred.
    ev = evaluated_answers(reference, SWISS_BANK, preferred_region="india", overlap_hours=2, work_language="none")
    assert ev.delivered_from not in ("poland", "romania")
    assert TITLE not in {r.title for r in ev.risks}
