"""The buyer's own figures in the total cost of ownership (their in-house cost, a provider's quote, the
staff displaced), and in-house pay for every knowledge function in the US, the UK and the euro area, each
figure with its one official series (or, where the cell could not be read, derived in the open and weak).
Through the pure engine (no database); tests/recommendations/test_buyer_cost_figures.py goes end to end."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from apps.common.sources import host_of
from apps.playbooks.engine import tco
from apps.playbooks.engine.tco.estimate import buyer_quotes
from apps.playbooks.engine.types import BUYER_FIGURE_ROLES
from apps.playbooks.lint import lint
from tests.playbooks.test_lint import findings, has, q
from tests.playbooks.test_tco import CATALOGUE, _case, _model

PLAYBOOK = Path(__file__).resolve().parents[2] / "apps" / "playbooks" / "reference" / "playbook.json"

ASSUMPTIONS: dict[str, Any] = CATALOGUE["assumptions"]
GROUPS: dict[str, Any] = ASSUMPTIONS["inhouse_salary"]
ENDS = ("low", "likely", "high")
# The official hosts for pay statistics (../shared/reference/primary-sources.md), and the NHS pay scale,
# which sets the pay of most UK clinical coders.
HOSTS = {"us": ("bls.gov",), "uk": ("ons.gov.uk", "nhsemployers.org"), "eu": ("ec.europa.eu",)}
OCCUPATION = re.compile(r"\b(SOC( 2020)? \d{2}-?\d{2,4}|ISCO-08 \d{3,4})\b")
YEAR = re.compile(r"\b20\d\d\b")


def _collapsed(case: tco.Case) -> tco.Case:
    """Every figure at its likely value, keeping whose figure it is."""
    return replace(case, figures={k: replace(f, low=f.likely, high=f.likely) for k, f in case.figures.items()})


def _line(lines: tuple[tco.Line, ...], label: str) -> tco.Line:
    return next(line for line in lines if line.label == label)


@pytest.mark.parametrize("function", sorted(CATALOGUE["functions"]))
@pytest.mark.parametrize("market", ["us", "uk", "eu"])
def test_every_function_has_in_house_pay_in_every_market_with_one_official_series(function: str, market: str) -> None:
    (group,) = [g for g in GROUPS.values() if function in g["functions"]]
    figure = group[market]
    assert figure["low"] <= figure["likely"] <= figure["high"]
    assert figure["unit"].startswith(tco.CURRENCIES[market])
    source = figure["source"]
    assert host_of(source["url"]) in HOSTS[market], source["url"]
    assert OCCUPATION.search(source["pinpoint"]), f"{function} ({market}): no occupation code in the pinpoint"
    assert YEAR.search(source["pinpoint"]), f"{function} ({market}): no release in the pinpoint"
    if "derived" in figure or "not read" in source["pinpoint"].lower():
        assert figure["confidence"] == "weak" and figure["note"], "a figure not read from its table is weak, with why"


def test_a_derived_figure_is_the_anchor_times_the_stated_us_ratio_at_each_percentile() -> None:
    """Where the UK or euro-area cell could not be read, the figure is the finance analysts' figure in that
    market × the ratio of the occupation's US pay to financial analysts' (BLS OEWS, same percentile),
    rounded to 500: the pinpoint states the ratios, and they recompute."""
    derived = 0
    for group in GROUPS.values():
        for market in ("uk", "eu"):
            figure = group[market]
            if "derived" not in figure:
                continue
            anchor = GROUPS[figure["derived"]["from"]]
            ratios = [group["us"][end] / anchor["us"][end] for end in ENDS]
            expected = [round(anchor[market][end] * r / 500) * 500 for end, r in zip(ENDS, ratios, strict=True)]
            assert [figure[end] for end in ENDS] == expected
            assert " / ".join(f"{r:.2f}" for r in ratios) in figure["source"]["pinpoint"]
            derived += 1
    assert derived >= 10


@pytest.mark.parametrize("market", ["uk", "eu"])
def test_a_uk_or_euro_buyer_is_costed_for_every_function_in_their_currency_never_from_us_pay(market: str) -> None:
    for function in CATALOGUE["functions"]:
        case = _case(market=market, function_code=function)
        salary = case.figures["inhouse.salary"]
        assert "BLS" not in salary.source.split(":")[0], function
        assert not case.inhouse_all_in and "inhouse.oncost" in case.figures
        assert tco.simulate(case).currency == tco.CURRENCIES[market]


def test_the_buyers_in_house_cost_replaces_the_benchmark_and_its_line_is_marked_theirs() -> None:
    own = _collapsed(_case(function_code="legal-review", people=3, own_inhouse_cost=(90_000, 90_000, 90_000)))
    result = tco.simulate(own)
    (line,) = result.inhouse_lines
    assert line.label == "Your loaded cost" and line.supplied
    # Three people at the buyer's cost for three years, with the home wage growth (3.5% likely) a year.
    growth = own.figures["inhouse.wage_growth"].likely
    assert line.horizon[1] == pytest.approx(3 * 90_000 * sum((1 + growth) ** y for y in range(3)))
    assert "inhouse.oncost" not in own.figures  # the benchmark's salary and its on-costs are gone


def test_a_buyer_elsewhere_is_costed_only_against_their_own_figure_in_dollars_with_a_weak_pay_rise() -> None:
    with pytest.raises(tco.TcoUnavailable, match="for a buyer elsewhere"):
        _case(market="other")
    own = _collapsed(_case(market="other", people=3, displaced=2, own_inhouse_cost=(60_000, 60_000, 60_000)))
    assert own.currency == "USD" and own.figures["fx"].likely == 1.0
    assert own.displaced == 0 and "inhouse.severance_months" not in own.figures  # no severance figure elsewhere
    growth = own.figures["inhouse.wage_growth"]
    assert growth.weak and growth.source.startswith("No published source")
    (line,) = tco.simulate(own).inhouse_lines
    assert line.label == "Your loaded cost" and line.supplied
    assert line.horizon[1] == pytest.approx(3 * 60_000 * sum((1 + growth.likely) ** y for y in range(3)))
    # A catalogue frozen before the band for pay rises elsewhere costs nothing against the figure.
    loaded = {k: v for k, v in ASSUMPTIONS["loaded_cost"].items() if k != "other"}
    frozen = {**ASSUMPTIONS, "loaded_cost": loaded}
    with pytest.raises(tco.TcoUnavailable, match="for a buyer elsewhere"):
        _case(market="other", assumptions=frozen, own_inhouse_cost=(60_000, 60_000, 60_000))


def test_a_benchmark_that_is_already_a_full_cost_is_never_called_the_buyers() -> None:
    functions = {"x": {"name": "US figure only", "inhouse_us": [45, 82.5, 120]}}
    result = tco.simulate(_case(function_code="x", functions=functions))
    (line,) = result.inhouse_lines
    assert line.label == "Loaded cost (benchmark)" and not line.supplied


def test_a_quote_replaces_the_provider_rate_as_the_providers_own_price() -> None:
    # Delivered from the Philippines (cost index 1.16): a benchmark rate is scaled by the index, a quote is not.
    quoted = _collapsed(_case(location_code="philippines", people=2, quotes={"captive-team": (20.0, 20.0, 20.0)}))
    result = tco.simulate(quoted)
    team = _model(result, "captive-team")
    fees = _line(team.lines, "Provider fees")
    assert fees.supplied and "your quoted rate" in fees.formula
    inflation = quoted.figures["location.inflation"].likely
    assert fees.horizon[1] == pytest.approx(2 * 2000 * 20 * sum((1 + inflation) ** y for y in range(3)))
    benchmark = _line(_model(result, "staff-augmentation").lines, "Provider fees")
    assert not benchmark.supplied
    rate = quoted.figures["staff-augmentation.rate"].likely
    hours = next(m.commitment_hours for m in quoted.models if m.code == "staff-augmentation")
    # 1.16 on the share of the function's rate that follows where the team is (all of it unless it blends a rate
    # for a team anywhere: tco.case.located_index).
    index = quoted.figures["location.index"].likely
    assert benchmark.horizon[1] == pytest.approx(2 * hours * rate * index * sum((1 + inflation) ** y for y in range(3)))


def test_a_pool_priced_from_a_quote_for_a_dedicated_person_carries_its_premium_and_no_location_index() -> None:
    # The quote is the base, as the benchmark's dedicated rate is: the pool's premium comes on top, the location's
    # cost index does not (the quote is the provider's own price), and the fees are not the buyer's figure as given.
    case = _collapsed(_case(people=2, quotes={"shared-pool": (30.0, 30.0, 30.0)}))
    fees = _line(_model(tco.simulate(case), "shared-pool").lines, "Provider fees")
    inflation = case.figures["location.inflation"].likely
    premium = case.figures["shared_pool_premium"].likely
    assert premium > 0
    assert fees.horizon[1] == pytest.approx(4000 * 30 * (1 + premium) * sum((1 + inflation) ** y for y in range(3)))
    assert not fees.supplied and "your quoted rate for a dedicated person × (1 + premium)" in fees.formula


def test_an_hourly_quote_prices_the_dedicated_models_and_the_pool_and_managed_and_a_deliverable_one_the_project() -> (
    None
):
    codes = ["captive-team", "staff-augmentation", "bot", "shared-pool", "managed-services", "project"]
    quotes = buyer_quotes(CATALOGUE["catalogue_models"], codes, quoted_rate=22, quoted_price=9_000)
    assert quotes == {
        "captive-team": (22.0, 22.0, 22.0),
        "staff-augmentation": (22.0, 22.0, 22.0),
        "bot": (22.0, 22.0, 22.0),
        "shared-pool": (22.0, 22.0, 22.0),
        "managed-services": (22.0, 22.0, 22.0),
        "project": (9_000.0, 9_000.0, 9_000.0),
    }
    assert buyer_quotes(CATALOGUE["catalogue_models"], codes, quoted_rate=0, quoted_price=None) == {}


def test_a_range_the_buyer_entered_swings_in_the_tornado_marked_as_theirs() -> None:
    model = _model(tco.simulate(_case(own_inhouse_cost=(80_000, 95_000, 120_000))), "captive-team")
    mine = [s for s in model.tornado if s.supplied]
    assert [s.label for s in mine] == ["Your in-house loaded cost per FTE-year"]
    assert not any(s.supplied for s in model.tornado if s not in mine)


def test_displaced_staff_are_a_one_time_severance_line_at_the_home_markets_months() -> None:
    case = _collapsed(_case(market="uk", function_code="actuarial", displaced=2))
    team = _model(tco.simulate(case), "captive-team")
    severance = _line(team.lines, "Severance")
    assert severance.kind == "one_time"
    salary, months = case.figures["inhouse.salary"].likely, case.figures["inhouse.severance_months"].likely
    grown = salary * (1 + case.figures["inhouse.pay_since"].likely)  # pay at the horizon's start, not the survey's
    assert severance.horizon[1] == pytest.approx(2 * grown / 12 * months)
    assert "Severance" not in {line.label for line in _model(tco.simulate(_case()), "captive-team").lines}
    assert severance.formula == "displaced people × monthly salary × months of severance, in month 1"


def test_severance_on_the_buyers_all_in_cost_says_it_counts_on_costs_too() -> None:
    case = _collapsed(_case(market="uk", function_code="actuarial", displaced=2, own_inhouse_cost=(95_000,) * 3))
    severance = _line(_model(tco.simulate(case), "captive-team").lines, "Severance")
    months = case.figures["inhouse.severance_months"].likely
    assert severance.horizon[1] == pytest.approx(2 * 95_000 / 12 * months)
    assert (
        "the monthly all-in cost of one person" in severance.formula and "read it as the upper end" in severance.formula
    )


@pytest.mark.parametrize("own", [None, (95_000,) * 3])
def test_severance_is_a_persons_pay_not_a_share_of_the_seasons_temporary_staff(own: Any) -> None:
    """Seasonal work kept in-house pays temporary staff for its peak beside the salaried team; a displaced person's
    severance is that person's month, as the formula says (a Dublin case read €93,600 for the formula's €90,000)."""
    even = _collapsed(_case(market="uk", function_code="actuarial", displaced=2, own_inhouse_cost=own))
    peak = _collapsed(_case(market="uk", function_code="actuarial", displaced=2, own_inhouse_cost=own, peak_share=0.6))
    assert "inhouse.temporary_premium" in peak.figures
    (a, b) = (_line(_model(tco.simulate(c), "captive-team").lines, "Severance").horizon for c in (even, peak))
    assert a == pytest.approx(b)


# Lint: the buyer's figures are optional numbers


@pytest.mark.parametrize("role", ["own_inhouse_cost", "quoted_rate", "quoted_price", "displaced_staff"])
def test_lint_refuses_a_buyer_figure_role_on_a_choice_question_and_warns_when_it_is_required(role: str) -> None:
    choice = findings(lambda d: q(d).append({"code": "x", "kind": "single", "role": role, "options": [{"code": "a"}]}))
    assert has(choice, "error", "x", f"the {role!r} role needs a number question"), choice
    required = findings(lambda d: q(d).append({"code": "x", "kind": "money", "role": role, "required": True}))
    assert has(required, "warning", "x", "make it optional"), required
    assert findings(lambda d: q(d).append({"code": "x", "kind": "money", "role": role, "required": False})) == []


def test_the_reference_playbook_asks_for_each_buyer_figure_optionally_behind_one_question() -> None:
    reference = json.loads(PLAYBOOK.read_text())
    questions = {q["code"]: q for s in reference["sections"] for q in s["questions"]}
    by_role = {q["role"]: q for q in questions.values() if q["role"]}
    for role in ("own_inhouse_cost", "quoted_rate", "quoted_price", "displaced_staff"):
        asked = by_role[role]
        assert not asked["required"] and asked["kind"] in ("integer", "money") and asked["visible_when"] == "all"
        behind = {"question": "own_figures", "op": "equals", "value": True} in asked["conditions"]
        # The staff who would leave are asked of every US, UK or EU buyer: moving their work out brings employment
        # law with it (transfer of undertakings, consultation), figures of one's own or not (review 54).
        assert behind == (role != "displaced_staff"), role
    assert not questions["own_figures"]["required"]
    definition = {**reference, "catalogue": {"models": {}, "regimes": {}, "locations": {}}}
    codes = {"own_figures", *(by_role[r]["code"] for r in BUYER_FIGURE_ROLES)}
    assert [f for f in lint(definition) if f.code in codes] == []


def test_a_uk_clinical_coding_team_is_costed_with_the_nhs_employers_pension_and_national_insurance() -> None:
    """UK clinical coders are mostly NHS staff on Agenda for Change bands 3 to 5, so their in-house cost carries the
    NHS Pension Scheme's employer rate (23.7% from April 2024, with the 0.08% levy) and employer National Insurance,
    not the general UK on-costs of a 3% auto-enrolment pension; every other occupation keeps the market's."""
    coding = _case(market="uk", function_code="medical-coding")
    oncost, salary = coding.figures["inhouse.oncost"], coding.figures["inhouse.salary"]
    assert (salary.low, salary.likely, salary.high) == (24_000, 28_000, 36_500)
    assert "Agenda for Change" in salary.source
    assert "NHS Pension Scheme" in oncost.source and "23.7%" in oncost.source
    # National Insurance at 15% above the £5,000 threshold, the pension with its levy, the Apprenticeship Levy.
    for share, pay in zip((oncost.low, oncost.likely, oncost.high), (24_000, 28_000, 36_500), strict=True):
        assert share == pytest.approx(0.15 * (pay - 5_000) / pay + 0.2378 + 0.005, abs=0.001)
    general = ASSUMPTIONS["loaded_cost"]["uk"]["oncost"]
    assert _case(market="uk", function_code="legal-review").figures["inhouse.oncost"].likely == general["likely"]
    assert _case(market="us", function_code="medical-coding").figures["inhouse.oncost"].likely == 0.42
    # The NHS pension makes the same team dearer to keep in-house than the general UK on-costs would.
    nhs = tco.simulate(_collapsed(coding))
    general_case = _collapsed(replace(coding, figures={**coding.figures, "inhouse.oncost": _general_uk_oncost()}))
    oncosts = "On-costs (employer taxes, benefits)"
    assert (
        _line(nhs.inhouse_lines, oncosts).horizon[1]
        > 1.8 * _line(tco.simulate(general_case).inhouse_lines, oncosts).horizon[1]
    )


def _general_uk_oncost() -> tco.Figure:
    general = ASSUMPTIONS["loaded_cost"]["uk"]["oncost"]
    return tco.Figure("On-costs, share of salary", general["low"], general["likely"], general["high"], "general")
