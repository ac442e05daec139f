"""What each of two answers does to the cost, beside the verdict, model and regimes of a difference to settle
(review 91: 20,000 against 30,000 hours showed the same verdict, model and regimes, and nothing of the cost)."""

from __future__ import annotations

import pytest

from apps.playbooks.models import Playbook
from apps.playbooks.runtime import compiled_playbook
from apps.teamwork.divergence import _effect

pytestmark = pytest.mark.django_db


def test_each_answer_of_a_difference_shows_its_likely_saving_and_its_checks(reference: Playbook) -> None:
    compiled = compiled_playbook(reference)
    answers = dict(reference.golden_cases.get(name__startswith="Textbook KPO: a US fund").answers)
    answers.update(annual_hours=20000, team_size=10)
    first = _effect(compiled, answers)
    assert first.saving.startswith(("a likely saving of $", "likely $")) and "over 3 years" in first.saving
    assert not first.checks
    # Another team size: the same verdict, model and regimes, another cost.
    larger = _effect(compiled, {**answers, "team_size": 15})
    assert (larger.verdict, larger.top_model, larger.regimes) == (first.verdict, first.top_model, first.regimes)
    assert larger.saving and larger.saving != first.saving
    # Hours the team's people would not cover: the same saving (the team is priced by its people), and the check
    # that says the two sides are not like for like.
    more_hours = _effect(compiled, {**answers, "annual_hours": 30000})
    assert more_hours.checks and not first.checks
    # More hours each than anyone can work is said beside the answer that gives them.
    impossible = _effect(compiled, {**answers, "annual_hours": 2_000_000})
    assert any("hours" in c for c in impossible.checks)


def test_answers_still_missing_required_ones_are_not_costed_and_say_how_many(reference: Playbook) -> None:
    # Review 154: "a likely saving of £593,000 over 3 years" beside "25 required answers missing".
    compiled = compiled_playbook(reference)
    answers = dict(reference.golden_cases.get(name__startswith="Textbook KPO: a US fund").answers)
    partial = {k: v for k, v in answers.items() if k not in ("annual_hours", "team_size", "horizon")}
    effect = _effect(compiled, partial)
    assert effect.missing >= 3 and effect.saving == ""
    assert _effect(compiled, answers).missing == 0
