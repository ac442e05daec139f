"""De-identified health data: the HIPAA standard is asked of US health data held by a covered entity or a business
associate only; EU and UK personal data read the GDPR's line (pseudonymised data is still personal data), Australian
personal information the Privacy Act's, and health data elsewhere the law protecting it (review 111: an Australian
and a Dutch insurer were told to de-identify to the HIPAA standard)."""

from __future__ import annotations

import pytest

from apps.playbooks.engine.evaluate import Evaluation
from apps.playbooks.models import Playbook
from tests.recommendations.golden import evaluated_case, fired_codes

pytestmark = pytest.mark.django_db
US_INSURER = "US health insurer: actuarial reserving models on member data (PHI)"
RULES = {"phi-deidentify-hipaa", "phi-deidentify-gdpr", "phi-deidentify-au", "phi-deidentify-elsewhere"}


def conditions(ev: Evaluation) -> str:
    return " ".join(c.text for c in ev.conditions)


def test_a_us_covered_entity_reads_the_hipaa_standard(reference: Playbook) -> None:
    ev = evaluated_case(reference, US_INSURER)
    assert fired_codes(ev) & RULES == {"phi-deidentify-hipaa"}
    assert "phi-can-be-deidentified" in fired_codes(ev)  # its points stand
    assert "De-identify the data to the HIPAA standard before it moves (45 CFR 164.514(a)-(b)" in conditions(ev)


def test_an_australian_insurer_reads_the_privacy_acts_standard_not_hipaa(reference: Playbook) -> None:
    ev = evaluated_case(
        reference,
        US_INSURER,
        client_jurisdictions=["other"],
        data_categories=["phi", "au-personal"],
        hipaa_role=None,
        buyer_location="australia-east",
        buyer_regulated_in="australia",
    )
    assert fired_codes(ev) & RULES == {"phi-deidentify-au"}
    text = conditions(ev)
    assert "HIPAA" not in text and "45 CFR" not in text
    assert "Privacy Act 1988 (Cth) s. 6(1)" in text and "APP 8" in text


def test_a_dutch_insurer_reads_that_pseudonymised_data_is_still_personal_data(reference: Playbook) -> None:
    ev = evaluated_case(
        reference,
        US_INSURER,
        client_jurisdictions=["eu"],
        data_categories=["phi", "eu-personal"],
        hipaa_role=None,
        buyer_location="eu",
        buyer_regulated_in="eu",
        buyer_eu_country="netherlands",
    )
    assert fired_codes(ev) & RULES == {"phi-deidentify-gdpr"}
    text = conditions(ev)
    assert "45 CFR" not in text
    assert "is still personal data (GDPR and UK GDPR Art. 4(5))" in text and "GDPR Recital 26" in text


def test_health_data_about_people_elsewhere_reads_its_own_laws_standard(reference: Playbook) -> None:
    ev = evaluated_case(reference, US_INSURER, client_jurisdictions=["other"], data_categories=["phi"], hipaa_role=None)
    assert fired_codes(ev) & RULES == {"phi-deidentify-elsewhere"}
    assert "HIPAA's standard reaches only US health data" in conditions(ev)


def test_us_and_eu_data_together_read_both_and_a_us_firm_outside_hipaa_reads_neither_hipaa_line(
    reference: Playbook,
) -> None:
    both = evaluated_case(
        reference, US_INSURER, client_jurisdictions=["us", "eu"], data_categories=["phi", "eu-personal"]
    )
    assert fired_codes(both) & RULES == {"phi-deidentify-hipaa", "phi-deidentify-gdpr"}
    outside = evaluated_case(reference, US_INSURER, hipaa_role="neither")
    assert not fired_codes(outside) & RULES
    assert "phi-can-be-deidentified" in fired_codes(outside)
