"""A buyer in Germany says so (a follow-up to "Continental Europe", a fact about the buyer), and a German
professional bound to secrecy reads § 203 StGB: a private health, accident or life insurer, a doctor, a lawyer, a
tax adviser or an auditor binds the provider to secrecy in writing and shares only what the work needs (a
condition, not a gate). A German law firm also reads § 43e BRAO, with its text-form contract and, for delivery from
outside the EU, the test of comparable protection of secrets; a German insurer reads §§ 32 and 47 no. 8 VAG beside
Solvency II, and a German bank § 25b and § 24(1) KWG beside the EBA guidelines. A French or a US insurer reads none
of them."""

from __future__ import annotations

from typing import Any

import pytest

from apps.common.models import SourceHost
from apps.playbooks.engine import clean_answers
from apps.playbooks.engine.visibility import visibility
from apps.playbooks.models import Playbook
from apps.playbooks.runtime import compiled_playbook
from tests.compliance.test_brazil_and_philippines_laws import obligations
from tests.recommendations.golden import evaluated_case

pytestmark = pytest.mark.django_db
INSURER = "German private health insurer: claims analytics"
STGB = "https://www.gesetze-im-internet.de/stgb/__203.html"
BRAO = "https://www.gesetze-im-internet.de/brao/__43e.html"
VAG32 = "https://www.gesetze-im-internet.de/vag_2016/__32.html"
VAG47 = "https://www.gesetze-im-internet.de/vag_2016/__47.html"
GERMAN = ("de-stgb-203", "de-brao-43e", "de-stberg-62a", "de-vag-outsourcing", "de-kwg-outsourcing")
GERMAN_RULES = (
    "de-professional-secrecy",
    "de-lawyer-service-providers",
    "de-tax-adviser-service-providers",
    "de-insurer-outsourcing",
    "de-bank-outsourcing",
)
KWG25B = "https://www.gesetze-im-internet.de/kredwg/__25b.html"
KWG24 = "https://www.gesetze-im-internet.de/kredwg/__24.html"
SECRECY = (
    "Bind the provider in writing to keep the secrets entrusted to you, telling it that disclosing one is a crime,"
    " have it bind each person and subcontractor who works on them, and give it only the secrets the work needs"
    " (§ 203(3)-(4) StGB)"
)
ABROAD = "Client secrets would go to a country whose protection of secrets may not match Germany's"
LAW_FIRM = {"buyer_sector": "law-firm", "function": "legal-review", "legal_us_lawyers": False}
LAW_FIRM_ANSWERS = {**LAW_FIRM, "legal_client_consent": "obtained", "critical_function": None, "ict_services": None}


def conditions(ev: Any, *codes: str) -> list[str]:
    return [c.rule for c in ev.conditions if c.rule in codes]


def test_a_german_private_health_insurer_reads_section_203_with_its_pinpoints(reference: Playbook) -> None:
    ev = evaluated_case(reference, INSURER)

    assert {"de-stgb-203", "de-vag-outsourcing", "solvency2-outsourcing"} <= set(ev.regime_codes)
    duties = obligations(ev, "de-stgb-203")
    assert duties["need-to-know"] == ("§ 203(3) sentence 2 StGB", STGB, "secondary")
    assert duties["bind-to-secrecy"] == ("§ 203(4) sentences 1 and 2 no. 1 StGB", STGB, "secondary")
    assert duties["keep-the-circle-small"][:2] == ("§ 203(3) sentence 2, (4) StGB", STGB)
    regime = next(r for r in ev.regimes if r.code == "de-stgb-203")
    assert "(§ 203(1) nos. 1, 3 and 7)" in regime.summary and "§ 203(4) sentence 2 no. 1" in regime.summary
    assert {phase for phase, _label, _items in regime.obligations} == {"before_signing", "in_contract", "during"}
    assert regime.confidence == "secondary" and regime.effective_date == "2017-11-09"
    assert [s["url"] for s in regime.sources] == [STGB]


