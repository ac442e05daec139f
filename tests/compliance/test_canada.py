"""A bank or insurer supervised by OSFI reads Guideline B-10 (Third-Party Risk Management), each expectation with
its principle and OSFI's page; personal data of people in Canada reads PIPEDA (Schedule 1, clauses 4.1.3, 4.7, 4.8
on the Justice Laws Website) for any buyer. Both are conditions: neither waits on a regulator's approval."""

from __future__ import annotations

from typing import Any

import pytest

from apps.common.models import SourceHost
from apps.playbooks.models import Playbook
from tests.compliance.test_brazil_and_philippines_laws import obligations
from tests.recommendations.golden import evaluated_case

pytestmark = pytest.mark.django_db
TORONTO_BANK = "Toronto bank: credit research and portfolio analytics on its Canadian borrowers"
B10 = "https://www.osfi-bsif.gc.ca/en/guidance/guidance-library/third-party-risk-management-guideline"
PIPEDA = "https://laws-lois.justice.gc.ca/eng/acts/P-8.6/FullText.html"
US_BANK = {
    "buyer_regulated_in": "us",
    "buyer_location": "us",
    "home_market": "us",
    "data_categories": ["glba-financial"],
}
EU_BANK = {"buyer_regulated_in": "eu", "buyer_location": "eu", "home_market": "eu", "data_categories": ["eu-personal"]}


def rules(ev: Any, *codes: str) -> list[str]:
    return [c.rule for c in ev.conditions if c.rule in codes]


def test_an_osfi_regulated_bank_reads_b10_with_its_principles_and_osfis_page(reference: Playbook) -> None:
    ev = evaluated_case(reference, TORONTO_BANK)

    assert "osfi-b10" in ev.regime_codes
    duties = obligations(ev, "osfi-b10")
    assert duties["risk-and-due-diligence"][0].startswith("OSFI Guideline B-10, Principles 3-4")
    assert "2.2.2.3" in duties["risk-and-due-diligence"][0]
    assert duties["subcontractors"][0] == "OSFI Guideline B-10, Principle 5 (sections 2.2.4.1-2.2.4.2); Annex 2, item 3"
    assert duties["written-agreement"][0] == "OSFI Guideline B-10, Principles 6-7 (sections 2.3.1-2.3.2); Annex 2"
    assert duties["access-and-audit"][0].startswith("OSFI Guideline B-10, Principle 8")
    assert duties["exit-plan"][0] == "OSFI Guideline B-10, Principle 9 (sections 2.3.4, 2.3.5)"
    assert duties["monitor"][0].startswith("OSFI Guideline B-10, Principles 10-11")
    assert {url for _c, url, _conf in duties.values()} == {B10}
    assert {conf for _c, _u, conf in duties.values()} == {"secondary"}
    regime = next(r for r in ev.regimes if r.code == "osfi-b10")
    phases = {phase for phase, _label, _items in regime.obligations}
    assert {"before_signing", "in_contract", "during"} <= phases
    assert "supervisory expectations" in regime.summary and "no prior approval" in regime.summary
    assert regime.confidence == "secondary" and regime.effective_date == "2024-05-01"
    assert [s["url"] for s in regime.sources] == [B10]


def test_b10_is_a_condition_settled_before_signing_not_a_gate(reference: Playbook) -> None:
    ev = evaluated_case(reference, TORONTO_BANK)

    assert rules(ev, "osfi-b10-frfi") == ["osfi-b10-frfi"]
    text = next(c.text for c in ev.conditions if c.rule == "osfi-b10-frfi")
    assert "access and audit rights for you and OSFI" in text and "(OSFI Guideline B-10, Principles 3-9)" in text
    assert ev.gates == ()
    assert not [c for c in ev.fit_contributions if c.rule == "osfi-b10-frfi"]


def test_canadian_personal_data_reads_pipeda_with_its_clauses(reference: Playbook) -> None:
    ev = evaluated_case(reference, TORONTO_BANK)

    assert "pipeda" in ev.regime_codes
    duties = obligations(ev, "pipeda")
    assert duties["comparable-protection"] == ("PIPEDA Schedule 1, clause 4.1.3", PIPEDA, "secondary")
    assert duties["safeguards"] == ("PIPEDA Schedule 1, clauses 4.7, 4.7.1, 4.7.3", PIPEDA, "secondary")
    assert duties["openness"] == ("PIPEDA Schedule 1, clause 4.8", PIPEDA, "secondary")
    assert rules(ev, "pipeda-canada-personal-data") == ["pipeda-canada-personal-data"]
    # It is personal data like any other: processor terms cost their 5 points once; the PIPEDA rule adds none.
    assert [c.points for c in ev.fit_contributions if c.rule == "personal-data-processor-terms"] == [-5]
    assert not [c for c in ev.fit_contributions if c.rule == "pipeda-canada-personal-data"]


