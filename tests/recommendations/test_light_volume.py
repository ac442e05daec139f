"""Light volume (about 1,000 hours a year or less) is tested on a first small piece of work, not a 2 to 4 week pilot
that would be much of the year's work, and is not told that one or two people carry it: it is drawn as needed."""

from __future__ import annotations

import pytest

from apps.playbooks.models import Playbook
from tests.recommendations.golden import evaluated_case

pytestmark = pytest.mark.django_db
CASE = "Textbook KPO: steady market"
LIGHT = {"annual_hours": 200, "team_size": 1, "prior_outsourcing": "none"}
PILOT = "Run a paid pilot of 2 to 4 weeks on real work"
FIRST_PIECE = "Try the provider on a first small piece of real work"
KEY_PERSON = "Key-person dependency in a very small team"


def test_two_hundred_hours_a_year_is_tested_on_a_first_piece_of_work_with_no_key_person_risk(
    reference: Playbook,
) -> None:
    ev = evaluated_case(reference, CASE, **LIGHT)

    texts = [c.text for c in ev.conditions]
    assert any(t.startswith(FIRST_PIECE) for t in texts)
    assert not any(t.startswith(PILOT) for t in texts)
    assert KEY_PERSON not in {r.title for r in ev.risks}


def test_two_people_working_full_time_keep_the_pilot_and_the_key_person_risk_for_the_same_fit(
    reference: Playbook,
) -> None:
    light = evaluated_case(reference, CASE, **LIGHT)
    ev = evaluated_case(reference, CASE, **{**LIGHT, "annual_hours": 3000, "team_size": 2})

    texts = [c.text for c in ev.conditions]
    assert any(t.startswith(PILOT) for t in texts)
    assert not any(t.startswith(FIRST_PIECE) for t in texts)
    assert KEY_PERSON in {r.title for r in ev.risks}
    # Either test earns the same fit points: being able to test first is what counts.
    points = {c.rule: c.points for c in light.fit_contributions}
    assert points["pilot-first-light-volume"] == 5
    assert {c.rule: c.points for c in ev.fit_contributions}["pilot-first"] == 5
