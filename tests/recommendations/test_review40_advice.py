"""Review 40's buyer situations: a UK public body's in-house lawyers are told their own code applies and that the
body is their client (not to ask "each client" for consent), and what freedom of information asks of the contract;
an EU or UK investment firm in a group regulated elsewhere is told its own research and outsourcing rules; and a
saving on a piece of work done once that rests on the assumed premium for temporary staff says so beside the
verdict."""

from __future__ import annotations

import pytest

from apps.accounts.models import Organisation, User
from apps.common.formatting import chance
from apps.playbooks.models import Playbook
from apps.recommendations.cost_caveat import ON_PREMIUM, cost_caveat
from apps.recommendations.services import submit_and_recommend
from tests.factories import AssessmentFactory
from tests.recommendations.golden import evaluated_answers, fired_codes

pytestmark = pytest.mark.django_db

UK_PUBLIC_BODY_LEGAL = {
    "work_nature": "mixed",
    "codifiability": "partial",
    "quality_measurable": "partly",
    "process_documented": "partly",
    "core_differentiator": "critical",
    "ip_sensitivity": "medium",
    "asset_specificity": "moderate",
    "own_team_plan": False,
    "volume_pattern": "steady",
    "horizon": 3,
    "start_within": "three-to-six",
    "delivery_ownership": "provider-team",
    "mgmt_hours": 5,
    "prior_outsourcing": "bpo",
    "pilot_possible": True,
    "data_onshore_only": False,
    "overlap_hours": 3,
    "shifted_hours": True,
    "overnight_turnaround": False,
    "onsite_presence": "never",
    "licensed_signoff": ["attorney"],
    "own_figures": True,
    "vendor_assurance": ["iso27001"],
    "preferred_region": "south-africa",
    "work_language": "none",
    "function": "legal-review",
    "buyer_sector": "public-body",
    "annual_hours": 6000,
    "team_size": 4,
    "client_jurisdictions": ["uk"],
    "data_categories": ["uk-personal", "privileged-legal"],
    "sensitive_personal_data": ["criminal-offence", "special-category"],
    "nhs_patient_data": False,
    "legal_us_lawyers": False,
    "legal_client_consent": "can-obtain",
    "legal_disclosure_review": False,
    "signoff_capacity": "limited",
    "buyer_location": "uk",
    "home_market": "uk",
    "own_inhouse_cost": 72000,
    "quoted_rate": 30,
    "budget_fx": 79,
    "displaced_staff": 1,
}

US_ADVISER_WITH_EU_ARM = {
    "work_nature": "judgement",
    "codifiability": "partial",
    "quality_measurable": "partly",
    "process_documented": "partly",
    "core_differentiator": "core",
    "ip_sensitivity": "high",
    "asset_specificity": "moderate",
    "own_team_plan": False,
    "volume_pattern": "steady",
    "horizon": 5,
    "start_within": "three-to-six",
    "delivery_ownership": "provider-team",
    "mgmt_hours": 5,
    "prior_outsourcing": "none",
    "pilot_possible": True,
    "data_onshore_only": False,
    "overlap_hours": 3,
    "shifted_hours": True,
    "overnight_turnaround": True,
    "onsite_presence": "never",
    "licensed_signoff": ["none"],
    "own_figures": True,
    "vendor_assurance": ["iso27001"],
    "preferred_region": "india",
    "work_language": "none",
    "function": "equity-research",
    "buyer_sector": "investment-firm",
    "buyer_regulated_in": "us",
    "sec_registration": "adviser",
    "critical_function": False,
    "annual_hours": 4000,
    "team_size": 2,
    "client_jurisdictions": ["us", "eu"],
    "data_categories": ["mnpi-research"],
    "mnpi_inside_information": "unsure",
    "research_broker_dealer": False,
    "research_mifid_firm": True,
    "research_authorship": "onshore-adopts",
    "buyer_location": "us",
    "buyer_us_zone": "eastern",
    "home_market": "us",
    "own_inhouse_cost": 260000,
    "quoted_rate": 45,
    "quote_rise": 5,
}

SINGAPORE_BANK_CREDIT = {
    "work_nature": "mixed",
    "codifiability": "partial",
    "quality_measurable": "partly",
    "process_documented": "partly",
    "core_differentiator": "critical",
    "ip_sensitivity": "high",
    "asset_specificity": "moderate",
    "own_team_plan": False,
    "volume_pattern": "steady",
    "horizon": 5,
    "start_within": "three-to-six",
    "delivery_ownership": "provider-team",
    "mgmt_hours": 5,
    "prior_outsourcing": "bpo",
    "pilot_possible": True,
    "data_onshore_only": False,
    "overlap_hours": 3,
    "shifted_hours": True,
    "overnight_turnaround": False,
    "onsite_presence": "never",
    "licensed_signoff": ["none"],
    "own_figures": False,
    "vendor_assurance": ["soc2", "iso27001"],
    "preferred_region": "india",
    "work_language": "none",
    "function": "credit-research",
    "buyer_sector": "bank",
    "buyer_regulated_in": "singapore",
    "critical_function": True,
    "model_risk_work": True,
    "annual_hours": 16000,
    "team_size": 8,
    "client_jurisdictions": ["other"],
    "data_categories": ["other-personal"],
    "buyer_location": "singapore",
    "buyer_apac_country": "singapore",
    "home_market": "other",
    "research_broker_dealer": False,
    "research_mifid_firm": False,
    "research_authorship": "internal-use",
}