def test_the_official_hosts_are_listed(reference: Playbook) -> None:
    kinds = dict(
        SourceHost.objects.filter(host__in=["osfi-bsif.gc.ca", "laws-lois.justice.gc.ca"]).values_list("host", "kind")
    )
    assert kinds == {"osfi-bsif.gc.ca": "official", "laws-lois.justice.gc.ca": "official"}


@pytest.mark.parametrize("changes", [US_BANK, EU_BANK], ids=["us-bank", "eu-bank"])
def test_a_us_or_eu_bank_reads_neither(reference: Playbook, changes: dict[str, object]) -> None:
    ev = evaluated_case(reference, TORONTO_BANK, **changes)

    assert not {"osfi-b10", "pipeda"} & set(ev.regime_codes)
    assert rules(ev, "osfi-b10-frfi", "pipeda-canada-personal-data") == []


@pytest.mark.parametrize("regulated_in", ["us", "eu", "other"])
def test_canadian_data_without_osfi_reads_pipeda_but_not_b10(reference: Playbook, regulated_in: str) -> None:
    ev = evaluated_case(reference, TORONTO_BANK, buyer_regulated_in=regulated_in)

    assert "pipeda" in ev.regime_codes and "osfi-b10" not in ev.regime_codes
    assert rules(ev, "osfi-b10-frfi", "pipeda-canada-personal-data") == ["pipeda-canada-personal-data"]


def test_an_unregulated_buyer_anywhere_with_canadian_data_reads_pipeda(reference: Playbook) -> None:
    ev = evaluated_case(
        reference,
        TORONTO_BANK,
        buyer_sector="other",
        buyer_regulated_in=None,
        critical_function=None,
        buyer_location="us",
    )

    assert "pipeda" in ev.regime_codes and "osfi-b10" not in ev.regime_codes


def test_an_osfi_bank_without_canadian_data_reads_b10_but_not_pipeda(reference: Playbook) -> None:
    ev = evaluated_case(reference, TORONTO_BANK, data_categories=["none"])

    assert "osfi-b10" in ev.regime_codes and "pipeda" not in ev.regime_codes


def test_a_federally_regulated_insurer_reads_b10(reference: Playbook) -> None:
    assert "osfi-b10" in evaluated_case(reference, TORONTO_BANK, buyer_sector="insurer").regime_codes


def test_a_canadian_investment_firm_is_told_its_own_regulators_rules_are_not_covered(reference: Playbook) -> None:
    ev = evaluated_case(reference, TORONTO_BANK, buyer_sector="investment-firm")

    assert "osfi-b10" not in ev.regime_codes
    assert "Your own regulator's outsourcing and data rules are not covered here" in {r.title for r in ev.risks}
    assert rules(ev, "regulated-elsewhere-canada") == ["regulated-elsewhere-canada"]


def test_a_critical_function_of_an_osfi_bank_is_a_risk_to_check_with_osfi_not_an_eu_style_notice(
    reference: Playbook,
) -> None:
    ev = evaluated_case(reference, TORONTO_BANK, critical_function=True)

    assert "A critical function depends on the provider" in {r.title for r in ev.risks}
    assert ev.gates == ()


def test_a_buyer_in_eastern_canada_with_canadian_data_is_not_told_pipeda_is_uncovered(reference: Playbook) -> None:
    both = evaluated_case(reference, TORONTO_BANK, data_categories=["canada-personal", "other-personal"])
    elsewhere_only = evaluated_case(reference, TORONTO_BANK, data_categories=["other-personal"])

    uncovered = [r.title for r in both.risks if r.title.startswith("Your country's rules on handing personal data")]
    assert "pipeda" in both.regime_codes
    assert uncovered == []  # PIPEDA is set out, and Québec's assessment is its own risk (review 50)
    assert "The rules of the other countries whose people's data you hand over are not covered here" in {
        r.title for r in both.risks
    }
    assert not [c for c in both.conditions if "PIPEDA, or Qu" in c.text]
    # Without the Canadian option, the buyer's own law is still named as not covered, PIPEDA included.
    assert "pipeda" not in elsewhere_only.regime_codes
    assert any("(PIPEDA, or Québec's private-sector privacy Act)" in r.title for r in elsewhere_only.risks)


def _risk(ev: Any, title: str) -> list[str]:
    return [r.mitigation for r in ev.risks if r.title == title]


