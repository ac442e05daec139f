"""Buyers outside the US and the UK give their own location: overlap is measured against their own working day
(worked out from the UTC offsets), their own country is ranked as the onshore option, not as one more offshore
place, and the locations table shows the overlap with their day instead of US and UK columns that mean nothing to
them."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from apps.accounts.models import Organisation, User
from apps.playbooks.models import Playbook
from apps.recommendations.snapshot import read_snapshot
from tests.recommendations.golden import evaluated_case
from tests.recommendations.test_requirements_rank_locations import submit

pytestmark = pytest.mark.django_db
TOKYO = "Tokyo electronics maker"
LATIN_AMERICA = {"mexico", "colombia", "argentina", "brazil"}


def test_a_tokyo_buyer_needing_4_hours_is_sent_to_the_philippines_or_india_never_latin_america(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    rec = submit(reference, organisation, buyer, TOKYO)
    ev = read_snapshot(rec.snapshot).evaluation
    assert [r.code for r in ev.requirements if r.code.startswith("overlap")] == ["overlap"]
    assert ev.delivery_candidates == ()
    assert ev.delivered_from in ("philippines", "india")
    eligible = {loc.code for loc in ev.eligible_locations}
    assert eligible and not eligible & LATIN_AMERICA
    for loc in ev.locations:
        if loc.code in LATIN_AMERICA:
            assert loc.overlap_yours == 0 and loc.excluded_because
    overlaps = {loc.code: loc.overlap_yours for loc in ev.locations}
    assert overlaps["philippines"] == 7 and overlaps["india"] == 4.5
    page = buyer_client.get(reverse("recommendations:detail", args=[rec.pk])).content.decode()
    assert "Japanese and Korean (UTC+9)" in page
    assert "not one whose time zone the product knows" not in page
    assert "Overlap with your day" in page
    assert "Overlap US Eastern" not in page and "Overlap UK" not in page and "EU data transfer" not in page
    assert "Argentina overlaps 0 h with your working day; you need 4 h" in page


def test_a_brazilian_buyer_is_offered_brazil_as_its_onshore_option_first_on_a_tie(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    rec = submit(reference, organisation, buyer, TOKYO, buyer_location="brazil", preferred_region="Latin America")
    ev = read_snapshot(rec.snapshot).evaluation
    brazil = next(loc for loc in ev.locations if loc.code == "brazil")
    assert brazil.home and not brazil.excluded_because and brazil.overlap_yours == 8
    # Argentina shares Brasília's clock and Brazil's cost index: the tie goes to the country nothing leaves.
    argentina = next(loc for loc in ev.locations if loc.code == "argentina")
    assert (argentina.score, argentina.overlap_yours) == (brazil.score, brazil.overlap_yours)
    assert ev.delivered_from == "brazil"
    assert not any(r.code == "offshore" for r in ev.requirements)
    page = buyer_client.get(reverse("recommendations:detail", args=[rec.pk])).content.decode()
    assert "EU adequacy" not in page and "EU data transfer" not in page
    assert "Delivered from outside your own country" not in page
    assert "delivered from <strong>Brazil</strong>, your own country: the onshore option" in page


@pytest.mark.parametrize("where", ["india", "mexico"])
def test_a_buyer_in_a_catalogue_country_gets_its_own_day_and_its_own_country_ranked(
    reference: Playbook, where: str
) -> None:
    ev = evaluated_case(reference, TOKYO, buyer_location=where)
    assert [r.code for r in ev.requirements if r.code.startswith("overlap")] == ["overlap"]
    own = next(loc for loc in ev.locations if loc.code == where)
    assert own.home and not own.excluded_because and own.overlap_yours == 8
    assert [loc.code for loc in ev.locations if loc.home] == [where]
    assert ev.delivered_from == where


def test_a_continental_european_buyer_is_measured_on_central_european_time(reference: Playbook) -> None:
    ev = evaluated_case(reference, TOKYO, buyer_location="eu", overlap_hours=4)
    overlap = next(r for r in ev.requirements if r.code == "overlap")
    assert "Central European" in overlap.text and "UK" not in overlap.text
    overlaps = {loc.code: loc.overlap_yours for loc in ev.locations}
    assert overlaps["poland"] == 8 and overlaps["india"] == 4
    assert ev.delivered_from not in LATIN_AMERICA
    # The points for overlap quote the Central European day too, never the UK one.
    fired = [r.code for r in ev.fired]
    assert "central-europe-overlap" in fired and "europe-overlap" not in fired
    poland = next(loc for loc in ev.locations if loc.code == "poland")
    assert [c.text for c in poland.contributions if "overlaps" in c.text] == [
        "Poland overlaps a 09:00–17:00 Central European day by 8 h"
    ]


@pytest.mark.parametrize(("hours", "rule"), [(4, "ireland-overlap"), (2, "ireland-some-overlap")])
def test_a_team_in_ireland_gets_the_points_for_overlap_on_its_own_clock_not_central_european_time(
    reference: Playbook, hours: int, rule: str
) -> None:
    ev = evaluated_case(reference, TOKYO, buyer_location="eu", buyer_eu_country="ireland", overlap_hours=hours)
    fired = {r.code for r in ev.fired}
    assert rule in fired and not fired & {"central-europe-overlap", "central-europe-some-overlap"}
    overlaps = {loc.code: loc.overlap_uk for loc in ev.locations}  # the UK's clock
    poland = next(loc for loc in ev.locations if loc.code == "poland")
    texts = [c.text for c in poland.contributions if "overlaps" in c.text]
    # The text's figure is the one measured on the Irish day, which the locations table shows (the UK column).
    assert (
        texts
        == [f"Poland overlaps a 09:00–17:00 Irish day by {overlaps['poland']:g} h"]
        == ["Poland overlaps a 09:00–17:00 Irish day by 7 h"]
    )
    india = next(loc for loc in ev.locations if loc.code == "india")
    assert [c.text for c in india.contributions if "overlaps" in c.text] == [
        f"India overlaps a 09:00–17:00 Irish day by {overlaps['india']:g} h"
    ]
    # A team elsewhere in the euro area keeps Central European time.
    paris = evaluated_case(reference, TOKYO, buyer_location="eu", buyer_eu_country="france", overlap_hours=hours)
    assert {r.code for r in paris.fired} & {"central-europe-overlap", "central-europe-some-overlap"}
    assert not {r.code for r in paris.fired} & {"ireland-overlap", "ireland-some-overlap"}


def test_a_buyer_elsewhere_sees_no_overlap_column_but_each_locations_time_zone_and_how_to_get_the_overlap(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    rec = submit(reference, organisation, buyer, TOKYO, buyer_location="other")
    ev = read_snapshot(rec.snapshot).evaluation
    # the engine scored no location on overlap: the buyer's day is not one it knows
    assert [r.code for r in ev.requirements if r.code.startswith("overlap")] == ["overlap_unchecked"]
    assert all(loc.overlap_yours is None for loc in ev.locations)
    assert not any("overlaps" in c.text for loc in ev.locations for c in loc.contributions)

    page = buyer_client.get(reverse("recommendations:detail", args=[rec.pk])).content.decode()

    assert "Overlap US Eastern" not in page and "Overlap UK" not in page and "Overlap with your day" not in page
    assert "EU data transfer" not in page  # no EU or UK personal data, and the buyer is not in Europe
    assert '<th scope="col">Time zone</th>' in page and '<td class="nowrap">UTC+8</td>' in page
    assert "Overlap with your working day was not worked out, because your location is not one whose time" in page
    assert "answer it with that place and re-score" in page


def test_a_tokyo_team_on_shifted_hours_reads_that_a_location_behind_it_starts_early_not_late(
    reference: Playbook,
) -> None:
    ev = evaluated_case(reference, TOKYO, overlap_hours=4, shifted_hours=True)
    (overlap,) = [r for r in ev.requirements if r.code == "overlap"]
    assert "an early-morning one where it is behind" in overlap.text
    assert "(an evening shift, not a night shift" not in overlap.text


def test_an_irish_buyers_overlap_column_is_headed_ireland_not_the_uk(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    # Ireland keeps the UK's clock, so the overlap is the UK figure; the column says whose day it is.
    rec = submit(reference, organisation, buyer, "Irish fund administrator")
    snap = read_snapshot(rec.snapshot)
    assert snap.location_columns.overlap_uk and snap.location_columns.uk_clock == "Ireland"
    page = buyer_client.get(reverse("recommendations:detail", args=[rec.pk])).content.decode()
    assert ">Overlap Ireland</th>" in page and ">Overlap UK</th>" not in page
    uk = submit(reference, organisation, buyer, "Team in Paris for a UK-authorised", buyer_location="uk")
    assert read_snapshot(uk.snapshot).location_columns.uk_clock == "UK"
