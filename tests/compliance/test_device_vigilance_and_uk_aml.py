"""A device manufacturer's vigilance work reads its quality system's supplier duties, not a trial sponsor's or a
drug's marketing-authorisation holder's; a broker-dealer reads FINRA's supervision of outsourced work beside the
adviser's compliance programme; a hospital's trial data is said as a site's or a sponsor's, with its own country's
medical secrecy named; a UK bank's KYC work reads the UK Money Laundering Regulations' rule on
customer due diligence through a provider (reg. 39(7)), where it read that its own AML law was not covered."""

from __future__ import annotations

from typing import Any

import pytest

from apps.playbooks.models import Playbook
from tests.recommendations.golden import evaluated_answers, fired_codes

pytestmark = pytest.mark.django_db
DEVICE_MAKER: dict[str, Any] = {
    "process_documented": "documented",
    "prior_outsourcing": "kpo",
    "pilot_possible": True,
    "data_onshore_only": False,
    "onsite_presence": "never",
    "work_language": "none",
    "start_within": "three-to-six",
    "mgmt_hours": 3,
    "overnight_turnaround": False,
    "work_nature": "mixed",
    "codifiability": "partial",
    "quality_measurable": "partly",
    "core_differentiator": "critical",
    "ip_sensitivity": "medium",
    "asset_specificity": "moderate",
    "own_team_plan": False,
    "volume_pattern": "steady",
    "horizon": 5,
    "delivery_ownership": "provider-team",
    "licensed_signoff": ["none"],
    "own_figures": False,
    "vendor_assurance": ["soc2"],
    "preferred_region": "india",
    "annual_hours": 14000,
    "team_size": 8,
    "overlap_hours": 3,
    "shifted_hours": True,
    "function": "clinical-data",
    "clinical_work": ["device-safety"],
    "buyer_sector": "other",
    "client_jurisdictions": ["us", "eu"],
    "data_categories": ["phi", "eu-personal"],
    "sensitive_personal_data": ["special-category"],
    "hipaa_role": "neither",
    "medicaid_offshore": "none",
    "phi_deidentify": False,
    "buyer_location": "us",
    "buyer_us_zone": "central",
    "home_market": "us",
}
US_BROKER_DEALER: dict[str, Any] = {
    "process_documented": "documented",
    "prior_outsourcing": "kpo",
    "pilot_possible": True,
    "data_onshore_only": False,
    "onsite_presence": "never",
    "work_language": "none",
    "start_within": "three-to-six",
    "mgmt_hours": 3,
    "overnight_turnaround": False,
    "work_nature": "judgement",
    "codifiability": "partial",
    "quality_measurable": "partly",
    "core_differentiator": "critical",
    "ip_sensitivity": "medium",
    "asset_specificity": "moderate",
    "own_team_plan": False,
    "volume_pattern": "steady",
    "horizon": 5,
    "delivery_ownership": "provider-team",
    "licensed_signoff": ["research-analyst"],
    "own_figures": False,
    "vendor_assurance": ["soc2"],
    "preferred_region": "india",
    "annual_hours": 16000,
    "team_size": 8,
    "overlap_hours": 3,
    "shifted_hours": True,
    "function": "credit-research",
    "buyer_sector": "investment-firm",
    "buyer_regulated_in": "us",
    "sec_registration": "both",
    "critical_function": False,
    "client_jurisdictions": ["us"],
    "data_categories": ["mnpi-research", "glba-financial"],
    "mnpi_inside_information": "yes",
    "research_broker_dealer": True,
    "research_mifid_firm": False,
    "research_authorship": "onshore-adopts",
    "buyer_location": "us",
    "buyer_us_zone": "eastern",
    "signoff_capacity": "yes",
    "home_market": "us",
}
DUTCH_HOSPITAL: dict[str, Any] = {
    "process_documented": "documented",
    "prior_outsourcing": "kpo",
    "pilot_possible": True,
    "data_onshore_only": False,
    "onsite_presence": "never",
    "work_language": "other",
    "start_within": "three-to-six",
    "mgmt_hours": 3,
    "overnight_turnaround": False,
    "work_nature": "rules-based",
    "codifiability": "high",
    "quality_measurable": "objective",
    "core_differentiator": "critical",
    "ip_sensitivity": "medium",
    "asset_specificity": "moderate",
    "own_team_plan": False,
    "volume_pattern": "steady",
    "horizon": 5,
    "delivery_ownership": "provider-team",
    "licensed_signoff": ["none"],
    "own_figures": False,
    "vendor_assurance": ["iso27001"],
    "preferred_region": "india",
    "annual_hours": 12000,
    "team_size": 7,
    "overlap_hours": 3,
    "shifted_hours": True,
    "function": "clinical-data",
    "clinical_work": ["trial-data"],
    "buyer_sector": "healthcare",
    "buyer_regulated_in": "eu",
    "client_jurisdictions": ["eu"],
    "data_categories": ["phi", "eu-personal"],
    "sensitive_personal_data": ["special-category"],
    "phi_deidentify": False,
    "buyer_location": "eu",
    "buyer_eu_country": "netherlands",
    "home_market": "eu",
}
UK_BANK_KYC: dict[str, Any] = {
    "process_documented": "documented",
    "prior_outsourcing": "kpo",
    "pilot_possible": True,
    "data_onshore_only": False,
    "onsite_presence": "never",
    "work_language": "none",
    "start_within": "within-month",
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
    "delivery_ownership": "provider-team",
    "licensed_signoff": ["none"],
    "own_figures": False,
    "vendor_assurance": ["iso27001"],
    "preferred_region": "india",
    "annual_hours": 50000,
    "team_size": 25,
    "overlap_hours": 3,
    "shifted_hours": True,
    "function": "kyc-aml",
    "buyer_sector": "bank",
    "buyer_regulated_in": "uk",
    "critical_function": True,
    "model_risk_work": False,
    "client_jurisdictions": ["uk", "eu"],
    "data_categories": ["uk-personal", "eu-personal"],
    "sensitive_personal_data": ["criminal-offence"],
    "buyer_location": "uk",
    "home_market": "uk",
}