US_HEALTH_PLAN_ON_ITS_OWN_FIGURES = {
    "work_nature": "mixed",
    "codifiability": "partial",
    "quality_measurable": "partly",
    "process_documented": "partly",
    "core_differentiator": "critical",
    "ip_sensitivity": "medium",
    "asset_specificity": "moderate",
    "own_team_plan": False,
    "volume_pattern": "steady",
    "horizon": 5,
    "start_within": "three-to-six",
    "delivery_ownership": "provider-team",
    "mgmt_hours": 5,
    "prior_outsourcing": "bpo",
    "pilot_possible": True,
    "data_onshore_only": False,
    "overlap_hours": 4,
    "shifted_hours": True,
    "overnight_turnaround": False,
    "onsite_presence": "never",
    "licensed_signoff": ["none"],
    "own_figures": True,
    "vendor_assurance": ["soc2"],
    "preferred_region": "philippines",
    "work_language": "none",
    "function": "market-research-analytics",
    "buyer_sector": "healthcare",
    "buyer_regulated_in": "us",
    "annual_hours": 12000,
    "team_size": 6,
    "client_jurisdictions": ["us"],
    "data_categories": ["phi", "california-personal"],
    "hipaa_role": "covered-entity",
    "medicaid_offshore": "restricted",
    "phi_deidentify": False,
    "buyer_location": "us",
    "buyer_us_zone": "central",
    "home_market": "us",
    "own_inhouse_cost": 135000,
    "quoted_rate": 22,
    "quote_rise": 4,
}

JAPANESE_ONE_OFF_RESEARCH = {
    "work_nature": "mixed",
    "codifiability": "partial",
    "quality_measurable": "partly",
    "process_documented": "partly",
    "core_differentiator": "commodity",
    "ip_sensitivity": "low",
    "asset_specificity": "moderate",
    "own_team_plan": False,
    "volume_pattern": "one-off",
    "horizon": 1,
    "start_within": "within-month",
    "delivery_ownership": "per-deliverable",
    "mgmt_hours": 5,
    "prior_outsourcing": "bpo",
    "pilot_possible": True,
    "data_onshore_only": False,
    "overlap_hours": 2,
    "shifted_hours": True,
    "overnight_turnaround": True,
    "onsite_presence": "never",
    "licensed_signoff": ["none"],
    "own_figures": True,
    "vendor_assurance": ["iso27001"],
    "preferred_region": "no-preference",
    "work_language": "other",
    "function": "market-research-analytics",
    "buyer_sector": "other",
    "annual_hours": 1200,
    "team_size": 3,
    "duration_weeks": 12,
    "deliverables": 4,
    "client_jurisdictions": ["other"],
    "data_categories": ["none"],
    "buyer_location": "japan-korea",
    "buyer_japan_korea_country": "japan",
    "home_market": "other",
    "own_inhouse_cost": 90000,
    "quoted_price": 14000,
}


def test_a_uk_public_bodys_in_house_lawyers_read_their_own_code_not_a_clients_consent(reference: Playbook) -> None:
    ev = evaluated_answers(reference, UK_PUBLIC_BODY_LEGAL)
    fired = fired_codes(ev)
    assert "legal-client-consent-uk-in-house" in fired
    assert not fired & {"legal-client-consent-other-rules", "legal-client-consent-other-rules-to-ask"}
    conditions = " ".join(c.text for c in ev.conditions)
    assert "SRA Code of Conduct for Solicitors, RELs and RFLs" in conditions
    assert "(para. 3.5)" in conditions and "(para. 6.3)" in conditions
    assert "each client's consent" not in " ".join(g.text for g in ev.gates)
    assert not any("not covered here" in r.title for r in ev.risks if "professional rules" in r.title)


def test_a_uk_public_body_is_told_freedom_of_information_reaches_what_the_provider_holds(reference: Playbook) -> None:
    ev = evaluated_answers(reference, UK_PUBLIC_BODY_LEGAL)
    assert "uk-public-body-freedom-of-information" in fired_codes(ev)
    text = " ".join(c.text for c in ev.conditions)
    assert "Freedom of Information Act 2000 (s. 3(2)(b))" in text and "20 working days (s. 10(1))" in text
    # Not for a UK company, nor for a public body elsewhere.
    assert "uk-public-body-freedom-of-information" not in fired_codes(
        evaluated_answers(reference, UK_PUBLIC_BODY_LEGAL, buyer_sector="other")
    )


