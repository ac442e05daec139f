"""A managed service takes the whole process over once it has launched (Nirjix: 3-6 months for a managed or
outcome-based model, the same table that launches BOT and the buyer's own centre), so the work stays in-house for its
launch, not for a team's 2.5-month handover. Work done once with no team of the buyer's runs nothing in parallel, and
a catalogue frozen before the figure runs a managed service in parallel as before (pure engine, no database)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from apps.playbooks.engine import tco
from apps.playbooks.engine.tco.simulate import PARALLEL
from apps.playbooks.engine.tco.types import MANAGED_LAUNCH
from tests.playbooks.test_tco import CATALOGUE, _case, _collapsed, _model
from tests.playbooks.test_tco_own_centre import _lines

MODELS = ["managed-services", "captive-team"]


def _before_the_figure() -> dict[str, Any]:
    assumptions = copy.deepcopy(CATALOGUE["assumptions"])
    del assumptions["transition_months"]["managed"]
    return assumptions


def test_the_launch_is_nirjix_3_to_6_months_and_the_work_stays_in_house_meanwhile() -> None:
    launch = _case(model_codes=MODELS).figures[MANAGED_LAUNCH]
    assert (launch.low, launch.likely, launch.high) == (3, 4.5, 6) and launch.weak
    assert "managed or outcome-based 3-6 months" in launch.source
    case = _collapsed(_case(model_codes=MODELS))
    result = tco.simulate(case)
    managed, team = (_lines(_model(result, code)) for code in MODELS)
    # Months of the in-house cost of month 1: the service's launch against a team's handover.
    assert managed[PARALLEL] / team[PARALLEL] == pytest.approx(4.5 / case.figures["transition.team"].likely)
    formula = next(line.formula for line in _model(result, "managed-services").lines if line.label == PARALLEL)
    assert formula.startswith("months for the provider to launch the managed service × the in-house cost of month 1")
    team_formula = next(line.formula for line in _model(result, "captive-team").lines if line.label == PARALLEL)
    assert team_formula == "months of parallel running × the in-house cost of month 1"


def test_the_figure_is_listed_in_months_with_its_source() -> None:
    from apps.playbooks.engine.tco.estimate import _figures

    listed = {f.key: f for f in _figures(_case(model_codes=MODELS))}
    assert listed[MANAGED_LAUNCH].value == "3 months to 6 months (likely 4.5 months)"


def test_a_case_without_a_managed_service_keeps_its_seed_and_an_older_catalogue_costs_it_as_before() -> None:
    without = _case(model_codes=["captive-team"])
    assert MANAGED_LAUNCH not in without.figures
    assert tco.seed_for(without) == tco.seed_for(_case(model_codes=["captive-team"], assumptions=_before_the_figure()))
    older = _collapsed(_case(model_codes=MODELS, assumptions=_before_the_figure()))
    assert MANAGED_LAUNCH not in older.figures
    managed, team = (_lines(_model(tco.simulate(older), code)) for code in MODELS)
    assert managed[PARALLEL] == pytest.approx(team[PARALLEL])


def test_work_done_once_with_no_team_of_the_buyers_runs_nothing_in_parallel() -> None:
    case = _case(model_codes=MODELS, people=4, annual_hours=1600, weeks=10)
    assert case.surge and MANAGED_LAUNCH not in case.figures
    assert PARALLEL not in _lines(_model(tco.simulate(_collapsed(case)), "managed-services"))


def test_its_fees_are_for_the_people_hired_so_far_over_the_launch() -> None:
    """As BOT's: the provider hires the service's team in a straight line over its launch, so in month m its fees are
    (m + ½) ÷ launch months of the full fee until all are on the payroll; the older catalogue billed it in full."""
    new = _collapsed(_case(model_codes=MODELS, years=1))
    old = _collapsed(_case(model_codes=MODELS, years=1, assumptions=_before_the_figure()))
    fees_new, fees_old = (_lines(_model(tco.simulate(c), "managed-services"))["Provider fees"] for c in (new, old))
    monthly = fees_old / 12  # one year, no yearly rise
    unhired = sum(max(0.0, 1 - (m + 0.5) / 4.5) for m in range(12))  # 0.889 + 0.667 + 0.444 + 0.222
    assert fees_old - fees_new == pytest.approx(monthly * unhired)
    formula = next(x.formula for x in _model(tco.simulate(new), "managed-services").lines if x.label == "Provider fees")
    assert formula.endswith(
        "; a managed service's provider hires the team in a straight line over the service's launch months, so its fees"
        " are (month + ½) ÷ launch months of the full fee until all are on the payroll"
    )
