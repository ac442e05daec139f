"""Locations meeting every requirement below the table's first five are named under it, with their scores, so no
location a buyer could use is dropped without a word."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from apps.accounts.models import Organisation, User
from apps.playbooks.models import Playbook
from tests.recommendations.test_total_cost import answered

pytestmark = pytest.mark.django_db


def test_the_eligible_locations_the_table_leaves_out_are_named_under_it(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    rec = answered(reference, organisation, buyer, "Pittsburgh manufacturer")
    ev = rec.record.evaluation
    more = ev.more_eligible_locations
    assert more, "the case has more than five locations meeting every requirement"
    shown = {loc.code for loc in ev.top_locations}
    assert not shown & {loc.code for loc in more}
    assert {loc.code for loc in ev.eligible_locations} == {loc.code for loc in more} | {
        loc.code for loc in ev.top_locations if not loc.excluded_because
    }
    page = buyer_client.get(reverse("recommendations:detail", args=[rec.pk])).content.decode()
    assert 'id="locations-more"' in page
    for loc in more:
        assert f"{loc.name} (score {loc.score}" in page


def test_a_location_below_the_table_meeting_the_overlap_across_the_date_line_says_so(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    # A Pacific team needing 3 h on shifted hours: Manila's early day meets it on 4 of 5 working days, so it ranks
    # below the five locations meeting it every day, and its line under the table says why.
    rec = answered(
        reference,
        organisation,
        buyer,
        "Pittsburgh manufacturer",
        overlap_hours=3,
        buyer_us_zone="pacific",
        preferred_region="no-preference",
    )
    ev = rec.record.evaluation
    (ph,) = [loc for loc in ev.more_eligible_locations if loc.code == "philippines"]
    assert ph.across_date_line and not any(loc.across_date_line for loc in ev.top_locations)
    page = buyer_client.get(reverse("recommendations:detail", args=[rec.pk])).content.decode()
    assert f"Philippines (score {ph.score}, " in page
    assert "h of overlap, across the date line: on 4 of your 5 working days)" in page