def test_a_us_law_firm_still_reads_the_us_rules_not_the_sra(reference: Playbook) -> None:
    fired = fired_codes(evaluated_answers(reference, UK_PUBLIC_BODY_LEGAL, buyer_location="us", legal_us_lawyers=True))
    assert "legal-client-consent-uk-in-house" not in fired


def test_an_eu_or_uk_arm_of_a_group_regulated_elsewhere_is_told_its_own_rules(reference: Playbook) -> None:
    ev = evaluated_answers(reference, US_ADVISER_WITH_EU_ARM)
    assert "research-eu-uk-arm-regulated-elsewhere" in fired_codes(ev)
    text = " ".join(c.text for c in ev.conditions)
    assert "Delegated Directive (EU) 2017/593 Art. 13" in text and "SYSC 8" in text
    # An EU-regulated firm reads the regimes themselves instead.
    eu = evaluated_answers(reference, US_ADVISER_WITH_EU_ARM, buyer_regulated_in="eu")
    assert "research-eu-uk-arm-regulated-elsewhere" not in fired_codes(eu)
    assert "mifid2-research" in {r.code for r in eu.regimes}


def test_a_saving_that_rests_on_the_assumed_temporary_staff_premium_says_so(
    reference: Playbook, organisation: Organisation, buyer: User
) -> None:
    a = AssessmentFactory(
        organisation=organisation, created_by=buyer, playbook=reference, answers=JAPANESE_ONE_OFF_RESEARCH
    )
    ev = submit_and_recommend(assessment=a, user=buyer).record.evaluation
    assert ev.cost.surge and ev.cost.temporary_premium is not None
    model = next(m for m in ev.cost.models if m.model == ev.top.code)
    premium = next(line for line in ev.cost.inhouse_lines if "Temporary staff premium" in line.label)
    assert 0 <= model.savings[1] < premium.horizon[1]
    caveat = cost_caveat(ev)
    assert caveat is not None and caveat.warning and caveat.headline == ON_PREMIUM
    assert "which rests on the premium assumed for people taken on for the work in-house" in caveat.text
    # The assumption follows the saving's own spread, and comes before any other option (reviews 43 and 46).
    assert caveat.text.index("in 8 of 10 simulated cases") < caveat.text.index("rests on the premium")
    assert caveat.text.index("rests on the premium") < caveat.text.index("would likely cost less")
    assert ev.cost.amount(premium.horizon[1] - model.savings[1]) + " more than in-house" in caveat.text
    # With a quote low enough to save more than the premium, the saving stands on its own.
    cheap = AssessmentFactory(
        organisation=organisation,
        created_by=buyer,
        playbook=reference,
        answers={**JAPANESE_ONE_OFF_RESEARCH, "quoted_price": 6000},
    )
    cheap_ev = submit_and_recommend(assessment=cheap, user=buyer).record.evaluation
    plain = cost_caveat(cheap_ev)
    assert plain is not None and not plain.warning and "rests on the premium" not in plain.text
    # A premium making up a large part of a saving it does not decide is still named, with the saving without it.
    saving = next(m for m in cheap_ev.cost.models if m.model == cheap_ev.top.code).savings[1]
    premium_now = next(line for line in cheap_ev.cost.inhouse_lines if "Temporary staff premium" in line.label)
    assert 0.25 * saving <= premium_now.horizon[1] < saving
    assert "is the premium assumed for people taken on for the work in-house" in plain.text
    assert cheap_ev.cost.amount(saving - premium_now.horizon[1]) in plain.text


def test_a_singapore_banks_customer_information_reads_banking_secrecy(reference: Playbook) -> None:
    # Review 40: MAS Notice 658 and the PDPA, but nothing on the Banking Act's secrecy, which covers companies too.
    ev = evaluated_answers(reference, SINGAPORE_BANK_CREDIT)
    assert "sg-banking-secrecy" in {r.code for r in ev.regimes}
    assert any("Banking Act 1970 s. 47(1)-(2)" in c.text for c in ev.conditions)
    assert any(r.severity == "high" and "Banking Act" in r.title for r in ev.risks)
    # Not for a Singapore bank sharing no customer data, nor for a bank regulated elsewhere.
    for changes in ({"data_categories": ["none"]}, {"buyer_regulated_in": "uk"}):
        assert "sg-banking-secrecy" not in {
            r.code for r in evaluated_answers(reference, SINGAPORE_BANK_CREDIT, **changes).regimes
        }


