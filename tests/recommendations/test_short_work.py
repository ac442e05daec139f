"""Work done once in weeks: the cost covers those weeks only (provider fees, seats and hours), in-house is the same
hours over the same weeks done by people taken on for them, and a surge (no staff displaced) has no parallel running
and no exit. The stored cost says the weeks; a cost stored before it reads as whole years."""

from __future__ import annotations

import html
import re

import pytest
from django.test import Client
from django.urls import reverse

from apps.accounts.models import Organisation, User
from apps.playbooks.engine import clean_answers, evaluate
from apps.playbooks.engine.cost import CostEstimate
from apps.playbooks.models import Playbook
from apps.playbooks.runtime import compiled_playbook
from apps.recommendations.cost_caveat import cost_caveat
from apps.recommendations.snapshot.read import _cost
from apps.recommendations.snapshot.types import Cost
from tests.recommendations.conftest import recommend

pytestmark = pytest.mark.django_db
START_UP = "US seed-stage start-up: two analysts for a 13-week market study"
LOOKBACK = "Consent-order lookback"
NO_TEAM = ("Transition and knowledge transfer (parallel running)", "Exit and re-tendering")


def _text(client: Client, pk: int) -> str:
    """The result page as a reader sees it: tags out, spaces collapsed."""
    page = client.get(reverse("recommendations:detail", args=[pk])).content.decode()
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", page)))


def _lines(model: object) -> dict[str, tuple[float, float, float]]:
    return {line.label: line.horizon for line in model.lines}


