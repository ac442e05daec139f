"""Total cost of ownership: the Monte Carlo's promises, the worked example in docs/scoring.md, and the
catalogue's cost anchors, through the pure engine module (no database)."""

from __future__ import annotations

import json
import math
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from apps.playbooks.engine import tco

REFERENCE = Path(__file__).resolve().parents[2] / "apps" / "engagements" / "reference"


def _items(name: str) -> list[dict[str, Any]]:
    return json.loads((REFERENCE / name).read_text())["items"]


def _triple(item: dict[str, Any], key: str) -> list[float] | None:
    values = [item.get(f"{key}_low"), item.get(f"{key}_likely"), item.get(f"{key}_high")]
    return None if None in values else [float(v) for v in values if v is not None]


def _catalogue() -> dict[str, Any]:
    """The reference catalogue in the shape of a published playbook's snapshot."""
    models = {
        m["code"]: {**m, "order": m["display_order"], **{k: _triple(m, k) for k in ("rate", "price", "setup")}}
        for m in _items("engagement_models.json")
    }
    functions = {
        f["code"]: {**f, **{k: _triple(f, k) for k in ("kpo_rate", "inhouse_us", "inhouse_uk", "deliverable_price")}}
        for f in _items("knowledge_functions.json")
    }
    locations = {
        loc["code"]: {**loc, "cost_index": float(loc["cost_index"])} for loc in _items("delivery_locations.json")
    }
    assumptions = json.loads((REFERENCE / "cost_assumptions.json").read_text())
    return {"catalogue_models": models, "functions": functions, "locations": locations, "assumptions": assumptions}


CATALOGUE = _catalogue()


def _case(**overrides: Any) -> tco.Case:
    args: dict[str, Any] = {
        **CATALOGUE,
        "function_code": "equity-research",
        "model_codes": ["captive-team", "shared-pool", "bot", "staff-augmentation", "managed-services", "project"],
        "market": "us",
        "location_code": "india",
        "people": 4,
        "years": 3,
        "deliverables": 12,
    }
    args.update(overrides)
    return tco.build_case(**args)


def _collapsed(case: tco.Case) -> tco.Case:
    figures = {k: tco.Figure.point(f.label, f.likely, f.source) for k, f in case.figures.items()}
    return replace(case, figures=figures)


def _model(result: tco.TcoResult, code: str) -> tco.ModelTco:
    return next(m for m in result.models if m.code == code)


def test_same_inputs_give_the_same_figures_and_the_seed_comes_from_the_inputs() -> None:
    first, second = tco.simulate(_case()), tco.simulate(_case())
    assert first == second
    assert first.draws >= 10_000
    other = tco.simulate(_case(people=5))
    assert other.seed != first.seed
    assert _model(other, "captive-team").savings_p50 != _model(first, "captive-team").savings_p50


@pytest.mark.parametrize("market", ["us", "uk", "eu"])
def test_percentiles_are_ordered_and_probabilities_lie_between_0_and_1(market: str) -> None:
    result = tco.simulate(_case(market=market))
    assert result.inhouse.horizon[0] <= result.inhouse.horizon[2]
    for m in result.models:
        assert m.savings_p10 <= m.savings_p50 <= m.savings_p90, m.code
        assert 0.0 <= m.probability_saving <= 1.0
        assert m.tco.horizon[0] <= m.tco.horizon[2]
        assert m.savings_p10 < m.savings_p90  # real ranges give a real spread


def test_every_range_collapsed_to_one_value_collapses_the_distribution_to_the_point_estimate() -> None:
    result = tco.simulate(_collapsed(_case()))
    for m in result.models:
        assert m.savings_p10 == pytest.approx(m.savings_likely)
        assert m.savings_p50 == pytest.approx(m.savings_likely)
        assert m.savings_p90 == pytest.approx(m.savings_likely)
        low, likely, high = m.tco.horizon
        assert low == pytest.approx(likely) and high == pytest.approx(likely)
        assert m.probability_saving in (0.0, 1.0)
        assert m.tornado == ()


