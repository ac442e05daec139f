"""Overnight turnaround credits only the delivery locations whose working day falls after the buyer's ends, worked
out for the buyer's own location: India and the Philippines for a buyer in the Americas or Europe, Latin America
(and, for eastern Australia, Poland and South Africa) for one in Asia or Australia, and India and the Philippines
for an Asian or Australian buyer in proportion to the hours their day runs on past the buyer's; none where the
buyer's day is not known; and its words speak to the buyer, never of a US or Western buyer it is not."""

from __future__ import annotations

import pytest

from apps.playbooks.engine.evaluate import Evaluation
from apps.playbooks.models import Playbook
from apps.playbooks.runtime import compiled_playbook
from tests.recommendations.golden import evaluated_case

pytestmark = pytest.mark.django_db
SYDNEY = "Sydney lender: credit-risk models"
OVERNIGHT = "Overnight turnaround is wanted"
LATIN_AMERICA = {"mexico", "colombia", "brazil", "argentina"}


def overnight(reference: Playbook, buyer_location: str) -> Evaluation:
    return evaluated_case(reference, SYDNEY, buyer_location=buyer_location, overnight_turnaround=True, overlap_hours=0)


def credits(ev: Evaluation) -> dict[str, str]:
    """Location code -> the words of the overnight credit on it."""
    return {loc.code: c.text for loc in ev.locations for c in loc.contributions if c.name == OVERNIGHT and c.points > 0}


@pytest.mark.parametrize("buyer_location", ["india"])
def test_an_asia_pacific_buyer_gets_no_overnight_credit_for_india_or_the_philippines(
    reference: Playbook, buyer_location: str
) -> None:
    ev = overnight(reference, buyer_location)
    credited = credits(ev)
    assert not {"india", "philippines"} & set(credited)
    assert set(credited) >= LATIN_AMERICA
    overlaps = {loc.code: loc.overlap_yours for loc in ev.locations}
    for code, text in credited.items():
        assert overlaps[code] is not None and overlaps[code] <= 0.5, code
        assert text.endswith("works after your day ends, so work handed over in your evening is back by your morning")


def test_an_eastern_australian_buyer_also_gets_poland_and_south_africa_whose_day_starts_after_its_own_ends(
    reference: Playbook,
) -> None:
    assert set(credits(overnight(reference, "australia-east"))) == LATIN_AMERICA | {
        "poland",
        "south-africa",
        "india",
        "philippines",
    }
    assert set(credits(overnight(reference, "singapore"))) == LATIN_AMERICA | {"india"}


@pytest.mark.parametrize(
    ("buyer_location", "expected"),
    [("japan-korea", {"india": 7, "philippines": 2}), ("singapore", {"india": 5})],
)
def test_a_buyer_in_japan_or_on_utc8_gets_india_and_the_philippines_for_the_hours_their_day_runs_on_after_its_own(
    reference: Playbook, buyer_location: str, expected: dict[str, int]
) -> None:
    # As for eastern Australia: India's day runs 3.5 h past Tokyo's and 2.5 h past Singapore's, the Philippines' 1 h
    # past Tokyo's and none past Singapore's, each of a full 8 hours' 15 points.
    ev = overnight(reference, buyer_location)
    points = {loc.code: c.points for loc in ev.locations for c in loc.contributions if c.name == OVERNIGHT}
    assert {code: points[code] for code in ("india", "philippines") if code in points} == expected
    assert all(points[code] == 15 for code in LATIN_AMERICA)


def test_an_eastern_australian_buyer_gets_india_and_the_philippines_for_the_hours_their_day_runs_on_after_its_own(
    reference: Playbook,
) -> None:
    # India's 09:00-17:00 is 13:30-21:30 in Sydney (14:30-22:30 in its summer): 5 of a full 8 hours after the
    # Sydney day, so 9 of the 15 points; the Philippines' 2.5 hours, 5. A South African team whose day a shift moves
    # towards Sydney's is credited the same way, so it no longer outranks India on the hours alone (review 107).
    ev = overnight(reference, "australia-east")
    points = {loc.code: c.points for loc in ev.locations for c in loc.contributions if c.name == OVERNIGHT}
    assert points["india"] == 9 and points["philippines"] == 5
    assert points["poland"] == points["south-africa"] == 15
    assert credits(ev)["india"].startswith("India's day runs on about 5 h after yours ends")


@pytest.mark.parametrize("buyer_location", ["us", "canada-east", "brazil", "mexico"])
def test_a_buyer_in_the_americas_gets_india_and_the_philippines_working_after_its_day_ends(
    reference: Playbook, buyer_location: str
) -> None:
    ev = overnight(reference, buyer_location)
    assert credits(ev) == {
        "india": "India works after your day ends, so work handed over in your evening is back by your morning",
        "philippines": "The Philippines works after your day ends, so work handed over in your evening is back by "
        "your morning",
    }
    for loc in ev.locations:
        if loc.code in ("india", "philippines"):
            assert (loc.overlap_yours if loc.overlap_yours is not None else loc.overlap_us) == 0


@pytest.mark.parametrize("buyer_location", ["uk", "eu"])
def test_a_european_buyer_gets_india_and_the_philippines_for_the_hours_they_really_turn_around(
    reference: Playbook, buyer_location: str
) -> None:
    assert credits(overnight(reference, buyer_location)) == {
        "india": "India starts its day in your early morning, so work handed over in your evening is back by your "
        "early afternoon",
        "philippines": "The Philippines works through your night, so work handed over in your evening is back by "
        "your mid-morning",
    }


def test_a_buyer_whose_day_is_not_known_gets_no_overnight_credit(reference: Playbook) -> None:
    ev = overnight(reference, "other")
    assert credits(ev) == {}
    assert any(p.code == "overnight_turnaround" for p in ev.preferences)


@pytest.mark.parametrize(
    "buyer_location", ["uk", "eu", "canada-east", "brazil", "mexico", "australia-east", "singapore", "india"]
)
def test_the_overnight_words_never_speak_of_a_us_or_western_buyer_to_another(
    reference: Playbook, buyer_location: str
) -> None:
    ev = overnight(reference, buyer_location)
    texts = list(credits(ev).values())
    rationales = [f.rationale for f in ev.fired if f.name == OVERNIGHT]
    assert texts and rationales
    for text in texts:
        assert "Western" not in text and "US" not in text, text
    for rationale in rationales:  # a rationale names the buyer locations it holds for, the buyer's among them
        assert "Western" not in rationale and "US sleeps" not in rationale, rationale
    question = compiled_playbook(reference).questions["overnight_turnaround"]
    assert "US" not in question.help and "Western" not in question.help


UK_BOTH = "Conflict: UK buyer needing 4 h overlap who also wants overnight turnaround"


def test_overlap_and_overnight_are_no_conflict_where_the_location_delivering_gives_both(reference: Playbook) -> None:
    # India overlaps a UK day by 3 h and starts hours before it: 3 h of overlap and overnight work hold together.
    three = evaluated_case(reference, UK_BOTH, overlap_hours=3, data_categories=["none"])
    four = evaluated_case(reference, UK_BOTH, overlap_hours=4, data_categories=["none"])

    assert three.delivered_from == "india"
    assert "overnight_turnaround:overlap" not in {c.code for c in three.conflicts}
    assert four.delivered_from != "india"
    assert "overnight_turnaround:overlap" in {c.code for c in four.conflicts}