def test_a_critical_function_at_an_osfi_regulated_bank_reads_b10_not_a_request_to_check_its_regulator(
    reference: Playbook,
) -> None:
    ev = evaluated_case(reference, TORONTO_BANK, critical_function=True)

    (mitigation,) = _risk(ev, "A critical function depends on the provider")
    assert "OSFI Guideline B-10" in mitigation and "(Principle 9)" in mitigation and "(Principle 8)" in mitigation
    assert "Check what your own regulator expects" not in mitigation
    # Its own offshore entity reads B-10 too: B-10 covers companies of the institution's own group.
    own = evaluated_case(
        reference, TORONTO_BANK, critical_function=True, own_team_plan=True, centre_setup="ourselves", own_entity=True
    )
    (mitigation,) = _risk(own, "A critical function moves to your own offshore entity")
    assert "OSFI Guideline B-10 treats your own group's entity as a third party" in mitigation


def test_a_canadian_firm_b10_does_not_cover_is_still_asked_to_check_its_own_regulator(reference: Playbook) -> None:
    ev = evaluated_case(reference, TORONTO_BANK, critical_function=True, buyer_sector="investment-firm")

    assert "osfi-b10" not in ev.regime_codes
    (mitigation,) = _risk(ev, "A critical function depends on the provider")
    assert mitigation.startswith("Check what your own regulator expects before signing")
    # A US bank keeps the same request: nothing changed for it.
    us = evaluated_case(reference, TORONTO_BANK, critical_function=True, **US_BANK)
    (mitigation,) = _risk(us, "A critical function depends on the provider")
    assert mitigation.startswith("Check what your own regulator expects before signing")


def test_a_canadian_signing_actuary_reads_canadian_standards_beside_the_us_ones(reference: Playbook) -> None:
    ev = evaluated_case(reference, TORONTO_BANK, licensed_signoff=["actuary"], signoff_capacity="yes")

    plan = next(f for f in ev.fired if f.code == "actuary-signoff")
    assert "in Canada the Canadian Institute of Actuaries' standards of practice" in plan.rationale
    assert "in the US the American Academy of Actuaries' US Qualification Standards" in plan.rationale


QUEBEC = "If your enterprise is in Québec, assess the privacy impact before personal information leaves Québec"


def test_an_eastern_canadian_buyer_handing_over_canadian_data_is_told_quebecs_assessment_once(
    reference: Playbook,
) -> None:
    # Review 50: the same page said Québec's Act was "not covered here" beside the risk setting out its s. 17.
    ev = evaluated_case(reference, TORONTO_BANK)

    (mitigation,) = _risk(ev, QUEBEC)
    assert "CQLR c P-39.1, s. 17" in mitigation
    assert not [r for r in ev.risks if "not covered" in r.title and "Qu" in r.title + r.mitigation]
    # With personal data of people elsewhere too: the assessment once, and the other countries' rules as uncovered.
    both = evaluated_case(reference, TORONTO_BANK, data_categories=["canada-personal", "other-personal"])
    assert [r.title for r in both.risks if "Québec" in r.title or "Quebec" in r.title] == [QUEBEC]
    assert "The rules of the other countries whose people's data you hand over are not covered here" in {
        r.title for r in both.risks
    }
    # A buyer in the US with Canadian data, a public body, or no personal data at all, reads nothing of Québec.
    for other in (
        evaluated_case(reference, TORONTO_BANK, buyer_location="us"),
        evaluated_case(reference, TORONTO_BANK, buyer_sector="public-body"),
        evaluated_case(reference, TORONTO_BANK, data_categories=["none"]),
    ):
        assert not [r for r in other.risks if "Québec" in r.title or "Quebec" in r.title]


QUEBEC_CONDITION = "Before personal information leaves Québec, assess its sensitivity"


def test_an_enterprise_said_to_be_in_quebec_reads_the_assessment_as_a_condition_and_one_elsewhere_nothing(
    reference: Playbook,
) -> None:
    # Review 64: eastern Canada lumped Montreal with Toronto, so s. 17's assessment, due before personal data leaves
    # Québec, was only a risk "if your enterprise is in Québec". The buyer may now say where it is.
    # An enterprise no federal regulator supervises (a bank's case is unsettled: tests/compliance/test_quebec.py).
    quebec = evaluated_case(
        reference, TORONTO_BANK, buyer_ca_province="quebec", buyer_sector="other", buyer_regulated_in=None
    )
    (said,) = [c.text for c in quebec.conditions if c.text.startswith(QUEBEC_CONDITION)]
    assert "CQLR c P-39.1, ss. 17 and 18.3" in said
    assert not [r for r in quebec.risks if r.title == QUEBEC]
    ontario = evaluated_case(reference, TORONTO_BANK, buyer_ca_province="elsewhere")
    assert not [r for r in ontario.risks if "Québec" in r.title]
    assert not [c for c in ontario.conditions if "Québec" in c.text]
    # Unanswered (optional): the risk to check, as before.
    assert [r.title for r in evaluated_case(reference, TORONTO_BANK).risks if r.title == QUEBEC] == [QUEBEC]