def _worked_example() -> tco.Case:
    """docs/scoring.md, "Worked example": two analysts in India for a US buyer, over two years."""
    f = tco.Figure.point
    figures = {
        "inhouse.salary": f("Salary", 99_010, "BLS OEWS"),
        "inhouse.oncost": f("On-costs", 0.42, "BLS ECEC"),
        "inhouse.overhead": f("Overhead", 0.15, "assumption"),
        "inhouse.management": f("Management", 0.10, "assumption"),
        "inhouse.recruiting": f("Recruiting", 0.20, "assumption"),
        "inhouse.attrition": f("In-house attrition", 0.12, "assumption"),
        "inhouse.wage_growth": f("Home wage growth", 0.035, "BLS ECI"),
        "inhouse.severance_months": f("Severance", 1.5, "assumption"),
        "fx": f("Exchange rate", 1.0, "none"),
        "location.index": f("Cost index", 1.0, "catalogue"),
        "location.inflation": f("Provider inflation", 0.07, "assumption"),
        "provider.attrition": f("Provider attrition", 0.18, "assumption"),
        "provider.replacement_months": f("Lost months per leaver", 1.5, "Zedtreeo"),
        "ramp.months": f("Ramp-up months", 3, "Zedtreeo"),
        "ramp.start_productivity": f("Start productivity", 0.6, "assumption"),
        "governance_share": f("Governance", 0.06, "Zedtreeo"),
        "transition.team": f("Parallel running", 2.5, "Zedtreeo"),
        "transition.light": f("Parallel running (light)", 0.5, "assumption"),
        "contracting": f("Contracting", 40_000, "assumption"),
        "exit_share": f("Exit", 0.10, "assumption"),
        "shared_pool_premium": f("Pool premium", 0.25, "assumption"),
        "managed_services_premium": f("Managed premium", 0.10, "assumption"),
        "captive-team.rate": f("Rate", 25, "Zedtreeo"),
    }
    return tco.Case(
        market="us",
        currency="USD",
        years=2,
        people=2,
        annual_hours=4000,
        deliverables=0,
        displaced=1,
        inhouse_all_in=False,
        figures=figures,
        models=(tco.ModelSpec("captive-team", "Dedicated captive team", "team", 2000),),
    )


