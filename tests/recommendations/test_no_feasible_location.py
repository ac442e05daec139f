"""When every delivery location breaks a requirement, no saving is priced at a location the ranking excluded:
the cost says why there is none, and the trade-offs say what to decide."""

from __future__ import annotations

import html

import pytest
from django.test import Client
from django.urls import reverse

from apps.accounts.models import Organisation, User
from apps.playbooks.engine.evaluate import NOWHERE_TO_DELIVER
from apps.playbooks.models import Playbook
from apps.recommendations.services import submit_and_recommend
from tests.factories import AssessmentFactory

pytestmark = pytest.mark.django_db


def test_a_us_buyer_needing_eight_hours_of_overlap_gets_no_saving_priced_at_an_excluded_location(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    answers = {**reference.golden_cases.get(name__startswith="Textbook KPO: a US fund").answers, "overlap_hours": 8}
    a = AssessmentFactory(organisation=organisation, created_by=buyer, playbook=reference, answers=answers)
    ev = submit_and_recommend(assessment=a, user=buyer).record.evaluation
    assert ev.locations and all(loc.excluded_because for loc in ev.locations)
    assert not ev.cost.available and ev.cost.models == ()
    assert ev.cost.reason.startswith("No delivery location meets every requirement you set")
    assert any(c.code == "onshore" for c in ev.conflicts)
    # A verdict for KPO with nowhere to deliver from holds only once a trade-off is settled: it says so.
    assert ev.verdict != "doesnt_win"
    assert [c.text for c in ev.conditions].count(NOWHERE_TO_DELIVER.text) == 1
    rec = a.recommendation
    page = html.unescape(buyer_client.get(reverse("recommendations:detail", args=[rec.pk])).content.decode())
    assert f"No cost estimate: {ev.cost.reason}" in page and "Likely saving" not in page
    assert "Conditions of this verdict" in page and NOWHERE_TO_DELIVER.text in page
    # Four hours, which Mexico and Colombia give, keeps the cost, and asks no trade-off.
    answers["overlap_hours"] = 4
    b = AssessmentFactory(organisation=organisation, created_by=buyer, playbook=reference, answers=answers)
    kept = submit_and_recommend(assessment=b, user=buyer).record.evaluation
    assert kept.cost.available and NOWHERE_TO_DELIVER.text not in [c.text for c in kept.conditions]
