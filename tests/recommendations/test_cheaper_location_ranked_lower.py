"""A cheaper location with more points than the one delivering, ranked below it because its working day meets the
buyer's only across the date line, is said to score more and rank lower, and why; never "ties with" (review 64 read
"ties with Mexico on fit" of the Philippines 15 points ahead of Mexico)."""

from __future__ import annotations

from typing import Any

import pytest

from apps.accounts.models import Organisation, User
from apps.playbooks.models import Playbook
from apps.recommendations.cost_caveat import cheaper_location_text
from apps.recommendations.services import submit_and_recommend
from apps.recommendations.snapshot.read import read_snapshot
from tests.compliance.test_medicaid_offshore_ban import AGENCY
from tests.factories import AssessmentFactory

pytestmark = pytest.mark.django_db


def _record(reference: Playbook, organisation: Organisation, buyer: User, **changes: Any) -> Any:
    answers = {
        **AGENCY,
        "medicaid_offshore": "none",
        "buyer_sector": "healthcare",
        "buyer_us_zone": "pacific",
        "buyer_regulated_in": "us",
        "overnight_turnaround": False,
        "licensed_signoff": ["none"],
        "vendor_assurance": ["soc2"],
    }
    a = AssessmentFactory(
        organisation=organisation, created_by=buyer, title="t", playbook=reference, answers={**answers, **changes}
    )
    return read_snapshot(submit_and_recommend(assessment=a, user=buyer).snapshot).evaluation


def test_more_points_ranked_lower_across_the_date_line_is_said_as_it_is(
    reference: Playbook, organisation: Organisation, buyer: User
) -> None:
    ev = _record(reference, organisation, buyer, function="medical-coding", preferred_region="philippines")
    where = ev.cost.cheaper_location
    assert where is not None and where.location == "philippines" and where.points_behind < 0
    # Mexico and Colombia both give the 2 h needed; the cheaper of the two comes first.
    assert ev.delivery_location is not None and ev.delivery_location.code == "colombia"

    text = cheaper_location_text(ev)
    assert f"scores {-where.points_behind} points more than Colombia but ranks below it: its working day meets" in text
    assert "on 4 of your 5 working days" in text
    assert "ties with" not in text


@pytest.mark.parametrize(
    ("preferred", "said"),
    [
        ("latam", "points behind Colombia on fit"),
        (
            "no-preference",
            "ties with Colombia on fit (Colombia comes first: the working day there meets yours only across the date "
            "line, on 4 of your 5 working days)",
        ),
    ],
)
def test_fewer_or_equal_points_keep_their_words(
    reference: Playbook, organisation: Organisation, buyer: User, preferred: str, said: str
) -> None:
    ev = _record(reference, organisation, buyer, function="medical-coding", preferred_region=preferred)
    where = ev.cost.cheaper_location
    assert where is not None and where.points_behind >= 0
    text = cheaper_location_text(ev)
    assert "more than Colombia" not in text
    assert said in text
