"""A one-off piece of work bought per deliverable (a fixed-price patent landscape accepted on delivery) has no
team of the buyer's to manage for 90 days and no transition: the rules on management time and on a first
outsourcing carried by one or two people leave it out, and still hold for the same work run as a team. When such
work does not win and no team of the buyer's does it today, keeping it in-house means taking people on for it,
and the result page and memo say so, as the cost section does."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from apps.accounts.models import Organisation, User
from apps.playbooks.engine import Evaluation
from apps.playbooks.models import Playbook
from apps.recommendations.memo import render_memo_html
from apps.recommendations.services import submit_and_recommend
from tests.factories import AssessmentFactory
from tests.recommendations.golden import evaluated_case

pytestmark = pytest.mark.django_db
LANDSCAPE = "German machine-tool maker: an 8-week patent landscape bought per deliverable"
THIN = ("thin-management-bandwidth", "thin-management-bandwidth-one-off")
TINY = ("first-outsourcing-tiny-team", "first-outsourcing-tiny-team-one-off")
# Answers that make the same landscape lose: a method nobody can write down, quality only a senior can judge.
HOPELESS = {"codifiability": "tacit", "quality_measurable": "subjective"}


def fit_points(ev: Evaluation) -> dict[str, int]:
    return {c.rule: c.points for c in ev.fit_contributions}


def test_a_landscape_bought_per_deliverable_loses_no_fit_to_management_time_or_a_two_person_scope(
    reference: Playbook,
) -> None:
    ev = evaluated_case(reference, LANDSCAPE)
    points = fit_points(ev)
    assert not set(points) & {*THIN, *TINY}
    assert (ev.verdict, ev.top_model) == ("conditional", "project")
    # A first outsourcing of critical work still costs what it costs any buyer.
    assert points["first-outsourcing-is-strategic"] == -5
    assert "Too little management time for a new team" not in {r.title for r in ev.risks}


@pytest.mark.parametrize("ownership", ["provider-team", "our-managers"])
def test_the_same_landscape_run_as_a_team_keeps_both_rules(reference: Playbook, ownership: str) -> None:
    ev = evaluated_case(reference, LANDSCAPE, delivery_ownership=ownership)
    points = fit_points(ev)
    assert points["thin-management-bandwidth-one-off"] == -10 and points["first-outsourcing-tiny-team-one-off"] == -10
    assert not {"thin-management-bandwidth", "first-outsourcing-tiny-team"} & set(points)
    assert ev.fit_score == evaluated_case(reference, LANDSCAPE).fit_score - 20


@pytest.mark.parametrize("pattern", ["steady", "seasonal"])
def test_work_that_recurs_bought_per_deliverable_keeps_both_rules(reference: Playbook, pattern: str) -> None:
    changes: dict[str, Any] = {"volume_pattern": pattern, "duration_weeks": None}
    points = fit_points(evaluated_case(reference, LANDSCAPE, **changes))
    assert points["thin-management-bandwidth"] == -10 and points["first-outsourcing-tiny-team"] == -10
    assert not {"thin-management-bandwidth-one-off", "first-outsourcing-tiny-team-one-off"} & set(points)


def _text(markup: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", markup)))


def test_work_nobody_does_today_that_does_not_win_is_kept_in_house_by_taking_people_on(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    answers = {**reference.golden_cases.get(name__startswith=LANDSCAPE).answers, **HOPELESS}
    a = AssessmentFactory(organisation=organisation, created_by=buyer, playbook=reference, answers=answers)
    rec = submit_and_recommend(assessment=a, user=buyer)
    ev = rec.record.evaluation
    assert ev.verdict == "doesnt_win" and ev.cost.surge
    page = _text(buyer_client.get(reverse("recommendations:detail", args=[rec.pk])).content.decode())
    assert "no team of yours does this work today" in page
    assert "do it in-house for now, which means taking people on for it" in page
    assert "keep it in-house for now" not in page
    memo = _text(render_memo_html(rec, "http://testserver/"))
    assert "Recommended: do this work in-house by taking people on for it (no team of yours does it today" in memo
    assert "keep this work in-house" not in memo


def test_work_a_team_of_yours_does_today_is_kept_in_house(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    answers = {**reference.golden_cases.get(name__startswith=LANDSCAPE).answers, **HOPELESS}
    answers.update(volume_pattern="steady", horizon=3)
    answers.pop("duration_weeks")
    a = AssessmentFactory(organisation=organisation, created_by=buyer, playbook=reference, answers=answers)
    rec = submit_and_recommend(assessment=a, user=buyer)
    assert rec.record.evaluation.verdict == "doesnt_win" and not rec.record.evaluation.cost.surge
    page = _text(buyer_client.get(reverse("recommendations:detail", args=[rec.pk])).content.decode())
    assert "keep it in-house for now" in page and "taking people on" not in page
    assert "Recommended: keep this work in-house, or change what blocks it first" in _text(
        render_memo_html(rec, "http://testserver/")
    )
