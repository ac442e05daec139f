"""An engineer's seal on the reference playbook: the US state boards' responsible-charge rule for a team in the
United States (or one that has not said where it is), and for a team elsewhere a plain statement that its own
regulator's rules are not covered, with the condition to confirm them."""

from __future__ import annotations

from typing import Any

import pytest

from apps.playbooks.models import Playbook
from tests.recommendations.golden import evaluated_case

pytestmark = pytest.mark.django_db
US_FIRM = "US engineering firm: MEP design and BIM with a PE sealing onshore"
NOT_COVERED = "Your engineering regulator's rules on sealing work prepared offshore are not covered here"
# The US state boards' supervision risk (NCEES Model Law, Texas's direct supervision rule).
RESPONSIBLE_CHARGE = "The sealing engineer must stay in responsible charge"


def evaluated(reference: Playbook, **changes: Any) -> Any:
    return evaluated_case(reference, US_FIRM, **changes)


def told(ev: Any) -> tuple[bool, bool]:
    regime = any(r.code == "pe-responsible-charge" for r in ev.regimes)
    risk = any(r.title == NOT_COVERED for r in ev.risks)
    # The state boards' risk goes with their regime: never beside the "not covered" notice.
    assert any(r.title == RESPONSIBLE_CHARGE for r in ev.risks) == regime
    return regime, risk


def test_a_us_team_gets_the_state_boards_rule_and_no_not_covered_risk(reference: Playbook) -> None:
    assert told(evaluated(reference)) == (True, False)


# Eastern Australia reads its own states' registration laws instead (tests/compliance/test_au_engineers.py).
@pytest.mark.parametrize("where", ["canada-east", "uk", "eu", "singapore", "other"])
def test_a_team_elsewhere_is_told_its_own_regulators_rules_are_not_covered(reference: Playbook, where: str) -> None:
    ev = evaluated(reference, buyer_location=where)
    assert told(ev) == (False, True)
    assert any(
        c.text.startswith("Confirm with the regulator that licenses your sealing engineer") for c in ev.conditions
    )


def test_a_team_that_has_not_said_where_it_is_keeps_the_state_boards_rule(reference: Playbook) -> None:
    assert told(evaluated(reference, buyer_location=None)) == (True, False)


def test_without_a_seal_neither(reference: Playbook) -> None:
    assert told(evaluated(reference, licensed_signoff=["none"], buyer_location="canada-east")) == (False, False)


def test_a_german_firm_reads_no_us_state_board_rule_anywhere(reference: Playbook) -> None:
    ev = evaluated(reference, buyer_location="eu", home_market="eu", overlap_hours=1)
    shown = [f"{r.title} {r.mitigation}" for r in ev.risks] + [c.text for c in ev.conditions]
    assert not [t for t in shown if "NCEES" in t or "Texas" in t or "state board's" in t]
    assert any(r.title == NOT_COVERED for r in ev.risks)
