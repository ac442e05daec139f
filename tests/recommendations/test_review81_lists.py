"""What the cost says against a verdict goes wherever the verdict is listed (review 81: "KPO wins" stood alone in the
history, the portfolio and the export for work the result page said "does not pay")."""

from __future__ import annotations

import csv
import html
import io
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from apps.accounts.models import Organisation, User
from apps.playbooks.models import Playbook
from apps.recommendations.cost_caveat import cost_caveat
from apps.recommendations.services import submit_and_recommend
from tests.factories import AssessmentFactory
from tests.recommendations.test_review79_advice import UK_RESEARCH

pytestmark = pytest.mark.django_db
# What ``cost_note`` reads of an evaluation beside its cost caveat: a verdict for KPO with a model that can be used.
USABLE: Any = SimpleNamespace(verdict="wins", no_model_usable=False, cost=SimpleNamespace(checks=()))


def test_the_cost_note_is_listed_beside_the_verdict_in_the_history_the_portfolio_and_the_export(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    a = AssessmentFactory(
        organisation=organisation, created_by=buyer, title="Dearer", playbook=reference, answers=UK_RESEARCH
    )
    rec = submit_and_recommend(assessment=a, user=buyer)
    caveat = cost_caveat(rec.record.evaluation)
    assert caveat is not None and caveat.warning
    note = rec.cost_note  # the headline's first parts, with how much dearer when it says it does not pay
    assert note.startswith("; ".join(caveat.headline.split("; ")[:2])) and "more than in-house" in note
    history = html.unescape(buyer_client.get(reverse("recommendations:history")).content.decode())
    assert f'<span class="small history-note">{note}</span>' in history
    portfolio = html.unescape(buyer_client.get(reverse("recommendations:portfolio")).content.decode())
    assert f"; {note})" in portfolio
    rows = list(csv.DictReader(io.StringIO(buyer_client.get(reverse("recommendations:history_csv")).content.decode())))
    assert rows[0]["verdict_note"] == note
    # And the assessments list (review 91: "KPO wins fit 100" there, the note elsewhere).
    listing = html.unescape(buyer_client.get(reverse("questionnaire:list")).content.decode())
    assert f'<span class="small history-note">{note}</span>' in listing and f"({note})" in listing
    # A cost that does not argue against the verdict leaves it blank.
    plain = reference.golden_cases.get(name__startswith="Textbook KPO: steady market analytics").answers
    b = AssessmentFactory(organisation=organisation, created_by=buyer, title="Plain", playbook=reference, answers=plain)
    assert submit_and_recommend(assessment=b, user=buyer).cost_note == ""


def test_a_note_that_says_it_does_not_pay_keeps_how_much_dearer(monkeypatch: pytest.MonkeyPatch) -> None:
    # Review 83: the lists read "on fit only; it does not pay", where the page said "likely to cost 94% more".
    from apps.recommendations import cost_caveat as caveats
    from apps.recommendations.cost_caveat import CostCaveat

    headline = "on fit only; it does not pay; likely to cost 94% more than in-house; under 1% chance of a saving"
    monkeypatch.setattr(caveats, "cost_caveat", lambda ev: CostCaveat(warning=True, text="", headline=headline))
    assert caveats.cost_note(USABLE) == "on fit only; it does not pay; likely to cost 94% more than in-house"
    dearer = "on fit; likely to cost 12% more than in-house; a saving unlikely"
    monkeypatch.setattr(caveats, "cost_caveat", lambda ev: CostCaveat(warning=True, text="", headline=dearer))
    assert caveats.cost_note(USABLE) == "on fit; likely to cost 12% more than in-house"


def test_the_lists_say_no_model_can_be_used_where_the_result_does(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    # Review 170: the history, its export and the portfolio named "Dedicated team at the provider" for a result whose
    # page and memo said no engagement model could be used as answered.
    retailer = reference.golden_cases.get(name__startswith="UK buyer: financial analysis for a UK retailer").answers
    answers = {**retailer, "team_size": 60, "annual_hours": 60 * 1800, "start_within": "within-month"}
    a = AssessmentFactory(
        organisation=organisation, created_by=buyer, title="None usable", playbook=reference, answers=answers
    )
    rec = submit_and_recommend(assessment=a, user=buyer)
    assert rec.verdict != "doesnt_win" and rec.top_model and rec.record.evaluation.no_model_usable
    assert rec.cost_note.startswith("but no engagement model can be used as answered")
    assert rec.recommended_model == ""
    history = html.unescape(buyer_client.get(reverse("recommendations:history")).content.decode())
    assert '<span class="muted">None can be used as answered <span class="small">(most points: ' in history
    assert f'<span class="small history-note">{rec.cost_note}</span>' in history
    (row,) = csv.DictReader(io.StringIO(buyer_client.get(reverse("recommendations:history_csv")).content.decode()))
    assert row["top_model"] == rec.top_model
    assert row["recommended_model"] == row["recommended_model_name"] == ""
    assert row["verdict_note"] == rec.cost_note
    portfolio = html.unescape(buyer_client.get(reverse("recommendations:portfolio")).content.decode())
    assert f"; {rec.cost_note})" in portfolio


def test_the_lists_say_the_cost_is_not_compared_for_a_buyer_with_no_benchmark(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    # Review 170: "(on fit; its cost is not compared with your in-house pay)" beside the verdict was lost in the lists.
    from tests.recommendations.test_elsewhere_cost_caveats import AU_CENTRE_OF_1000

    a = AssessmentFactory(organisation=organisation, created_by=buyer, playbook=reference, answers=AU_CENTRE_OF_1000)
    rec = submit_and_recommend(assessment=a, user=buyer)
    assert "on fit; its cost is not compared with your in-house pay" in rec.cost_note
    history = html.unescape(buyer_client.get(reverse("recommendations:history")).content.decode())
    assert rec.cost_note in history


def test_the_lists_say_to_check_the_answers_where_the_result_does(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    # Review 174: a five-hour job's caution led the result page and the memo, and the lists carried no note.
    study = "US seed-stage start-up: two analysts for a 13-week market study"
    answers = {**reference.golden_cases.get(name__startswith=study).answers, "annual_hours": 5, "team_size": 1}
    answers = {k: v for k, v in {**answers, "duration_weeks": None, "horizon": 1}.items() if v is not None}
    a = AssessmentFactory(
        organisation=organisation, created_by=buyer, title="Tiny", playbook=reference, answers=answers
    )
    rec = submit_and_recommend(assessment=a, user=buyer)
    assert rec.record.evaluation.cost.checks and rec.cost_note.endswith("check your answers first")
    history = html.unescape(buyer_client.get(reverse("recommendations:history")).content.decode())
    assert f'<span class="small history-note">{rec.cost_note}</span>' in history