def test_a_chance_of_a_saving_on_the_buyers_own_quote_and_cost_says_what_it_rests_on(
    reference: Playbook, organisation: Organisation, buyer: User
) -> None:
    # Review 40: "over 99% chance of a saving" where the quote and the in-house cost, the two largest terms, were the
    # buyer's figures, which the simulation holds fixed.
    a = AssessmentFactory(
        organisation=organisation, created_by=buyer, playbook=reference, answers=US_HEALTH_PLAN_ON_ITS_OWN_FIGURES
    )
    ev = submit_and_recommend(assessment=a, user=buyer).record.evaluation
    assert ev.top is not None and ev.cost.fixed_by_buyer(ev.top.code)
    caveat = cost_caveat(ev)
    assert caveat is not None
    assert "chance of a saving if your quote and your in-house cost hold, as the simulation takes them" in caveat.text
    # Without the quote, the rate is the benchmark's range, and the chance is said as before.
    b = AssessmentFactory(
        organisation=organisation,
        created_by=buyer,
        playbook=reference,
        answers={k: v for k, v in US_HEALTH_PLAN_ON_ITS_OWN_FIGURES.items() if k != "quoted_rate"},
    )
    other = submit_and_recommend(assessment=b, user=buyer).record.evaluation
    assert other.top is not None and not other.cost.fixed_by_buyer(other.top.code)
    said = cost_caveat(other)
    assert said is not None and "if your quote and your in-house cost hold" not in said.text


def test_engineering_design_is_told_to_check_a_carmakers_tisax_requirement(reference: Playbook) -> None:
    # Review 40: a German engineering firm's design work for a carmaker read only ISO 27001.
    from tests.recommendations.golden import evaluated_case

    case = next(g.name for g in reference.golden_cases.all() if g.answers.get("function") == "engineering-design")
    ev = evaluated_case(reference, case)
    risk = next(r for r in ev.risks if "TISAX" in r.title)
    assert "ENX Association" in risk.mitigation and "ISO 27001 certificate does not replace" in risk.mitigation
    other = evaluated_case(reference, case, function="market-research-analytics")
    assert not any("TISAX" in r.title for r in other.risks)


def test_a_us_health_plan_is_told_to_check_its_state_insurance_law(reference: Playbook) -> None:
    # Review 40: a health insurer answering "Healthcare payer or provider" read HIPAA alone.
    ev = evaluated_answers(reference, US_HEALTH_PLAN_ON_ITS_OWN_FIGURES)
    risk = next(r for r in ev.risks if "state's insurance data-security law" in r.title)
    assert "(sec. 4.F" in risk.mitigation and "23 NYCRR 500.11" in risk.mitigation
    provider = evaluated_answers(reference, US_HEALTH_PLAN_ON_ITS_OWN_FIGURES, buyer_sector="other")
    assert not any("state's insurance data-security law" in r.title for r in provider.risks)


def test_the_saving_without_the_premium_has_its_own_spread_and_chance_from_the_same_draws(
    reference: Playbook, organisation: Organisation, buyer: User
) -> None:
    # Review 47: "$205,000 … (in 8 of 10 simulated cases a saving of between $148,000 and $386,000; over 99% chance
    # …), of which $110,000 is the premium …: with people you already employ, about $95,300", below its own P10.
    cheap = AssessmentFactory(
        organisation=organisation,
        created_by=buyer,
        playbook=reference,
        answers={**JAPANESE_ONE_OFF_RESEARCH, "quoted_price": 6000},
    )
    ev = submit_and_recommend(assessment=cheap, user=buyer).record.evaluation
    model = next(m for m in ev.cost.models if m.model == ev.top.code)
    own = model.without_premium
    premium = next(line for line in ev.cost.inhouse_lines if "Temporary staff premium" in line.label)
    assert own is not None and own.p10 <= own.likely <= own.p90
    assert own.likely == pytest.approx(model.savings[1] - premium.horizon[1])
    assert own.p10 < model.savings_p10 and own.p90 < model.savings_p90 and own.probability <= model.probability_saving
    text = cost_caveat(ev).text
    mine = text[text.index("with people you already employ") :]
    assert mine.startswith(f"with people you already employ, about {ev.cost.amount(own.likely)} (in 8 of 10 simulated")
    assert f"a saving of between {ev.cost.amount(own.p10)} and {ev.cost.amount(own.p90)}" in mine or own.p10 < 0
    assert f"{chance(own.probability)} chance of a saving)" in mine
    # Every model of the case carries it, and none where in-house has no premium.
    assert all(m.without_premium is not None for m in ev.cost.models if m.tco is not None)
    steady = submit_and_recommend(
        assessment=AssessmentFactory(
            organisation=organisation, created_by=buyer, playbook=reference, answers=UK_PUBLIC_BODY_LEGAL
        ),
        user=buyer,
    ).record.evaluation
    assert all(m.without_premium is None for m in steady.cost.models)
