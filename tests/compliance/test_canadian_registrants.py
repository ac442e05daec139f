"""A firm registered with a Canadian provincial securities regulator (a registrant under NI 31-103) reads its
compliance-system duty (NI 31-103 s. 11.1) and, when it hands over material undisclosed facts, the tipping prohibition
(Securities Act (Ontario) s. 76(2); NP 51-201 s. 3.3), both as conditions: no regulator's approval is needed to have a
provider support its research, so no gate caps the verdict. A bank or insurer supervised by OSFI reads what it read."""

from __future__ import annotations

from typing import Any

import pytest

from apps.common.models import SourceHost
from apps.compliance.models import Regime
from apps.playbooks.models import Playbook
from tests.compliance.test_brazil_and_philippines_laws import obligations
from tests.recommendations.golden import evaluated_case, fired_codes

pytestmark = pytest.mark.django_db
TORONTO_BANK = "Toronto bank: credit research and portfolio analytics on its Canadian borrowers"
# An Ontario-registered portfolio manager hands high-yield credit research support, with inside information, to a
# provider in India; its own analysts adopt the research.
REGISTRANT = {
    "buyer_sector": "investment-firm",
    "buyer_regulated_in": "canada-securities",
    "data_categories": ["mnpi-research"],
    "research_authorship": "onshore-adopts",
}
NI = "https://www.osc.ca/en/securities-law/instruments-rules-policies/3/31-103"
ACT = "https://www.ontario.ca/laws/statute/90s05"
NOT_COVERED = "Your own market's insider-dealing rules are not covered here"
OWN_REGULATOR = "Your own regulator's outsourcing and data rules are not covered here"
CANADIAN = {"ni31-103-compliance", "ca-securities-tipping"}


def risk(ev: Any, title: str) -> list[str]:
    return [r.mitigation for r in ev.risks if r.title == title]


def test_a_registrant_reads_its_compliance_system_duty_as_a_condition_not_a_gate(reference: Playbook) -> None:
    ev = evaluated_case(reference, TORONTO_BANK, **REGISTRANT)

    assert "ni31-103-compliance" in ev.regime_codes and "osfi-b10" not in ev.regime_codes
    duties = obligations(ev, "ni31-103-compliance")
    assert duties["registrant-compliance-system"] == ("NI 31-103 s. 11.1(a)", NI, "secondary")
    assert duties["registrant-manage-the-risk"] == ("NI 31-103 s. 11.1(b)", NI, "secondary")
    (text,) = [c.text for c in ev.conditions if c.rule == "ni31-103-registrant"]
    assert text.endswith("(NI 31-103 s. 11.1)")
    # Nothing asks the regulator's leave: no gate, and not the firms regulated elsewhere's risk or condition.
    assert ev.gates == ()
    assert ev.verdict == "wins"
    assert not {"regulated-elsewhere", "regulated-elsewhere-canada"} & fired_codes(ev)
    assert OWN_REGULATOR not in {r.title for r in ev.risks}


def test_a_registrant_handing_over_inside_information_reads_the_tipping_prohibition(reference: Playbook) -> None:
    ev = evaluated_case(reference, TORONTO_BANK, **REGISTRANT)

    duties = obligations(ev, "ca-securities-tipping")
    assert duties["ca-necessary-course"] == (
        "Securities Act (Ontario), R.S.O. 1990, c. S.5, s. 76(2); NP 51-201 s. 3.3",
        ACT,
        "secondary",
    )
    assert duties["ca-no-trading-no-tipping"][0] == "Securities Act (Ontario) s. 76(1), (2) and (5)(e)"
    (text,) = [c.text for c in ev.conditions if c.rule == "ca-tipping-registrant"]
    assert "only as the work needs them" in text and "inside your information barriers" in text
    # The Canadian prohibition is set out, so the firm is not told its market's rules are uncovered; no other
    # country's insider law is read.
    assert not risk(ev, NOT_COVERED)
    assert not {"us-mnpi", "uk-mar", "eu-mar", "fca-sysc10-chinese-walls"} & set(ev.regime_codes)
    # Without inside information it reads the compliance system alone.
    public = evaluated_case(reference, TORONTO_BANK, **{**REGISTRANT, "data_categories": ["none"]})
    assert "ni31-103-compliance" in public.regime_codes and "ca-securities-tipping" not in public.regime_codes


def test_the_canadian_regimes_say_what_was_not_read_and_that_other_provinces_acts_are_not_covered(
    reference: Playbook,
) -> None:
    regimes = {r.code: r for r in Regime.objects.filter(code__in=CANADIAN)}

    assert {r.confidence for r in regimes.values()} == {"secondary"}
    assert "31-103CP" in regimes["ni31-103-compliance"].confidence_note
    for regime in regimes.values():
        assert "(a secondary account)" in regime.confidence_note and "Québec's included" in regime.confidence_note
    kinds = dict(SourceHost.objects.filter(host__in=["osc.ca", "ontario.ca"]).values_list("host", "kind"))
    assert kinds == {"osc.ca": "official", "ontario.ca": "official"}


@pytest.mark.parametrize(
    ("changes", "title"),
    [
        ({}, "A critical function depends on the provider"),
        (
            {"own_team_plan": True, "centre_setup": "ourselves", "own_entity": True},
            "A critical function moves to your own offshore entity",
        ),
    ],
    ids=["provider", "own-centre"],
)
def test_a_registrants_critical_function_points_to_its_compliance_system_not_to_an_approval(
    reference: Playbook, changes: dict[str, object], title: str
) -> None:
    ev = evaluated_case(reference, TORONTO_BANK, **REGISTRANT, critical_function=True, **changes)

    (mitigation,) = risk(ev, title)
    assert "(NI 31-103 s. 11.1)" in mitigation and "the Instrument asks no prior approval" in mitigation
    # An investment dealer's own self-regulatory body is named as not covered, not read as approving nothing.
    assert "CIRO" in mitigation and "not covered here" in mitigation
    assert "Check what your own regulator expects" not in mitigation
    assert len([f for f in ev.fired if f.code.startswith("critical-function-outsourcing")]) == 1
    assert ev.gates == ()


