"""Judgement work is KPO's terrain but not a reason to outsource: it earns fit only once its method can be
written down (Aron and Singh: risk falls as work becomes codifiable and measurable), and a first outsourcing
of important work carried by one or two people costs fit, so the same small strategy workload does not turn
from "doesn't win" into a plain "KPO wins" on one notch of optimism in the answers."""

from __future__ import annotations

from typing import Any

import pytest

from apps.playbooks.engine import Evaluation
from apps.playbooks.models import Playbook
from tests.recommendations.golden import evaluated_case

pytestmark = pytest.mark.django_db
HONEST = "US mid-cap: M&A target screening and board strategy papers"
OPTIMISTIC = "The same M&A screening answered optimistically"
TEXTBOOK = "Textbook KPO: a US fund's steady equity research"
JUDGEMENT = "judgement-work-fits-kpo"
TINY = "first-outsourcing-tiny-team"


def evaluated(reference: Playbook, case: str, **changes: Any) -> Evaluation:
    return evaluated_case(reference, case, **changes)


def fit_points(ev: Evaluation) -> dict[str, int]:
    return {c.rule: c.points for c in ev.fit_contributions}


def test_the_same_strategy_work_answered_one_notch_more_hopefully_wins_only_on_conditions(
    reference: Playbook,
) -> None:
    honest = evaluated(reference, HONEST)
    assert honest.verdict == "doesnt_win" and len(honest.blockers) == 2

    hopeful = evaluated(reference, OPTIMISTIC)
    assert hopeful.verdict == "conditional" and hopeful.fit_score <= reference.wins_threshold - 10
    points = fit_points(hopeful)
    assert points[TINY] == -10 and points["first-outsourcing-is-strategic"] == -5
    assert JUDGEMENT not in points
    assert hopeful.top_model == "project"
    texts = [c.text for c in hopeful.conditions]
    assert any(t.startswith("Run a paid pilot") for t in texts)
    assert any(t.startswith("Write the method down") for t in texts)


@pytest.mark.parametrize(("codifiability", "points"), [("tacit", None), ("partial", None), ("high", 5)])
def test_judgement_earns_fit_only_once_its_method_can_be_written_down(
    reference: Playbook, codifiability: str, points: int | None
) -> None:
    ev = evaluated(reference, TEXTBOOK, codifiability=codifiability)
    assert fit_points(ev).get(JUDGEMENT) == points
    # Never more than the codifiability it depends on.
    assert fit_points(evaluated(reference, TEXTBOOK, codifiability="high"))["codifiable-work"] > 5


@pytest.mark.parametrize(
    "change",
    [
        {"team_size": 3},
        {"prior_outsourcing": "bpo"},
        {"prior_outsourcing": "kpo"},
        {"core_differentiator": "commodity"},
    ],
)
def test_only_a_first_outsourcing_of_important_work_by_one_or_two_people_costs_the_ten_points(
    reference: Playbook, change: dict[str, Any]
) -> None:
    assert TINY in fit_points(evaluated(reference, OPTIMISTIC))
    assert TINY not in fit_points(evaluated(reference, OPTIMISTIC, **change))
