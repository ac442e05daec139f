"""Advice a sourcing adviser and a regulatory lawyer checked (review 99): where the buyer is established brings its
own data protection law whoever the data is about; unpublished inventions go abroad whatever is to be filed in
Europe; notices the law asks before outsourcing are gates whether or not the work is critical."""

from __future__ import annotations

from typing import Any

import pytest

from apps.playbooks.models import Playbook
from tests.recommendations.golden import evaluated_answers, fired_codes

pytestmark = pytest.mark.django_db

BASE: dict[str, Any] = {
    "work_nature": "mixed",
    "codifiability": "partial",
    "quality_measurable": "partly",
    "process_documented": "partly",
    "core_differentiator": "commodity",
    "ip_sensitivity": "medium",
    "asset_specificity": "moderate",
    "own_team_plan": False,
    "volume_pattern": "steady",
    "horizon": 3,
    "start_within": "one-to-three",
    "delivery_ownership": "provider-team",
    "mgmt_hours": 4,
    "prior_outsourcing": "bpo",
    "pilot_possible": True,
    "data_onshore_only": False,
    "shifted_hours": True,
    "overnight_turnaround": True,
    "onsite_presence": "never",
    "licensed_signoff": ["none"],
    "own_figures": False,
    "vendor_assurance": ["iso27001"],
    "preferred_region": "no-preference",
    "work_language": "none",
}
GERMAN_MARKET_RESEARCH = {
    **BASE,
    "function": "market-research-analytics",
    "buyer_sector": "other",
    "client_jurisdictions": ["us"],
    "data_categories": ["other-personal", "california-personal"],
    "buyer_location": "eu",
    "buyer_eu_country": "germany",
    "home_market": "eu",
    "annual_hours": 12000,
    "team_size": 6,
    "overlap_hours": 3,
    "preferred_region": "india",
}


def _regimes(ev: Any) -> set[str]:
    return {r.code for r in ev.regimes}


def test_a_team_in_the_eu_brings_the_gdpr_whoever_the_personal_data_is_about(reference: Playbook) -> None:
    ev = evaluated_answers(reference, GERMAN_MARKET_RESEARCH)
    assert "gdpr" in _regimes(ev) and "gdpr-eu-established-buyer" in fired_codes(ev)
    # Not told that its own country's rules are not covered: they are, and they are the GDPR.
    assert "other-personal-data" not in fired_codes(ev)
    assert not any("are not covered here" in r.title for r in ev.risks if "personal data" in r.title)
    # Delivered from India, the transfer needs a tool: the risk says so.
    assert ev.delivered_from == "india"
    assert any("transferred outside the EEA" in r.title for r in ev.risks)
    # A French buyer with Indian personal data only, too; a Swiss one is under its own law, not the GDPR.
    french = evaluated_answers(
        reference, GERMAN_MARKET_RESEARCH, buyer_eu_country="france", data_categories=["india-personal"]
    )
    assert "gdpr" in _regimes(french)
    swiss = evaluated_answers(reference, GERMAN_MARKET_RESEARCH, buyer_eu_country="switzerland")
    assert "gdpr" not in _regimes(swiss) and "gdpr-eu-established-buyer" not in fired_codes(swiss)
    # No personal data at all: nothing to protect.
    none = evaluated_answers(reference, GERMAN_MARKET_RESEARCH, data_categories=["none"])
    assert "gdpr" not in _regimes(none)


def test_a_team_in_the_uk_brings_the_uk_gdpr_whoever_the_personal_data_is_about(reference: Playbook) -> None:
    uk = {"buyer_location": "uk", "buyer_eu_country": None, "home_market": "uk", "preferred_region": "no-preference"}
    ev = evaluated_answers(reference, GERMAN_MARKET_RESEARCH, **uk)
    assert "uk-gdpr" in _regimes(ev) and "uk-gdpr-uk-established-buyer" in fired_codes(ev)
    assert "other-personal-data" not in fired_codes(ev)
    # A US buyer with the same data is under neither.
    us = evaluated_answers(
        reference,
        GERMAN_MARKET_RESEARCH,
        **{**uk, "buyer_location": "us", "buyer_us_zone": "eastern", "home_market": "us"},
    )
    assert not {"gdpr", "uk-gdpr"} & _regimes(us)
    # It is not told its own country's rules are not covered: the US federal limit is named instead (review 111).
    assert "other-personal-data" not in fired_codes(us) and "us-sensitive-data-countries-of-concern" in fired_codes(us)


