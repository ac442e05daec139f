"""An owned captive centre (GCC) costed with no provider: its staff at a provider's rate less the provider's margin,
hired over its launch while the work stays in-house, its entity only when the buyer has none there, its own set-up,
and no provider's set-up fee, transfer, contract, vendor-management or exit line (pure engine, no database)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from apps.playbooks.engine import tco
from apps.playbooks.engine.tco.simulate import BOT_HIRING, LAUNCH, OWN_CENTRE, OWN_HIRING, OWN_SETUP, PARALLEL
from tests.playbooks.test_tco import CATALOGUE, _collapsed, _model

PROVIDER_ONLY = (
    "Provider fees",
    "Set-up fee",
    "Transfer fee",
    "Contracting and due diligence",
    "Retained organisation and vendor management",
    "Exit and re-tendering",
)


def _case(**overrides: Any) -> tco.Case:
    args: dict[str, Any] = {
        **CATALOGUE,
        "function_code": "financial-analysis",
        "model_codes": ["own-centre", "bot"],
        "market": "us",
        "location_code": "india",
        "people": 60,
        "annual_hours": 120_000,
        "years": 5,
    }
    args.update(overrides)
    return tco.build_case(**args)


def _lines(m: tco.ModelTco) -> dict[str, float]:
    return {line.label: line.horizon[1] for line in m.lines}


def test_an_owned_centre_pays_no_provider_set_up_transfer_contract_or_exit() -> None:
    own = _model(tco.simulate(_case()), "own-centre")
    lines = _lines(own)
    # The in-house team carries the work until the centre has launched, so no launch shortfall is counted on top.
    assert OWN_CENTRE in lines and PARALLEL in lines and LAUNCH not in lines
    assert not set(PROVIDER_ONLY) & set(lines)
    bot = _lines(_model(tco.simulate(_case()), "bot"))
    assert bot["Set-up fee"] > 0 and bot["Transfer fee"] > 0


def test_its_run_cost_is_the_providers_rate_times_the_owned_cost_ratio_plus_the_entity() -> None:
    case = _collapsed(_case(years=1))
    f = case.figures
    own = _lines(_model(tco.simulate(case), "own-centre"))
    rate = f["own-centre.rate"].likely * f["location.index"].likely
    staff = 60 * 2000 * rate * f["bot.run_cost_ratio"].likely
    # Hired in a straight line over the launch: month m has (m + ½) ÷ launch months of the team on the payroll.
    launch = f["own.launch_months"].likely
    hired = sum(min(1.0, (month + 0.5) / launch) for month in range(12)) / 12
    assert own[OWN_CENTRE] == pytest.approx(staff * hired + f["own.entity_cost"].likely)
    assert 0.5 < hired < 0.6
    assert f["own.entity_cost"].likely == 120_000 and _case().figures["own.entity_cost"].weak


def test_a_buyer_with_an_entity_there_counts_none_and_the_figure_says_it_is_their_answer() -> None:
    without, with_entity = _case(), _case(own_entity=True)
    entity = with_entity.figures["own.entity_cost"]
    assert (entity.low, entity.likely, entity.high) == (0, 0, 0) and entity.supplied
    assert tco.seed_for(with_entity) != tco.seed_for(without)
    cost = [_model(tco.simulate(c), "own-centre").tco.horizon[1] for c in (without, with_entity)]
    assert cost[1] < cost[0]


def test_setting_up_the_centre_costs_what_bots_set_up_fee_pays_a_provider_for_once() -> None:
    setup = _case().figures["own.setup"]
    assert (setup.low, setup.likely, setup.high) == (50_000, 150_000, 300_000) and setup.weak
    case = _collapsed(_case(market="uk"))
    f = case.figures
    assert setup.label.endswith("(USD)")
    own = _model(tco.simulate(case), "own-centre")
    line = next(line for line in own.lines if line.label == OWN_SETUP)
    assert line.kind == "one_time" and line.horizon[1] == pytest.approx(150_000 * f["fx"].likely)
    # With an entity there already it stays: premises and recruiting are most of it.
    assert OWN_SETUP in _lines(_model(tco.simulate(_case(own_entity=True)), "own-centre"))
    # A catalogue frozen before the figure sets the centre up for nothing, with the seed it had.
    frozen = {
        **CATALOGUE["assumptions"],
        "own_centre": {"launch_months": CATALOGUE["assumptions"]["own_centre"]["launch_months"]},
    }
    old = _case(assumptions=frozen)
    assert "own.setup" not in old.figures and "centre.hiring" not in old.figures
    assert not {OWN_SETUP, OWN_HIRING} & set(_lines(_model(tco.simulate(old), "own-centre")))


def test_recruiting_the_centres_people_grows_with_them_and_the_set_up_band_stays_a_small_teams() -> None:
    # A 250-person centre recruits 250 people: a flat $50,000-300,000 would price them like a small team's.
    hiring = _case().figures["centre.hiring"]
    assert (hiring.low, hiring.likely, hiring.high) == (0.1, 0.2, 0.3) and hiring.weak
    costs = {}
    for people in (10, 250):
        case = _collapsed(_case(people=people, annual_hours=people * 2000, years=1))
        f = case.figures
        lines = _lines(_model(tco.simulate(case), "own-centre"))
        year = people * 2000 * f["own-centre.rate"].likely * f["location.index"].likely * f["bot.run_cost_ratio"].likely
        assert lines[OWN_HIRING] == pytest.approx(year * 0.2)
        assert lines[OWN_SETUP] == pytest.approx(150_000)
        costs[people] = lines[OWN_HIRING]
    assert costs[250] == pytest.approx(costs[10] * 25)
    assert costs[250] > 10 * 150_000  # $1.9m for 250 at the likely figures


def test_bots_provider_recruits_the_same_people_at_the_same_share_beside_its_flat_set_up_fee() -> None:
    case = _collapsed(_case(people=250, annual_hours=500_000, years=3))
    f = case.figures
    result = tco.simulate(case)
    bot, own = _lines(_model(result, "bot")), _lines(_model(result, "own-centre"))
    year = 250 * 2000 * f["bot.rate"].likely * f["location.index"].likely * f["bot.run_cost_ratio"].likely
    assert bot[BOT_HIRING] == pytest.approx(year * 0.2)
    assert bot["Set-up fee"] == pytest.approx(150_000)
    # The same people recruited at the same share, whoever recruits them, where the two rates are the same.
    if f["bot.rate"].likely == f["own-centre.rate"].likely:
        assert bot[BOT_HIRING] == pytest.approx(own[OWN_HIRING])
    # A catalogue frozen before the own centre's set-up was priced counts no recruiting for BOT either.
    frozen = {
        **CATALOGUE["assumptions"],
        "own_centre": {"launch_months": CATALOGUE["assumptions"]["own_centre"]["launch_months"]},
    }
    old = tco.simulate(_case(assumptions=frozen))
    assert BOT_HIRING not in _lines(_model(old, "bot"))


def _inputs_said(assumptions: dict[str, Any]) -> dict[str, str]:
    from apps.playbooks.engine.tco.estimate import total_cost

    estimate = total_cost(
        deliverables_asked=False,
        **{k: CATALOGUE[k] for k in ("catalogue_models", "functions", "locations")},
        assumptions=assumptions,
        function_code="financial-analysis",
        model_codes=["own-centre"],
        annual_hours=None,
        team_size=60,
        deliverables=None,
        horizon_years=5,
        home_market="us",
        location_code="india",
    )
    (own,) = estimate.models
    return {i.label: i.value for i in own.inputs}


def test_a_priced_set_up_is_not_also_said_to_be_not_counted() -> None:
    # The review of a 250-person centre read a $150,000 set-up line beside "Setting up …: not counted".
    assert "Setting up your entity, premises and leadership" not in _inputs_said(CATALOGUE["assumptions"])
    frozen = {
        **CATALOGUE["assumptions"],
        "own_centre": {"launch_months": CATALOGUE["assumptions"]["own_centre"]["launch_months"]},
    }
    assert _inputs_said(frozen)["Setting up your entity, premises and leadership"] == "not counted"


def test_the_launch_is_nirjix_9_to_14_months_and_with_no_team_in_house_its_shortfall_is_a_cost() -> None:
    case = _case()
    launch = case.figures["own.launch_months"]
    assert (launch.low, launch.likely, launch.high) == (9, 11.5, 14) and launch.weak
    assert "Nirjix" in launch.source
    # Work done once that no team of the buyer's does today runs nothing in parallel: what the centre's people do
    # not yet produce over the launch is then a line of its own, longer than a provider's ramp-up.
    surge = _collapsed(_case(weeks=40))
    assert surge.surge
    result = tco.simulate(surge)
    own, bot = _lines(_model(result, "own-centre")), _lines(_model(result, "bot"))
    assert LAUNCH in own and PARALLEL not in own
    assert own[LAUNCH] > bot["Ramp-up (fees that buy no output yet)"]


def test_the_launch_summed_in_closed_form_is_the_month_by_month_sum() -> None:
    from apps.playbooks.engine.tco.simulate import _Profiles

    launch = np.array([9.0, 11.5, 14.0])
    v = {
        "ramp.months": np.full(launch.size, 3.0),
        "own.launch_months": launch,
        "ramp.start_productivity": np.full(launch.size, 0.6),
        "location.inflation": np.full(launch.size, 0.07),
    }
    profiles = _Profiles(v, 24)
    name = "ramp:own.launch_months"
    assert np.allclose(profiles.total(name), profiles.monthly(name).sum(axis=1), rtol=1e-12)
    assert (profiles.total(name) > profiles.total("ramp")).all()


def test_cases_without_an_owned_centre_keep_their_figures_and_seed() -> None:
    case = _case(model_codes=["bot", "captive-team"])
    assert not any(k.startswith("own.") for k in case.figures)


def test_the_work_stays_in_house_until_the_centre_has_launched_so_it_breaks_even_after_the_launch() -> None:
    case = _collapsed(_case(model_codes=["own-centre", "captive-team"]))
    f = case.figures
    result = tco.simulate(case)
    own, team = _model(result, "own-centre"), _model(result, "captive-team")
    parallel = _lines(own)["Transition and knowledge transfer (parallel running)"]
    handover = _lines(team)["Transition and knowledge transfer (parallel running)"]
    # Both are months of the in-house cost of month 1: the launch's months, not the months a provider's team
    # hands over in.
    assert parallel / handover == pytest.approx(f["own.launch_months"].likely / f["transition.team"].likely)
    assert f["own.launch_months"].likely > f["transition.team"].likely * 3
    assert own.break_even_month is not None and own.break_even_month > f["own.launch_months"].likely
    formula = next(line.formula for line in own.lines if line.label.startswith("Transition"))
    assert "until the centre has launched" in formula
