"""A blocked result's why-table adds up: its total row gives the score the points make and says the blocker caps
it, and the line under the verdict says what the score would be without the cap (the blocking rule's own points
are in both). An unblocked result's total row reads as before."""

from __future__ import annotations

import html
import re

import pytest
from django.test import Client
from django.urls import reverse

from apps.accounts.models import Organisation, User
from apps.playbooks.models import Playbook
from apps.recommendations.services import submit_and_recommend
from tests.factories import AssessmentFactory

pytestmark = pytest.mark.django_db
CASE = "Textbook KPO: a US fund"


def page(client: Client, pk: int) -> str:
    body = client.get(reverse("recommendations:detail", args=[pk])).content.decode()
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)))


def test_a_blocked_results_total_row_gives_the_points_score_and_the_cap(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    answers = {**reference.golden_cases.get(name__startswith=CASE).answers, "onsite_presence": "daily"}
    a = AssessmentFactory(organisation=organisation, created_by=buyer, playbook=reference, answers=answers)
    rec = submit_and_recommend(assessment=a, user=buyer)
    ev = rec.record.evaluation
    assert ev.blockers and ev.unblocked_score > ev.fit_score
    assert ev.unblocked_score == 50 + sum(c.points for c in ev.fit_contributions)  # what the table's rows add to
    text = page(buyer_client, rec.pk)
    threshold = rec.record.thresholds.conditional
    assert (
        f"Fit score (50 + points, kept between 0 and 100: {ev.unblocked_score}, capped below {threshold} by the "
        f"blocker) {ev.fit_score}"
    ) in text
    assert f"without the cap it would be {ev.unblocked_score}." in text


def test_an_unblocked_results_total_row_reads_as_before(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    answers = reference.golden_cases.get(name__startswith=CASE).answers
    a = AssessmentFactory(organisation=organisation, created_by=buyer, playbook=reference, answers=answers)
    rec = submit_and_recommend(assessment=a, user=buyer)
    text = page(buyer_client, rec.pk)
    assert f"Fit score (50 + points, kept between 0 and 100) {rec.record.evaluation.fit_score}" in text
