"""In-house pay brought from its survey's date to when the work would move: a 2023 wage is not what the same
people cost in 2026. Each salary benchmark is dated; the catalogue says the month pay is brought to, and the
market's wage growth a year, compounded over the months between, grows the salary (an input of its own, with its
source and the arithmetic). Through the pure engine."""

from __future__ import annotations

import copy
from dataclasses import replace
from typing import Any

import pytest

from apps.playbooks.engine import tco
from apps.playbooks.engine.tco.case import months_between
from tests.playbooks.test_tco import CATALOGUE, _case, _collapsed, _model

ASSUMPTIONS: dict[str, Any] = CATALOGUE["assumptions"]


def _line(result: tco.TcoResult, label: str) -> tco.Line:
    return next(line for line in result.inhouse_lines if line.label == label)


@pytest.mark.parametrize(
    ("market", "dated", "since"),
    [("us", "May 2023", "2023-05"), ("uk", "April 2024", "2024-04"), ("eu", "July 2022", "2022-07")],
)
def test_the_salary_grows_at_the_markets_wage_growth_from_its_survey_to_the_catalogues_month(
    market: str, dated: str, since: str
) -> None:
    case = _case(market=market)
    figure = case.figures["inhouse.pay_since"]
    growth = ASSUMPTIONS["loaded_cost"][market]["wage_growth"]
    years = months_between(since, ASSUMPTIONS["pay_brought_to"]) / 12  # type: ignore[operator]
    assert (figure.low, figure.likely, figure.high) == pytest.approx(
        [(1 + growth[k]) ** years - 1 for k in ("low", "likely", "high")]
    )
    assert figure.label == f"Pay growth since the salary benchmark ({dated} to December 2026)"
    assert figure.source.startswith(growth["source"]["title"])
    assert "a year (likely" in figure.source and "compounded over" in figure.source
    # The salary itself stays the survey's figure, as its source says it.
    assert case.figures["inhouse.salary"].likely == next(
        g[market]["likely"] for g in ASSUMPTIONS["inhouse_salary"].values() if "equity-research" in g["functions"]
    )


def test_salaries_and_what_rests_on_them_use_the_grown_pay() -> None:
    case = _collapsed(_case(years=1))
    result = tco.simulate(case)
    salary, grown = case.figures["inhouse.salary"].likely, case.figures["inhouse.pay_since"].likely
    assert grown > 0.1  # three and a half years of US pay rises
    # In the first year there is no yearly rise yet on top: four people at the grown salary, month by month.
    assert _line(result, "Salaries").horizon[1] == pytest.approx(4 * salary * (1 + grown))
    on_cost = case.figures["inhouse.oncost"].likely
    assert _line(result, "On-costs (employer taxes, benefits)").horizon[1] == pytest.approx(
        4 * salary * (1 + grown) * on_cost
    )


def test_the_grown_pay_raises_the_in_house_cost_and_every_saving() -> None:
    case = _collapsed(_case())
    now = tco.simulate(case)
    before = tco.simulate(replace(case, figures={k: f for k, f in case.figures.items() if k != "inhouse.pay_since"}))
    more = now.inhouse.horizon[1] - before.inhouse.horizon[1]
    assert more == pytest.approx(before.inhouse.horizon[1] * case.figures["inhouse.pay_since"].likely)
    for model in now.models:
        # Less than the in-house cost's rise where the move itself pays in-house people (parallel running).
        gain = model.savings_likely - _model(before, model.code).savings_likely
        assert 0 < gain <= more * (1 + 1e-9), model.code


def test_the_buyers_own_cost_is_taken_as_it_is_today() -> None:
    case = _case(own_inhouse_cost=(150_000, 160_000, 170_000))
    assert "inhouse.pay_since" not in case.figures


@pytest.mark.parametrize("missing", ["pay_brought_to", "dated"])
def test_a_catalogue_frozen_before_the_dates_costs_as_it_did(missing: str) -> None:
    """A playbook published before the dates froze a catalogue without them: its cost is the survey's pay."""
    assumptions = copy.deepcopy(ASSUMPTIONS)
    if missing == "pay_brought_to":
        del assumptions["pay_brought_to"]
    else:
        for group in assumptions["inhouse_salary"].values():
            for market in ("us", "uk", "eu"):
                group[market].pop("dated", None)
    case = _case(assumptions=assumptions)
    assert "inhouse.pay_since" not in case.figures
    result = tco.simulate(_collapsed(case))
    assert _line(result, "Salaries").horizon[1] == pytest.approx(
        sum(4 * case.figures["inhouse.salary"].likely * 1.035**year for year in range(3))
    )


def test_every_salary_is_dated_no_later_than_the_month_pay_is_brought_to() -> None:
    for name, group in ASSUMPTIONS["inhouse_salary"].items():
        for market in ("us", "uk", "eu"):
            months = months_between(group[market]["dated"], ASSUMPTIONS["pay_brought_to"])
            assert months is not None and 0 <= months <= 60, (name, market)


@pytest.mark.parametrize("value", ["", "2023", "May 2023", "2023-5-1", "2023-13", "2023-00", None, 2023])
def test_a_month_that_is_not_one_reads_as_no_date(value: Any) -> None:
    assert months_between(value, "2026-12") is None
