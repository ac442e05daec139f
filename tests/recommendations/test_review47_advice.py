"""Review 47's buyer situations: a Canadian bank's model validation asks what supervisors' model risk rules have in
common and a buyer in eastern Canada is told Québec's assessment before personal information leaves it; a US hospital
system reads California's medical information law and the state privacy laws' HIPAA exemptions; an Irish fund
administrator's sub-delegation condition names UCITS management companies too; and the ABA checklist's consent item
says who gives consent for in-house lawyers."""

from __future__ import annotations

import pytest

from apps.accounts.models import Organisation, User
from apps.playbooks.models import Playbook
from tests.recommendations.golden import evaluated_answers, fired_codes
from tests.recommendations.test_review43_advice import US_COUNTY_LEGAL

pytestmark = pytest.mark.django_db

CA_BANK_MODELS = {
    "work_nature": "judgement",
    "codifiability": "partial",
    "quality_measurable": "partly",
    "process_documented": "partly",
    "core_differentiator": "critical",
    "ip_sensitivity": "high",
    "asset_specificity": "high",
    "own_team_plan": False,
    "volume_pattern": "steady",
    "start_within": "three-to-six",
    "delivery_ownership": "provider-team",
    "mgmt_hours": 4,
    "prior_outsourcing": "bpo",
    "pilot_possible": True,
    "data_onshore_only": False,
    "overlap_hours": 3,
    "shifted_hours": True,
    "overnight_turnaround": False,
    "onsite_presence": "never",
    "licensed_signoff": ["none"],
    "vendor_assurance": ["iso27001"],
    "work_language": "none",
    "function": "financial-analysis",
    "sec_financial_reporting": "not-listed",
    "buyer_sector": "bank",
    "buyer_regulated_in": "canada",
    "critical_function": True,
    "model_risk_work": True,
    "annual_hours": 9000,
    "team_size": 5,
    "horizon": 4,
    "client_jurisdictions": ["other"],
    "data_categories": ["canada-personal"],
    "buyer_location": "canada-east",
    "home_market": "other",
    "own_figures": True,
    "own_inhouse_cost": 170000,
    "quoted_rate": 55,
    "quote_rise": 4,
    "preferred_region": "india",
}

US_HOSPITAL_CODING = {
    "work_nature": "mixed",
    "codifiability": "high",
    "quality_measurable": "objective",
    "process_documented": "documented",
    "core_differentiator": "commodity",
    "ip_sensitivity": "medium",
    "asset_specificity": "moderate",
    "own_team_plan": False,
    "volume_pattern": "steady",
    "start_within": "three-to-six",
    "delivery_ownership": "provider-team",
    "mgmt_hours": 4,
    "prior_outsourcing": "bpo",
    "pilot_possible": True,
    "data_onshore_only": False,
    "overlap_hours": 2,
    "shifted_hours": True,
    "overnight_turnaround": False,
    "onsite_presence": "never",
    "licensed_signoff": ["none"],
    "vendor_assurance": ["soc2"],
    "work_language": "none",
    "function": "medical-coding",
    "buyer_sector": "healthcare",
    "buyer_regulated_in": "us",
    "annual_hours": 40000,
    "team_size": 20,
    "horizon": 4,
    "client_jurisdictions": ["us"],
    "data_categories": ["phi", "california-personal"],
    "hipaa_role": "covered-entity",
    "medicaid_offshore": "restricted",
    "phi_deidentify": False,
    "buyer_location": "us",
    "buyer_us_zone": "pacific",
    "home_market": "us",
    "own_figures": True,
    "own_inhouse_cost": 78000,
    "quoted_rate": 14,
    "displaced_staff": 0,
    "preferred_region": "philippines",
}

IE_FUND_ADMIN = {
    "work_nature": "mixed",
    "codifiability": "high",
    "quality_measurable": "objective",
    "process_documented": "documented",
    "core_differentiator": "critical",
    "ip_sensitivity": "medium",
    "asset_specificity": "moderate",
    "own_team_plan": False,
    "volume_pattern": "steady",
    "start_within": "three-to-six",
    "delivery_ownership": "provider-team",
    "mgmt_hours": 4,
    "prior_outsourcing": "bpo",
    "pilot_possible": True,
    "data_onshore_only": False,
    "overlap_hours": 4,
    "shifted_hours": True,
    "overnight_turnaround": True,
    "onsite_presence": "never",
    "licensed_signoff": ["none"],
    "vendor_assurance": ["soc2", "iso27001"],
    "work_language": "none",
    "function": "financial-analysis",
    "sec_financial_reporting": "not-listed",
    "buyer_sector": "investment-firm",
    "buyer_regulated_in": "eu",
    "eu_investment_licence": "fund-administrator",
    "critical_function": True,
    "annual_hours": 24000,
    "team_size": 12,
    "horizon": 5,
    "client_jurisdictions": ["eu", "uk"],
    "data_categories": ["eu-personal", "mnpi-research"],
    "mnpi_inside_information": "unsure",
    "buyer_location": "eu",
    "buyer_eu_country": "ireland",
    "home_market": "eu",
    "own_figures": True,
    "own_inhouse_cost": 72000,
    "quoted_rate": 24,
    "budget_fx": 92,
    "displaced_staff": 0,
    "preferred_region": "india",
}