def _duties(ev: Any, code: str) -> dict[str, tuple[str, str]]:
    regime = next(r for r in ev.regimes if r.code == code)
    return {o["code"]: (o["phase"], o["citation"]) for _p, _l, items in regime.obligations for o in items}


def test_a_device_makers_vigilance_reads_its_quality_system_not_a_sponsors_duties(reference: Playbook) -> None:
    ev = evaluated_answers(reference, {}, **DEVICE_MAKER)
    said = " ".join([c.text for c in ev.conditions] + [r.title for r in ev.risks])
    assert "drug-safety" not in said and "sponsor" not in said
    assert not [f for f in ev.fired if f.code.startswith("clinical-data-sponsor-oversight")]
    assert _duties(ev, "fda-device-mdr")["quality-system-supplier"] == (
        "before_signing",
        "21 CFR 820.10(a) (ISO 13485:2016 cl. 4.1.5, 7.4, 8.2.2, incorporated by 21 CFR 820.7); 21 CFR 820.35(a)",
    )
    assert _duties(ev, "eu-mdr-vigilance")["quality-system-supplier"][1] == "Regulation (EU) 2017/745, Art. 10(9)"
    assert any("control it as a supplier of an outsourced quality-system process" in c.text for c in ev.conditions)
    # A drug's safety work still reads the sponsor's and the authorisation holder's duties.
    drug = evaluated_answers(reference, {}, **{**DEVICE_MAKER, "clinical_work": ["drug-safety"]})
    assert [f for f in drug.fired if f.code == "clinical-data-sponsor-oversight"]


def test_a_uk_bank_outsourcing_kyc_reads_the_money_laundering_regulations(reference: Playbook) -> None:
    ev = evaluated_answers(reference, {}, **UK_BANK_KYC)
    assert "uk-mlr-outsourcing" in ev.regime_codes
    duties = _duties(ev, "uk-mlr-outsourcing")
    assert duties["stay-liable"] == ("before_signing", "SI 2017/692 regs. 28, 39(7)")
    assert duties["decisions-stay"][1] == "SI 2017/692 reg. 21(3); Proceeds of Crime Act 2002 ss. 330-331"
    assert not [r for r in ev.risks if r.rule == "aml-outsourcing-not-covered"]
    assert any(c.rule == "aml-outsourcing-uk" for c in ev.conditions)
    # A UK insurer, within the Regulations only for some lines the questionnaire does not ask, is told so.
    insurer = evaluated_answers(reference, {}, **{**UK_BANK_KYC, "buyer_sector": "insurer"})
    assert "uk-mlr-outsourcing" not in insurer.regime_codes
    assert [r.rule for r in insurer.risks if r.rule.startswith("aml-outsourcing-not-covered")] == [
        "aml-outsourcing-not-covered-uk-insurer"
    ]


def test_a_broker_dealer_reads_its_duty_to_supervise_outsourced_work(reference: Playbook) -> None:
    ev = evaluated_answers(reference, {}, **US_BROKER_DEALER)
    assert {"us-broker-dealer-supervision", "us-adviser-oversight"} <= set(ev.regime_codes)
    duties = _duties(ev, "us-broker-dealer-supervision")
    assert list(duties) == ["due-diligence", "supervise", "registered-activities", "books-and-records"]
    assert duties["supervise"] == ("before_signing", "FINRA Rule 3110(a)-(b)")
    assert duties["books-and-records"] == ("in_contract", "17 CFR 240.17a-4(i)")
    adviser = evaluated_answers(reference, {}, **{**US_BROKER_DEALER, "sec_registration": "adviser"})
    assert "us-broker-dealer-supervision" not in adviser.regime_codes