def test_an_osfi_regulated_bank_reads_what_it_read(reference: Playbook) -> None:
    ev = evaluated_case(reference, TORONTO_BANK, data_categories=["canada-personal", "mnpi-research"])

    # Not a registrant: no compliance-system duty; but the tipping prohibition binds anyone in a special relationship
    # with an issuer (s. 76(5)), so the bank reads it and is not told its market's rules are uncovered.
    assert {"osfi-b10", "pipeda", "ca-securities-tipping"} <= set(ev.regime_codes)
    assert "ni31-103-compliance" not in ev.regime_codes
    assert not {"ni31-103-registrant", "ca-tipping-registrant"} & fired_codes(ev)
    assert not risk(ev, NOT_COVERED) and ev.gates == ()
    # An investment firm that answered "Canada (OSFI)" before the registrant's answer existed keeps its advice.
    firm = evaluated_case(reference, TORONTO_BANK, buyer_sector="investment-firm")
    assert "regulated-elsewhere-canada" in fired_codes(firm) and not CANADIAN & set(firm.regime_codes)


MISMATCH = "Your answers name a securities regulator for a firm that is not an investment firm"
ELSEWHERE_MITIGATION = "Check what your own regulator expects before signing"
FINANCIAL = {"bank", "insurer", "pension-fund", "payments"}


@pytest.mark.parametrize("sector", ["bank", "insurer", "pension-fund", "payments", "law-firm", "healthcare"])
def test_a_firm_that_is_not_an_investment_firm_naming_a_securities_regulator_is_told_its_answers_disagree(
    reference: Playbook, sector: str
) -> None:
    # Securities regulators register dealers, advisers and fund managers: a provincially supervised insurer or a
    # credit union that picks the "provincial securities regulator" answer is not read NI 31-103 as its own law.
    ev = evaluated_case(reference, TORONTO_BANK, **{**REGISTRANT, "buyer_sector": sector}, critical_function=True)

    assert not CANADIAN & set(ev.regime_codes)
    assert not {"ni31-103-registrant", "ca-tipping-registrant"} & fired_codes(ev)
    (mitigation,) = risk(ev, MISMATCH)
    assert "change the kind of organisation to an investment firm" in mitigation and "pick Canada (OSFI)" in mitigation
    assert "Confirm which regulator supervises the firm that signs" in {c.text.split(",")[0] for c in ev.conditions}
    # Its own regulator may need to be told, as any firm regulated elsewhere: the gate caps the verdict.
    gate = "whatever notice to, or approval from, your own regulator this outsourcing needs"
    assert gate in {g.text for g in ev.gates}
    assert ev.verdict != "wins"
    # Its inside information and its critical function read what a firm regulated elsewhere reads, once each.
    assert risk(ev, NOT_COVERED)
    critical = [f.code for f in ev.fired if f.code.startswith("critical-function-outsourcing")]
    if sector in FINANCIAL:
        assert critical == ["critical-function-outsourcing-ca-not-registrant"]
        (cf,) = risk(ev, "A critical function depends on the provider")
        assert cf.startswith(ELSEWHERE_MITIGATION) and "NI 31-103" not in cf
    else:  # only a financial firm is asked whether the work supports a critical function
        assert critical == []


def test_a_firm_that_is_not_an_investment_firm_setting_up_its_own_centre_reads_the_check_your_regulator_risk(
    reference: Playbook,
) -> None:
    own = {"own_team_plan": True, "centre_setup": "ourselves", "own_entity": True}
    ev = evaluated_case(
        reference, TORONTO_BANK, **{**REGISTRANT, "buyer_sector": "insurer"}, critical_function=True, **own
    )

    critical = [f.code for f in ev.fired if f.code.startswith("critical-function-outsourcing")]
    assert critical == ["critical-function-outsourcing-ca-not-registrant-own-centre"]
    (mitigation,) = risk(ev, "A critical function moves to your own offshore entity")
    assert mitigation.startswith("Check what your own regulator expects") and "NI 31-103" not in mitigation


def test_an_investment_firm_naming_a_securities_regulator_is_not_told_its_answers_disagree(reference: Playbook) -> None:
    ev = evaluated_case(reference, TORONTO_BANK, **REGISTRANT, critical_function=True)

    assert not risk(ev, MISMATCH)
    assert not {"canada-securities-not-an-investment-firm", "mnpi-canada-securities-not-a-registrant"} & fired_codes(ev)


def test_a_canadian_bank_or_pension_fund_with_inside_information_reads_the_tipping_prohibition_too(
    reference: Playbook,
) -> None:
    # Anyone in a special relationship with a reporting issuer is bound (s. 76(5)(b), (e)), registered or not.
    bank = {"buyer_regulated_in": "canada", "data_categories": ["mnpi-research"], "mnpi_inside_information": "yes"}
    ev = evaluated_case(reference, TORONTO_BANK, **bank)
    assert "ca-securities-tipping" in ev.regime_codes and "ni31-103-compliance" not in ev.regime_codes
    assert not risk(ev, NOT_COVERED)
    assert [c.rule for c in ev.conditions if c.rule.startswith("ca-tipping")] == ["ca-tipping-canadian-buyer"]
    own = evaluated_case(reference, TORONTO_BANK, **{**bank, "mnpi_inside_information": "own-research-only"})
    assert "ca-securities-tipping" not in own.regime_codes