def test_binding_the_provider_is_a_condition_not_a_gate(reference: Playbook) -> None:
    ev = evaluated_case(reference, INSURER)

    # § 203(1) no. 7 StGB names private health, accident and life insurers alone: an insurer is asked to bind the
    # provider if it writes those lines, and told that other lines are outside the section.
    assert [c.text for c in ev.conditions if c.rule == "de-professional-secrecy-insurer"] == [
        "If you write private health, accident or life insurance (§ 203(1) no. 7 StGB): bind the provider in writing "
        "to keep the secrets entrusted to you, telling it that disclosing one is a crime, have it bind each person "
        "and subcontractor who works on them, and give it only the secrets the work needs (§ 203(3)-(4) StGB); "
        "property, casualty and reinsurance business is outside the section"
    ]
    assert ev.gates == ()
    assert not [c for c in ev.fit_contributions if c.rule in GERMAN_RULES]
    fired = next(f for f in ev.fired if f.code == "de-professional-secrecy-insurer")
    assert "§ 203(1) no. 7 StGB" in fired.rationale and "property and casualty insurers" in fired.rationale
    assert "de-stgb-203" in ev.regime_codes
    # A German law firm, doctor or accountant is bound by the section outright.
    firm = evaluated_case(reference, INSURER, buyer_sector="healthcare")
    assert [c.text for c in firm.conditions if c.rule == "de-professional-secrecy"] == [SECRECY]
    assert "nos. 1 and 3 StGB" in next(f for f in firm.fired if f.code == "de-professional-secrecy").rationale


def test_a_german_insurer_reads_the_insurance_supervision_act_beside_solvency_ii(reference: Playbook) -> None:
    ev = evaluated_case(reference, INSURER)

    duties = obligations(ev, "de-vag-outsourcing")
    assert duties["notify-bafin"] == ("§ 47 nos. 8-9 VAG", VAG47, "secondary")
    assert duties["important-function-limits"][:2] == ("§ 32(3) VAG", VAG32)
    assert duties["access-and-instructions"][:2] == ("§ 32(2), (4) VAG", VAG32)
    assert duties["stay-responsible"][:2] == ("§ 32(1), (4) VAG", VAG32)
    regime = next(r for r in ev.regimes if r.code == "de-vag-outsourcing")
    assert [s["url"] for s in regime.sources] == [VAG32, VAG47]


def test_a_german_insurers_critical_function_keeps_the_notice_gate_and_reads_section_47(reference: Playbook) -> None:
    ev = evaluated_case(reference, INSURER, critical_function=True)

    assert [g.rule for g in ev.gates] == ["critical-function-outsourcing-eu-insurer"]
    assert "notify-bafin" in obligations(ev, "de-vag-outsourcing")


def test_a_german_bank_reads_the_banking_acts_outsourcing_rules_beside_the_eba_guidelines(reference: Playbook) -> None:
    """Review 102: a German bank read the EBA guidelines alone, as supervisory practice, while in Germany the
    outsourcing rules and the notice are statute (§ 25b, § 24(1) no. 19 KWG)."""
    ev = evaluated_case(reference, INSURER, buyer_sector="bank", function="kyc-aml")

    assert {"de-kwg-outsourcing", "eba-outsourcing"} <= set(ev.regime_codes)
    assert "de-vag-outsourcing" not in ev.regime_codes
    duties = obligations(ev, "de-kwg-outsourcing")
    assert duties["notify-bafin"] == ("§ 24(1) nos. 19 and 20 KWG", KWG24, "secondary")
    assert duties["risk-analysis"][:2] == ("§ 25b(1) KWG", KWG25B)
    assert duties["access-and-instructions"][:2] == ("§ 25b(3) KWG", KWG25B)
    assert duties["stay-responsible"][:2] == ("§ 25b(1), (2) KWG", KWG25B)
    regime = next(r for r in ev.regimes if r.code == "de-kwg-outsourcing")
    assert [s["url"] for s in regime.sources] == [KWG25B, KWG24]
    # A French bank reads the EBA guidelines without the German Act.
    french = evaluated_case(reference, INSURER, buyer_sector="bank", function="kyc-aml", buyer_eu_country="france")
    assert "eba-outsourcing" in french.regime_codes and "de-kwg-outsourcing" not in french.regime_codes


def test_a_german_doctor_reads_section_203_but_not_the_insurers_or_the_professions_laws(reference: Playbook) -> None:
    ev = evaluated_case(reference, INSURER, buyer_sector="healthcare", critical_function=None, ict_services=None)

    assert "de-stgb-203" in ev.regime_codes
    assert not {"de-vag-outsourcing", "de-brao-43e", "de-stberg-62a"} & set(ev.regime_codes)
    assert conditions(ev, *GERMAN_RULES) == ["de-professional-secrecy"]


STBERG = "https://www.gesetze-im-internet.de/stberg/__62a.html"


