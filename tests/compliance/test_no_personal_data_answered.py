"""Work that is about people by its nature (KYC and AML reviews, medical coding) answered as handling no personal
data: the answer is challenged with a high risk and a condition to answer again, never taken at its word silently."""

from __future__ import annotations

from typing import Any

import pytest

from apps.playbooks.engine.evaluate import Evaluation
from apps.playbooks.models import Playbook
from tests.recommendations.golden import evaluated_case

pytestmark = pytest.mark.django_db

KYC_RISK = "Your answers say the team sees no personal data, but KYC and AML reviews are about people"
CODING_RISK = "Your answers say the team sees no personal data, but medical coding reads patients' records"


def coding_without_phi(reference: Playbook, **changes: Any) -> Evaluation:
    """The US hospital group's coding case with other data answers: the questions that follow from PHI unanswered."""
    return evaluated_case(
        reference,
        "US hospital group: steady medical coding",
        hipaa_role=None,
        medicaid_offshore=None,
        phi_deidentify=None,
        **changes,
    )


def test_kyc_reviews_answered_as_no_personal_data_are_challenged(reference: Playbook) -> None:
    ev = evaluated_case(reference, "KYC refresh: a Dutch", data_categories=["none"], sensitive_personal_data=None)
    [risk] = [r for r in ev.risks if r.title == KYC_RISK]
    assert risk.severity == "high" and "GDPR Art. 4(1) and Art. 10" in risk.mitigation
    assert "GLBA, 15 U.S.C. 6809(4)" in risk.mitigation  # a US institution reads its own law too
    assert any(
        c.text.startswith("Confirm which customers' personal data the review team will see") for c in ev.conditions
    )
    as_answered = evaluated_case(reference, "KYC refresh: a Dutch")
    assert KYC_RISK not in {r.title for r in as_answered.risks}


def test_medical_coding_answered_as_no_personal_data_is_challenged(reference: Playbook) -> None:
    ev = coding_without_phi(reference, data_categories=["none"])
    [risk] = [r for r in ev.risks if r.title == CODING_RISK]
    assert risk.severity == "high" and "45 CFR 160.103" in risk.mitigation
    assert any(c.text.startswith("Confirm which patients' records the coding team will see") for c in ev.conditions)
    assert CODING_RISK not in {
        r.title for r in evaluated_case(reference, "US hospital group: steady medical coding").risks
    }
    # Other work with no personal data is taken at its word.
    research = evaluated_case(reference, "Textbook KPO: steady market analytics", data_categories=["none"])
    assert not {KYC_RISK, CODING_RISK} & {r.title for r in research.risks}


HEALTH_LEFT_OUT = "Your answers leave out health information, but medical coding reads patients' records"


def test_medical_coding_answered_with_other_personal_data_but_not_health_information_is_challenged(
    reference: Playbook,
) -> None:
    # A Sydney hospital group ticks Australians' personal information, not health information: coding reads patients'
    # records, which are sensitive information there (Privacy Act 1988 s. 6(1)).
    ev = coding_without_phi(
        reference,
        data_categories=["au-personal"],
        client_jurisdictions=["other"],
        buyer_location="australia-east",
        buyer_us_zone=None,
        buyer_regulated_in="australia",
        home_market="other",
    )
    [risk] = [r for r in ev.risks if r.title == HEALTH_LEFT_OUT]
    assert risk.severity == "high"
    assert "Privacy Act 1988 (s. 6(1))" in risk.mitigation and "45 CFR 160.103" in risk.mitigation
    assert "Tick “Health information about identifiable people (PHI)”" in risk.mitigation
    assert CODING_RISK not in {r.title for r in ev.risks}  # the "no personal data" challenge is the other answer's
    assert any(c.rule == "coding-work-health-data-not-answered" for c in ev.conditions)
    # Ticked, or answered as none (challenged on its own), it is not said.
    assert HEALTH_LEFT_OUT not in {
        r.title for r in evaluated_case(reference, "US hospital group: steady medical").risks
    }
    none = coding_without_phi(reference, data_categories=["none"])
    assert HEALTH_LEFT_OUT not in {r.title for r in none.risks} and CODING_RISK in {r.title for r in none.risks}


