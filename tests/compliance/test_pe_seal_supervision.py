"""A US engineer may seal only designs made under their responsible charge (NCEES Model Law sec. 110.20: active
control as the work is done, not a review at the end). A US buyer whose engineers can only review the offshore
team's designs, or who has none onshore, is blocked, as a broker-dealer publishing unsupervised provider research
is; with supervision budgeted it is not, and a team outside the US reads its own regulator's rules as before."""

from __future__ import annotations

import pytest

from apps.playbooks.models import Playbook
from tests.recommendations.golden import evaluated_case

pytestmark = pytest.mark.django_db
MEP = "US engineering firm: MEP design and BIM with a PE sealing onshore"
RULE = "pe-seal-review-only"


@pytest.mark.parametrize("capacity", ["limited", "no"])
def test_a_us_seal_on_designs_nobody_onshore_can_direct_blocks_the_verdict(reference: Playbook, capacity: str) -> None:
    ev = evaluated_case(reference, MEP, signoff_capacity=capacity)
    assert ev.verdict == "doesnt_win"
    (blocker,) = [b for b in ev.blockers if b.rule == RULE]
    assert "responsible charge" in blocker.reason and "NCEES Model Law sec. 110.20" in blocker.reason
    assert "pe-responsible-charge" in ev.regime_codes


def test_with_supervision_budgeted_the_seal_is_a_condition_to_supervise_not_a_blocker(reference: Playbook) -> None:
    ev = evaluated_case(reference, MEP)
    assert ev.verdict == "wins" and not ev.blockers
    assert any(
        c.text.startswith("Keep a licensed professional onshore who supervises the work as it is done")
        for c in ev.conditions
    )


def test_a_team_outside_the_us_reads_its_own_regulator_instead(reference: Playbook) -> None:
    ev = evaluated_case(reference, "Canadian engineering firm: MEP design", signoff_capacity="limited")
    assert RULE not in [b.rule for b in ev.blockers]
    assert any(r.rule == "pe-seal-outside-us" for r in ev.risks)
