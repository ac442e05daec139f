"""Inside information (MNPI) shared with a provider: a US buyer, or one regulated in the US, gets the US law behind
the information-barrier condition (Rule 10b-5), and an SEC-registered firm the policy duty of its own registration
(Advisers Act s.204A for an investment adviser, Exchange Act s.15(g) for a broker-dealer, never the other's), each
duty with its official source; a buyer elsewhere is not handed US law."""

from __future__ import annotations

from typing import Any

import pytest

from apps.playbooks.models import Playbook
from tests.recommendations.golden import evaluated_case

pytestmark = pytest.mark.django_db
DEAL_RESEARCH = "Deal research with inside information, in irregular bursts"
HEDGE_FUND = "US hedge fund: steady equity research support from a six-analyst team"


BROKER_DEALER = "US broker-dealer: credit research drafted offshore"
FIRM_DUTIES = ("us-adviser-mnpi", "us-broker-dealer-mnpi")


def citations(ev: Any) -> dict[str, tuple[str, str]]:
    return {
        o["code"]: (o["citation"], o["source_url"])
        for r in ev.regimes
        if r.code.startswith("us-") and r.code.endswith("mnpi")
        for _p, _l, items in r.obligations
        for o in items
    }


def test_a_us_fund_sharing_inside_information_gets_the_us_law_with_its_sources(reference: Playbook) -> None:
    ev = evaluated_case(reference, HEDGE_FUND)
    found = citations(ev)
    assert found["adviser-mnpi-policies"] == (
        "Investment Advisers Act s.204A (15 U.S.C. 80b-4a)",
        "https://uscode.house.gov/view.xhtml?req=granuleid:USC-prelim-title15-section80b-4a&num=0&edition=prelim",
    )
    assert found["no-trading-no-tipping"][1] == "https://www.ecfr.gov/current/title-17/section-240.10b-5"


def test_an_investment_adviser_is_not_given_a_broker_dealers_duty(reference: Playbook) -> None:
    ev = evaluated_case(reference, HEDGE_FUND)
    assert "us-adviser-mnpi" in ev.regime_codes and "us-broker-dealer-mnpi" not in ev.regime_codes
    assert "broker-dealer-mnpi-policies" not in citations(ev)
    shown = " ".join(
        f"{o['title']} {o['action']} {o['citation']}" for r in ev.regimes for _p, _l, i in r.obligations for o in i
    )
    assert "broker-dealer" not in shown.lower() and "15(g)" not in shown


def test_a_broker_dealer_gets_its_own_duty_and_not_an_advisers(reference: Playbook) -> None:
    found = citations(ev := evaluated_case(reference, BROKER_DEALER))
    assert found["broker-dealer-mnpi-policies"][0] == "Securities Exchange Act s.15(g) (15 U.S.C. 78o(g))"
    assert "us-adviser-mnpi" not in ev.regime_codes
    both = evaluated_case(reference, BROKER_DEALER, sec_registration="both")
    assert set(FIRM_DUTIES) <= set(both.regime_codes)


def test_a_firm_with_neither_registration_gets_only_the_rule_against_trading_and_tipping(reference: Playbook) -> None:
    ev = evaluated_case(reference, HEDGE_FUND, sec_registration="neither")
    assert "us-mnpi" in ev.regime_codes and not set(FIRM_DUTIES) & set(ev.regime_codes)
    assert set(citations(ev)) == {"no-trading-no-tipping"}


def test_a_us_buyer_outside_the_regulated_sectors_gets_it_too(reference: Playbook) -> None:
    ev = evaluated_case(reference, DEAL_RESEARCH)
    assert "us-mnpi" in ev.regime_codes
    assert not set(FIRM_DUTIES) & set(ev.regime_codes)  # not a registered firm: neither firm's policy duty
    assert any(c.text.startswith("Put information barriers") for c in ev.conditions)


def test_a_buyer_elsewhere_is_not_given_us_law(reference: Playbook) -> None:
    ev = evaluated_case(reference, DEAL_RESEARCH, buyer_location="uk", buyer_regulated_in=None)
    assert "us-mnpi" not in ev.regime_codes


def test_without_inside_information_no_us_securities_regime(reference: Playbook) -> None:
    assert "us-mnpi" not in evaluated_case(reference, HEDGE_FUND, data_categories=["none"]).regime_codes
