"""A buyer outside the US, the UK and Europe: the locations are not excluded for overlap measured against a
working day that is not theirs, and the result page says their overlap was not checked."""

from __future__ import annotations

import csv
import html
import io

import pytest
from django.test import Client
from django.urls import reverse

from apps.accounts.models import Organisation, User
from apps.playbooks.models import Playbook
from apps.recommendations.services import submit_and_recommend
from tests.factories import AssessmentFactory

pytestmark = pytest.mark.django_db


def test_an_indian_buyer_needing_four_hours_overlap_does_not_see_india_excluded(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    answers = dict(reference.golden_cases.get(name__startswith="Textbook KPO: a US fund").answers)
    answers.update(buyer_location="other", overlap_hours=4, preferred_region="india")
    a = AssessmentFactory(organisation=organisation, created_by=buyer, playbook=reference, answers=answers)
    rec = submit_and_recommend(assessment=a, user=buyer)
    ev = rec.record.evaluation
    assert not any(loc.excluded_because for loc in ev.locations)
    assert ev.delivered_from == "india"  # the buyer's preference, no longer overruled by a US clock
    page = html.unescape(buyer_client.get(reverse("recommendations:detail", args=[rec.pk])).content.decode())
    assert "At least 4 h a day of overlap with your working day: not checked" in page
    assert "Excluded: breaks a requirement" not in page
    assert "Preferred region: India." in page
    # The same answers from a US buyer keep the US day and exclude India (0 h of overlap).
    answers["buyer_location"] = "us"
    b = AssessmentFactory(organisation=organisation, created_by=buyer, playbook=reference, answers=answers)
    us = submit_and_recommend(assessment=b, user=buyer).record.evaluation
    assert any(loc.code == "india" and loc.excluded_because for loc in us.locations)


def test_a_buyer_whose_in_house_costs_are_elsewhere_gets_no_saving_worked_out_against_us_salaries(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    answers = dict(reference.golden_cases.get(name__startswith="Textbook KPO: a US fund").answers)
    answers.update(buyer_location="other", home_market="other")
    a = AssessmentFactory(organisation=organisation, created_by=buyer, playbook=reference, answers=answers)
    rec = submit_and_recommend(assessment=a, user=buyer)
    cost = rec.record.evaluation.cost
    assert not cost.available and cost.models == ()
    assert cost.reason.startswith("In-house costs are benchmarked for the US, the UK and the EU only")
    assert cost.reason.endswith("for a buyer elsewhere.")
    page = html.unescape(buyer_client.get(reverse("recommendations:detail", args=[rec.pk])).content.decode())
    assert f"No cost estimate: {cost.reason}" in page and "Likely saving" not in page
    for name in ("memo_pdf", "what_if", "cost_csv", "export_json"):
        assert buyer_client.get(reverse(f"recommendations:{name}", args=[rec.pk])).status_code == 200, name
    rows = list(
        csv.DictReader(
            io.StringIO(buyer_client.get(reverse("recommendations:cost_csv", args=[rec.pk])).content.decode())
        )
    )
    assert [(r["kind"], r["currency"], r["likely"]) for r in rows] == [("unavailable", "", "")]