def test_a_canadian_banks_model_validation_gets_the_common_model_risk_condition(reference: Playbook) -> None:
    ev = evaluated_answers(reference, CA_BANK_MODELS)
    assert "model-risk-supervisor-not-covered" in fired_codes(ev)
    condition = next(c.text for c in ev.conditions if c.rule == "model-risk-canada")
    assert "validators independent of the models' development" in condition and "OSFI's Guideline E-23" in condition


def test_a_buyer_in_eastern_canada_is_told_quebecs_assessment_before_personal_information_leaves(
    reference: Playbook,
) -> None:
    ev = evaluated_answers(reference, CA_BANK_MODELS)
    risk = next(r for r in ev.risks if r.rule == "quebec-transfer-assessment")
    assert (
        risk.title
        == "If your enterprise is in Québec, assess the privacy impact before personal information leaves Québec"
    )
    assert "CQLR c P-39.1, s. 17" in risk.mitigation
    ontario_only = evaluated_answers(reference, {**CA_BANK_MODELS, "data_categories": ["other-personal"]})
    assert "quebec-transfer-assessment" not in fired_codes(ontario_only)


def test_a_us_hospital_reads_the_cmia_and_the_state_privacy_laws_hipaa_exemptions(reference: Playbook) -> None:
    ev = evaluated_answers(reference, US_HOSPITAL_CODING)
    risk = next(r for r in ev.risks if r.rule == "us-california-cmia")
    assert "Cal. Civ. Code § 56.10(c)(3)" in risk.mitigation and "§ 56.101" in risk.mitigation
    state = next(c.text for c in ev.conditions if c.rule == "us-state-privacy-consumer-data")
    assert (
        "Virginia and Texas leave out a HIPAA covered entity or business associate" in state and "59.1-576(B)" in state
    )
    # Review 152: a bank's or an insurer's exemption under the Gramm-Leach-Bliley Act is named too, and a buyer that is
    # its clients' processor is told to pass the duties down to the provider as its subcontractor.
    assert "Tex. Bus. & Com. Code § 541.002(b)" in state and "Title V of the Gramm-Leach-Bliley Act" in state
    assert "engage it as your subcontractor" in state and "§ 59.1-579(B)(5)" in state
    assert "the chance to object before you engage the provider" in state  # review 155: the statute's, not a contract's
    # Review 161: Colorado leaves out a financial institution subject to the Act, and its affiliates, too.
    assert (
        "and Colorado such a financial institution and its affiliates" in state and "C.R.S. § 6-1-1304(2)(q)" in state
    )
    no_phi = evaluated_answers(reference, {**US_HOSPITAL_CODING, "data_categories": ["california-personal"]})
    assert "us-california-cmia" not in fired_codes(no_phi)


def test_a_fund_administrators_sub_delegation_names_ucits_management_companies_too(reference: Playbook) -> None:
    ev = evaluated_answers(reference, IE_FUND_ADMIN)
    condition = next(c.text for c in ev.conditions if c.rule == "fund-administrator-sub-delegation")
    assert "Directive 2011/61/EU Art. 20(4)" in condition and "Directive 2009/65/EC Art. 13" in condition
    assert "not set out here" in condition


def test_the_aba_consent_obligation_says_who_consents_for_in_house_lawyers(reference: Playbook) -> None:
    ev = evaluated_answers(reference, US_COUNTY_LEGAL)
    regime = next(r for r in ev.regimes if r.code == "aba-08-451")
    from apps.compliance.models import Obligation

    consent = Obligation.objects.get(regime__code="aba-08-451", code="client-consent")
    assert regime is not None and "Model Rule 1.13(a)" in consent.action and "Model Rule 1.13(a)" in consent.citation


def test_rules_based_work_signed_by_a_lawyer_names_the_disagreement(reference: Playbook) -> None:
    # Review 47: first-level e-discovery review answered "mostly rules" with a lawyer's sign-off was blocked as BPO
    # without a word on the two answers disagreeing.
    ev = evaluated_answers(reference, {**IE_FUND_ADMIN, "work_nature": "rules-based", "licensed_signoff": ["attorney"]})
    assert ev.verdict == "doesnt_win"
    risk = next(r for r in ev.risks if r.rule == "rules-based-work-signed-by-a-professional")
    assert "answer that it is a mix" in risk.mitigation
    plain = evaluated_answers(reference, {**IE_FUND_ADMIN, "work_nature": "rules-based", "licensed_signoff": ["none"]})
    assert "rules-based-work-signed-by-a-professional" not in fired_codes(plain)


