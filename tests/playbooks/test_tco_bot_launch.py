"""Build-operate-transfer builds a centre, as the buyer's own does, and is costed with the same launch: the provider
hires the centre's people in a straight line over BOT's launch months (Nirjix: 4-8, beside the captive's 9-14), the
work stays in-house until launch (parallel running), and no ramp-up is counted on top. A catalogue frozen before
the figure costs BOT as it did (pure engine, no database)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from apps.playbooks.engine import tco
from apps.playbooks.engine.tco.simulate import BOT_LAUNCH, PARALLEL, PEAK_COVER, PROVIDER_FEES, RAMP_UP
from tests.playbooks.test_tco import CATALOGUE, _collapsed, _model
from tests.playbooks.test_tco_own_centre import _case as own_centre_case
from tests.playbooks.test_tco_own_centre import _lines


def _case(catalogue: dict[str, Any] | None = None, **overrides: Any) -> tco.Case:
    """The owned centre's tests' case (60 people, 5 years from India), with BOT and a provider's team beside it."""
    return own_centre_case(**(catalogue or {}), **{"model_codes": ["bot", "own-centre", "captive-team"], **overrides})


def _before_the_figure() -> dict[str, Any]:
    catalogue = copy.deepcopy(CATALOGUE)
    del catalogue["assumptions"]["bot"]["launch_months"]
    return catalogue


def test_the_launch_is_nirjix_4_to_8_months_beside_the_captives_9_to_14() -> None:
    f = _case().figures
    launch, own = f[BOT_LAUNCH], f["own.launch_months"]
    assert (launch.low, launch.likely, launch.high) == (4, 6, 8) and launch.weak and "Nirjix" in launch.source
    assert (own.low, own.likely, own.high) == (9, 11.5, 14)
    assert "BOT 4-8 months" in launch.source and "captive 9-14 months" in own.source  # one article, one table


def test_the_work_stays_in_house_until_launch_as_for_the_buyers_own_centre() -> None:
    case = _collapsed(_case())
    f = case.figures
    result = tco.simulate(case)
    bot, own, team = (_lines(_model(result, code)) for code in ("bot", "own-centre", "captive-team"))
    # Months of the in-house cost of month 1, each model's own: BOT's launch, the captive's, a provider team's handover.
    assert bot[PARALLEL] / team[PARALLEL] == pytest.approx(f[BOT_LAUNCH].likely / f["transition.team"].likely)
    assert own[PARALLEL] / bot[PARALLEL] == pytest.approx(f["own.launch_months"].likely / f[BOT_LAUNCH].likely)
    # The in-house team carries the output meanwhile: no ramp-up on top, as for the owned centre; a provider team
    # staffed from its bench keeps its ramp-up.
    assert RAMP_UP not in bot and RAMP_UP in team
    formula = next(line.formula for line in _model(result, "bot").lines if line.label == PARALLEL)
    assert "launch your BOT centre" in formula and "until the centre has launched" in formula


def test_its_fees_are_for_the_people_hired_so_far() -> None:
    case = _collapsed(_case(years=1))
    f = case.figures
    result = tco.simulate(case)
    fees = _lines(_model(result, "bot"))[PROVIDER_FEES]
    rate = f["bot.rate"].likely * f["location.index"].likely
    commitment = next(m.commitment_hours for m in case.models if m.code == "bot")
    monthly = 60 * commitment * rate / 12
    launch = f[BOT_LAUNCH].likely
    # Month m has (m + ½) ÷ launch months of the centre's people on the payroll, all of them from the launch on;
    # within the first year no wage rise has come in.
    hired = sum(min(1.0, (month + 0.5) / launch) for month in range(12))
    assert fees == pytest.approx(monthly * hired)
    formula = next(line.formula for line in _model(result, "bot").lines if line.label == PROVIDER_FEES)
    assert "hired in a straight line over the launch months" in formula


def test_with_no_team_in_house_its_launch_shortfall_is_the_ramp_up_over_the_launch() -> None:
    surge = _collapsed(_case(weeks=40))
    assert surge.surge
    result = tco.simulate(surge)
    bot, team = _lines(_model(result, "bot")), _lines(_model(result, "captive-team"))
    assert PARALLEL not in bot and RAMP_UP in bot
    # Over BOT's 6 launch months, not a provider team's 3 ramp-up months.
    assert bot[RAMP_UP] > team[RAMP_UP]
    formula = next(line.formula for line in _model(result, "bot").lines if line.label == RAMP_UP)
    assert "launch months" in formula


def test_a_catalogue_frozen_before_the_figure_costs_bot_as_it_did() -> None:
    before = _collapsed(_case(_before_the_figure()))
    assert BOT_LAUNCH not in before.figures
    f = before.figures
    bot = _lines(_model(tco.simulate(before), "bot"))
    assert RAMP_UP in bot
    team = _lines(_model(tco.simulate(before), "captive-team"))
    assert bot[PARALLEL] == pytest.approx(team[PARALLEL])  # both the transition's months
    assert bot[PARALLEL] > 0 and f["transition.team"].likely == 2.5