def test_a_uk_buyer_who_answered_nhs_patient_or_special_category_data_is_not_told_it_left_health_out(
    reference: Playbook,
) -> None:
    # An NHS trust's coding answered with UK personal data, special-category data and NHS patient data has said it is
    # health data in the UK's own words.
    uk = {
        "data_categories": ["uk-personal"],
        "client_jurisdictions": ["uk"],
        "buyer_location": "uk",
        "buyer_us_zone": None,
    }
    for said in (
        {"sensitive_personal_data": ["special-category"]},
        {"buyer_sector": "public-body", "nhs_patient_data": True},
    ):
        ev = coding_without_phi(reference, **uk, **said)
        assert HEALTH_LEFT_OUT not in {r.title for r in ev.risks}, said
    # With neither, it still is.
    assert HEALTH_LEFT_OUT in {r.title for r in coding_without_phi(reference, **uk).risks}


OUTSIDE_EU = "Outside the EU, how the GDPR reaches you and how the data reaches you decide the transfer tools you need"


def test_a_team_outside_the_eu_with_eu_personal_data_is_told_the_transfer_map_differs_for_it(
    reference: Playbook,
) -> None:
    us = evaluated_case(reference, "US biotech: clinical trial data management and SAS programming for US and EU")
    [risk] = [r for r in us.risks if r.title == OUTSIDE_EU]
    assert "GDPR Art. 3(2)" in risk.mitigation and "Art. 27" in risk.mitigation and "(EU) 2023/1795" in risk.mitigation
    assert "module four" in risk.mitigation and "(EU) 2021/914" in risk.mitigation
    assert any(c.rule == "gdpr-eu-personal-data-team-outside-eu" for c in us.conditions)
    # A team in the EU reads the EU organisation's transfer map alone.
    case = reference.golden_cases.get(name__startswith="EU asset manager: outsourced sector research")
    assert "eu-personal" in case.answers["data_categories"] and case.answers["buyer_location"] == "eu"
    eu = evaluated_case(reference, "EU asset manager: outsourced sector research")
    assert OUTSIDE_EU not in {r.title for r in eu.risks} and "gdpr" in {r.code for r in eu.regimes}


def test_a_team_in_the_uk_reads_the_eus_adequacy_decision_not_the_clauses(reference: Playbook) -> None:
    # The UK is adequate for the EU (Decision (EU) 2021/1772): EU data reaching a UK team, and a provider in the EEA
    # returning its work to one, need no standard contractual clauses; the Art. 3(2) and 27 reading still holds.
    case = "US biotech: clinical trial data management and SAS programming for US and EU"
    uk = evaluated_case(reference, case, buyer_location="uk", buyer_us_zone=None, home_market="uk")
    assert OUTSIDE_EU not in {r.title for r in uk.risks}
    [risk] = [r for r in uk.risks if r.rule == "gdpr-eu-personal-data-team-in-uk"]
    assert "Decision (EU) 2021/1772" in risk.mitigation and "Art. 45(1)" in risk.mitigation
    assert "module four" not in risk.mitigation and "2023/1795" not in risk.mitigation
    assert "GDPR Art. 3(2)" in risk.mitigation and "Art. 27" in risk.mitigation
    [condition] = [c for c in uk.conditions if c.rule == "gdpr-eu-personal-data-team-in-uk"]
    assert "module four" not in condition.text
    # The 2021 decision lapsed on 27 December 2025; the condition names the renewal in force (review 84).
    assert "renewed on 19 December 2025, until 27 December 2031 (GDPR Art. 45(1))" in condition.text
    assert "2021/1772" not in condition.text and "renewed on 19 December 2025 until 27 December 2031" in risk.mitigation