def test_the_worked_example_in_the_docs_recomputes_month_by_month() -> None:
    """Recomputed here in plain arithmetic, month by month, as docs/scoring.md walks it."""
    result = tco.simulate(_worked_example())
    salary, people, months = 99_010, 2, 24
    inhouse_month0 = people * salary / 12 * (1 + 0.42 + 0.15 + 0.10 + 0.12 * 0.20)
    fee0 = 2 * 2000 * 25 / 12  # people × committed hours × rate ÷ 12
    inhouse = outsourced = 0.0
    cumulative, break_even = [], None
    for m in range(months):
        ih = inhouse_month0 * 1.035 ** (m // 12)
        fee = fee0 * 1.07 ** (m // 12)
        productivity = min(1.0, 0.6 + 0.4 * (m + 0.5) / 3)
        # The in-house team carries the work for the first 2.5 months: the ramp-up counts after that.
        after_parallel = 1 - min(max(2.5 - m, 0), 1)
        cost = fee + fee * (1 - productivity) * after_parallel + fee * 0.18 * 1.5 / 12 + fee * 0.06
        if m == 0:
            cost += 2.5 * inhouse_month0 + 40_000 + 1 * salary / 12 * 1.5
        if m == months - 1:
            cost += fee * 12 * 0.10
        inhouse, outsourced = inhouse + ih, outsourced + cost
        cumulative.append(inhouse - outsourced)
        # The break-even month: from it on the cumulative saving never goes below zero again.
        break_even = None if cumulative[-1] < 0 else (break_even or m + 1)
    model = _model(result, "captive-team")
    assert result.inhouse.horizon[1] == pytest.approx(inhouse)
    assert model.tco.horizon[1] == pytest.approx(outsourced)
    assert model.savings_likely == pytest.approx(inhouse - outsourced)
    assert model.break_even_month == break_even
    # The figures docs/scoring.md prints for this example.
    assert round(inhouse) == 682_632
    assert round(outsourced) == 357_316
    assert break_even == 7
    lines = {line.label: line.horizon[1] for line in model.lines}
    assert lines["Provider fees"] == pytest.approx(fee0 * 12 * (1 + 1.07))
    assert lines["Severance"] == pytest.approx(salary / 12 * 1.5)
    formula = next(line.formula for line in model.lines if line.label == "Ramp-up (fees that buy no output yet)")
    assert formula.endswith(
        "for the part of each month after parallel running (until then the in-house team"
        " carries the work, so what the new team does not yet produce costs nothing more)"
    )


def test_the_articles_anchors_hold_a_dedicated_team_60k_to_120k_per_fte_year_and_a_project_3k_to_50k() -> None:
    team = CATALOGUE["catalogue_models"]["captive-team"]
    project = CATALOGUE["catalogue_models"]["project"]
    fees = [tco.dedicated_annual_fee(r, people=1, commitment_hours=team["commitment_hours"]) for r in team["rate"]]
    assert fees == [60_000, 90_000, 120_000]
    prices = [tco.project_annual_fee(p, deliverables=1) for p in project["price"]]
    assert (prices[0], prices[2]) == (3_000, 50_000)
    # The simulation uses the same arithmetic: a function with no offshore rate of its own takes the
    # generic rate; one analyst-year at India's index, nothing else moving.
    functions = {"x": {"name": "No benchmark", "inhouse_us": [45, 82.5, 120]}}
    generic = tco.build_case(
        **{**CATALOGUE, "functions": functions},
        function_code="x",
        model_codes=["captive-team"],
        location_code="india",
        people=1,
        years=1,
    )
    for end, expected in (("low", 60_000), ("likely", 90_000), ("high", 120_000)):
        rate = tco.Figure.point("rate", getattr(generic.figures["captive-team.rate"], end), "article")
        case = _collapsed(replace(generic, figures={**generic.figures, "captive-team.rate": rate}))
        line = _model(tco.simulate(case), "captive-team").lines[0]
        assert line.label == "Provider fees"
        assert line.horizon == pytest.approx((expected, expected, expected))


def test_a_steady_four_person_team_over_three_years_costs_differently_as_bot_dedicated_and_shared_pool() -> None:
    result = tco.simulate(_case(model_codes=["captive-team", "bot", "shared-pool"]))
    totals = {m.code: m.tco.horizon[1] for m in result.models}
    assert len(set(totals.values())) == 3
    bot = {line.label: line for line in _model(result, "bot").lines}
    assert bot["Set-up fee"].horizon[1] > 0
    assert bot["Transfer fee"].horizon[1] > 0
    assert bot["Your own centre after transfer (staff, entity, facilities, HR)"].horizon[1] > 0
    pool = {line.label: line.horizon[1] for line in _model(result, "shared-pool").lines}
    team = {line.label: line.horizon[1] for line in _model(result, "captive-team").lines}
    # The pool bills the same hours at the dedicated rate plus its premium (25% likely).
    assert pool["Provider fees"] == pytest.approx(team["Provider fees"] * 1.25)
    for m in result.models:
        assert all(line.formula for line in m.lines)


def test_savings_vary_with_the_case() -> None:
    small = _model(tco.simulate(_case(people=2)), "captive-team")
    large = _model(tco.simulate(_case(people=12)), "captive-team")
    assert small.savings_likely != large.savings_likely
    assert small.savings_likely / 2 != pytest.approx(large.savings_likely / 12)


def test_a_uk_buyer_gets_pounds_and_uk_in_house_costs_from_uk_sources() -> None:
    case = _case(market="uk")
    result = tco.simulate(case)
    assert result.currency == "GBP"
    assert "ONS" in case.figures["inhouse.salary"].source
    assert "HMRC" in case.figures["inhouse.oncost"].source
    # The ECB's reference rates of 30 October 2026, crossed (review 144: those of 28 February 2025 were 22 months old).
    assert case.figures["fx"].likely == pytest.approx(0.7463)
    assert "30 October 2026" in case.figures["fx"].source
    us = _model(tco.simulate(_collapsed(_case())), "captive-team")
    uk = _model(tco.simulate(_collapsed(case)), "captive-team")
    us_fee = next(line for line in us.lines if line.label == "Provider fees").horizon[1]
    uk_fee = next(line for line in uk.lines if line.label == "Provider fees").horizon[1]
    assert uk_fee == pytest.approx(us_fee * 0.7463)
    # A function with only a US figure (a curator's new one) is never costed in dollars for a UK buyer.
    functions = {"x": {"name": "No UK benchmark", "inhouse_us": [45, 82.5, 120]}}
    with pytest.raises(tco.TcoUnavailable, match="No GBP in-house cost"):
        _case(market="uk", function_code="x", functions=functions)


def test_the_buyers_own_figures_are_marked_as_theirs() -> None:
    case = _case(market="uk", function_code="legal-review", own_inhouse_cost=(60_000, 70_000, 85_000),
                 quotes={"captive-team": (20, 22, 24)})  # fmt: skip
    assert case.figures["inhouse.salary"].supplied
    assert case.figures["captive-team.rate"].supplied
    assert not case.figures["bot.rate"].supplied
    assert case.inhouse_all_in
    assert tco.simulate(case).inhouse_lines[0].label == "Your loaded cost"


def test_a_model_dearer_than_in_house_is_an_extra_cost_never_a_saving() -> None:
    result = tco.simulate(_case(quotes={"captive-team": (150, 180, 220)}))
    dear = _model(result, "captive-team")
    assert dear.savings_likely < 0
    assert dear.extra_cost and dear.saving_label == "extra cost"
    assert dear.probability_saving < 0.5
    assert dear.break_even_month is None
    cheap = _model(result, "staff-augmentation")
    assert not cheap.extra_cost and cheap.saving_label == "saving"


def test_the_tornado_puts_the_widest_swing_first_and_names_the_input() -> None:
    model = _model(tco.simulate(_case()), "captive-team")
    widths = [round(s.width, 2) for s in model.tornado]  # by the cent: equal swings keep their labels' order
    assert widths == sorted(widths, reverse=True)
    # Equity research's rate reaches from the vendor's $15 to the dedicated-team $60 an hour: the widest swing.
    assert model.tornado[0].label == "Dedicated team at the provider: hourly rate (USD)"
    rate = model.tornado[0]
    assert rate.saving_at_high < model.savings_likely < rate.saving_at_low  # a dearer rate saves less
    assert "In-house salary per FTE-year" in [s.label for s in model.tornado[1:]]


def test_a_project_without_a_deliverable_count_is_priced_by_its_hours() -> None:
    case = _case(deliverables=None)
    project = next(m for m in case.models if m.code == "project")
    assert project.sized.startswith("with no number of deliverables to price it by") and not case.skipped
    assert "project.rate" in case.figures and "project.price" not in case.figures
    # Priced as a project too large for the benchmark's price is (one deliverable a year): by its hours, at the same
    # rate with the managed-services premium, so at every figure's likely value it saves the same.
    whole = _case(deliverables=1)
    assert next(m for m in whole.models if m.code == "project").sized.startswith("the benchmark price per deliverable")
    unknown = _model(tco.simulate(_collapsed(case)), "project").savings_likely
    assert unknown == pytest.approx(_model(tco.simulate(_collapsed(whole)), "project").savings_likely)


def test_a_deliverable_that_is_not_a_projects_size_is_priced_by_its_hours_not_at_the_project_benchmark() -> None:
    # Four people's 8,000 hours; the project benchmark likely $26,500 each; equity research's rates $15-$60 an hour,
    # likely $35. 11 deliverables come to $36.44 an hour, above the likely rate, and 27 to $89.44, within 1.5x the
    # highest rate ($90), so the benchmark prices them. 28 come to $92.75 and 54 to $178.88, beyond what a fixed
    # price could come to: smaller pieces of work than the benchmark's projects; 55 to $182, beyond 3x the highest
    # rate: another unit. 8 come to $26.50 and 7 to $23.19, under what the function's providers typically charge, and 1
    # to $3.31, far under: larger pieces of work (a season bought whole). Every one of them is priced by its hours.
    for count in (11, 15, 16, 27):
        project = next(m for m in _case(deliverables=count).models if m.code == "project")
        assert project.sized == ""
    sized = {
        28: "would come to $92.75 an hour over your 8,000 hours of work, more than the $90 a fixed price could",
        54: "would come to $179 an hour over your 8,000 hours of work, more than the $90 a fixed price could",
        55: "would come to $182 an hour over your 8,000 hours of work, far above the $15–$60",
        1_000: "would come to $3,312 an hour over your 8,000 hours of work, far above the $15–$60",
        8: "would come to $26.50 an hour over your 8,000 hours of work, below the $35 an hour",
        7: "would come to $23.19 an hour over your 8,000 hours of work, below the $35 an hour",
        3: "would come to $9.94 an hour over your 8,000 hours of work, below the $35 an hour",
        1: "would come to $3.31 an hour over your 8,000 hours of work, below the $35 an hour",
    }
    for count, words in sized.items():
        case = _case(deliverables=count)
        project = next(m for m in case.models if m.code == "project")
        assert case.skipped == () and "project.price" not in case.figures
        assert words in project.sized, (count, project.sized)
        assert "priced by its hours, as a managed service is" in project.sized
        assert case.figures["project.rate"].likely == 35
    assert (
        "larger pieces of work than the projects it prices"
        in next(m for m in _case(deliverables=1).models if m.code == "project").sized
    )
    # The buyer's own quote per deliverable is their price, so it is costed at it whatever the count.
    quoted = _case(deliverables=1_000, quotes={"project": (60.0, 60.0, 60.0)})
    project = next(m for m in quoted.models if m.code == "project")
    assert project.sized == "" and quoted.figures["project.price"].likely == 60 and quoted.skipped == ()


def test_a_project_of_smaller_deliverables_is_priced_by_its_hours_as_a_managed_service_is() -> None:
    # Collapsed to likely figures: 31 deliverables priced by the hours pay 8,000 h × $35 × (1 + 10% managed-services
    # premium) a year, against 15 at the benchmark's $26,500 each; every other line of a project is the same.
    sized = tco.simulate(_collapsed(_case(deliverables=31, model_codes=["project"])))
    priced = tco.simulate(_collapsed(_case(deliverables=15, model_codes=["project"])))
    fees = [
        next(ln for ln in _model(r, "project").lines if ln.label == "Provider fees").horizon[1] for r in (sized, priced)
    ]
    assert fees[0] / fees[1] == pytest.approx(8_000 * 35 * 1.10 / (15 * 26_500))


def test_work_no_benchmark_covers_says_so_and_never_that_the_answer_is_missing() -> None:
    with pytest.raises(tco.TcoUnavailable, match="^No cost benchmark covers this kind of knowledge work"):
        _case(function_code="other")
    with pytest.raises(tco.TcoUnavailable, match="^The knowledge function is not answered"):
        _case(function_code="")


def test_bad_ranges_and_missing_inputs_are_refused_with_a_reason() -> None:
    with pytest.raises(ValueError, match="low ≤ likely ≤ high"):
        tco.Figure("rate", 10, 5, 20, "x")
    with pytest.raises(tco.TcoUnavailable, match="Neither annual hours nor team size"):
        _case(people=None)
    with pytest.raises(tco.TcoUnavailable, match="home market"):
        _case(market="jp")
    with pytest.raises(tco.TcoUnavailable, match="horizon must be 1 to 10 years"):
        _case(years=0)
    with pytest.raises(tco.TcoUnavailable, match="must be positive"):
        _case(people=-3)
    with pytest.raises(tco.TcoUnavailable, match="not negative"):
        _case(displaced=-1)


def test_break_even_comes_later_when_one_time_costs_are_higher() -> None:
    base = _collapsed(_case(model_codes=["captive-team"]))
    dearer = {**base.figures, "contracting": tco.Figure.point("Contracting", 400_000, "x")}
    early = _model(tco.simulate(base), "captive-team").break_even_month
    late = _model(tco.simulate(replace(base, figures=dearer)), "captive-team").break_even_month
    assert early is not None and late is not None and late > early
    assert math.isfinite(late)


def test_the_percentiles_match_numpys_percentile() -> None:
    from apps.playbooks.engine.tco.simulate import _percentiles

    rows = np.random.default_rng(7).lognormal(size=(4, 10_001)) * 1e6
    for row in rows:
        # Single precision keeps seven significant digits: well inside a cent on a million.
        assert np.allclose(_percentiles(row), np.percentile(row, [10, 50, 90]), rtol=1e-6, atol=0)
    assert _percentiles(np.array([42.5])) == (42.5, 42.5, 42.5)


def test_the_percentiles_are_the_sorted_draws_to_the_bit() -> None:
    """The ranks are read from a bracket of the draws, not a sort of them all: the values are the sorted array's,
    bracket missed or not (a tight spread, ties, zeros of either sign, NaN and infinity, a few draws)."""
    from apps.playbooks.engine.tco.simulate import RANKS, _percentiles

    def by_sort(row: np.ndarray) -> tuple[float, ...]:
        ranked = np.sort(row.astype(np.float32))
        last = ranked.size - 1
        out = []
        for rank in RANKS:
            below = int(rank * last)
            weight = rank * last - below
            out.append(float(ranked[below]) * (1 - weight) + float(ranked[min(below + 1, last)]) * weight)
        return tuple(out)

    rng = np.random.default_rng(11)
    rows = [rng.lognormal(rng.normal(10, 3), rng.random() * 3, 10_000) * rng.choice([-1, 1]) for _ in range(300)]
    for n in (10_000, 10_001, 2_000, 1_999, 3):
        rows += [
            rng.integers(0, 5, n).astype(float),
            np.where(rng.random(n) < 0.5, -0.0, 0.0),
            np.full(n, 3.0),
            np.sort(rng.random(n))[::-1].copy(),
            np.where(rng.random(n) < 0.3, np.nan, rng.random(n)),
            np.where(rng.random(n) < 0.05, np.inf, rng.random(n)),
        ]
    for row in rows:
        assert np.array(_percentiles(row)).tobytes() == np.array(by_sort(row)).tobytes()
    assert _percentiles(rows[0], (0.10, 0.90)) == tuple(by_sort(rows[0])[::2])


def test_the_draws_are_numpys_triangular_draws_from_the_same_seed() -> None:
    """The branch-free inverse of the distribution function draws what numpy's triangular generator draws
    from the same uniforms, figure by figure, a figure without a range drawing none."""
    from apps.playbooks.engine.tco.simulate import _draw

    f = tco.Figure
    figures = [f("a", 1, 2, 5, "x"), f("b", 3, 3, 3, "x"), f("c", 0, 0, 1, "x"), f("d", 10, 20, 20, "x")]
    drawn = _draw(np.random.default_rng(11), figures, 5_000)
    numpys = np.random.default_rng(11).triangular([[1], [0], [10]], [[2], [0], [20]], [[5], [1], [20]], (3, 5_000))
    assert drawn[1].tolist() == [3.0]
    for mine, theirs in zip([drawn[0], drawn[2], drawn[3]], numpys, strict=True):
        assert np.allclose(mine, theirs, rtol=1e-12, atol=1e-12)


def test_the_ramp_up_summed_in_closed_form_is_the_month_by_month_sum() -> None:
    from apps.playbooks.engine.tco.simulate import _Profiles

    ramp = np.array([0.4, 1.0, 2.5, 3.0, 5.7, 14.2, 30.0])  # within a year, across years, past the horizon
    v = {
        "ramp.months": ramp,
        "ramp.start_productivity": np.full(ramp.size, 0.6),
        "location.inflation": np.linspace(0.0, 0.1, ramp.size),
    }
    profiles = _Profiles(v, 24)
    assert np.allclose(profiles.total("ramp"), profiles.monthly("ramp").sum(axis=1), rtol=1e-12)


@pytest.mark.parametrize("last_share", [1.0, 0.31])
def test_the_ramp_up_after_parallel_running_counts_only_the_months_no_in_house_team_carries(last_share: float) -> None:
    from apps.playbooks.engine.tco.simulate import _Profiles

    ramp = np.array([0.4, 1.0, 2.5, 3.0, 3.0, 3.0, 5.7, 14.2, 30.0])
    parallel = np.array([0.0, 2.0, 2.5, 2.5, 0.5, 3.0, 2.2, 13.6, 0.0])
    v = {
        "ramp.months": ramp,
        "transition.team": parallel,
        "ramp.start_productivity": np.full(ramp.size, 0.6),
        "location.inflation": np.linspace(0.0, 0.1, ramp.size),
    }
    months = 24 if last_share == 1.0 else 3  # a piece of work done once ends part-way through its last month
    profiles = _Profiles(v, months, last_share)
    after, whole = profiles.total("ramp>transition.team"), profiles.total("ramp")
    assert np.allclose(after, profiles.monthly("ramp>transition.team").sum(axis=1), rtol=1e-12)
    # Month by month in plain arithmetic: the idle share of month m, times the part of it after parallel running.
    for i in range(ramp.size):
        expected = 0.0
        for m in range(months):
            idle = 0.4 * max(0.0, 1 - (m + 0.5) / ramp[i])
            share = last_share if m == months - 1 else 1.0
            expected += (
                idle * (1 - min(max(parallel[i] - m, 0), 1)) * share * (1 + v["location.inflation"][i]) ** (m // 12)
            )
        assert after[i] == pytest.approx(expected, rel=1e-12, abs=1e-15)
    # Nothing in parallel: the whole ramp-up; parallel running past the ramp-up: none of it.
    assert after[0] == pytest.approx(whole[0]) and after[-1] == pytest.approx(whole[-1])
    assert after[5] == 0.0 and (after <= whole + 1e-12).all()
    # 3 months of ramp-up with 2.5 in parallel leave half of month 3's idle share, 0.4 × (1 − 2.5 ÷ 3) ÷ 2.
    assert after[3] == pytest.approx(0.4 / 6 / 2 * (1 if months == 24 else last_share))


def test_inputs_that_move_the_saving_equally_are_listed_by_name() -> None:
    # On-costs and management are both a share of salaries with the same spread in the UK: equal swings.
    model = _model(tco.simulate(_case(market="uk")), "captive-team")
    labels = [s.label for s in model.tornado]
    on_costs, management = labels.index("On-costs, share of salary"), labels.index("Management, share of salary")
    assert model.tornado[on_costs].width == pytest.approx(model.tornado[management].width)
    assert management < on_costs


def test_the_evaluation_reuses_a_simulated_case_only_when_every_figure_and_word_is_the_same() -> None:
    from apps.playbooks.engine.tco.estimate import simulated

    case = _case(people=7)
    first = simulated(case)
    assert simulated(_case(people=7)) is first  # the same case built again: not drawn again
    assert first == tco.simulate(case)  # and the same figures as drawing it again
    relabelled = {**case.figures, "fx": replace(case.figures["fx"], label="Another label")}
    assert simulated(replace(case, figures=relabelled)) is not first
    assert simulated(_case(people=8)) != first


def test_in_house_the_work_costs_the_hours_it_needs_while_a_dedicated_team_is_paid_for_every_seat() -> None:
    """Two people at full capacity but 1,000 hours a year: in-house that is half a person's year (the people do
    other work between peaks); a dedicated provider team still bills both seats in full."""
    full = tco.simulate(_worked_example())
    light_case = replace(_worked_example(), annual_hours=1000)
    light = tco.simulate(light_case)
    assert light_case.inhouse_fte == 0.5 and _worked_example().inhouse_fte == 2
    assert light.inhouse.horizon[1] == pytest.approx(full.inhouse.horizon[1] / 4)

    def fees(result: tco.TcoResult) -> Any:
        return next(line.horizon for line in _model(result, "captive-team").lines if line.label == "Provider fees")

    assert fees(light) == pytest.approx(fees(full))
    # Never more than the people answered: 10,000 hours from two people is still two people's cost.
    assert replace(_worked_example(), annual_hours=10_000).inhouse_fte == 2


def test_a_project_or_a_pool_is_contracted_on_a_short_statement_of_work_and_an_older_playbook_keeps_one_figure() -> (
    None
):
    def contracting(result: tco.TcoResult, code: str) -> Any:
        return next(x.horizon for x in _model(result, code).lines if x.label == "Contracting and due diligence")

    result = tco.simulate(_collapsed(_case()))
    light, full = CATALOGUE["assumptions"]["contracting_light"], CATALOGUE["assumptions"]["contracting"]
    assert contracting(result, "shared-pool") == pytest.approx((light["likely"],) * 3)
    # A project running for years the size of a team of three or more (four people here) is contracted as a team is
    # (review 127: $12m of project fees over 4 years had had the lighter figure).
    for code in ("project", "captive-team", "staff-augmentation", "managed-services", "bot"):
        assert contracting(result, code) == pytest.approx((full["likely"],) * 3)
    # One or two people's project, or a piece of work done once, keeps the lighter one.
    for small in (_case(people=2, annual_hours=3000), _case(weeks=10)):
        assert contracting(tco.simulate(_collapsed(small)), "project")[1] <= light["likely"]
    # Whatever the model (review 133: a managed service for 13 weeks' work had the full figure).
    once = tco.simulate(_collapsed(_case(weeks=10)))
    for code in ("captive-team", "staff-augmentation", "managed-services"):
        assert contracting(once, code)[1] <= light["likely"], code
    # Never for work supporting a critical or important function, whose contract carries the terms its regulator
    # requires (review 136: a bank's critical modelling for 20 weeks had £3,970), nor a pool or two people's then.
    for critical in (_case(weeks=10, negotiated=True), _case(people=2, annual_hours=3000, negotiated=True)):
        result = tco.simulate(_collapsed(critical))
        for code in ("captive-team", "staff-augmentation", "managed-services", "shared-pool", "project"):
            assert contracting(result, code) == pytest.approx((full["likely"],) * 3), code
    assert tco.seed_for(_case(negotiated=True)) != tco.seed_for(_case())
    # A piece of work done once over more than half a year is a large purchase too (review 130: $3m over 52 weeks).
    assert contracting(tco.simulate(_collapsed(_case(weeks=52))), "project") == pytest.approx((full["likely"],) * 3)
    # A playbook published before the lighter figure existed froze assumptions without it: one figure for all.
    older = {k: v for k, v in CATALOGUE["assumptions"].items() if k != "contracting_light"}
    before = tco.simulate(_collapsed(_case(assumptions=older)))
    assert contracting(before, "project") == pytest.approx((full["likely"],) * 3)


def test_one_or_two_named_people_are_contracted_as_a_project_is_and_three_as_a_team() -> None:
    # Review 115: one staff-augmentation analyst was contracted for $40,000, a provider-run team's due diligence.
    def contracting(result: tco.TcoResult, code: str) -> Any:
        return next(x.horizon for x in _model(result, code).lines if x.label == "Contracting and due diligence")

    light, full = CATALOGUE["assumptions"]["contracting_light"], CATALOGUE["assumptions"]["contracting"]
    for people in (1, 2):
        result = tco.simulate(_collapsed(_case(people=people)))
        for code in ("captive-team", "staff-augmentation"):
            assert contracting(result, code) == pytest.approx((light["likely"],) * 3), (people, code)
        for code in ("managed-services", "bot"):
            assert contracting(result, code) == pytest.approx((full["likely"],) * 3), (people, code)
    three = tco.simulate(_collapsed(_case(people=3)))
    assert contracting(three, "staff-augmentation") == pytest.approx((full["likely"],) * 3)


def test_ten_weeks_of_work_are_costed_for_ten_weeks_the_last_month_in_part() -> None:
    case = _collapsed(_case(model_codes=["captive-team", "shared-pool"], people=4, annual_hours=1600, weeks=10))
    assert case.years == 1 and case.months == pytest.approx(10 * 12 / 52) and case.surge
    assert case.inhouse_fte == 4  # 1,600 hours in 10 weeks keep all four busy
    result = tco.simulate(case)
    v = {k: f.likely for k, f in case.figures.items()}
    team = {line.label: line.horizon[1] for line in _model(result, "captive-team").lines}
    # Four seats for 10 weeks: 10/52 of a committed year each, at the rate and India's index (1.00).
    assert team["Provider fees"] == pytest.approx(4 * 2000 * 10 / 52 * v["captive-team.rate"], rel=1e-9)
    assert "Transition and knowledge transfer (parallel running)" not in team and "Exit and re-tendering" not in team
    # The ramp-up is counted only for the 2.31 months that exist, so it is less than the fees that buy no output
    # over a full 3-month ramp-up.
    monthly = 4 * 2000 * v["captive-team.rate"] / 12
    assert 0 < team["Ramp-up (fees that buy no output yet)"] < monthly * 3 * (1 - v["ramp.start_productivity"])
    # No team of the buyer's runs in parallel, so the whole ramp-up counts and its formula does not say otherwise.
    ramp = next(x for x in _model(result, "captive-team").lines if x.label == "Ramp-up (fees that buy no output yet)")
    assert "parallel" not in ramp.formula
    pool = {line.label: line.horizon[1] for line in _model(result, "shared-pool").lines}
    # The pool bills the work's 1,600 hours once, not a year's share of them.
    assert pool["Provider fees"] == pytest.approx(1600 * v["shared-pool.rate"] * (1 + v["shared_pool_premium"]))
    # People taken on for the work are not replaced as they leave: the premium prices taking them on.
    assert "Recruiting to replace leavers" not in {line.label for line in result.inhouse_lines}
    whole_year = tco.simulate(_collapsed(_case(model_codes=["captive-team"], people=4, annual_hours=1600)))
    assert "Recruiting to replace leavers" in {line.label for line in whole_year.inhouse_lines}
    premium = [line for line in result.inhouse_lines if line.label.startswith("Temporary staff premium")]
    assert premium and premium[0].horizon[1] == pytest.approx(
        sum(line.horizon[1] for line in result.inhouse_lines if line not in premium) * v["inhouse.temporary_premium"]
    )


def test_a_whole_year_case_keeps_its_seed_and_figures_when_weeks_are_not_given() -> None:
    assert tco.seed_for(_case()) == tco.seed_for(_case(weeks=0))
    assert tco.seed_for(_case(weeks=10)) != tco.seed_for(_case())


@pytest.mark.parametrize(
    "overrides",
    [
        {},
        {"market": "uk", "location_code": "poland", "people": 2, "years": 5},
        {"market": "eu", "location_code": "philippines", "displaced": 3, "people": 9, "years": 1},
        {"quotes": {"captive-team": (150, 180, 220)}, "own_inhouse_cost": (60_000, 70_000, 85_000)},
        {"location_code": None, "deliverables": None, "annual_hours": 1_500},
        {"people": 4, "annual_hours": 1_600, "weeks": 10},
        {"model_codes": ["own-centre", "bot"], "people": 60, "years": 5},
        {"model_codes": ["own-centre"], "people": 60, "years": 5, "own_entity": True},
    ],
)
def test_the_savings_alone_are_the_whole_simulations_figures_for_the_same_case(overrides: dict[str, Any]) -> None:
    """A cheaper location's comparison reads only each model's total and saving (``savings_only``): they are the
    whole simulation's, to the bit, however the case is made (one model or several)."""
    case = _case(**overrides)
    for models in (case.models, case.models[:1]):
        one = replace(case, models=models)
        whole = {m.code: m for m in tco.simulate(one).models}
        alone = tco.savings_only(one)
        assert [m.code for m in alone] == list(whole)
        for m in alone:
            full = whole[m.code]
            assert m.horizon == full.tco.horizon
            assert (m.savings_p10, m.savings_likely, m.savings_p90) == (
                full.savings_p10,
                full.savings_likely,
                full.savings_p90,
            )
            assert m.probability_saving == full.probability_saving


@pytest.mark.parametrize(
    ("cumulative", "month"),
    [
        ([5.0, 6.0], 1),
        ([0.0], 1),
        ([-3.0, 1.0, 2.0], 2),
        ([2.0, -1.0, 4.0], 3),  # back below zero in month 2: it breaks even again, for good, in month 3
        ([-3.0, 1.0, -0.5], None),  # reached zero, then a one-off in the last month took it back below
        ([-1.0, -2.0], None),
        ([], None),
    ],
)
def test_break_even_is_the_month_from_which_the_saving_stays_at_or_above_zero(
    cumulative: list[float], month: int | None
) -> None:
    from apps.playbooks.engine.tco.simulate import break_even

    assert break_even(np.array(cumulative)) == month


def test_an_option_dearer_than_in_house_over_the_horizon_shows_no_break_even() -> None:
    """Whatever month the running saving first reaches zero, an option whose likely cost over the horizon is above
    in-house never breaks even (a BOT transfer fee or the exit can take the saving back below in a later month)."""
    dearer = 0
    for own_cost in (90_000, 100_000, 110_000):
        # From Colombia, 30 people over 3 years: the dedicated team's running saving first reaches zero in month 35
        # at 90,000 and BOT's in month 24 at 100,000, before the exit and the transfer fee take them back below.
        case = _case(
            people=30, own_inhouse_cost=(own_cost,) * 3, location_code="colombia", model_codes=["bot", "captive-team"]
        )
        for m in tco.simulate(case).models:
            if m.savings_likely < 0:
                dearer += 1
                assert m.break_even_month is None, (own_cost, m.code)
            else:
                assert m.break_even_month is not None and 1 <= m.break_even_month <= 36
    assert dearer >= 2


def test_a_small_project_is_contracted_for_at_most_a_quarter_of_its_fees() -> None:
    def contracting(case: tco.Case, code: str) -> float:
        found = next(x for x in _model(tco.simulate(case), code).lines if x.label == "Contracting and due diligence")
        return found.horizon[1]

    # One $3,500 search (a quote per deliverable): contracting it for the short statement of work's $5,000 would
    # cost more than the work; a quarter of its fees is $875.
    small = _collapsed(
        _case(model_codes=["project"], people=1, annual_hours=40, deliverables=1, quotes={"project": (3_500.0,) * 3})
    )
    assert contracting(small, "project") == pytest.approx(875)
    # Work done once in 10 weeks: a quarter of the whole work's fees.
    short = _collapsed(
        _case(
            model_codes=["project"],
            people=1,
            annual_hours=60,
            deliverables=2,
            weeks=10,
            quotes={"project": (1_000.0,) * 3},
        )
    )
    assert contracting(short, "project") == pytest.approx(0.25 * 2_000)
    # Two people's twelve-deliverable project is large enough to carry the whole lighter figure.
    two = _collapsed(_case(people=2, annual_hours=3000))
    assert contracting(two, "project") == CATALOGUE["assumptions"]["contracting_light"]["likely"]


def test_work_no_benchmark_covers_costs_only_the_models_the_buyers_own_quote_prices() -> None:
    # Both sides the buyer's: its loaded cost and a quote. A project, which the hourly quote does not price, is left
    # out with why; nothing of the catalogue's prices work it has no benchmark for.
    case = _case(
        function_code="other",
        own_inhouse_cost=(140_000.0, 140_000.0, 140_000.0),
        quotes={"captive-team": (35.0, 35.0, 35.0), "shared-pool": (35.0, 35.0, 35.0)},
    )
    assert [m.code for m in case.models] == ["captive-team", "shared-pool"]
    assert all(m.quoted for m in case.models)
    skipped = dict(case.skipped)
    assert skipped["Project-based engagement"] == tco.case.OWN_FIGURES_ONLY
    assert case.figures["inhouse.salary"].supplied
    # Without the buyer's own cost, or without a quote, no benchmark still means no cost.
    for missing in ({"quotes": None, "own_inhouse_cost": (140_000.0,) * 3}, {"quotes": {"captive-team": (35.0,) * 3}}):
        with pytest.raises(tco.TcoUnavailable, match="^No cost benchmark covers this kind of knowledge work"):
            _case(function_code="other", **missing)
