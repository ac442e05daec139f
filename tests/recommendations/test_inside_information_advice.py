"""Inside information (MNPI) shared with a provider: a US buyer, or one regulated in the US, gets the US law behind
the information-barrier condition (Advisers Act s.204A, Exchange Act s.15(g), Rule 10b-5), each duty with its
official source; a buyer elsewhere is not handed US law."""

from __future__ import annotations

from typing import Any

import pytest

from apps.playbooks.models import Playbook
from tests.recommendations.golden import evaluated_case

pytestmark = pytest.mark.django_db
DEAL_RESEARCH = "Deal research with inside information, in irregular bursts"
HEDGE_FUND = "US hedge fund: steady equity research support from a six-analyst team"


def citations(ev: Any) -> dict[str, tuple[str, str]]:
    regime = next(r for r in ev.regimes if r.code == "us-mnpi")
    return {o["code"]: (o["citation"], o["source_url"]) for _p, _l, items in regime.obligations for o in items}


def test_a_us_fund_sharing_inside_information_gets_the_us_law_with_its_sources(reference: Playbook) -> None:
    found = citations(evaluated_case(reference, HEDGE_FUND))
    assert found["adviser-mnpi-policies"] == (
        "Investment Advisers Act s.204A (15 U.S.C. 80b-4a)",
        "https://uscode.house.gov/view.xhtml?req=granuleid:USC-prelim-title15-section80b-4a&num=0&edition=prelim",
    )
    assert found["broker-dealer-mnpi-policies"][0] == "Securities Exchange Act s.15(g) (15 U.S.C. 78o(g))"
    assert found["no-trading-no-tipping"][1] == "https://www.ecfr.gov/current/title-17/section-240.10b-5"


def test_a_us_buyer_outside_the_regulated_sectors_gets_it_too(reference: Playbook) -> None:
    ev = evaluated_case(reference, DEAL_RESEARCH)
    assert "us-mnpi" in ev.regime_codes
    assert any(c.text.startswith("Put information barriers") for c in ev.conditions)


def test_a_buyer_elsewhere_is_not_given_us_law(reference: Playbook) -> None:
    ev = evaluated_case(reference, DEAL_RESEARCH, buyer_location="uk", buyer_regulated_in=None)
    assert "us-mnpi" not in ev.regime_codes


def test_without_inside_information_no_us_securities_regime(reference: Playbook) -> None:
    assert "us-mnpi" not in evaluated_case(reference, HEDGE_FUND, data_categories=["none"]).regime_codes