def test_a_german_tax_adviser_reads_section_62a_stberg_and_section_50a_wpo_as_a_law_firm_reads_43e(
    reference: Playbook,
) -> None:
    # Review 107: a Steuerberater firm read § 203 StGB alone, while a law firm read § 43e BRAO. The 2017 act gave
    # tax advisers § 62a StBerG and auditors § 50a WPO in the same terms.
    tax = {"buyer_sector": "accounting-firm", "critical_function": None, "ict_services": None}
    ev = evaluated_case(reference, INSURER, **tax)
    assert {"de-stgb-203", "de-stberg-62a"} <= set(ev.regime_codes)
    assert not {"de-vag-outsourcing", "de-brao-43e"} & set(ev.regime_codes)
    duties = obligations(ev, "de-stberg-62a")
    assert duties["text-form-contract"] == ("§ 62a(3) StBerG; § 50a(3) WPO", STBERG, "secondary")
    assert duties["comparable-protection-abroad"][0] == "§ 62a(4) StBerG; § 50a(4) WPO"
    assert duties["client-consent-for-engagement-work"][0] == "§ 62a(5) StBerG; § 50a(5) WPO"
    assert conditions(ev, *GERMAN_RULES) == ["de-professional-secrecy", "de-tax-adviser-service-providers"]
    assert ev.gates == ()  # claims analytics serves no single client's engagement

    returns = evaluated_case(reference, INSURER, **tax, function="tax-preparation", preferred_region="india")
    (gate,) = [g for g in returns.gates if g.rule == "de-tax-adviser-engagement-consent"]
    assert gate.text.endswith("(§ 62a(5) StBerG; § 50a(5) WPO)") and returns.verdict == "conditional"
    if returns.delivered_from not in ("poland", "romania"):
        (risk,) = [
            r
            for r in returns.risks
            if r.title == "Clients' secrets would go to a country whose protection of secrets may not match Germany's"
        ]
        assert "(§ 62a(4) StBerG; § 50a(4) WPO)" in risk.mitigation


def test_a_german_law_firm_reads_section_43e_and_its_text_form_contract(reference: Playbook) -> None:
    ev = evaluated_case(reference, INSURER, **LAW_FIRM_ANSWERS)

    assert {"de-stgb-203", "de-brao-43e"} <= set(ev.regime_codes) and "de-vag-outsourcing" not in ev.regime_codes
    duties = obligations(ev, "de-brao-43e")
    assert duties["text-form-contract"] == ("§ 43e(3) BRAO", BRAO, "secondary")
    assert duties["comparable-protection-abroad"][:2] == ("§ 43e(4) BRAO", BRAO)
    assert duties["choose-with-care"][0] == "§ 43e(1)-(2) BRAO" and duties["end-if-not-assured"][0] == "§ 43e(2) BRAO"
    assert conditions(ev, *GERMAN_RULES) == ["de-professional-secrecy", "de-lawyer-service-providers"]
    text = next(c.text for c in ev.conditions if c.rule == "de-lawyer-service-providers")
    assert text.startswith("Sign the contract with the provider in text form") and text.endswith("(§ 43e(3) BRAO)")
    assert ev.gates == ()


def test_a_german_law_firm_is_warned_of_delivery_from_outside_the_eu_not_from_poland(reference: Playbook) -> None:
    in_poland = evaluated_case(reference, INSURER, **LAW_FIRM_ANSWERS)
    in_india = evaluated_case(reference, INSURER, **LAW_FIRM_ANSWERS, preferred_region="india", overlap_hours=0)

    assert in_poland.delivered_from == "poland" and in_india.delivered_from == "india"
    assert ABROAD not in {r.title for r in in_poland.risks}
    (risk,) = [r for r in in_india.risks if r.title == ABROAD]
    assert risk.severity == "high" and "(§ 43e(4) BRAO)" in risk.mitigation and "EU member state" in risk.mitigation


@pytest.mark.parametrize(
    "changes",
    [
        {"buyer_eu_country": "france"},
        {"buyer_eu_country": "other-eu"},
        {"buyer_location": "us", "buyer_regulated_in": "us", "home_market": "us", "buyer_eu_country": None},
        {"buyer_location": "uk", "buyer_eu_country": None, **LAW_FIRM_ANSWERS},
    ],
    ids=["french-insurer", "other-eu-insurer", "us-insurer", "uk-law-firm"],
)
def test_a_buyer_outside_germany_reads_none_of_germanys_laws(reference: Playbook, changes: dict[str, Any]) -> None:
    ev = evaluated_case(reference, INSURER, **changes)

    assert not set(GERMAN) & set(ev.regime_codes)
    assert conditions(ev, *GERMAN_RULES) == []
    assert ABROAD not in {r.title for r in ev.risks}


