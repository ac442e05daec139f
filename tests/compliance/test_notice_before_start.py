"""A start within a month while a notice to a regulator is still to be given: the models' launch times decide which
can start in time, but the notice (and the due diligence and contract before it) comes first, on the regulator's
timetable, so the result says so beside the gates instead of leaving the month to read as feasible."""

from __future__ import annotations

import pytest

from apps.playbooks.models import Playbook
from tests.recommendations.golden import evaluated_case

pytestmark = pytest.mark.django_db
KYC = "KYC refresh: a Dutch bank's customer due diligence reviews"
TITLE = "A start within a month leaves little time for the notice your regulator needs"


def test_an_urgent_start_with_a_notice_gate_open_is_told_the_notice_comes_first(reference: Playbook) -> None:
    ev = evaluated_case(reference, KYC, start_within="within-month")
    notices = [g.text for g in ev.gates if g.notice]
    assert notices, "the case has a notice to give"
    [risk] = [r for r in ev.risks if r.title == TITLE]
    assert risk.severity == "high" and risk.rule == ""
    assert risk.mitigation.startswith(f"Still to be given: {'; '.join(notices)}.")
    assert "Ask your regulator how much notice it expects" in risk.mitigation


@pytest.mark.parametrize("start", ["one-to-three", "three-to-six", "later", None])
def test_a_later_start_is_not_warned(reference: Playbook, start: str | None) -> None:
    assert TITLE not in {r.title for r in evaluated_case(reference, KYC, start_within=start).risks}


def test_an_urgent_start_with_no_notice_to_give_is_not_warned(reference: Playbook) -> None:
    ev = evaluated_case(reference, "Textbook KPO: steady market analytics", start_within="within-month")
    assert not any(g.notice for g in ev.gates)
    assert TITLE not in {r.title for r in ev.risks}