def test_a_hospitals_trial_data_reads_a_sites_duties_beside_a_sponsors_and_its_medical_secrecy(
    reference: Playbook,
) -> None:
    ev = evaluated_answers(reference, {}, **DUTCH_HOSPITAL)
    (site,) = [c.text for c in ev.conditions if c.rule == "clinical-trial-site-or-sponsor"]
    assert site.startswith("If you are the trial's site rather than its sponsor:")
    assert "ICH E6(R3), Annex 1, section 2" in site and "a trial you sponsor yourself" in site
    (secrecy,) = [r for r in ev.risks if r.rule == "eu-patient-records-medical-secrecy"]
    assert "Burgerlijk Wetboek art. 7:457" in secrecy.mitigation
    # A German hospital reads § 203 StGB instead, and a sponsor that is not a healthcare provider neither.
    german = evaluated_answers(reference, {}, **{**DUTCH_HOSPITAL, "buyer_eu_country": "germany"})
    assert not [r for r in german.risks if r.rule == "eu-patient-records-medical-secrecy"]
    pharma = evaluated_answers(reference, {}, **{**DUTCH_HOSPITAL, "buyer_sector": "other"})
    assert not [c for c in pharma.conditions if c.rule == "clinical-trial-site-or-sponsor"]


def test_a_french_hospital_reads_medical_secrecy_and_hds_hosting_in_the_eea(reference: Playbook) -> None:
    # Review 111: a French hospital's coding read that its country's medical secrecy law was not set out, and nothing
    # of certified health-data hosting.
    french = {**DUTCH_HOSPITAL, "buyer_eu_country": "france"}
    ev = evaluated_answers(reference, {}, **french)
    assert not [r for r in ev.risks if r.rule == "eu-patient-records-medical-secrecy"]
    (hosting,) = [r for r in ev.risks if r.rule == "fr-health-data-hosting"]
    assert hosting.severity == "high" and "art. L.1111-8" in hosting.mitigation and "EEA" in hosting.mitigation
    (condition,) = [c.text for c in ev.conditions if c.rule == "fr-health-data-hosting"]
    assert "medical secrecy (art. L.1110-4)" in condition and "(HDS)" in condition
    assert not [
        r for r in evaluated_answers(reference, {}, **DUTCH_HOSPITAL).risks if r.rule == "fr-health-data-hosting"
    ]
    # Review 124: its patients' data described as special-category EU personal data, health information not ticked,
    # reads the same hosting and secrecy, worded for special-category data that is patients' health data.
    special = evaluated_answers(reference, {}, **{**french, "data_categories": ["eu-personal"]})
    assert "fr-health-data-hosting" not in fired_codes(special)
    (hosting,) = [r for r in special.risks if r.rule == "fr-health-data-hosting-special-category"]
    assert hosting.title.startswith("Where the special-category data is patients' health data")
    (condition,) = [c.text for c in special.conditions if c.rule == "fr-health-data-hosting-special-category"]
    assert "santé publique art. L.1111-8)" in condition and "medical secrecy (art. L.1110-4)" in condition
    # With health information ticked as well (as above), the plain rule alone.
    assert "fr-health-data-hosting-special-category" not in fired_codes(ev)


def test_inside_information_under_confidentiality_agreements_is_a_risk_and_a_funds_models_are_an_analysts(
    reference: Playbook,
) -> None:
    pe = evaluated_answers(reference, {}, **{**US_BROKER_DEALER, "mnpi_inside_information": "yes"})
    (risk,) = [r for r in pe.risks if r.rule == "deal-information-confidentiality-agreements"]
    assert "Representatives" in risk.mitigation and risk.severity == "medium"
    own = evaluated_answers(reference, {}, **{**US_BROKER_DEALER, "mnpi_inside_information": "own-research-only"})
    assert not [r for r in own.risks if r.rule == "deal-information-confidentiality-agreements"]
    fund = evaluated_answers(
        reference, {}, **{**US_BROKER_DEALER, "function": "financial-analysis", "own_figures": False}
    )
    assert "financial-close-inhouse-comparator" not in {f.code for f in fund.fired}
    company = evaluated_answers(
        reference,
        {},
        **{**US_BROKER_DEALER, "function": "financial-analysis", "own_figures": False, "buyer_sector": "other"},
    )
    assert "financial-close-inhouse-comparator" in {f.code for f in company.fired}
