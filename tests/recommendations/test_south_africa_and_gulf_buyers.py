"""A buyer in South Africa, the United Arab Emirates or Oman (UTC+4), or Saudi Arabia, Qatar, Kuwait or Bahrain (UTC+3)
names its country: overlap is measured on its own day instead of "not checked", a South African buyer has South
Africa as its onshore option (data that must stay in the country is delivered from there, not blocked), and the
rules written for buyers outside the US, the UK and the EU still reach it (review 64: both had to answer
"Elsewhere")."""

from __future__ import annotations

import pytest

from apps.playbooks.engine.requirements import BUYER_DAYS, HOME_LOCATIONS, offset_overlap
from apps.playbooks.models import Playbook
from apps.vendors.matching import OVERLAP_FIGURE, OVERLAP_LABEL
from tests.recommendations.golden import evaluated_case, fired_codes

pytestmark = pytest.mark.django_db
PUNE = "Pune drug maker"
KEEP_AT_HOME = "Write into the contract that the data is stored, processed and accessed only in your country"


def test_a_south_african_buyer_whose_data_stays_at_home_is_delivered_from_south_africa(reference: Playbook) -> None:
    ev = evaluated_case(reference, PUNE, buyer_location="south-africa", client_jurisdictions=["other"])

    assert ev.verdict != "doesnt_win" and not ev.blockers
    assert ev.delivered_from == "south-africa"
    home = ev.locations[0]
    assert home.code == "south-africa" and home.home and not home.excluded_because and home.overlap_yours == 8
    assert any(c.text.startswith(KEEP_AT_HOME) for c in ev.conditions)
    assert "data-must-stay-onshore" not in fired_codes(ev)


@pytest.mark.parametrize(("where", "offset"), [("south-africa", 2.0), ("gulf", 4.0), ("gulf-west", 3.0)])
def test_overlap_is_measured_on_the_buyers_own_day(reference: Playbook, where: str, offset: float) -> None:
    ev = evaluated_case(reference, PUNE, buyer_location=where, client_jurisdictions=["other"], data_onshore_only=False)

    overlap = [r for r in ev.requirements if r.code == "overlap"]
    assert overlap and BUYER_DAYS[where][1] in overlap[0].text
    assert not [r for r in ev.requirements if r.code == "overlap_unchecked"]
    # India (UTC+5:30) is 1.5 to 3.5 hours ahead: its figure is worked out from the offsets, never left unmeasured.
    (india,) = [loc for loc in ev.locations if loc.code == "india"]
    assert india.overlap_yours == offset_overlap(offset, reference_location(reference, "india"), 0.0)
    assert "time-zone-friction" not in fired_codes(ev)
    assert OVERLAP_FIGURE[where] == "yours" and OVERLAP_LABEL[where]
    assert HOME_LOCATIONS.get(where, "") == ("south-africa" if where == "south-africa" else "")


@pytest.mark.parametrize("where", ["south-africa", "gulf", "gulf-west"])
def test_rules_for_buyers_outside_the_us_uk_and_eu_still_reach_them(reference: Playbook, where: str) -> None:
    ev = evaluated_case(
        reference,
        PUNE,
        buyer_location=where,
        client_jurisdictions=["other"],
        data_onshore_only=False,
        data_categories=["export-controlled"],
    )
    assert "export-controlled-elsewhere" in fired_codes(ev)


def reference_location(reference: Playbook, code: str) -> dict:
    from apps.playbooks.runtime import compiled_playbook

    return dict(compiled_playbook(reference).catalogue.locations[code])
