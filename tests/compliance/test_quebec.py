"""An enterprise in Québec that hands a provider personal information about people in Canada reads Québec's
private-sector privacy Act as a regime with its obligations: the assessment before the information leaves Québec and
the written agreement taking it into account (s. 17), the mandate in writing with the provider's protection measures
(s. 18.3) and incidents reported (ss. 18.3, 3.5), cited to LégisQuébec and marked weak. A buyer in eastern Canada who
has not said where keeps the risk to check; one elsewhere in eastern Canada, and a public body, read none of it."""

from __future__ import annotations

import pytest

from apps.common.models import SourceHost
from apps.playbooks.models import Playbook
from tests.compliance.test_brazil_and_philippines_laws import obligations
from tests.recommendations.golden import evaluated_answers, fired_codes
from tests.recommendations.test_review47_advice import CA_BANK_MODELS

pytestmark = pytest.mark.django_db
LAW = "https://www.legisquebec.gouv.qc.ca/en/document/cs/P-39.1"
# An enterprise in Québec no federal regulator supervises (a bank is a federal undertaking: see below).
IN_QUEBEC = {**CA_BANK_MODELS, "buyer_ca_province": "quebec", "buyer_sector": "other", "buyer_regulated_in": None}


def test_an_enterprise_in_quebec_reads_the_act_with_its_sections(reference: Playbook) -> None:
    ev = evaluated_answers(reference, IN_QUEBEC)

    assert "qc-private-sector-privacy" in ev.regime_codes
    assert obligations(ev, "qc-private-sector-privacy") == {
        "transfer-assessment": ("CQLR c P-39.1, s. 17", LAW, "weak"),
        "written-agreement": ("CQLR c P-39.1, s. 17", LAW, "weak"),
        "mandate-in-writing": ("CQLR c P-39.1, s. 18.3", LAW, "weak"),
        "breach-notice": ("CQLR c P-39.1, ss. 18.3 and 3.5", LAW, "weak"),
    }
    (text,) = [c.text for c in ev.conditions if c.rule == "quebec-transfer-assessment-in-quebec"]
    assert text.endswith("(CQLR c P-39.1, ss. 17 and 18.3)")
    assert "quebec-transfer-assessment" not in fired_codes(ev)
    assert SourceHost.objects.get(host="legisquebec.gouv.qc.ca").kind == "official"


@pytest.mark.parametrize(
    "changes",
    [
        {"buyer_ca_province": "elsewhere"},
        {"buyer_ca_province": None},
        {"buyer_ca_province": "quebec", "data_categories": ["other-personal"]},
        {"buyer_ca_province": "quebec", "buyer_sector": "public-body", "buyer_regulated_in": None},
    ],
    ids=["ontario", "not-said", "no-canadian-data", "public-body"],
)
def test_others_do_not_read_the_regime(reference: Playbook, changes: dict[str, object]) -> None:
    ev = evaluated_answers(reference, {**IN_QUEBEC, **changes})

    assert "qc-private-sector-privacy" not in ev.regime_codes
    # Not said: the risk to check stays, as before.
    assert ("quebec-transfer-assessment" in fired_codes(ev)) == (changes == {"buyer_ca_province": None})


HOSPITAL = {
    **IN_QUEBEC,
    "buyer_sector": "healthcare",
    "buyer_regulated_in": "other",
    "data_categories": ["phi", "canada-personal"],
}
PUBLIC = {**IN_QUEBEC, "buyer_sector": "public-body", "buyer_regulated_in": None}


def test_a_health_body_in_quebec_reads_the_health_information_act_not_ontarios_phipa(reference: Playbook) -> None:
    # Review 118: a Québec hospital read the private-sector Act and "in Ontario, PHIPA 2004 makes the provider your
    # agent"; its health information is under CQLR c R-22.1 since 1 July 2024.
    ev = evaluated_answers(reference, HOSPITAL)

    (risk,) = [r for r in ev.risks if r.rule == "quebec-health-information-act"]
    assert "CQLR c R-22.1" in risk.mitigation and risk.severity == "high"
    # And a condition to settle, as Ontario's PHIPA has (review 136: a risk with nothing on the checklist).
    (condition,) = [c.text for c in ev.conditions if c.rule == "quebec-health-information-act"]
    assert "CQLR c R-22.1" in condition and condition.startswith("Before health information reaches the provider")
    assert "qc-private-sector-privacy" not in ev.regime_codes
    assert not [r for r in ev.risks if "PHIPA" in r.mitigation]
    ontario = evaluated_answers(reference, {**HOSPITAL, "buyer_ca_province": "elsewhere"})
    assert "quebec-health-information-act" not in fired_codes(ontario)
    assert [r for r in ontario.risks if "PHIPA" in r.mitigation]


def test_a_public_body_in_quebec_reads_its_own_acts_assessment(reference: Playbook) -> None:
    # Review 118: the outside-Québec assessment disappeared for a public body, whose Act asks it too (s. 70.1).
    ev = evaluated_answers(reference, PUBLIC)

    (text,) = [c.text for c in ev.conditions if c.rule == "quebec-public-body-outside-quebec"]
    assert text.endswith("(CQLR c A-2.1, s. 70.1)")
    assert "qc-private-sector-privacy" not in ev.regime_codes
    ontario = evaluated_answers(reference, {**PUBLIC, "buyer_ca_province": "elsewhere"})
    assert "quebec-public-body-outside-quebec" not in fired_codes(ontario)


