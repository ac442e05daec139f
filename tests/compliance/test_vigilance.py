"""Post-market safety case work reads the vigilance law of the product: EU pharmacovigilance (Directive 2001/83/EC,
Arts. 104 and 107; Implementing Regulation (EU) No 520/2012, Art. 6) for drug-safety cases of an EU maker or of
patients in the EU, and the MDR's vigilance articles (Regulation (EU) 2017/745, Arts. 10(13), 87-89) for device
incident cases, each duty cited with its deadline and worded for the holder or manufacturer; a US maker's cases, or
cases of patients in the US, read the FDA's rules (21 CFR 314.80 for drugs, Part 803 for devices). Trial data work,
work that is not clinical, and a buyer with neither EU nor US products read none of them."""

from __future__ import annotations

import pytest

from apps.playbooks.engine.evaluate import Evaluation
from apps.playbooks.models import Playbook
from tests.compliance.test_brazil_and_philippines_laws import obligations
from tests.recommendations.golden import evaluated_case

pytestmark = pytest.mark.django_db
IRISH = "Irish device and drug maker"
DIRECTIVE = "https://eur-lex.europa.eu/eli/dir/2001/83/oj"
IR_520 = "https://eur-lex.europa.eu/eli/reg_impl/2012/520/oj"
MDR = "https://eur-lex.europa.eu/eli/reg/2017/745/oj"
PV_CONDITION = "If you hold an EU marketing authorisation: subcontract each drug-safety task in writing"
MDR_CONDITION = "If you are the device manufacturer: agree in writing which vigilance tasks the provider does"
EU = {"eu-pharmacovigilance", "eu-mdr-vigilance"}
US_DRUG_MAKER = "US drug maker: postmarketing"
FDA = {"fda-drug-postmarketing", "fda-device-mdr"}
VIGILANCE = EU | FDA
DRUG_CONDITION = "If you hold the NDA or ANDA: extend your written postmarketing safety procedures to the provider"
DEVICE_CONDITION = "If you are the device manufacturer: extend your written MDR procedures to the provider"


def actions(ev: Evaluation, code: str) -> dict[str, str]:
    regime = next(r for r in ev.regimes if r.code == code)
    return {o["code"]: o["action"] for _p, _l, items in regime.obligations for o in items}


def test_the_irish_maker_reads_eu_pharmacovigilance_with_its_citations_and_clocks(reference: Playbook) -> None:
    ev = evaluated_case(reference, IRISH)
    assert set(ev.regime_codes) >= EU
    pv = next(r for r in ev.regimes if r.code == "eu-pharmacovigilance")
    assert pv.confidence == "secondary" and [s["url"] for s in pv.sources] == [DIRECTIVE, IR_520]
    found = obligations(ev, "eu-pharmacovigilance")
    assert {code: citation for code, (citation, _u, _c) in found.items()} == {
        "subcontract-in-writing": "Implementing Regulation (EU) No 520/2012, Art. 6(1), (3) and (4)",
        "qppv-stays": "Directive 2001/83/EC, Art. 104(3)(a) and second subparagraph",
        "reporting-clock": "Directive 2001/83/EC, Art. 107(1) and (3)",
        "master-file": "Implementing Regulation (EU) No 520/2012, Art. 2(2), Art. 3(3) and Art. 6(2)",
    }
    assert {code: url for code, (_c, url, _k) in found.items()} == {
        "subcontract-in-writing": IR_520,
        "qppv-stays": DIRECTIVE,
        "reporting-clock": DIRECTIVE,
        "master-file": IR_520,
    }
    text = actions(ev, "eu-pharmacovigilance")
    # The clocks are the Directive's, beside their article; the duties are the holder's, not the buyer's by default.
    assert "within 15 days" in text["reporting-clock"] and "within 90 days" in text["reporting-clock"]
    assert text["subcontract-in-writing"].startswith("If you hold the marketing authorisation")
    assert "written consent" in text["subcontract-in-writing"]
    assert "resident and working in the EU" in text["qppv-stays"]