def test_unpublished_inventions_for_us_clients_go_abroad_whatever_is_to_be_filed_in_europe(reference: Playbook) -> None:
    answers = {
        **BASE,
        "function": "patent-research",
        "work_nature": "judgement",
        "ip_sensitivity": "high",
        "buyer_sector": "other",
        "client_jurisdictions": ["us"],
        "data_categories": ["none"],
        "buyer_location": "us",
        "buyer_us_zone": "eastern",
        "home_market": "us",
        "annual_hours": 3000,
        "team_size": 2,
        "overlap_hours": 2,
    }
    for filing in ("yes", "no", "unsure", None):
        ev = evaluated_answers(reference, answers, patent_filing_europe=filing)
        assert "us-patent-foreign-filing" in _regimes(ev), filing
        assert any("classified for export" in c.text for c in ev.conditions), filing


def test_a_uk_payment_institutions_notice_to_the_fca_is_a_gate_critical_or_not(reference: Playbook) -> None:
    answers = {
        **BASE,
        "function": "financial-analysis",
        "buyer_sector": "payments",
        "buyer_regulated_in": "uk",
        "critical_function": False,
        "client_jurisdictions": ["uk"],
        "data_categories": ["none"],
        "buyer_location": "uk",
        "home_market": "uk",
        "annual_hours": 6000,
        "team_size": 3,
        "overlap_hours": 3,
    }
    ev = evaluated_answers(reference, answers)
    (gate,) = [g for g in ev.gates if "FCA" in g.text]
    assert gate.notice and "reg. 25(1)" in gate.text
    assert ev.verdict != "wins"


def test_an_eu_pension_funds_actuarial_work_needs_the_notice_to_its_supervisor(reference: Playbook) -> None:
    answers = {
        **BASE,
        "function": "actuarial",
        "work_nature": "judgement",
        "buyer_sector": "pension-fund",
        "buyer_regulated_in": "eu",
        "critical_function": False,
        "ict_services": False,
        "client_jurisdictions": ["eu"],
        "data_categories": ["eu-personal"],
        "gdpr_role": "controller",
        "buyer_location": "eu",
        "buyer_eu_country": "netherlands",
        "home_market": "eu",
        "licensed_signoff": ["actuary"],
        "signoff_capacity": "yes",
        "annual_hours": 6000,
        "team_size": 3,
        "overlap_hours": 5,
        "preferred_region": "cee",
    }
    ev = evaluated_answers(reference, answers)
    (gate,) = [g for g in ev.gates if "actuarial function" in g.text]
    assert gate.notice and "Art. 31(6)" in gate.text and "Art. 24(1)" in gate.text
    assert ev.verdict == "conditional"
    # Answered as critical, the critical-function notice says it once: no second gate for the same notice.
    critical = evaluated_answers(reference, answers, critical_function=True)
    assert not [g for g in critical.gates if "actuarial function" in g.text]
    assert any(g.notice for g in critical.gates)
    # Other work of the fund (financial analysis) is not the actuarial function's.
    other = evaluated_answers(reference, answers, function="financial-analysis", licensed_signoff=["none"])
    assert not [g for g in other.gates if "actuarial function" in g.text]


def test_the_gdpr_card_of_a_team_outside_the_eu_says_art_3_2_decides_whether_it_applies(reference: Playbook) -> None:
    # Review 101: a UK team with EU data only read "Triggered by: Personal data of people in the EU", as if the GDPR
    # applied outright, while a condition on the same page said it applies only if Art. 3(2) reaches the buyer.
    eu_data = {"data_categories": ["eu-personal"], "client_jurisdictions": ["eu"], "gdpr_role": "controller"}
    uk = {"buyer_location": "uk", "buyer_eu_country": None, "home_market": "uk", "preferred_region": "no-preference"}
    ev = evaluated_answers(reference, GERMAN_MARKET_RESEARCH, **eu_data, **uk)
    (gdpr,) = [r for r in ev.regimes if r.code == "gdpr"]
    assert any("(Art. 3(2))" in because for because in gdpr.because)
    assert "gdpr-eu-personal-data" not in fired_codes(ev)
    # A team in the EU reads it plainly: the GDPR applies to it (Art. 3(1)).
    german = evaluated_answers(reference, GERMAN_MARKET_RESEARCH, **eu_data)
    (gdpr,) = [r for r in german.regimes if r.code == "gdpr"]
    assert gdpr.because == ("Personal data of people in the EU",)
    # Wherever it is handled from, delivery from India still needs a transfer tool.
    for each in (ev, german):
        if each.delivered_from == "india":
            assert any("without a valid transfer mechanism" in r.title for r in each.risks)
