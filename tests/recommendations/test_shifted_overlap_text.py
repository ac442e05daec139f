"""A buyer who accepts shifted hours reads each location's overlap on the shifted day in the table; the rules' texts
state the overlap of a plain 09:00-17:00 day, so they say the shifted figure too, and the two never disagree."""

from __future__ import annotations

import html
import re

import pytest
from django.test import Client
from django.urls import reverse

from apps.accounts.models import Organisation, User
from apps.playbooks.engine.evaluate import Evaluation, RankedLocation
from apps.playbooks.models import Playbook
from apps.recommendations.memo import render_memo_html
from apps.recommendations.services import submit_and_recommend
from apps.recommendations.snapshot import read_snapshot
from tests.factories import AssessmentFactory
from tests.recommendations.golden import evaluated_case

pytestmark = pytest.mark.django_db
# A Pittsburgh manufacturer's FP&A team in India, its people on a later day: 2 h of overlap needed, shifted hours
# accepted.
PITTSBURGH = "Pittsburgh manufacturer"


def location(ev: Evaluation, code: str) -> RankedLocation:
    return next(loc for loc in ev.locations if loc.code == code)


def overlap_texts(loc: RankedLocation) -> list[str]:
    return [c.text for c in loc.contributions if "overlaps" in c.text]


def test_india_on_shifted_hours_is_not_said_to_overlap_0_h_alone(reference: Playbook) -> None:
    ev = evaluated_case(reference, PITTSBURGH)
    india = location(ev, "india")
    assert ev.delivered_from == "india" and india.overlap_yours == 2
    (text,) = overlap_texts(india)
    # 2 h is the overlap this buyer needs, so the plain day's points no longer count against India.
    assert text.endswith(
        "by 0 h; on the shifted hours you accept, 2 h, the overlap you need, so no points are taken off"
    )


def test_every_overlap_text_ends_on_the_figure_the_table_shows(reference: Playbook) -> None:
    for changes in ({}, {"overlap_hours": 4}, {"buyer_location": "uk", "home_market": "uk", "overlap_hours": 5}):
        ev = evaluated_case(reference, PITTSBURGH, **changes)
        for loc in ev.locations:
            for text in overlap_texts(loc):
                last = re.findall(r"([\d.]+) h", text)[-1]
                assert loc.overlap_yours is not None and float(last) == loc.overlap_yours, (changes, text)


def test_without_shifted_hours_the_text_states_the_plain_day_alone(reference: Playbook) -> None:
    ev = evaluated_case(reference, PITTSBURGH, shifted_hours=False)
    india = location(ev, "india")
    assert india.overlap_yours is None and india.overlap_us == 0
    assert all("shifted" not in t for loc in ev.locations for t in overlap_texts(loc))
    (text,) = overlap_texts(india)
    assert text.endswith("by 0 h")


