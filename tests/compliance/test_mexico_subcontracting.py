"""A buyer in Mexico with the work done in Mexico reads the 2021 subcontracting reform: staff augmentation there is the
subcontracting of staff the Ley Federal del Trabajo bans (Art. 12; no tax effect, CFF Art. 15-D), and any provider
working there must be a REPSE-registered specialised service (Arts. 13-15). Delivered from elsewhere, neither."""

from __future__ import annotations

from typing import Any

import pytest

from apps.playbooks.models import Playbook
from tests.recommendations.golden import evaluated_answers

pytestmark = pytest.mark.django_db
# A Monterrey group's FP&A: three analysts run by its own managers, Latin America preferred.
MONTERREY: dict[str, Any] = {
    "mgmt_hours": 3, "prior_outsourcing": "kpo", "pilot_possible": True, "onsite_presence": "never",
    "data_onshore_only": False, "overnight_turnaround": False, "function": "financial-analysis",
    "sec_financial_reporting": "not-listed", "work_nature": "mixed", "codifiability": "high",
    "quality_measurable": "objective", "process_documented": "partly", "buyer_sector": "other",
    "core_differentiator": "commodity", "ip_sensitivity": "medium", "asset_specificity": "moderate",
    "own_team_plan": False, "volume_pattern": "steady", "annual_hours": 5800, "team_size": 3, "horizon": 5,
    "start_within": "one-to-three", "delivery_ownership": "our-managers", "client_jurisdictions": ["other"],
    "data_categories": ["other-personal"], "buyer_location": "mexico", "overlap_hours": 5, "shifted_hours": True,
    "licensed_signoff": ["none"], "home_market": "other", "vendor_assurance": ["iso27001"],
    "preferred_region": "latam", "work_language": "spanish",
}  # fmt: skip
TITLE = "Mexico's ban on subcontracting staff reaches work done for you there"


def test_staff_augmentation_delivered_in_mexico_reads_the_ban_with_its_articles(reference: Playbook) -> None:
    ev = evaluated_answers(reference, MONTERREY)
    assert (ev.top_model, ev.delivered_from) == ("staff-augmentation", "mexico")
    [risk] = [r for r in ev.risks if r.rule == "mx-subcontracting-reform"]
    assert (risk.title, risk.severity) == (TITLE, "high")
    assert risk.mitigation.startswith("Staff augmentation is the subcontracting of staff Mexican law bans")
    assert "(Art. 12)" in risk.mitigation and "Art. 15-D" in risk.mitigation and "REPSE" in risk.mitigation
    # The rule's two wordings of the risk (for staff augmentation, and any other model) name Mexico once.
    (fired,) = [f for f in ev.fired if f.code == "mx-subcontracting-reform"]
    assert any(e.startswith(f"risk if the work is delivered from Mexico: {TITLE}") for e in fired.effects)
    assert not any("Mexico or Mexico" in e for e in fired.effects)


def test_a_provider_directed_team_in_mexico_reads_the_registration_and_elsewhere_neither(reference: Playbook) -> None:
    team = evaluated_answers(reference, MONTERREY, delivery_ownership="provider-team")
    assert team.top_model != "staff-augmentation" and team.delivered_from == "mexico"
    [risk] = [r for r in team.risks if r.rule == "mx-subcontracting-reform"]
    assert (risk.title, risk.severity) == (TITLE, "medium") and "registered in the REPSE" in risk.mitigation
    # English only: Spanish, a language the team must work in, ranks Mexico before a region merely preferred.
    india = evaluated_answers(
        reference, MONTERREY, preferred_region="india", overlap_hours=None, shifted_hours=None, work_language="none"
    )
    assert india.delivered_from not in ("", "mexico")
    assert not [r for r in india.risks if r.rule == "mx-subcontracting-reform"]
