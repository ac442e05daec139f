"""Arizona keeps Mountain standard time all year (America/Phoenix, UTC-7): a team in Phoenix has an answer of its own,
measured on its own clock, where it was read as the Mountain zone with its summer time."""

from __future__ import annotations

import pytest

from apps.playbooks.engine import requirements as req
from apps.playbooks.models import Playbook
from apps.playbooks.runtime import compiled_playbook
from tests.recommendations.golden import evaluated_case
from tests.recommendations.test_shifted_day_hours import _overlap_of

pytestmark = pytest.mark.django_db
PITTSBURGH = "Pittsburgh manufacturer"


def test_the_zone_question_offers_arizona_and_phoenix_is_no_longer_under_mountain(reference: Playbook) -> None:
    question = compiled_playbook(reference).questions["buyer_us_zone"]
    labels = {o.code: o.label for o in question.options}
    assert labels["arizona"] == "Arizona (Phoenix, Tucson)" and "Phoenix" not in labels["mountain"]


def test_a_phoenix_team_is_measured_on_utc_minus_7_all_year(reference: Playbook) -> None:
    arizona = evaluated_case(reference, PITTSBURGH, buyer_us_zone="arizona", overlap_hours=2, shifted_hours=True)
    mountain = evaluated_case(reference, PITTSBURGH, buyer_us_zone="mountain", overlap_hours=2, shifted_hours=True)
    catalogue = compiled_playbook(reference).catalogue.locations
    by_code = {loc.code: loc for loc in arizona.locations}
    assert "Arizona (UTC−7 all year)" in " ".join(r.text for r in arizona.requirements)
    for code, loc in by_code.items():
        assert loc.overlap_yours == req.offset_overlap(-7.0, catalogue[code], arizona.shifted_hours), code
    # Poland moves its clocks and Phoenix does not: the shifted day named for it gives 2 h in both seasons.
    poland = by_code["poland"]
    assert poland.shifted_day and not poland.excluded_because
    offset = req.location_offset(catalogue["poland"])
    assert offset is not None
    assert min(_overlap_of(poland.shifted_day, offset + season, -7.0) for season in (-0.5, 0.5)) >= 2
    # The Mountain zone keeps its summer time, half an hour from Phoenix's on the averaged clock.
    assert by_code["poland"].shifted_day != next(loc for loc in mountain.locations if loc.code == "poland").shifted_day