def _text(markup: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", markup)))


PLAIN_DAY = "Overlap assumes a 09:00–17:00 day at both ends"
SHIFTED_DAY = (
    "Overlap assumes a 09:00–17:00 day for you and, for staff on shifted hours as you answered, a working day there "
    "moved up to 4 h towards yours"
)


@pytest.mark.parametrize(
    ("shifted", "footnote", "not_said"), [(True, SHIFTED_DAY, PLAIN_DAY), (False, PLAIN_DAY, SHIFTED_DAY)]
)
def test_the_locations_footnote_says_which_day_the_overlap_is_measured_on(
    reference: Playbook,
    organisation: Organisation,
    buyer: User,
    buyer_client: Client,
    shifted: bool,
    footnote: str,
    not_said: str,
) -> None:
    answers = {**reference.golden_cases.get(name__startswith=PITTSBURGH).answers, "shifted_hours": shifted}
    a = AssessmentFactory(organisation=organisation, created_by=buyer, playbook=reference, answers=answers)
    rec = submit_and_recommend(assessment=a, user=buyer)
    assert rec.snapshot["evaluation"]["shifted_hours"] == (4.0 if shifted else 0.0)
    page = _text(buyer_client.get(reverse("recommendations:detail", args=[rec.pk])).content.decode())
    memo = _text(render_memo_html(rec, "http://testserver/"))
    for text in (page, memo):
        assert footnote in text and not_said not in text


def test_a_recommendation_stored_before_the_shift_was_recorded_reads_as_a_plain_day(
    reference: Playbook, organisation: Organisation, buyer: User
) -> None:
    answers = reference.golden_cases.get(name__startswith=PITTSBURGH).answers
    a = AssessmentFactory(organisation=organisation, created_by=buyer, playbook=reference, answers=answers)
    stored = submit_and_recommend(assessment=a, user=buyer).snapshot
    assert read_snapshot(stored).location_columns.shifted_hours == 4
    older = {**stored, "evaluation": {k: v for k, v in stored["evaluation"].items() if k != "shifted_hours"}}
    assert read_snapshot(older).location_columns.shifted_hours == 0


def test_a_location_the_shift_brings_to_the_overlap_needed_loses_no_points_for_the_plain_day(
    reference: Playbook,
) -> None:
    # A US buyer needing 4 h who accepts shifted hours and prefers Central and Eastern Europe: Poland gives 2 h on a
    # plain day and 6 h on the shifted one, so it meets the requirement on the terms the buyer accepted.
    ev = evaluated_case(reference, PITTSBURGH, overlap_hours=4, preferred_region="cee")
    poland = location(ev, "poland")
    assert poland.overlap_yours == 6
    (said,) = [c for c in poland.contributions if "overlaps" in c.text]
    assert said.points == 0
    assert said.text.endswith(
        "by 2 h; on the shifted hours you accept, 6 h, the overlap you need, so no points are taken off"
    )
    assert poland.score == sum(c.points for c in poland.contributions)
    # India's shifted day still falls short (2 h of 4): it keeps the points off, and is excluded besides.
    india = location(ev, "india")
    assert any(c.points < 0 for c in india.contributions if "overlaps" in c.text) and india.excluded_because
    # Without shifted hours Poland keeps the plain day's points off.
    plain = location(
        evaluated_case(reference, PITTSBURGH, overlap_hours=4, preferred_region="cee", shifted_hours=False), "poland"
    )
    assert [c.points for c in plain.contributions if "overlaps" in c.text] == [-5]


def test_a_preferred_location_passed_over_is_named_beside_the_best_fit(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    answers = dict(reference.golden_cases.get(name__startswith="US regional bank").answers)
    answers.update(overlap_hours=4, shifted_hours=True, preferred_region="cee")
    a = AssessmentFactory(organisation=organisation, created_by=buyer, playbook=reference, answers=answers)
    rec = submit_and_recommend(assessment=a, user=buyer)
    ev = read_snapshot(rec.snapshot).evaluation
    here = ev.delivery_location
    assert here is not None and not here.preferred
    eligible = ev.eligible_locations
    rank, poland = next((i, loc) for i, loc in enumerate(eligible, 1) if loc.code == "poland")
    said = ev.preferred_passed_over
    assert said.startswith(f"Poland, in the region you prefer, meets every requirement too and ranks {rank}")
    assert f"{here.score - poland.score} points behind {here.in_text}" in said
    page = _text(buyer_client.get(reverse("recommendations:detail", args=[rec.pk])).content.decode())
    assert said in page
    assert said in _text(render_memo_html(rec, "http://testserver/"))
    # Delivered from the preferred region, or with no preference, nothing is said.
    answers["preferred_region"] = "no-preference"
    b = AssessmentFactory(organisation=organisation, created_by=buyer, playbook=reference, answers=answers)
    assert read_snapshot(submit_and_recommend(assessment=b, user=buyer).snapshot).evaluation.preferred_passed_over == ""
