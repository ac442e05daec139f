"""Advice a sourcing adviser and a regulatory lawyer checked (review 84): legal, accounting and actuarial work nobody
onshore is licensed to sign is blocked, as an engineer's seal is, rather than told it wins with a saving that leaves out
the licensed professional it needs."""

from __future__ import annotations

import pytest

from apps.playbooks.models import Playbook
from tests.recommendations.golden import evaluated_case, fired_codes

pytestmark = pytest.mark.django_db

AMLAW = "AmLaw 200 firm: steady e-discovery review by a dedicated offshore team"
CPA = "US CPA firm: individual returns in a sharp tax-season peak"


@pytest.mark.parametrize(("case", "licence"), [(AMLAW, "attorney"), (CPA, "cpa"), (AMLAW, "actuary")])
def test_work_nobody_onshore_is_licensed_to_sign_is_blocked(reference: Playbook, case: str, licence: str) -> None:
    ev = evaluated_case(reference, case, licensed_signoff=[licence], signoff_capacity="no")
    assert ev.verdict == "doesnt_win"
    (blocker,) = [b for b in ev.blockers if b.rule == "no-licensed-signatory-blocks"]
    assert "Nobody onshore holds the licence this work must be signed under" in blocker.reason
    assert "ABA Model Rules 5.1, 5.3 and 5.5(a)" in blocker.reason and "supervision is budgeted" in blocker.reason


@pytest.mark.parametrize("capacity", ["yes", "limited"])
def test_licensed_people_who_can_review_or_supervise_are_not_blocked(reference: Playbook, capacity: str) -> None:
    ev = evaluated_case(reference, AMLAW, signoff_capacity=capacity)
    assert "no-licensed-signatory-blocks" not in fired_codes(ev) and ev.verdict != "doesnt_win"


def test_the_gate_says_the_cost_leaves_the_licensed_professional_out(reference: Playbook) -> None:
    # The gate had said "priced into the comparison", where the cost never priced it (review 84).
    ev = evaluated_case(reference, AMLAW, licensed_signoff=["pe-seal"], signoff_capacity="no", buyer_location="uk")
    gates = [g.text for g in ev.gates if g.text.startswith("a licensed professional engaged")]
    assert gates and gates[0].endswith("whose cost the comparison here does not include")


def test_a_rate_worked_out_from_two_sources_cites_both(reference: Playbook) -> None:
    # Review 84: "$15/h to $60/h (likely $35/h)" was cited to the vendor alone, where its top is the glossary's.
    ev = evaluated_case(reference, AMLAW)
    prices = [p for m in ev.models if (p := ev.cost.price_of(m.code)) is not None and p.source != "your quote"]
    assert prices
    assert any("Zedtreeo" in p.source and "Remote Staffing Wiki glossary" in p.source for p in prices), prices


@pytest.mark.parametrize(
    ("p", "words"),
    [(0.6496, "likely"), (0.6449, "about as likely as not"), (0.8951, "very likely"), (0.354, "unlikely")],
)
def test_a_chance_in_words_agrees_with_the_per_cent_shown(p: float, words: str) -> None:
    # Review 88: "a saving is about as likely as not" on the result beside "chance of a saving 65%" on the what-if.
    from apps.common.formatting import chance
    from apps.recommendations.cost_caveat import likelihood

    assert likelihood(p) == words and chance(p) in ("65%", "64%", "90%", "35%")
