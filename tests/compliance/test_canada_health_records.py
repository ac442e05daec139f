"""A Canadian hospital's patients' records: PIPEDA reaches commercial activities only (s. 4(1)(a)); the province's
health-information law governs them (Ontario's PHIPA 2004: the provider as the hospital's agent, s. 17; its
safeguards, s. 12(1)), and the result says so, as it says of Quebec's private-sector law, not set out here."""

from __future__ import annotations

from typing import Any

import pytest

from apps.playbooks.models import Playbook
from tests.recommendations.golden import evaluated_answers, fired_codes

pytestmark = pytest.mark.django_db
RULE = "canada-health-custodian-provincial-law"
ELSEWHERE = "canada-health-custodian-provincial-law-elsewhere"
ONTARIO_HOSPITAL: dict[str, Any] = {
    "process_documented": "documented",
    "prior_outsourcing": "bpo",
    "pilot_possible": True,
    "data_onshore_only": False,
    "onsite_presence": "never",
    "work_language": "none",
    "start_within": "three-to-six",
    "mgmt_hours": 3,
    "overnight_turnaround": False,
    "work_nature": "rules-based",
    "codifiability": "high",
    "quality_measurable": "objective",
    "core_differentiator": "commodity",
    "ip_sensitivity": "medium",
    "asset_specificity": "moderate",
    "own_team_plan": False,
    "volume_pattern": "steady",
    "horizon": 5,
    "delivery_ownership": "provider-outcome",
    "licensed_signoff": ["none"],
    "own_figures": False,
    "vendor_assurance": ["iso27001"],
    "preferred_region": "india",
    "function": "medical-coding",
    "buyer_sector": "healthcare",
    "buyer_regulated_in": "other",
    "client_jurisdictions": ["other"],
    "data_categories": ["canada-personal"],
    "buyer_location": "canada-east",
    "overlap_hours": 4,
    "shifted_hours": True,
    "home_market": "other",
    "annual_hours": 16000,
    "team_size": 8,
}


def test_an_ontario_hospital_reads_its_provinces_health_information_law(reference: Playbook) -> None:
    ev = evaluated_answers(reference, ONTARIO_HOSPITAL)
    assert RULE in fired_codes(ev)
    (risk,) = [r for r in ev.risks if r.rule == RULE]
    assert "PHIPA 2004" in risk.mitigation and "(s. 17)" in risk.mitigation and "(s. 4(1)(a))" in risk.mitigation
    # A province that keeps a public body's records in Canada is named too (review 138: Ontario's law alone).
    assert "(Personal Information International Disclosure Protection Act, S.N.S. 2006, c. 3, s. 5)" in risk.mitigation
    # Worded for the province the records are held in, not "your province's" (review 130: a buyer elsewhere).
    assert risk.title.startswith("The health-information law of the province the records are held in governs them")


def test_not_for_a_canadian_buyer_outside_healthcare(reference: Playbook) -> None:
    assert RULE not in fired_codes(evaluated_answers(reference, ONTARIO_HOSPITAL, buyer_sector="other"))


def test_the_hospitals_checklist_reads_its_provinces_law_and_pipeda_only_for_commercial_activity(
    reference: Playbook,
) -> None:
    # Review 124: an Ontario hospital's only condition had been PIPEDA's terms, which reach commercial activity alone;
    # its province's health-information law was a risk with nothing to settle.
    ev = evaluated_answers(reference, ONTARIO_HOSPITAL)
    (custodian,) = [c.text for c in ev.conditions if c.rule == RULE]
    assert "PHIPA 2004 makes the provider your agent, s. 17" in custodian
    assert "pipeda-canada-personal-data" not in fired_codes(ev)
    (pipeda,) = [c.text for c in ev.conditions if c.rule == "pipeda-canada-personal-data-healthcare"]
    assert pipeda.startswith("For what you do in the course of commercial activities") and "s. 4(1)(a)" in pipeda
    assert "pipeda" in ev.regime_codes
    # Any other sector reads PIPEDA's terms as they were.
    other = evaluated_answers(reference, ONTARIO_HOSPITAL, buyer_sector="other")
    assert [c.rule for c in other.conditions if "PIPEDA Schedule 1" in c.text] == ["pipeda-canada-personal-data"]


def test_a_us_hospital_with_canadians_records_is_not_told_its_provinces_law(reference: Playbook) -> None:
    # Review 127: a US hospital read "your province's health-information law" (PHIPA binds custodians in Ontario).
    us = evaluated_answers(
        reference, ONTARIO_HOSPITAL, buyer_location="us", home_market="us", data_categories=["canada-personal", "phi"]
    )
    assert RULE not in fired_codes(us)
    # A buyer elsewhere (western Canada has no location of its own) still reads it.
    assert ELSEWHERE in fired_codes(evaluated_answers(reference, ONTARIO_HOSPITAL, buyer_location="other"))


def test_a_hospital_elsewhere_regulated_outside_canada_is_not_told_a_provinces_law(reference: Playbook) -> None:
    # Review 130: a hospital answering "elsewhere" for where its team sits read a Canadian province's law, whatever
    # country regulates it; a hospital in western Canada answers "elsewhere" and "somewhere else" (or Canada).
    for regulated in ("us", "uk", "eu", "australia", "singapore"):
        ev = evaluated_answers(reference, ONTARIO_HOSPITAL, buyer_location="other", buyer_regulated_in=regulated)
        assert not {RULE, ELSEWHERE} & fired_codes(ev), regulated
        # A team in Toronto reads it whatever its regulator (review 136: a hospital regulated in the US lost it).
        toronto = evaluated_answers(reference, ONTARIO_HOSPITAL, buyer_regulated_in=regulated)
        assert RULE in fired_codes(toronto), regulated
    for regulated in ("other", "canada"):
        ev = evaluated_answers(reference, ONTARIO_HOSPITAL, buyer_location="other", buyer_regulated_in=regulated)
        assert ELSEWHERE in fired_codes(ev), regulated