def test_a_german_buyer_in_another_sector_is_not_bound_by_section_203(reference: Playbook) -> None:
    ev = evaluated_case(reference, "EU dual-use drawings: a German machine builder's CAD work")

    assert ev.answers["buyer_eu_country"] == "germany"
    assert not set(GERMAN) & set(ev.regime_codes)


def test_the_country_is_asked_only_of_a_buyer_in_continental_europe_and_is_a_fixed_fact(reference: Playbook) -> None:
    compiled = compiled_playbook(reference)
    question = compiled.questions["buyer_eu_country"]
    assert question.fixed and question.required
    assert [o.code for o in question.options] == [
        "germany",
        "france",
        "netherlands",
        "ireland",
        "other-eu",
        "switzerland",
        "outside-eu",
    ]

    def shown(location: str) -> bool:
        given = {**reference.golden_cases.get(name__startswith=INSURER).answers, "buyer_location": location}
        given.pop("buyer_eu_country")
        answers, problems = clean_answers(compiled.questions, given)
        assert not problems
        seen = visibility(compiled, answers)
        return "buyer_eu_country" in seen.missing

    assert shown("eu")
    assert not [where for where in ("us", "uk", "canada-east", "india", "other") if shown(where)]


def test_germanys_official_host_is_listed(reference: Playbook) -> None:
    assert SourceHost.objects.get(host="gesetze-im-internet.de").kind == "official"


def test_an_eu_insurer_outsourcing_reserving_is_told_the_actuarial_function_is_critical_or_important(
    reference: Playbook,
) -> None:
    ev = evaluated_case(reference, "EU insurer: reserving models outsourced")
    regime = next(r for r in ev.regimes if r.code == "solvency2-outsourcing")
    (duty,) = [o for _p, _l, items in regime.obligations for o in items if o["code"] == "critical-function-test"]
    assert "coordinating the calculation of technical provisions, Art. 48(1)(a)" in duty["action"]
    assert "key function and so critical or important" in duty["action"]
    assert duty["citation"].endswith("EIOPA Guidelines on system of governance (EIOPA-BoS-14/253), para. 1.4")
    assert duty["confidence"] == "secondary"  # read from a reproduction, not EIOPA's own copy


def test_a_german_hospital_is_told_its_lands_hospital_law_is_not_set_out(reference: Playbook) -> None:
    title = "Your Land's hospital law is not set out here"
    hospital = evaluated_case(reference, INSURER, buyer_sector="healthcare", critical_function=None, ict_services=None)
    (risk,) = [r for r in hospital.risks if r.title == title]
    assert risk.rule == "de-hospital-state-law-not-covered" and "Landeskrankenhausgesetz" in risk.mitigation
    assert title not in [r.title for r in evaluated_case(reference, INSURER).risks]  # an insurer is no hospital


def test_a_german_public_body_reads_official_secrecy_its_hospital_law_and_the_social_data_rule(
    reference: Playbook,
) -> None:
    # Review 107: a German public body coding patients' records read the GDPR alone, while the same work answered
    # as "Healthcare" read § 203 StGB and the Land's hospital law. § 203(2) binds public officials too.
    ev = evaluated_case(
        reference,
        INSURER,
        buyer_sector="public-body",
        critical_function=None,
        ict_services=None,
        data_categories=["phi", "eu-personal"],
    )
    assert "de-stgb-203" in ev.regime_codes
    assert conditions(ev, *GERMAN_RULES, "de-public-official-secrecy") == ["de-public-official-secrecy"]
    text = next(c.text for c in ev.conditions if c.rule == "de-public-official-secrecy")
    assert text.endswith("(§ 203(2)-(4) StGB)")
    assert any(g.rule == "de-public-hospital-state-law-not-covered" for g in ev.gates)
    (social,) = [r for r in ev.risks if r.rule == "de-public-official-secrecy"]
    assert "§ 80(2) SGB X" in social.mitigation and social.severity == "high"
    regime = next(r for r in ev.regimes if r.code == "de-stgb-203")
    assert "§ 203(2)" in regime.summary


def test_a_german_public_body_with_no_personal_data_reads_no_secrecy_rule(reference: Playbook) -> None:
    ev = evaluated_case(
        reference,
        INSURER,
        buyer_sector="public-body",
        critical_function=None,
        ict_services=None,
        data_categories=["none"],
    )
    assert "de-stgb-203" not in ev.regime_codes
    assert not any(g.rule == "de-public-hospital-state-law-not-covered" for g in ev.gates)
