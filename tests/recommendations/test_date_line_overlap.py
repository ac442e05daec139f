"""A location whose working day meets the buyer's only across the date line (Mexico City's afternoon on Sydney's next
morning) overlaps it on four of the buyer's five working days: the locations table says so under its overlap."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from apps.accounts.models import Organisation, User
from apps.playbooks.models import Playbook
from apps.playbooks.runtime import compiled_playbook
from apps.recommendations.services import submit_and_recommend
from tests.factories import AssessmentFactory
from tests.recommendations.golden import evaluated_case

pytestmark = pytest.mark.django_db
SYDNEY = {
    "buyer_location": "australia-east",
    "buyer_us_zone": None,
    "client_jurisdictions": ["other"],
    "home_market": "other",
    "overlap_hours": 2,
    "shifted_hours": True,
}


def test_mexico_meets_a_sydney_day_across_the_date_line_and_india_does_not(reference: Playbook) -> None:
    ev = evaluated_case(reference, "Pittsburgh manufacturer", **SYDNEY)
    by_code = {loc.code: loc for loc in ev.locations}
    mexico, india = by_code["mexico"], by_code["india"]
    assert mexico.overlap_yours and mexico.across_date_line
    assert india.overlap_yours and not india.across_date_line
    # Every location across the date line has clocks more than 12 hours from Sydney's, and overlaps it.
    catalogue = compiled_playbook(reference).catalogue.locations
    for loc in ev.locations:
        entry = catalogue[loc.code]
        apart = abs(10.5 - (entry["utc_offset_minutes"] / 60 + (0.5 if entry.get("summer_time") else 0.0)))
        assert loc.across_date_line == (apart > 12 and bool(loc.overlap_yours)), loc.code


def test_a_us_buyer_on_the_catalogues_figures_reads_no_date_line(reference: Playbook) -> None:
    # The catalogue's US Eastern figures are each location's usual hours for US clients (a Philippine night shift).
    ev = evaluated_case(reference, "Pittsburgh manufacturer", shifted_hours=False)
    assert not any(loc.across_date_line for loc in ev.locations)


def test_the_table_says_it_under_the_overlap(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    # Needing 4 h, few locations meet it every day, so one meeting it across the date line, which ranks below them,
    # is still among the table's five.
    answers = {
        **reference.golden_cases.get(name__startswith="Pittsburgh manufacturer").answers,
        **SYDNEY,
        "overlap_hours": 4,
    }
    a = AssessmentFactory(
        organisation=organisation,
        created_by=buyer,
        playbook=reference,
        answers={k: v for k, v in answers.items() if v is not None},
    )
    rec = submit_and_recommend(assessment=a, user=buyer)
    marked = [loc for loc in rec.record.evaluation.top_locations if loc.across_date_line]
    assert [loc for loc in marked if not loc.excluded_because], "a location across the date line is in the table"
    page = buyer_client.get(reverse("recommendations:detail", args=[rec.pk])).content.decode()
    assert "across the date line: on 4 of your 5 working days" in page