# Review 50, on the fixes above


def test_a_uk_buyers_eu_personal_data_reads_the_gdprs_terms_or_the_uk_gdprs(reference: Playbook) -> None:
    uk = evaluated_answers(reference, {**IE_FUND_ADMIN, "buyer_location": "uk"})
    [terms] = [c.text for c in uk.conditions if c.rule == "gdpr-eu-personal-data-terms-uk-buyer"]
    assert "if the GDPR applies to you (Art. 3(2))" in terms and "the IDTA or the UK Addendum" in terms
    eu = evaluated_answers(reference, IE_FUND_ADMIN)
    [plain] = [c.text for c in eu.conditions if c.rule == "gdpr-eu-personal-data-terms"]
    assert plain.startswith("Sign GDPR Article 28 processor terms") and "IDTA" not in plain


def test_a_us_banks_kyc_marks_a_managed_service_down_as_an_indian_banks_does(reference: Playbook) -> None:
    from tests.recommendations.test_review43_advice import INDIAN_BANK_KYC

    ev = evaluated_answers(
        reference, {**INDIAN_BANK_KYC, "buyer_location": "us", "buyer_regulated_in": "us", "home_market": "us"}
    )
    managed = next(m for m in ev.models if m.code == "managed-services")
    assert any(c.rule == "aml-outsourcing-us-bank" and c.points == -40 for c in managed.contributions)
    assert ev.models[0].code != "managed-services"


def test_the_actuarial_rule_names_australias_standards_and_the_fund_administrator_its_supervisors_guidance(
    reference: Playbook,
) -> None:
    assert "APRA's SPS 160" in reference.rules.get(code="actuary-signoff").rationale
    ev = evaluated_answers(reference, IE_FUND_ADMIN)
    condition = next(c.text for c in ev.conditions if c.rule == "fund-administrator-sub-delegation")
    assert "beyond its outsourcing guidance, are not set out here" in condition


def test_a_cost_on_the_buyers_quote_says_which_locations_price_it_is_taken_as(
    reference: Playbook, organisation: Organisation, buyer: User
) -> None:
    # Review 50: a $14/h quote (an Indian price, by the buyer's preference) was priced as delivery from Colombia, and
    # only the cost section said a quote is read as the costed location's price.
    from apps.recommendations.cost_caveat import cost_caveat
    from apps.recommendations.services import submit_and_recommend
    from tests.factories import AssessmentFactory

    a = AssessmentFactory(organisation=organisation, created_by=buyer, playbook=reference, answers=CA_BANK_MODELS)
    ev = submit_and_recommend(assessment=a, user=buyer).record.evaluation
    here = ev.delivery_location
    caveat = cost_caveat(ev)
    assert here is not None and caveat is not None
    assert f"Your quote is taken as the price for delivery from {here.in_text}: a quote for a team in another" in (
        caveat.text
    )
    unquoted = {k: v for k, v in CA_BANK_MODELS.items() if k not in ("quoted_rate", "quote_rise")}
    b = AssessmentFactory(organisation=organisation, created_by=buyer, playbook=reference, answers=unquoted)
    plain = cost_caveat(submit_and_recommend(assessment=b, user=buyer).record.evaluation)
    assert plain is None or "Your quote is taken" not in plain.text


def test_a_hospital_says_it_is_a_provider_and_no_longer_reads_the_insurers_law(reference: Playbook) -> None:
    # Reviews 47 and 50: a hospital read "If you are a licensed health insurer or HMO, your state's insurance law…"
    # because payer or provider was never asked.
    payer_rule = "us-health-payer-state-insurance-law"
    unsaid = evaluated_answers(reference, US_HOSPITAL_CODING)
    assert "covered_entity_kind" in unsaid.visible and payer_rule in fired_codes(unsaid)
    hospital = evaluated_answers(reference, {**US_HOSPITAL_CODING, "covered_entity_kind": "provider"})
    assert payer_rule not in fired_codes(hospital)
    assert "us-california-cmia" in fired_codes(hospital)  # the CMIA binds providers too
    plan = evaluated_answers(reference, {**US_HOSPITAL_CODING, "covered_entity_kind": "health-plan"})
    assert payer_rule in fired_codes(plan)
    associate = evaluated_answers(reference, {**US_HOSPITAL_CODING, "hipaa_role": "business-associate"})
    assert "covered_entity_kind" not in associate.visible
