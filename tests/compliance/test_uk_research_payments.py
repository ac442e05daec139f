"""A UK investment firm buying research reads COBS 2.3B.3R for what it is: the rule on when research received from a
third party is not an inducement (paid from the firm's own resources, from a research payment account, or jointly
with execution). It is not an outsourcing rule; a UK firm's outsourcing of a critical or important function is
SYSC 8, a regime of its own."""

from __future__ import annotations

from typing import Any

import pytest

from apps.playbooks.models import Playbook
from tests.recommendations.golden import evaluated_case

pytestmark = pytest.mark.django_db
WEALTH_MANAGER = "UK wealth manager: buying sector research"


def obligations(ev: Any, code: str) -> dict[str, dict[str, Any]]:
    regime = next(r for r in ev.regimes if r.code == code)
    return {o["code"]: o for _phase, _label, items in regime.obligations for o in items}


def test_the_research_rule_is_about_paying_for_research_not_delegating(reference: Playbook) -> None:
    ev = evaluated_case(reference, WEALTH_MANAGER)
    research = obligations(ev, "uk-research-payments")
    assert set(research) == {"payment-route", "joint-payment"}
    assert research["payment-route"]["citation"] == "COBS 2.3B.3R(1)-(3); COBS 2.3B.4R"
    assert research["joint-payment"]["citation"].startswith("COBS 2.3B.3R(3); COBS 2.3B.25R-2.3B.33G")
    for obligation in research.values():
        text = " ".join((obligation["title"], obligation["action"], obligation["citation"])).lower()
        assert "delegat" not in text and "sysc 8" not in text
    regime = next(r for r in ev.regimes if r.code == "uk-research-payments")
    assert "not on outsourcing" in regime.summary and "SYSC 8" in regime.summary


def test_the_outsourcing_side_of_a_uk_firm_is_sysc_8(reference: Playbook) -> None:
    ev = evaluated_case(reference, WEALTH_MANAGER, critical_function=True)
    assert {"uk-research-payments", "fca-sysc8"} <= set(ev.regime_codes)
    assert obligations(ev, "fca-sysc8")["written-agreement"]["citation"].startswith("SYSC 8.1.8R")
