"""A buyer who accepts shifted hours reads each location's overlap on the shifted day in the table; the rules' texts
state the overlap of a plain 09:00-17:00 day, so they say the shifted figure too, and the two never disagree."""

from __future__ import annotations

import re

import pytest

from apps.playbooks.engine.evaluate import Evaluation, RankedLocation
from apps.playbooks.models import Playbook
from tests.recommendations.golden import evaluated_case

pytestmark = pytest.mark.django_db
# A Chicago manufacturer's FP&A team in India, its people on a later day: 2 h of overlap needed, shifted hours accepted.
CHICAGO = "Chicago manufacturer"


def location(ev: Evaluation, code: str) -> RankedLocation:
    return next(loc for loc in ev.locations if loc.code == code)


def overlap_texts(loc: RankedLocation) -> list[str]:
    return [c.text for c in loc.contributions if "overlaps" in c.text]


def test_india_on_shifted_hours_is_not_said_to_overlap_0_h_alone(reference: Playbook) -> None:
    ev = evaluated_case(reference, CHICAGO)
    india = location(ev, "india")
    assert ev.delivered_from == "india" and india.overlap_yours == 2
    (text,) = overlap_texts(india)
    assert text.endswith("by 0 h; on the shifted hours you accept, 2 h"), text


def test_every_overlap_text_ends_on_the_figure_the_table_shows(reference: Playbook) -> None:
    for changes in ({}, {"overlap_hours": 4}, {"buyer_location": "uk", "home_market": "uk", "overlap_hours": 5}):
        ev = evaluated_case(reference, CHICAGO, **changes)
        for loc in ev.locations:
            for text in overlap_texts(loc):
                last = re.findall(r"([\d.]+) h", text)[-1]
                assert loc.overlap_yours is not None and float(last) == loc.overlap_yours, (changes, text)


def test_without_shifted_hours_the_text_states_the_plain_day_alone(reference: Playbook) -> None:
    ev = evaluated_case(reference, CHICAGO, shifted_hours=False)
    india = location(ev, "india")
    assert india.overlap_yours is None and india.overlap_us == 0
    assert all("shifted" not in t for loc in ev.locations for t in overlap_texts(loc))
    (text,) = overlap_texts(india)
    assert text.endswith("by 0 h")
