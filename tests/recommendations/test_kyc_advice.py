"""KYC and customer due diligence review is a knowledge function of its own on the reference playbook: it is
costed against compliance officers' pay in every home market, and an EU bank, payment or investment firm is
told to keep risk-rating and onboarding decisions, the approval of the criteria that flag suspicious transactions and
the reports of suspicion in-house, to use no provider in a listed high-risk third country outside its group, and to
notify its AML supervisor first (Regulation (EU) 2024/1624 Art. 18(1), (3), (4))."""

from __future__ import annotations

from typing import Any

import pytest

from apps.playbooks.models import Playbook
from tests.recommendations.golden import evaluated_case

pytestmark = pytest.mark.django_db
DUTCH = "KYC refresh: a Dutch bank's customer due diligence reviews"
KEEP = "Keep customer risk rating and onboarding decisions, the approval of the criteria that flag suspicious"


def evaluated(reference: Playbook, **changes: Any) -> Any:
    return evaluated_case(reference, DUTCH, **changes)


def test_an_eu_bank_keeps_kyc_decisions_and_notifies_its_supervisor(reference: Playbook) -> None:
    ev = evaluated(reference)

    assert any(c.text.startswith(KEEP) for c in ev.conditions)
    (aml,) = [r for r in ev.regimes if r.code == "eu-aml-outsourcing"]
    citations = [o["citation"] for _, _, group in aml.obligations for o in group]
    assert "Regulation (EU) 2024/1624 Art. 18(1)" in citations
    assert {"Regulation (EU) 2024/1624 Art. 18(3)(a)-(f)", "Regulation (EU) 2024/1624 Art. 18(4)"} <= set(citations)
    (keep,) = [o["action"] for _, _, group in aml.obligations for o in group if o["code"] == "keep-decisions"]
    assert "approve the criteria for detecting suspicious or unusual transactions" in keep
    assert "report suspicions to the financial intelligence unit" in keep
    (condition,) = [c.text for c in ev.conditions if c.text.startswith(KEEP)]
    assert "suspicious-activity reports with your own staff" in condition and "high-risk third country" in condition
    assert any(c.startswith("Directive (EU) 2015/849 Art. 29") for c in citations)
    # Until the Regulation applies, the national law is named for the countries the product knows.
    (until,) = [o["action"] for _, _, group in aml.obligations for o in group if o["code"] == "until-2027"]
    assert "in Ireland, the Criminal Justice (Money Laundering and Terrorist Financing) Act 2010" in until
    assert "in the Netherlands, the Wwft" in until and "Criminal Justice (Money Laundering" in aml.summary


@pytest.mark.parametrize("market", ["eu", "uk", "us"])
def test_kyc_work_is_costed_against_compliance_officers_in_every_home_market(reference: Playbook, market: str) -> None:
    ev = evaluated(reference, home_market=market)

    assert ev.cost.available, ev.cost.reason
    (salary,) = [f for f in ev.cost.figures if f.key == "inhouse.salary"]
    assert "13-1041" in salary.source and salary.weak


@pytest.mark.parametrize("changes", [{"buyer_regulated_in": "uk"}, {"buyer_sector": "insurer"}, {"function": "other"}])
def test_the_aml_rule_is_for_eu_banks_payment_and_investment_firms_doing_kyc(
    reference: Playbook, changes: dict[str, Any]
) -> None:
    ev = evaluated(reference, **changes)

    assert "eu-aml-outsourcing" not in {r.code for r in ev.regimes}
    assert not any(c.text.startswith(KEEP) for c in ev.conditions)