def test_the_irish_maker_reads_the_mdr_vigilance_clocks_with_their_paragraphs(reference: Playbook) -> None:
    ev = evaluated_case(reference, IRISH)
    found = obligations(ev, "eu-mdr-vigilance")
    assert {code: citation for code, (citation, _u, _c) in found.items()} == {
        "vigilance-tasks-in-writing": "Regulation (EU) 2017/745, Art. 10(13)",
        "quality-system-supplier": "Regulation (EU) 2017/745, Art. 10(9)",
        "serious-incident-clock": "Regulation (EU) 2017/745, Art. 87(1), (3), (4) and (5)",
        "trend-data": "Regulation (EU) 2017/745, Art. 88",
        "investigations": "Regulation (EU) 2017/745, Art. 89(1)",
    }
    assert {url for _c, url, _k in found.values()} == {MDR}
    assert actions(ev, "eu-mdr-vigilance")["quality-system-supplier"].startswith("If you are the manufacturer")
    assert {kind for _c, _u, kind in found.values()} == {"secondary"}
    clock = actions(ev, "eu-mdr-vigilance")["serious-incident-clock"]
    assert all(days in clock for days in ("15 days after you become aware", "2 days", "10 days"))
    assert actions(ev, "eu-mdr-vigilance")["vigilance-tasks-in-writing"].startswith("If you are the manufacturer")


def test_the_duties_are_conditions_of_a_winning_verdict_not_gates(reference: Playbook) -> None:
    ev = evaluated_case(reference, IRISH)
    assert ev.verdict == "wins" and not ev.gates
    texts = [c.text for c in ev.conditions]
    for start in (PV_CONDITION, MDR_CONDITION):
        assert len([t for t in texts if t.startswith(start)]) == 1  # two rules fire for each, one condition shows
    pv = next(t for t in texts if t.startswith(PV_CONDITION))
    assert "15-day EudraVigilance clock" in pv and "Art. 107(3)" in pv and "No 520/2012, Art. 6" in pv
    mdr = next(t for t in texts if t.startswith(MDR_CONDITION))
    assert "2-, 10- and 15-day" in mdr and "Art. 87(3)-(5)" in mdr


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, EU),
        ({"clinical_work": ["drug-safety"]}, {"eu-pharmacovigilance"}),
        ({"clinical_work": ["device-safety"]}, {"eu-mdr-vigilance"}),
        ({"clinical_work": ["trial-data"]}, set()),  # trial data reads good clinical practice instead
        # A UK maker whose cases come from patients in the EU markets its products there.
        ({"buyer_location": "uk", "home_market": "uk", "buyer_eu_country": None}, EU),
        # An EU maker whose cases all come from elsewhere still holds EU authorisations.
        ({"client_jurisdictions": ["other"], "data_categories": ["other-personal"]}, EU),
        # Neither an EU nor a US buyer, nor their patients.
        (
            {
                "buyer_location": "other",
                "home_market": "other",
                "buyer_eu_country": None,
                "client_jurisdictions": ["other"],
                "data_categories": ["other-personal"],
                "phi_deidentify": None,
            },
            set(),
        ),
        # Work that is not clinical is never asked which clinical work it is.
        ({"function": "market-research-analytics", "clinical_work": None}, set()),
    ],
)
def test_who_reads_the_eu_vigilance_rules(reference: Playbook, changes: dict[str, object], expected: set[str]) -> None:
    ev = evaluated_case(reference, IRISH, **changes)
    assert set(ev.regime_codes) & EU == expected
    texts = [c.text for c in ev.conditions]
    assert any(t.startswith(PV_CONDITION) for t in texts) is ("eu-pharmacovigilance" in expected)
    assert any(t.startswith(MDR_CONDITION) for t in texts) is ("eu-mdr-vigilance" in expected)


def test_the_french_drug_makers_literature_screening_reads_eu_pharmacovigilance(reference: Playbook) -> None:
    codes = set(evaluated_case(reference, "French drug maker").regime_codes)
    assert "eu-pharmacovigilance" in codes and "eu-mdr-vigilance" not in codes


def test_device_safety_is_a_choice_of_the_clinical_work_question(reference: Playbook) -> None:
    question = reference.questions.get(code="clinical_work")
    assert [o.code for o in question.options.order_by("order")] == ["trial-data", "drug-safety", "device-safety"]
    assert question.options.get(code="device-safety").label == "Device safety and vigilance (medical devices)"


