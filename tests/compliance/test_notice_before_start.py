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
    # The rule that gives the same risk with the regulator's own citations keeps it, and names the notices still to be
    # given (review 69: two high risks had said the same thing).
    [risk] = [r for r in ev.risks if r.title == TITLE]
    assert risk.severity == "high" and risk.rule == "critical-function-start-within-a-month"
    assert "EBA/GL/2019/02" in risk.mitigation
    assert risk.mitigation.endswith(f"Still to be given: {'; '.join(notices)}.")
    # With no such rule (its regulators are listed), the product's own risk says it.
    alone = evaluated_case(reference, KYC, start_within="within-month", buyer_regulated_in="singapore")
    alone_notices = [g.text for g in alone.gates if g.notice]
    if alone_notices:
        [own] = [r for r in alone.risks if r.title == TITLE]
        assert own.rule == "" and own.mitigation.startswith(f"Still to be given: {'; '.join(alone_notices)}.")
        assert "Ask your regulator how much notice it expects" in own.mitigation


@pytest.mark.parametrize("start", ["one-to-three", "three-to-six", "later", None])
def test_a_later_start_is_not_warned(reference: Playbook, start: str | None) -> None:
    assert TITLE not in {r.title for r in evaluated_case(reference, KYC, start_within=start).risks}


def test_an_urgent_start_with_no_notice_to_give_is_not_warned(reference: Playbook) -> None:
    ev = evaluated_case(reference, "Textbook KPO: steady market analytics", start_within="within-month")
    assert not any(g.notice for g in ev.gates)
    assert TITLE not in {r.title for r in ev.risks}


APPROVAL = "A start within a month cannot hold until what must be granted first is granted"
MEDICAID = "US hospital group: steady medical coding bought as a managed service"


def test_an_urgent_start_with_an_approval_still_to_be_granted_is_told_it_comes_first(reference: Playbook) -> None:
    # Review 111: an urgent Medicaid coding start read a saving from month 1 and no word that the state's written
    # approval comes first.
    ev = evaluated_case(reference, MEDICAID, start_within="within-month")
    approvals = [g.text for g in ev.gates if not g.notice]
    assert approvals, "the case has an approval to be granted"
    [risk] = [r for r in ev.risks if r.title == APPROVAL]
    assert risk.severity == "high" and risk.rule == ""
    assert risk.mitigation.startswith(f"Still to be granted: {'; '.join(dict.fromkeys(approvals))}.")
    assert "may be refused" in risk.mitigation
    later = evaluated_case(reference, MEDICAID, start_within="one-to-three")
    assert APPROVAL not in {r.title for r in later.risks}