def test_a_13_week_study_is_costed_for_13_weeks_with_no_parallel_running(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    rec = recommend(reference, organisation, buyer, START_UP)
    cost = rec.record.evaluation.cost
    assert cost.duration_weeks == 13 and cost.period == "13 weeks (3 months)"
    horizon = next(i for i in cost.inhouse_inputs if i.label == "Horizon")
    assert (horizon.value, horizon.source) == ("13 weeks (3 months)", "your answer")
    # 960 hours in 13 weeks keep both analysts busy: 1.92 people for those weeks, not 0.48 of a year.
    assert cost.inhouse_fte == 1.92
    staff = next(m for m in cost.models if m.model == "staff-augmentation")
    fees = _lines(staff)["Provider fees"][1]
    rate = next(f for f in cost.figures if f.key == "staff-augmentation.rate").likely
    index = next(f for f in cost.figures if f.key == "location.index").likely
    # Two seats for 13 weeks (a quarter of a 1,920-hour year each), not for a whole year.
    assert fees == pytest.approx(2 * 1920 * 13 / 52 * rate * index, rel=1e-6)
    for m in cost.models:
        assert not set(NO_TEAM) & set(_lines(m)), m.name
    # Staff augmentation takes about 3 months to launch, no shorter than the work: said beside its cost.
    launch = {m.model: next((i for i in m.inputs if i.label == "Launch time"), None) for m in cost.models}
    assert launch["project"] is None and launch["shared-pool"] is None
    assert (
        launch["staff-augmentation"] is not None
        and "no shorter than the work's 3 months" in launch["staff-augmentation"].source
    )
    # In-house: the same hours, by people taken on for them, at the product's assumed premium (marked weak).
    premium = cost.temporary_premium
    assert premium is not None and premium.weak and "project's assumption" in premium.source
    assert any(line.label.startswith("Temporary staff premium") for line in cost.inhouse_lines)
    page = _text(buyer_client, rec.pk)
    assert "over 13 weeks (3 months) (your answer: the cost covers these weeks only, whatever the horizon)" in page
    assert "Horizon: 13 weeks (3 months)" in page and "which is the product's assumption" in page
    assert "Cost over 13 weeks (3 months), P10 to P90" in page and "Cost over 1 year" not in page


def test_a_ten_week_lookback_is_costed_for_ten_weeks_and_said_beside_the_verdict(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    rec = recommend(reference, organisation, buyer, LOOKBACK)
    ev = rec.record.evaluation
    assert ev.cost.period == "10 weeks" and ev.cost.surge and not ev.cost.checks
    covers = next(i for i in ev.cost.inhouse_inputs if i.label == "Cost covers")
    assert covers.value == "10 weeks only" and "2.31 months, the last in part" in covers.source
    for m in ev.cost.models:
        assert not set(NO_TEAM) & set(_lines(m)), m.name
        fees = next(line for line in m.lines if line.label == "Provider fees")
        assert "the last one in part (10 weeks are 2.31 months)" in fees.formula
    # The same work in 13 weeks says so in its fee line: the weeks and months are the work's own.
    longer = _cost_of(reference, duration_weeks=13)
    fees = next(line for line in longer.models[0].lines if line.label == "Provider fees")
    assert "(13 weeks are 3.00 months)" in fees.formula
    # The project is priced by its hours, not at the benchmark (one $26,500 deliverable for 8,000 hours).
    assert [m.model for m in ev.cost.models] == ["project", "shared-pool"]
    project = ev.cost.models[0]
    assert any(i.label == "Priced by its hours, not per deliverable" for i in project.inputs)
    # Review 176: its fee line gave the per-deliverable formula, which the cost CSV alone could not reproduce.
    (fee,) = [line for line in project.lines if line.label == "Provider fees"]
    assert "deliverables × price" not in fee.formula
    assert fee.formula.endswith(
        "; this project is priced by its hours, not per deliverable: as a managed service, with the managed-services"
        " premium"
    )
    assert fee.formula.count("(") == fee.formula.count(")")
    caveat = cost_caveat(ev)
    assert caveat is not None
    page = _text(buyer_client, rec.pk)
    assert caveat.text in page and "Horizon: 10 weeks (your answer)" in page
    assert "Over 10 weeks (P10–P90)" in page and "Per year" not in page


def _cost_of(reference: Playbook, **changes: object) -> CostEstimate:
    compiled = compiled_playbook(reference)
    raw = {**reference.golden_cases.get(name__startswith=START_UP).answers, **changes}
    answers, problems = clean_answers(compiled.questions, raw)
    assert not problems
    return evaluate(compiled, answers).cost


def test_staff_displaced_keep_the_parallel_running_and_no_weeks_keep_the_year(reference: Playbook) -> None:
    # A team of the buyer's doing the work today (staff displaced): it runs in parallel while the work moves.
    kept = _cost_of(reference, own_figures=True, displaced_staff=1)
    assert all(NO_TEAM[0] in _lines(m) for m in kept.models)
    assert not any(f.key == "inhouse.temporary_premium" for f in kept.figures)
    # Without the weeks, work done once is costed over the weeks its hours take the people (960 h for 2: 13 weeks, as
    # answered; review 159); work that goes on, over the horizon's whole year.
    weeks = _cost_of(reference, duration_weeks=None)
    assert weeks.duration_weeks == 13 and weeks.period == "13 weeks (3 months)"
    year = _cost_of(reference, duration_weeks=None, volume_pattern="steady")
    assert year.duration_weeks == 0 and year.period == "1 year"
    assert all(NO_TEAM[0] in _lines(m) for m in year.models)


def test_hours_more_than_the_people_can_work_in_the_weeks_are_named(reference: Playbook) -> None:
    cost = Cost(available=True, annual_hours=16_000, team_size=20, horizon_years=1, duration_weeks=10)
    (check,) = cost.checks
    assert "16,000 hours of work in 10 weeks for 20 people is 800 hours each" in check.text


def test_a_cost_stored_before_the_weeks_reads_as_whole_years() -> None:
    old = _cost({"available": True, "horizon_years": 3, "draws": 10_000, "currency": "USD"})
    assert old.duration_weeks == 0 and old.period == "3 years" and not old.surge
    new = _cost({"available": True, "horizon_years": 1, "duration_weeks": 10, "draws": 10_000})
    assert new.period == "10 weeks" and new.surge


def test_the_ramp_up_longer_than_the_work_is_said_only_of_the_costed_models_that_pay_one(
    reference: Playbook,
) -> None:
    def ramp_up(case: str) -> str | None:
        compiled = compiled_playbook(reference)
        answers, _ = clean_answers(compiled.questions, reference.golden_cases.get(name__startswith=case).answers)
        cost = evaluate(compiled, answers).cost
        return next((i.source for i in cost.inhouse_inputs if i.label == "Ramp-up"), None)

    # The lookback's only costed model is a shared pool, billed for the hours it delivers: no ramp-up to speak of.
    assert ramp_up(LOOKBACK) is None
    # The start-up's costed staff augmentation pays its ramp-up for the 13 weeks; the project and pool beside it
    # are not said to.
    assert ramp_up(START_UP) == (
        "Staff augmentation takes about 3 months to reach full output, no less than the work's 3 months: it never "
        "works at full output, and the fees that buy no output are counted only for the weeks the work lasts"
    )