def test_a_us_drug_makers_cases_read_the_fdas_postmarketing_rule_with_its_clock(reference: Playbook) -> None:
    ev = evaluated_case(reference, US_DRUG_MAKER)
    assert set(ev.regime_codes) & VIGILANCE == {"fda-drug-postmarketing"} and "hipaa" not in ev.regime_codes
    found = obligations(ev, "fda-drug-postmarketing")
    assert found == {
        "written-procedures": ("21 CFR 314.80(b)", "https://www.ecfr.gov/current/title-21/section-314.80", "secondary"),
        "alert-report-clock": (
            "21 CFR 314.80(c)(1)(i)",
            "https://www.ecfr.gov/current/title-21/section-314.80",
            "secondary",
        ),
    }
    clock = actions(ev, "fda-drug-postmarketing")["alert-report-clock"]
    assert "no later than 15 calendar days" in clock and "serious and unexpected" in clock
    assert actions(ev, "fda-drug-postmarketing")["written-procedures"].startswith("If you hold the NDA or ANDA")
    assert ev.verdict == "wins" and not ev.gates
    assert len([c for c in ev.conditions if c.text.startswith(DRUG_CONDITION)]) == 1


def test_a_us_device_makers_complaints_read_part_803_with_its_clocks(reference: Playbook) -> None:
    ev = evaluated_case(reference, US_DRUG_MAKER, clinical_work=["device-safety"])
    assert set(ev.regime_codes) & VIGILANCE == {"fda-device-mdr"}
    found = obligations(ev, "fda-device-mdr")
    assert {code: citation for code, (citation, _u, _c) in found.items()} == {
        "mdr-procedures": "21 CFR 803.17",
        "quality-system-supplier": "21 CFR 820.10(a) (ISO 13485:2016 cl. 4.1.5, 7.4, 8.2.2, incorporated by 21 CFR "
        "820.7); 21 CFR 820.35(a)",
        "thirty-day-clock": "21 CFR 803.50(a), (b)(3)",
        "five-day-escalation": "21 CFR 803.53",
    }
    assert found["five-day-escalation"][1] == "https://www.ecfr.gov/current/title-21/section-803.53"
    text = actions(ev, "fda-device-mdr")
    assert "30 calendar days" in text["thirty-day-clock"] and "5 work days" in text["five-day-escalation"]
    condition = next(c.text for c in ev.conditions if c.text.startswith(DEVICE_CONDITION))
    assert "30-calendar-day and 5-work-day" in condition and "803.50" in condition


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"clinical_work": ["drug-safety", "device-safety"]}, FDA),
        ({"clinical_work": ["trial-data"]}, set()),
        # A maker elsewhere whose cases come from patients in the US markets its products there.
        ({"buyer_location": "other", "home_market": "other"}, {"fda-drug-postmarketing"}),
        # A US maker whose cases come from the EU reads EU law for them, and the FDA's rule as a US maker.
        (
            {
                "client_jurisdictions": ["eu"],
                "data_categories": ["eu-personal", "phi"],
                "hipaa_role": None,
                "medicaid_offshore": None,
            },
            {"fda-drug-postmarketing", "eu-pharmacovigilance"},
        ),
        (
            {
                "buyer_location": "other",
                "home_market": "other",
                "client_jurisdictions": ["other"],
                "data_categories": ["other-personal"],
                "hipaa_role": None,
                "medicaid_offshore": None,
                "phi_deidentify": None,
            },
            set(),
        ),
    ],
)
def test_who_reads_the_fda_safety_reporting_rules(
    reference: Playbook, changes: dict[str, object], expected: set[str]
) -> None:
    ev = evaluated_case(reference, US_DRUG_MAKER, **changes)
    assert set(ev.regime_codes) & VIGILANCE == expected
    texts = [c.text for c in ev.conditions]
    assert any(t.startswith(DRUG_CONDITION) for t in texts) is ("fda-drug-postmarketing" in expected)
    assert any(t.startswith(DEVICE_CONDITION) for t in texts) is ("fda-device-mdr" in expected)
