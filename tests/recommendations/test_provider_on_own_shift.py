"""A provider's model recommended for a buyer planning its own centre, from a location that meets the overlap only on
the shifted day the product assumes for that centre's own staff, says so as a risk (review 176: staff augmentation
"delivered from India" for a US buyer's planned centre, where a provider's team on its own day overlaps US Eastern by
0 h)."""

from __future__ import annotations

import html
import re

import pytest
from django.test import Client
from django.urls import reverse

from apps.accounts.models import Organisation, User
from apps.playbooks.models import Playbook
from apps.recommendations.memo import render_memo_html
from tests.recommendations.conftest import recommend
from tests.recommendations.golden import evaluated_case

pytestmark = pytest.mark.django_db
CENTRE = "US company with an entity in India: its own FP&A centre of 60, set up with no provider"
TITLE = "India gives your 2 h of overlap only on a shifted day, which a provider must agree to"


def _risk(reference: Playbook, **changes: object) -> tuple[str, str, list[str]]:
    ev = evaluated_case(reference, CENTRE, **changes)
    delivered = next(loc.code for loc in ev.locations if not loc.excluded_because)
    return ev.models[0].code, delivered, [r.mitigation for r in ev.risks if r.title == TITLE]


def test_a_providers_team_on_the_own_centres_shift_is_said_to_need_it_agreed(reference: Playbook) -> None:
    top, delivered, risks = _risk(reference, start_within="one-to-three")
    assert (top, delivered) == ("staff-augmentation", "india")
    (text,) = risks
    assert text.startswith("On its own working day India overlaps yours by 0 h. It meets the 2 h you need only on a")
    assert "Staff augmentation is a provider's team: agree that shift in its contract" in text
    # Review 182: the location meeting every requirement on its own day was not named beside the shift.
    assert re.search(
        r" ([A-Z][a-z]+( [A-Z][a-z]+)?) meets every requirement and gives [0-9.]+ h on its own working day, with no "
        r"shift to agree \([0-9]+ points, ([0-9]+ points? (behind|ahead of)|level with) India\)\.$",
        text,
    ), text


def test_not_for_the_own_centre_itself_nor_once_the_buyer_has_said_about_shifted_hours(reference: Playbook) -> None:
    top, _, risks = _risk(reference)
    assert top == "own-centre" and risks == []
    for said in (True, False):
        assert _risk(reference, start_within="one-to-three", shifted_hours=said)[2] == []


def test_the_headline_and_the_location_say_whose_shift_it_is(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    # Review 178: the location read "on the shifted hours you accept" beside the risk saying the buyer had not said,
    # and the headline named India alone, the risk far down the page.
    rec = recommend(reference, organisation, buyer, CENTRE, start_within="one-to-three")
    ev = rec.record.evaluation
    assert ev.provider_on_own_shift
    # Review 181: the requirement read "the product's assumption" and "(your answer)" side by side.
    (overlap,) = [r for r in ev.requirements if r.code == "overlap"]
    assert overlap.because == ("your answer for the hours",) and "the product's assumption" in overlap.text
    india = next(loc for loc in ev.locations if loc.code == "india")
    said = " ".join(c.text for c in india.contributions)
    assert "the shifted hours your centre's own staff would work" in said and "you accept" not in said
    for text in (
        buyer_client.get(reverse("recommendations:detail", args=[rec.pk])).content.decode(),
        render_memo_html(rec, "http://testserver/"),
    ):
        text = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", text)))
        assert (
            "delivered from India, on a working day moved towards yours that a provider must agree to (see the" in text
        )
        # Review 179: the locations' footnote said "for staff on shifted hours as you answered".
        assert "for your centre's own staff, who work the hours you set (you have not said whether a provider's" in text
        assert "as you answered" not in text and "the shifted hours you accept" not in text
        assert "the shift you accept" not in text  # review 182: the footnote's end
    accepted = evaluated_case(reference, CENTRE, start_within="one-to-three", shifted_hours=True)
    assert not any(
        "your centre's own staff would work" in c.text for loc in accepted.locations for c in loc.contributions
    )


def test_why_says_what_a_locations_points_were_counted_as_on_the_shifted_day(reference: Playbook) -> None:
    # Review 182: "Why" listed "India -10" for the overlap rule beside India's row saying no points were taken off.
    ev = evaluated_case(reference, CENTRE, start_within="one-to-three")
    india = next(loc for loc in ev.locations if loc.code == "india")
    waived = {c.rule: c for c in india.contributions if "so no points are taken off" in c.text}
    said = [e for f in ev.fired if f.code in waived for e in f.effects if e.startswith("India ")]
    assert said and all(e.endswith(", counted as +0 on the shifted day") for e in said), said
    untouched = [e for f in ev.fired if f.code in waived for e in f.effects if not e.startswith("India ")]
    assert untouched and not any("counted as" in e for e in untouched)
    assert "India +15, counted as +11 on the shifted day" in [e for f in ev.fired for e in f.effects]  # overnight
