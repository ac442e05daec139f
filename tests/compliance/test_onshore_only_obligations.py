"""Data that may not leave the buyer's country, where no location of the catalogue is: the work can only be done
onshore, so the regimes' obligations for delivery from abroad (a transfer tool, a transfer impact assessment) are not
listed beside a verdict that says to consider an onshore provider; the ones that hold wherever it is done stay."""

from __future__ import annotations

from typing import Any

import pytest

from apps.playbooks.engine.evaluate import Evaluation
from apps.playbooks.models import Playbook
from tests.recommendations.golden import evaluated_answers

pytestmark = pytest.mark.django_db
# A German public body's legal review with EU personal and criminal-offence data that must stay in Germany.
GERMAN_PUBLIC_BODY: dict[str, Any] = {
    "process_documented": "documented",
    "prior_outsourcing": "bpo",
    "pilot_possible": True,
    "data_onshore_only": True,
    "onsite_presence": "never",
    "work_language": "german",
    "start_within": "three-to-six",
    "mgmt_hours": 4,
    "overnight_turnaround": False,
    "function": "legal-review",
    "work_nature": "rules-based",
    "codifiability": "high",
    "quality_measurable": "objective",
    "buyer_sector": "public-body",
    "core_differentiator": "commodity",
    "ip_sensitivity": "medium",
    "asset_specificity": "moderate",
    "own_team_plan": False,
    "volume_pattern": "steady",
    "annual_hours": 20000,
    "team_size": 10,
    "horizon": 4,
    "delivery_ownership": "provider-outcome",
    "client_jurisdictions": ["eu"],
    "data_categories": ["eu-personal", "privileged-legal"],
    "sensitive_personal_data": ["criminal-offence"],
    "legal_us_lawyers": False,
    "legal_client_consent": "can-obtain",
    "buyer_location": "eu",
    "buyer_eu_country": "germany",
    "overlap_hours": 6,
    "shifted_hours": False,
    "licensed_signoff": ["attorney"],
    "signoff_capacity": "yes",
    "home_market": "eu",
    "own_figures": False,
    "vendor_assurance": ["iso27001"],
    "preferred_region": "no-preference",
}
OFFSHORE_ONLY = {"transfer-tool", "transfer-impact-assessment"}


def _obligations(ev: Evaluation, regime: str) -> set[str]:
    (found,) = [r for r in ev.regimes if r.code == regime]
    return {o["code"] for _, _, listed in found.obligations for o in listed}


def test_no_transfer_step_is_listed_when_the_data_may_not_leave_the_country(reference: Playbook) -> None:
    ev = evaluated_answers(reference, GERMAN_PUBLIC_BODY)
    assert ev.verdict == "doesnt_win" and not ev.delivered_from
    gdpr = _obligations(ev, "gdpr")
    assert not gdpr & OFFSHORE_ONLY
    assert {"processor-contract", "record-and-role", "breach-sla"} <= gdpr
    special = [r for r in ev.regimes if r.code == "gdpr-special-data"]
    for regime in special:
        for _, _, listed in regime.obligations:
            assert all("transfer impact assessment" not in o["title"] for o in listed)


def test_with_the_data_free_to_leave_and_no_location_meeting_every_requirement_they_are_listed(
    reference: Playbook,
) -> None:
    # The same buyer needing staff on site every day: no offshore location qualifies, but the data could go abroad,
    # so the transfer steps may yet apply and stay listed.
    ev = evaluated_answers(reference, GERMAN_PUBLIC_BODY, data_onshore_only=False, onsite_presence="daily")
    assert not ev.delivered_from
    assert _obligations(ev, "gdpr") >= OFFSHORE_ONLY