def test_cases_without_bot_keep_their_figures_and_seed() -> None:
    with_figure, without_figure = (
        _case(model_codes=["captive-team"]),
        _case(_before_the_figure(), model_codes=["captive-team"]),
    )
    assert BOT_LAUNCH not in with_figure.figures
    assert tco.seed_for(with_figure) == tco.seed_for(without_figure)


def test_every_figure_counted_in_months_is_written_in_months() -> None:
    """The inputs table writes each figure by its key; a months figure missing from ``estimate.MONTHS`` read as a
    share ("400% to 800%")."""
    from apps.playbooks.engine.tco.estimate import _figures

    case = _case(model_codes=["bot", "own-centre", "captive-team", "shared-pool"], displaced=10)
    months = [f for f in _figures(case) if "months" in f.label.lower()]
    assert {f.key for f in months} >= {BOT_LAUNCH, "own.launch_months", "transition.team", "ramp.months"}
    for f in months:
        assert f.value.endswith("months)") or f.value.endswith("months"), (f.key, f.value)
    launch = next(f for f in months if f.key == BOT_LAUNCH)
    assert launch.value == "4 months to 8 months (likely 6 months)"


@pytest.mark.parametrize(("years", "value"), [(3, "after month 24"), (2, "after month 24, not within 2 years")])
def test_the_transfer_month_is_an_input_and_says_when_it_falls_after_the_horizon(years: int, value: str) -> None:
    from apps.playbooks.engine.tco.estimate import total_cost

    estimate = total_cost(
        deliverables_asked=False,
        **{k: CATALOGUE[k] for k in ("catalogue_models", "functions", "locations", "assumptions")},
        function_code="financial-analysis",
        model_codes=["bot", "captive-team"],
        annual_hours=None,
        team_size=30,
        deliverables=None,
        horizon_years=years,
        home_market="us",
        location_code="india",
    )
    bot = next(m for m in estimate.models if m.model == "bot")
    transfer = next(i for i in bot.inputs if i.label == "Transfer to you")
    assert transfer.value == value
    lines = {line.label for line in bot.lines}
    assert ("Transfer fee" in lines) is (years == 3) and ("Exit and re-tendering" in lines) is (years == 2)
    if years == 2:
        assert "no transfer fee and no owned-centre cost are counted" in transfer.source
    team = next(m for m in estimate.models if m.model == "captive-team")
    assert not any(i.label == "Transfer to you" for i in team.inputs)


def test_turnover_is_counted_on_the_people_hired_so_far_and_after_transfer_on_the_centres_own_cost() -> None:
    leavers_of = lambda f: f["provider.attrition"].likely * f["provider.replacement_months"].likely / 12  # noqa: E731
    # Within the first year (no transfer, no wage rise yet): the provider's fees of the people hired so far.
    first = _collapsed(_case(years=1))
    year = _lines(_model(tco.simulate(first), "bot"))
    assert year["Attrition and replacement"] == pytest.approx(leavers_of(first.figures) * year[PROVIDER_FEES])
    own = _lines(_model(tco.simulate(first), "own-centre"))
    entity = first.figures["own.entity_cost"].likely
    staff = own["Your own centre (staff at cost, entity, facilities, HR)"] - entity  # the hired staff's cost
    assert own["Attrition and replacement (your own staff)"] == pytest.approx(leavers_of(first.figures) * staff)
    # Over 5 years, after the transfer in month 24: the centre's own staff cost, the provider's margin gone.
    case = _collapsed(_case())
    f = case.figures
    bot = _lines(_model(tco.simulate(case), "bot"))
    after = bot["Your own centre after transfer (staff, entity, facilities, HR)"]
    rate = f["bot.rate"].likely * f["location.index"].likely
    fee = 60 * next(m.commitment_hours for m in case.models if m.code == "bot") * rate / 12
    own_share = (
        fee * f["bot.run_cost_ratio"].likely / (fee * f["bot.run_cost_ratio"].likely + f["bot.entity_cost"].likely / 12)
    )
    expected = leavers_of(f) * (bot[PROVIDER_FEES] + after * own_share)
    assert bot["Attrition and replacement"] == pytest.approx(expected)


def test_vendor_management_is_a_share_of_the_fees_paid_month_by_month_not_of_the_transfer_fee() -> None:
    case = _collapsed(_case())
    share = case.figures["governance_share"].likely
    bot = _lines(_model(tco.simulate(case), "bot"))
    assert bot["Transfer fee"] > 0
    assert bot["Retained organisation and vendor management"] == pytest.approx(share * bot[PROVIDER_FEES])
    # With a seasonal peak the cover bought from the provider's pool is managed too.
    seasonal = _collapsed(_case(annual_hours=200_000, peak_share=0.6))
    lines = _lines(_model(tco.simulate(seasonal), "captive-team"))
    assert lines[PEAK_COVER] > 0
    assert lines["Retained organisation and vendor management"] == pytest.approx(
        share * (lines[PROVIDER_FEES] + lines[PEAK_COVER])
    )
