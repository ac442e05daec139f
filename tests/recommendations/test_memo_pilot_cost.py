"""The memo's pilot cost line: in the cost's own currency, and never a scale line above the stop line."""

from __future__ import annotations

import re

import pytest

from apps.accounts.models import Organisation, User
from apps.playbooks.models import Playbook
from apps.recommendations.services import submit_and_recommend
from apps.recommendations.snapshot import read_snapshot
from apps.recommendations.snapshot.historical import cost_threshold
from tests.factories import AssessmentFactory

pytestmark = pytest.mark.django_db


def _threshold(reference: Playbook, organisation: Organisation, user: User, **changes: object) -> tuple[str, str]:
    answers = {**reference.golden_cases.get(name__startswith="Light volume").answers, **changes}
    answers = {k: v for k, v in answers.items() if v is not None}
    a = AssessmentFactory(organisation=organisation, created_by=user, title="t", playbook=reference, answers=answers)
    threshold = cost_threshold(read_snapshot(submit_and_recommend(assessment=a, user=user).snapshot))
    assert threshold is not None
    return threshold.scale_if, threshold.stop_if


def test_a_uk_buyers_pilot_cost_is_in_pounds_and_scales_only_at_or_under_in_house(
    reference: Playbook, organisation: Organisation, buyer: User
) -> None:
    # 300 hours a year in the UK: the likely cost of the model is above keeping the work in-house.
    scale, stop = _threshold(
        reference, organisation, buyer, annual_hours=300, home_market="uk", buyer_location="uk", buyer_us_zone=None
    )
    # Amounts in pounds; only the providers' hourly rate, quoted in US dollars, keeps its dollars.
    assert "$" not in re.sub(r"at \$[^/]*/h", "", scale) + stop and "£" in scale and "£" in stop
    limits = [int(m.replace(",", "")) for m in re.findall(r"£([\d,]+)", scale + stop)]
    in_house, likely, stop_at = limits
    assert likely > in_house == stop_at
    assert "the in-house cost (the likely figure" in scale and "the pilot has to beat the estimate" in scale


def test_a_us_buyers_pilot_cost_below_in_house_scales_at_the_likely_figure(
    reference: Playbook, organisation: Organisation, buyer: User
) -> None:
    scale, stop = _threshold(reference, organisation, buyer)
    assert (
        scale.startswith("The pilot's effective cost puts a full year at or under $") and "(the likely figure" in scale
    )
    scale_at, stop_at = (int(m.replace(",", "")) for m in re.findall(r"\$([\d,]+) \(the", scale + stop))
    assert scale_at < stop_at


def test_a_cost_priced_at_a_locations_index_names_the_index_beside_the_benchmark_rate(
    reference: Playbook, organisation: Organisation, buyer: User
) -> None:
    answers = reference.golden_cases.get(name__startswith="UK fintech").answers
    a = AssessmentFactory(organisation=organisation, created_by=buyer, title="t", playbook=reference, answers=answers)
    snapshot = read_snapshot(submit_and_recommend(assessment=a, user=buyer).snapshot)
    index = next(f for f in snapshot.evaluation.cost.figures if f.key == "location.index")
    assert index.likely != 1  # delivered from a location dearer than the India benchmark
    threshold = cost_threshold(snapshot)
    assert threshold is not None
    assert f"/h × {index.value}, cost index of " in threshold.scale_if
