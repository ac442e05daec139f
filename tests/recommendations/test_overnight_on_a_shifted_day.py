"""Overnight turnaround and live overlap pull against each other: a location credited for working while the buyer
sleeps, whose day the buyer's accepted shifted hours move towards its own, works fewer of its hours after the
buyer's day ends. Its overnight points are scaled by those hours against its usual day's, and its words say so, so
a shifted team is not credited in full both for the overlap and for a night it no longer works."""

from __future__ import annotations

import re

import pytest

from apps.playbooks.engine import requirements as req
from apps.playbooks.engine.evaluate import Evaluation
from apps.playbooks.models import Playbook
from apps.playbooks.runtime import compiled_playbook
from tests.recommendations.golden import evaluated_case
from tests.recommendations.test_shifted_day_hours import _overlap_of

pytestmark = pytest.mark.django_db
PITTSBURGH = "Pittsburgh manufacturer"  # a US Eastern FP&A team, shifted hours accepted
OVERNIGHT = "Overnight turnaround is wanted"


def _case(reference: Playbook, **changes: object) -> Evaluation:
    return evaluated_case(reference, PITTSBURGH, overnight_turnaround=True, **changes)


def _overnight(ev: Evaluation) -> dict[str, tuple[int, str]]:
    return {loc.code: (c.points, c.text) for loc in ev.locations for c in loc.contributions if c.name == OVERNIGHT}


@pytest.mark.parametrize(
    ("changes", "buyer_offset"),
    [
        ({"overlap_hours": 2}, req.CATALOGUE_DAYS["us"]),  # India on 13:00-21:00 IST
        ({"overlap_hours": 3, "buyer_us_zone": "pacific"}, req.BUYER_DAYS["us-pacific"][0]),  # Manila early
    ],
)
def test_a_shifted_team_earns_the_share_of_the_overnight_points_its_hours_after_the_buyers_day_give(
    reference: Playbook, changes: dict[str, str], buyer_offset: float
) -> None:
    ev = _case(reference, shifted_hours=True, **changes)
    locations = compiled_playbook(reference).catalogue.locations
    credited = _overnight(ev)
    assert set(credited) == {"india", "philippines"}
    rows = {loc.code: loc for loc in ev.locations}
    shifted = 0
    for code, (points, text) in credited.items():
        day = rows[code].shifted_day
        if not day:  # too far to move within the shift accepted: the location breaks the requirement
            assert rows[code].excluded_because and points == 15, code
            continue
        shifted += 1
        offset = req.location_offset(locations[code])
        assert offset is not None
        after = 8 - _overlap_of(day, offset, buyer_offset)
        assert 0 < after < 8
        assert points == round(15 * after / 8) < 15
        assert (
            f"(working {day} there), {after:g} h of its day falls outside yours, against 8 h on its usual day" in text
        )
        assert text.endswith(f"so +{points} of the rule's +15")
        # The location's score counts the scaled points, not the rule's full 15.
        assert rows[code].score == sum(c.points for c in rows[code].contributions)
    assert shifted


def test_without_shifted_hours_the_overnight_points_stand_in_full(reference: Playbook) -> None:
    ev = _case(reference, overlap_hours=0, shifted_hours=False)
    assert {code: points for code, (points, _) in _overnight(ev).items()} == {"india": 15, "philippines": 15}
    assert not any(re.search("shifted hours", text) for _, text in _overnight(ev).values())


def test_a_location_meeting_the_overlap_only_across_the_date_line_ranks_below_those_meeting_it_every_day(
    reference: Playbook,
) -> None:
    # Manila on an early day meets a Pacific team's afternoon on the Pacific team's previous day: its Friday
    # afternoon is Manila's Saturday, so 3 h are met on 4 of 5 working days. The buyer's preference for the
    # Philippines gives it the most points, yet the locations meeting 3 h every day rank above it.
    ev = _case(reference, overlap_hours=3, shifted_hours=True, buyer_us_zone="pacific", preferred_region="philippines")
    rows = [loc for loc in ev.locations if not loc.excluded_because]
    codes = [loc.code for loc in rows]
    ph = next(loc for loc in rows if loc.code == "philippines")
    assert ph.across_date_line
    every_day = [loc for loc in rows if not loc.across_date_line]
    assert every_day and ph.score > every_day[0].score  # ranked first on points alone
    assert codes.index("philippines") > max(codes.index(loc.code) for loc in every_day)
    assert ev.delivered_from != "philippines"
    # Without an overlap needed, the date line costs no day of the requirement, and points decide.
    free = _case(reference, overlap_hours=0, buyer_us_zone="pacific", preferred_region="philippines")
    order = [loc for loc in free.locations if not loc.excluded_because]
    ph = next(loc for loc in order if loc.code == "philippines")
    assert all(order.index(ph) < order.index(loc) for loc in order if loc.score < ph.score)