def test_a_health_body_handing_over_no_health_data_reads_the_private_sector_act(reference: Playbook) -> None:
    # Review 121: a healthcare buyer with personal information but no health data lost the s. 17 assessment.
    ev = evaluated_answers(reference, {**HOSPITAL, "data_categories": ["canada-personal"]})
    assert "qc-private-sector-privacy" in ev.regime_codes
    assert "quebec-health-information-act" not in fired_codes(ev)


def test_a_public_body_without_health_data_is_not_told_the_health_act_governs(reference: Playbook) -> None:
    # Review 121: a Québec public body doing financial analysis read that CQLR c governs its records, and a gate
    # citing Nova Scotia's Act beside its own Act's condition.
    ev = evaluated_answers(reference, PUBLIC)
    assert "quebec-health-information-act" not in fired_codes(ev)
    gates = " ".join(g.text for g in ev.gates)
    assert "Nova Scotia" not in gates and "(CQLR c A-2.1, s. 70.1)" in gates
    assert [r.rule for r in ev.risks if "Québec's access Act" in r.title] == ["quebec-public-body-outside-quebec"]
    with_health = evaluated_answers(reference, {**PUBLIC, "data_categories": ["phi", "canada-personal"]})
    assert "quebec-health-information-act" in fired_codes(with_health)


def test_a_federally_regulated_bank_in_quebec_reads_the_act_as_unsettled_not_binding(reference: Playbook) -> None:
    # Review 121: PIPEDA governs a federal undertaking's business (SOR/2003-374 leaves it out of the Québec exemption);
    # whether P-39.1 reaches it too is unsettled.
    ev = evaluated_answers(reference, {**CA_BANK_MODELS, "buyer_ca_province": "quebec"})
    assert "qc-private-sector-privacy" not in ev.regime_codes
    (risk,) = [r for r in ev.risks if r.rule == "quebec-transfer-assessment-federal-institution"]
    assert "unsettled" in risk.title and "SOR/2003-374" in risk.mitigation


def test_an_insurer_osfi_supervises_in_quebec_is_bound_by_the_act(reference: Playbook) -> None:
    # Review 124: insurance is provincial business even for a federally incorporated insurer (Canadian Western Bank
    # v. Alberta, 2007 SCC 22); only a bank, banking being federal, reads the Act's reach as unsettled.
    insurer = {
        **CA_BANK_MODELS,
        "buyer_ca_province": "quebec",
        "buyer_sector": "insurer",
        "buyer_regulated_in": "canada",
    }
    ev = evaluated_answers(reference, insurer)
    assert "qc-private-sector-privacy" in ev.regime_codes
    assert "quebec-transfer-assessment-federal-institution" not in fired_codes(ev)
    assert [c.rule for c in ev.conditions if "leaves Québec" in c.text] == ["quebec-transfer-assessment-in-quebec"]
    # A chartered bank OSFI supervises reads it as unsettled.
    bank = evaluated_answers(reference, {**insurer, "buyer_sector": "bank", "buyer_regulated_in": "canada"})
    assert "qc-private-sector-privacy" not in bank.regime_codes
    (risk,) = [r for r in bank.risks if r.rule == "quebec-transfer-assessment-federal-institution"]
    assert "binds a chartered bank" in risk.title and "s. 91(15)" in risk.mitigation
    assert "A trust or loan company is a provincial business, bound by the Act" in risk.mitigation  # review 130


def test_a_credit_institution_its_province_supervises_is_bound_by_the_act(reference: Playbook) -> None:
    # Review 127: a caisse (sector bank, not supervised by OSFI) was told banking is federal and lost the Act.
    caisse = evaluated_answers(
        reference,
        {**CA_BANK_MODELS, "buyer_ca_province": "quebec", "buyer_sector": "bank", "buyer_regulated_in": "other"},
    )
    assert "qc-private-sector-privacy" in caisse.regime_codes
    assert "quebec-transfer-assessment-federal-institution" not in fired_codes(caisse)
    assert [c.rule for c in caisse.conditions if "leaves Québec" in c.text] == [
        "quebec-transfer-assessment-provincial-credit-institution"
    ]


def test_a_healthcare_payer_reads_the_privacy_law_for_businesses_not_the_providers_health_law(
    reference: Playbook,
) -> None:
    # Review 133: a Québec health-benefits payer was told the Act respecting health and social services information
    # governs its records, and lost the private-sector Act's assessment (s. 17); a payer is an enterprise, not a health
    # or social services body. In Ontario, a payer is no custodian under PHIPA.
    payer = evaluated_answers(reference, {**HOSPITAL, "canada_health_role": "payer"})
    fired = fired_codes(payer)
    assert "quebec-health-information-act" not in fired and "canada-health-custodian-provincial-law" not in fired
    assert "qc-private-sector-privacy" in payer.regime_codes
    assert any(
        c.rule == "quebec-transfer-assessment-in-quebec-health-payer" and "s. 17" in c.text for c in payer.conditions
    )
    # PIPEDA's terms as for any business, not "for what you do in the course of commercial activities".
    assert "pipeda-canada-personal-data-healthcare" not in fired
    assert [c.rule for c in payer.conditions if "PIPEDA Schedule 1" in c.text] == [
        "pipeda-canada-personal-data-health-payer"
    ]
    ontario = evaluated_answers(
        reference, {**HOSPITAL, "buyer_ca_province": "elsewhere", "canada_health_role": "payer"}
    )
    assert not [r for r in ontario.risks if "PHIPA" in r.mitigation]
    assert "pipeda" in ontario.regime_codes
    # A provider of care, or one that has not said, reads its health law as before.
    for role in ("provider", None):
        ev = evaluated_answers(reference, {**HOSPITAL, "canada_health_role": role})
        assert "quebec-health-information-act" in fired_codes(ev), role
        assert "qc-private-sector-privacy" not in ev.regime_codes, role
