"""An NHS body in England giving a provider its patients' records reads, beside the UK GDPR, what the NHS itself
asks: the Data Security and Protection Toolkit standard for the provider, its senior information risk owner's
approval of processing abroad, the basis under the duty of confidentiality, national data opt-outs, and the Caldicott
Principles. A private clinic whose data is not NHS data, a US hospital, or a public body that is not sharing health
information is not handed them."""

from __future__ import annotations

from typing import Any

import pytest

from apps.compliance.models import Regime
from apps.playbooks.models import Playbook
from tests.compliance.test_brazil_and_philippines_laws import source_host_kinds
from tests.recommendations.golden import evaluated_case

pytestmark = pytest.mark.django_db
TRUST_IN_INDIA = "NHS trust: clinical coding of its patients' records by a provider in India"
TRUST = "Public body: an NHS trust's clinical coding"
US_HOSPITAL = "US hospital group: steady medical coding bought as a managed service"
REGIME = "nhs-patient-data"


def obligations(ev: Any) -> dict[str, dict[str, Any]]:
    regime = next(r for r in ev.regimes if r.code == REGIME)
    return {o["code"]: {**o, "phase": phase} for phase, _label, items in regime.obligations for o in items}


def test_an_nhs_trust_coding_in_india_reads_what_the_nhs_asks_before_signing(reference: Playbook) -> None:
    ev = evaluated_case(reference, TRUST_IN_INDIA)
    assert ev.locations[0].code == "india"
    assert {"uk-gdpr", "uk-gdpr-special-data", REGIME} <= set(ev.regime_codes)
    assert "hipaa" not in ev.regime_codes
    duties = obligations(ev)
    assert {code for code, o in duties.items() if o["phase"] == "before_signing"} == {
        "provider-dspt",
        "siro-offshoring",
        "confidentiality-basis",
        "national-data-opt-out",
        "caldicott",
    }
    assert duties["dspt-in-contract"]["phase"] == "in_contract"
    assert duties["provider-dspt"]["source_url"].startswith("https://www.dsptoolkit.nhs.uk/")
    assert "senior information risk owner" in duties["siro-offshoring"]["title"]
    assert (
        duties["national-data-opt-out"]["citation"] == "National data opt-out operational policy guidance, section 5.1"
    )
    assert "s.251" in duties["confidentiality-basis"]["citation"]
    assert "s.1(2)-(3)" in duties["caldicott"]["citation"]
    assert any(c.text.startswith("Confirm the provider meets the NHS Data Security") for c in ev.conditions)


def test_each_duty_cites_an_official_page_and_what_was_not_read_is_secondary(reference: Playbook) -> None:
    ev = evaluated_case(reference, TRUST_IN_INDIA)
    assert set(source_host_kinds(ev, REGIME).values()) == {"official"}
    duties = obligations(ev)
    hosts = {o["source_url"].split("/")[2] for o in duties.values()}
    assert hosts <= {"www.dsptoolkit.nhs.uk", "digital.nhs.uk", "www.legislation.gov.uk", "www.gov.uk"}
    # Only what was read on the official page is primary; the rest says it is secondary.
    assert {c for c, o in duties.items() if o["confidence"] == "primary"} == {"provider-dspt", "national-data-opt-out"}
    assert next(r for r in ev.regimes if r.code == REGIME).confidence == "secondary"
    assert "are given from secondary accounts" in Regime.objects.get(code=REGIME).confidence_note


def test_a_public_body_that_leaves_the_question_blank_is_taken_to_hold_nhs_data(reference: Playbook) -> None:
    assert REGIME in evaluated_case(reference, TRUST).regime_codes
    assert REGIME not in evaluated_case(reference, TRUST, nhs_patient_data=False).regime_codes
    # Not health information, or not in the UK: nothing to assume.
    assert REGIME not in evaluated_case(reference, TRUST, data_categories=["uk-personal"]).regime_codes
    assert REGIME not in evaluated_case(reference, TRUST, buyer_location="eu").regime_codes


def test_a_private_clinic_is_asked_and_only_nhs_data_brings_the_nhs_rules(reference: Playbook) -> None:
    clinic = {"buyer_sector": "healthcare", "buyer_regulated_in": "uk", "critical_function": False}
    asked = evaluated_case(reference, TRUST, **clinic)
    assert "nhs_patient_data" in asked.visible and REGIME not in asked.regime_codes
    assert REGIME in evaluated_case(reference, TRUST, **clinic, nhs_patient_data=True).regime_codes


def test_a_us_hospital_is_never_asked_about_nhs_data(reference: Playbook) -> None:
    ev = evaluated_case(reference, US_HOSPITAL)
    assert "nhs_patient_data" not in ev.visible and REGIME not in ev.regime_codes
