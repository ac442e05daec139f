"""KYC and AML work handed to a provider by a regulated firm whose AML rules the product does not set out (an
Australian, Canadian or Singapore bank, say) reads that they are not covered, with the decisions to keep in-house;
an EU or UK firm, a US bank and a Brazilian bank read their own regimes instead."""

from __future__ import annotations

from typing import Any

import pytest

from apps.playbooks.models import Playbook
from tests.recommendations.golden import evaluated_case

pytestmark = pytest.mark.django_db
TITLE = "Your own anti-money-laundering rules on handing customer due diligence to a provider are not covered here"
CASE = "UK wealth manager: buying sector research"
KYC: dict[str, Any] = {"function": "kyc-aml", "buyer_sector": "bank", "critical_function": False}


@pytest.mark.parametrize(
    "changes",
    [
        {"buyer_regulated_in": "australia", "buyer_location": "australia-east", "home_market": "other"},
        {"buyer_regulated_in": "singapore", "buyer_location": "singapore", "home_market": "other"},
    ],
    ids=["australia", "singapore"],
)
def test_a_bank_whose_aml_rules_are_not_set_out_is_told_so(reference: Playbook, changes: dict[str, Any]) -> None:
    ev = evaluated_case(reference, CASE, **KYC, **changes)
    (risk,) = [r for r in ev.risks if r.title == TITLE]
    assert risk.rule == "aml-outsourcing-not-covered" and "risk rating" in risk.mitigation


@pytest.mark.parametrize(
    ("changes", "regime"),
    [
        ({"buyer_regulated_in": "eu", "buyer_location": "eu", "home_market": "eu"}, "eu-aml-outsourcing"),
        ({"buyer_regulated_in": "us", "buyer_location": "us", "home_market": "us"}, "us-bsa-aml"),
        ({"buyer_regulated_in": "uk"}, "uk-mlr-outsourcing"),
    ],
    ids=["eu", "us", "uk"],
)
def test_firms_whose_aml_rules_are_set_out_read_them_instead(
    reference: Playbook, changes: dict[str, Any], regime: str
) -> None:
    ev = evaluated_case(reference, CASE, **KYC, **changes)
    assert regime in ev.regime_codes and TITLE not in [r.title for r in ev.risks]


def test_other_work_is_not_told(reference: Playbook) -> None:
    ev = evaluated_case(reference, CASE, buyer_sector="bank", critical_function=False)
    assert TITLE not in [r.title for r in ev.risks]


@pytest.mark.parametrize("sector", ["payments", "investment-firm", "insurer"])
def test_a_us_firm_other_than_a_bank_is_told_its_own_bsa_rules_are_not_set_out(
    reference: Playbook, sector: str
) -> None:
    changes = {"buyer_regulated_in": "us", "buyer_location": "us", "home_market": "us"}
    ev = evaluated_case(reference, CASE, **{**KYC, "buyer_sector": sector}, **changes)
    (risk,) = [r for r in ev.risks if r.title == TITLE]
    assert risk.rule == "aml-outsourcing-not-covered-us-non-bank"
    assert "31 CFR part 1022" in risk.mitigation and "us-bsa-aml" not in ev.regime_codes
