"""A critical or important function to be outsourced within a month: the regulator's notice comes in good time
before the work moves and may meet an objection, after the firm's own assessment of the provider, so a one-month
start is named as a high risk whichever model is chosen (EBA/GL/2019/02 paras. 59, 62-73; CBI Cross-Industry
Guidance on Outsourcing, Part B section 10.1)."""

from __future__ import annotations

import pytest

from apps.playbooks.models import Playbook
from tests.recommendations.golden import evaluated_case, fired_codes

pytestmark = pytest.mark.django_db
RULE = "critical-function-start-within-a-month"
CASE = "US regional bank"


@pytest.mark.parametrize("regulated_in", ["eu", "uk"])
def test_a_critical_function_due_within_a_month_reads_the_notice_it_has_no_time_for(
    reference: Playbook, regulated_in: str
) -> None:
    ev = evaluated_case(
        reference, CASE, critical_function=True, start_within="within-month", buyer_regulated_in=regulated_in
    )
    assert RULE in fired_codes(ev)
    (risk,) = [r for r in ev.risks if r.rule == RULE]
    assert risk.severity == "high" and "para. 59" not in risk.title
    assert "paras. 59, 62-73" in risk.mitigation and "Part B section 10.1" in risk.mitigation
    assert "SUP 15.3.8G(1)(e)" in risk.mitigation and "SUP 15.8.1R" not in risk.mitigation
    assert "CPS 230" not in risk.mitigation


def test_an_apra_regulated_entity_reads_apras_notice_and_a_firm_asic_alone_regulates_reads_none(
    reference: Playbook,
) -> None:
    # CPS 230 binds APRA-regulated entities only (review 107): a bank reads APRA's notice it has no time for; an
    # Australian fund manager, licensed by ASIC alone, has no notice to APRA to give.
    due = {"critical_function": True, "start_within": "within-month", "buyer_regulated_in": "australia"}
    bank = evaluated_case(reference, CASE, buyer_sector="bank", **due)
    assert RULE not in fired_codes(bank) and f"{RULE}-au" in fired_codes(bank)
    (risk,) = [r for r in bank.risks if r.rule == f"{RULE}-au"]
    assert (
        risk.severity == "high"
        and "CPS 230 para. 59(b))" in risk.mitigation
        and "(para. 59(a))" in risk.mitigation
        and "EBA" not in risk.mitigation
    )
    manager = evaluated_case(reference, CASE, buyer_sector="investment-firm", **due)
    assert not {RULE, f"{RULE}-au"} & set(fired_codes(manager))


def test_a_us_firm_whose_regulator_asks_no_notice_before_the_work_moves_is_not_told_it_has_no_time(
    reference: Playbook,
) -> None:
    # A US bank tells its regulator of a service contract within 30 days after making it (12 U.S.C. 1867(c)).
    ev = evaluated_case(reference, CASE, critical_function=True, start_within="within-month", buyer_regulated_in="us")
    assert RULE not in fired_codes(ev)


@pytest.mark.parametrize(
    "changes",
    [
        {"critical_function": False, "start_within": "within-month"},
        {"critical_function": True, "start_within": "one-to-three"},
    ],
)
def test_not_for_other_work_or_a_later_start(reference: Playbook, changes: dict[str, object]) -> None:
    assert RULE not in fired_codes(evaluated_case(reference, CASE, buyer_regulated_in="eu", **changes))


# An EU investment firm with a critical function to move within a month.
EU_FIRM_DUE = {
    "critical_function": True,
    "start_within": "within-month",
    "buyer_regulated_in": "eu",
    "buyer_sector": "investment-firm",
}


@pytest.mark.parametrize("licence", ["aifm", "ucits-manco", "ucits-and-aifm"])
def test_an_eu_fund_manager_reads_its_own_notice_not_the_banks_or_the_uks(reference: Playbook, licence: str) -> None:
    # Review 118: a Dutch UCITS and AIFM manager starting within a month read EBA/GL/2019/02, the Central Bank of
    # Ireland, FCA SUP 15 and the PRA Rulebook, and not the delegation notices of its own regimes.
    ev = evaluated_case(reference, CASE, **EU_FIRM_DUE, eu_investment_licence=licence)
    assert RULE not in fired_codes(ev)
    (risk,) = [r for r in ev.risks if r.rule == f"{RULE}-eu-fund-manager"]
    assert risk.severity == "high"
    assert "AIFMD Art. 20(1)" in risk.mitigation and "UCITS Directive Art. 13(1)(a)" in risk.mitigation
    assert "Regulation (EU) 2022/2554 Art. 28(3)" in risk.mitigation
    # The UCITS notice is "in an appropriate manner", not before the delegation (review 121); Ireland's guidance too.
    assert "UCITS Directive Art. 13(1)(a) for a UCITS management company, in an appropriate manner" in risk.mitigation
    assert "Part B section 10.1" in risk.mitigation
    assert not [w for w in ("EBA/GL/2019/02", "SUP 15", "PRA Rulebook") if w in risk.mitigation]
    mifid = evaluated_case(reference, CASE, **EU_FIRM_DUE, eu_investment_licence="mifid-firm")
    assert RULE in fired_codes(mifid) and f"{RULE}-eu-fund-manager" not in fired_codes(mifid)
