"""A method partly written down: work that goes on is told to plan a transition of 8 to 12 weeks and write the
method down during it; a one-off piece of work, which has no transition, is told to brief the provider and write
the method down before the work starts."""

from __future__ import annotations

from typing import Any

import pytest

from apps.playbooks.models import Playbook
from tests.recommendations.golden import evaluated_case

pytestmark = pytest.mark.django_db
ONE_OFF = "Cost model: a one-off sector study bought per deliverable"
STEADY = "Textbook KPO: steady market analytics for a US consumer brand"


def advice(reference: Playbook, case: str, **changes: Any) -> tuple[list[str], list[str], int]:
    ev = evaluated_case(reference, case, **changes)
    return [f"{r.title}: {r.mitigation}" for r in ev.risks], [c.text for c in ev.conditions], ev.fit_score


def test_a_one_off_study_is_not_told_to_plan_a_transition(reference: Playbook) -> None:
    risks, conditions, _ = advice(reference, ONE_OFF, duration_weeks=8)
    shown = risks + conditions
    assert not [t for t in shown if "transition of 8 to 12 weeks" in t or "during the transition" in t]
    assert "Write the method down (templates, checklists, worked examples) before the work starts" in " ".join(
        conditions
    )
    assert any(r.startswith("The provider has to learn the method within the project itself") for r in risks)


def test_work_that_goes_on_keeps_the_transition(reference: Playbook) -> None:
    risks, conditions, _ = advice(reference, STEADY)
    assert any("Plan a transition of 8 to 12 weeks or more" in r for r in risks)
    assert any("during the transition" in c for c in conditions)


def test_a_one_off_study_keeps_the_credit_for_a_method_partly_written_down(reference: Playbook) -> None:
    assert advice(reference, ONE_OFF, codifiability="tacit")[2] < advice(reference, ONE_OFF)[2]
