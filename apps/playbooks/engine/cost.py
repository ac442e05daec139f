"""The cost estimate: each top engagement model against keeping the work in-house.

A playbook published with the cost assumptions (``catalogue.cost_assumptions``) is costed as a total cost
of ownership (``total_cost``: the ``tco`` package's seeded Monte Carlo, in the home market's currency, every
line explained and every figure sourced). A playbook published before them is costed as it was then
(``estimate``, below), so its answers give the figures they always gave.

The rate × hours estimate: all figures are US dollars as (low, likely, high). Formulas, by the model's pricing basis:
- monthly_team (dedicated team at the provider): people x committed hours x hourly rate
- per_deliverable (project): deliverables per year x price per deliverable
- hourly (shared pool) and outcome (managed services): annual hours x hourly rate
- setup_plus_hourly (build-operate-transfer): set-up + operate phase (people x committed hours / 12
  x months to transfer x provider rate) + after transfer (remaining months at the function's
  offshore benchmark, the buyer now owning the team)
In-house: annual hours x the function's in-house hourly cost in the home market.
The function's own benchmark (hourly rate, project price) is used when the catalogue has one, as the
more specific figure; the engagement model's generic figure is the fallback.
docs/scoring.md walks through each formula with a worked example.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from apps.common.formatting import money, number, period, significant, usd_range
from apps.common.formatting import years as in_years
from apps.playbooks.engine.requirements import sources_naming
from apps.playbooks.engine.tco.case import WEAK_MARK
from apps.playbooks.engine.tco.types import Line, SavingSpread, Swing, Tco, no_benchmark

Triple = tuple[float, float, float]
DEFAULT_COMMITMENT = 2000
DEFAULT_HORIZON = 3
# The significant figures a total cost of ownership's amounts are shown to (``CostEstimate.significant_figures``).
SHOWN_FIGURES = 3


@dataclass(frozen=True)
class Input:
    label: str
    value: str
    source: str = ""


@dataclass(frozen=True)
class ModelCost:
    model: str
    name: str
    basis: str
    annual: Triple
    horizon: Triple
    savings: Triple  # in-house minus KPO over the horizon: (worst, likely, best)
    savings_percent: float | None
    formula: str
    inputs: tuple[Input, ...]
    weak: bool
    # The total cost of ownership (None when costed as rate × hours): one-time, annual and horizon as
    # (P10, likely, P90); the saving's percentiles; the probability it costs less than in-house; the month
    # the cumulative saving turns positive; every line with its formula; the inputs that move it most.
    tco: Tco | None = None
    savings_p10: float | None = None
    savings_p50: float | None = None
    savings_p90: float | None = None
    probability_saving: float | None = None
    break_even_month: int | None = None
    lines: tuple[Line, ...] = ()
    tornado: tuple[Swing, ...] = ()
    # Its likely cost exceeds in-house: shown as "costs more than in-house", never as a saving.
    extra_cost: bool = False
    # The saving without in-house's temporary staff premium (``ModelTco.without_premium``).
    without_premium: SavingSpread | None = None


@dataclass(frozen=True)
class Figure:
    """One input of the total cost of ownership as shown: its range in words and its one source."""

    key: str
    label: str
    low: float
    likely: float
    high: float
    value: str
    source: str
    supplied: bool = False  # the buyer's own figure (their in-house cost, a quote)
    weak: bool = False


@dataclass(frozen=True)
class ProviderFees:
    """What one engagement model would likely cost, in US dollars, a buyer whose in-house pay has no benchmark (no
    saving can be worked out), from the same simulation a US buyer's total cost of ownership runs, provider prices
    being set in dollars whatever the buyer's market: the "Provider fees" line (``horizon``), and every line but
    those that rest on in-house pay (the work's cost while it moves, severance) with their total (``total``).
    ``level`` is that total spread over the in-house people the work needs and the years it covers: the loaded
    cost per person-year at which keeping the work costs the same, before what moving it costs."""

    model: str
    name: str
    horizon: Triple | None  # P10, likely, P90 over the period the cost covers; None for an own centre (no provider)
    formula: str
    inputs: tuple[Input, ...] = ()  # the rate or price, and the location's cost index, each with its source
    weak: bool = False  # the rate or price rests on a weak source
    total: Triple | None = None  # None: not recorded (stored before it)
    lines: tuple[Line, ...] = ()
    level: Triple | None = None
    left_out: tuple[str, ...] = ()  # the lines this model has that rest on in-house pay, left out of ``total``


@dataclass(frozen=True)
class CostEstimate:
    available: bool
    reason: str = ""
    function: str = ""
    home_market: str = "us"
    horizon_years: float = DEFAULT_HORIZON
    annual_hours: float | None = None
    team_size: float | None = None
    inhouse_annual: Triple | None = None
    inhouse_horizon: Triple | None = None
    inhouse_inputs: tuple[Input, ...] = ()
    models: tuple[ModelCost, ...] = field(default_factory=tuple)
    skipped: tuple[tuple[str, str], ...] = field(default_factory=tuple)
    # The currency every figure is in (the home market's); rate × hours estimates are US dollars.
    currency: str = "USD"
    draws: int = 0  # Monte Carlo draws behind the P10 / P90 figures (0: a rate × hours estimate)
    inhouse_lines: tuple[Line, ...] = ()
    figures: tuple[Figure, ...] = ()
    # A location meeting every requirement too, from which the recommended model would likely cost materially
    # less (``evaluate``); None when there is none, or the cost is no total cost of ownership.
    cheaper_location: CheaperLocation | None = None
    # A piece of work done once within a year: its weeks, which the cost covers instead of the horizon's years
    # (0: the work goes on, costed over ``horizon_years``).
    duration_weeks: int = 0
    # Those weeks were worked out from the hours and the people (``tco.types.once_weeks``), not answered.
    weeks_worked_out: bool = False
    # The significant figures its simulated amounts are shown to (``formatting.significant``): drawn from ranges
    # tens of per cent wide, they are not good to the dollar. 0: to the unit (a rate × hours estimate).
    significant_figures: int = 0
    # No saving worked out (``available`` False) for a buyer elsewhere: what the providers would likely charge.
    provider_fees: tuple[ProviderFees, ...] = ()
    # How old the dated exchange rate is, in months, at the month the catalogue brings pay to (about when an
    # assessment is made); 0 when there is no conversion, the buyer gave its own rate, or the date is not known.
    rate_age_months: int = 0

    def price_of(self, model: str) -> Input | None:
        """The rate or price ``model``'s cost is worked out from, with its source ("your quote" for the buyer's own;
        a weak one marked), or None when the model was not costed: what the model's card names beside the
        catalogue's general range, which it may differ from (a function's own rate is used before a model's)."""
        keys = (f"{model}.rate", f"{model}.price")
        found = next((f for f in self.figures if f.key in keys), None)
        if found is not None:
            weak = found.weak and not found.supplied and WEAK_MARK not in found.source
            return Input(found.label, found.value, found.source + (WEAK_MARK if weak else ""))
        fees = next((f for f in self.provider_fees if f.model == model and f.inputs), None)
        return fees.inputs[0] if fees is not None else None

    @property
    def period(self) -> str:
        """What the cost covers, in words: "10 weeks" for a piece of work, else "3 years"."""
        return period(self.horizon_years, self.duration_weeks)

    def amount(self, value: float) -> str:
        """An amount of this cost as shown: in its currency, to its significant figures (£1,230,000), as the stored
        cost's ``amount`` reads it."""
        return money(significant(value, self.significant_figures), self.currency)


@dataclass(frozen=True)
class CheaperLocation:
    """The cost of the recommended model from the cheapest other location that meets every requirement the
    buyer set, when it saves materially more than from where the verdict delivers. Points rank the locations
    (fit: time zones, data rules, the buyer's preference); this prices the gap, and never re-ranks them."""

    location: str
    name: str
    name_in_text: str  # the name as it reads inside a sentence ("the Philippines")
    model: str
    model_name: str
    points_behind: int  # how far it ranks behind the delivering location on points
    needs_transfer_tool: bool  # personal data under GDPR or UK GDPR would need SCCs or the IDTA to go there
    horizon: Triple  # its total cost over the horizon from there, P10 / likely / P90
    savings: Triple  # its saving against in-house from there: P10, likely (as the cost caveat reads it), P90
    probability_saving: float
    # The same model's likely saving and chance of one from the delivering location, to read side by side.
    delivered_saving: float
    delivered_probability_saving: float
    # What a regime your answers trigger asks of delivery from there, in the rules' words (an export authorisation
    # first, a local law in the contract), from the regime's rules that take points off it or name it; empty when
    # none does (the personal-data transfer tool is ``needs_transfer_tool``).
    needs: tuple[str, ...] = ()


def _triple(value: Any) -> Triple | None:
    if not isinstance(value, list | tuple) or len(value) != 3 or any(v is None for v in value):
        return None
    return (float(value[0]), float(value[1]), float(value[2]))


def _scale(t: Triple, factor: float) -> Triple:
    return (t[0] * factor, t[1] * factor, t[2] * factor)


def _add(a: Triple, b: Triple) -> Triple:
    return (a[0] + b[0], a[1] + b[1], a[2] + b[2])


def _money(t: Triple) -> str:
    return usd_range(t[0], t[1], t[2], cents=False)


def _source(entry: Mapping[str, Any], figure: str) -> str:
    """The sources of one figure: those that name it (``figures``), else the entry's general sources (those
    naming no figure); never a source that backs another figure, so a rate is not "sourced" to a regulation."""
    sources = [s for s in entry.get("sources", []) if isinstance(s, Mapping)]
    own = sources_naming(entry, figure)
    chosen = own or [s for s in sources if not s.get("figures")]
    text = "; ".join(t for t in (s.get("title", "") for s in chosen) if t)
    if entry.get("confidence") == "weak":
        text += " (weak source: verify)"
    return text


def _rate(model: Mapping[str, Any], function: Mapping[str, Any]) -> tuple[Triple | None, str, str]:
    """The hourly rate (the function's own offshore benchmark first), its label, and its sources."""
    rate = _triple(function.get("kpo_rate"))
    if rate:
        return rate, f"{function.get('name')} offshore hourly rate", _source(function, "kpo_rate")
    return _triple(model.get("rate")), f"{model.get('name')} hourly rate", _source(model, "rate")


def model_cost(
    code: str,
    model: Mapping[str, Any],
    function: Mapping[str, Any],
    *,
    hours: float,
    team: float,
    deliverables: float | None,
    years: float,
    inhouse_horizon: Triple,
    hours_source: str = "your answer",
    team_source: str = "your answer",
) -> ModelCost | None:
    """One model's cost. ``hours_source`` and ``team_source`` say where the hours and the head count came
    from: the buyer's answer, or worked out from the other one."""
    basis = model.get("pricing_basis", "")
    commitment = float(model.get("commitment_hours") or DEFAULT_COMMITMENT)
    inputs: list[Input] = []
    weak = model.get("confidence") == "weak" or function.get("confidence") == "weak"
    setup = _triple(model.get("setup")) or (0.0, 0.0, 0.0)

    if basis == "per_deliverable":
        price = _triple(function.get("deliverable_price"))
        price_source = _source(function, "deliverable_price")
        if price is None:
            price, price_source = _triple(model.get("price")), _source(model, "price")
        if price is None or not deliverables:
            return None
        annual = _scale(price, deliverables)
        horizon = _scale(annual, years)
        inputs += [
            Input("Deliverables per year", number(deliverables), "your answer"),
            Input("Price per deliverable", _money(price), price_source),
        ]
        formula = f"{number(deliverables)} deliverables × price per deliverable × {in_years(years)}"
    elif basis == "setup_plus_hourly":
        rate, rate_label, rate_source = _rate(model, function)
        # No source gives a post-transfer saving: the owned team is costed at the same hourly rate.
        after = rate
        if rate is None or after is None:
            return None
        months_total = years * 12
        transfer = float(model.get("transfer_months") or 24)
        operate_months = min(transfer, months_total)
        owned_months = max(0.0, months_total - transfer)
        monthly_hours = team * commitment / 12
        operate = _scale(rate, monthly_hours * operate_months)
        owned = _scale(after, monthly_hours * owned_months)
        annual = _scale(rate, team * commitment)
        horizon = _add(_add(setup, operate), owned)
        weak = weak or model.get("confidence") == "weak"
        inputs += [
            Input("People", number(team), team_source),
            Input("Committed hours per person per year", number(commitment), _source(model, "commitment_hours")),
            Input(rate_label + " (operate phase)", _money(rate) + "/h", rate_source),
            Input("Set-up", _money(setup), _source(model, "setup")),
            Input("Transfer at month", number(transfer), _source(model, "transfer_months")),
            Input("Rate after transfer (your own team)", _money(after) + "/h", "assumed equal to the operate rate"),
        ]
        formula = (
            f"set-up + {number(team)} people × {number(commitment)} h ÷ 12 × {number(operate_months)} months at the"
            f" operate rate + {number(owned_months)} months after transfer at the offshore benchmark"
        )
    else:
        rate, rate_label, rate_source = _rate(model, function)
        if rate is None:
            return None
        if basis == "monthly_team":
            annual = _scale(rate, team * commitment)
            inputs += [
                Input("People", number(team), team_source),
                Input("Committed hours per person per year", number(commitment), _source(model, "commitment_hours")),
            ]
            formula = f"{number(team)} people × {number(commitment)} h × hourly rate × {in_years(years)}"
        else:
            annual = _scale(rate, hours)
            inputs.append(Input("Annual hours", number(hours), hours_source))
            formula = f"{number(hours)} h × hourly rate × {in_years(years)}"
        inputs.append(Input(rate_label, _money(rate) + "/h", rate_source))
        horizon = _add(setup, _scale(annual, years))
        if setup != (0.0, 0.0, 0.0):
            inputs.append(Input("Set-up", _money(setup), _source(model, "setup")))
            formula = "set-up + " + formula

    savings = (inhouse_horizon[0] - horizon[2], inhouse_horizon[1] - horizon[1], inhouse_horizon[2] - horizon[0])
    percent = round(100 * savings[1] / inhouse_horizon[1], 1) if inhouse_horizon[1] else None
    return ModelCost(
        model=code,
        name=str(model.get("name", code)),
        basis=str(basis),
        annual=annual,
        horizon=horizon,
        savings=savings,
        savings_percent=percent,
        formula=formula,
        inputs=tuple(inputs),
        weak=weak,
    )


def estimate(
    catalogue_models: Mapping[str, Mapping[str, Any]],
    functions: Mapping[str, Mapping[str, Any]],
    model_codes: Sequence[str],
    *,
    function_code: str | None,
    annual_hours: float | None,
    team_size: float | None,
    deliverables: float | None,
    horizon_years: float | None,
    home_market: str | None,
) -> CostEstimate:
    if not function_code or function_code not in functions:
        return CostEstimate(available=False, reason=no_benchmark(function_code))
    function = functions[function_code]
    if not annual_hours and not team_size:
        return CostEstimate(
            available=False, function=function_code, reason="Neither annual hours nor team size is answered."
        )
    hours = float(annual_hours) if annual_hours else float(team_size or 0) * DEFAULT_COMMITMENT
    team = float(team_size) if team_size else max(1.0, round(hours / DEFAULT_COMMITMENT, 1))
    years = float(horizon_years) if horizon_years else DEFAULT_HORIZON
    hours_source = "your answer" if annual_hours else f"people × {number(DEFAULT_COMMITMENT)} h"
    team_source = "your answer" if team_size else f"annual hours ÷ {number(DEFAULT_COMMITMENT)} h"
    market = home_market if home_market in ("us", "uk") else "us"
    inhouse_rate = _triple(function.get(f"inhouse_{market}"))
    market_note = ""
    if inhouse_rate is None and market == "uk":
        inhouse_rate = _triple(function.get("inhouse_us"))
        market_note = " (no UK benchmark: US figure used)"
    if inhouse_rate is None:
        return CostEstimate(
            available=False, function=function_code, reason="The function has no in-house benchmark to compare with."
        )
    inhouse_annual = _scale(inhouse_rate, hours)
    inhouse_horizon = _scale(inhouse_annual, years)
    inhouse_inputs = (
        Input("Annual hours", number(hours), hours_source),
        Input(
            f"In-house hourly cost ({market.upper()}){market_note}",
            _money(inhouse_rate) + "/h",
            _source(function, f"inhouse_{market}"),
        ),
        Input("Horizon", in_years(years), "your answer" if horizon_years else "default"),
    )
    lines = []
    skipped = []
    for code in model_codes:
        model = catalogue_models.get(code)
        if model is None:
            continue
        line = model_cost(
            code,
            model,
            function,
            hours=hours,
            team=team,
            deliverables=deliverables,
            years=years,
            inhouse_horizon=inhouse_horizon,
            hours_source=hours_source,
            team_source=team_source,
        )
        if line is not None:
            lines.append(line)
        else:
            skipped.append((str(model.get("name", code)), _why_skipped(model, deliverables)))
    return CostEstimate(
        available=True,
        function=function_code,
        home_market=market,
        horizon_years=years,
        annual_hours=hours,
        team_size=team,
        inhouse_annual=inhouse_annual,
        inhouse_horizon=inhouse_horizon,
        inhouse_inputs=inhouse_inputs,
        models=tuple(lines),
        skipped=tuple(skipped),
    )


def _why_skipped(model: Mapping[str, Any], deliverables: float | None) -> str:
    if model.get("pricing_basis") == "per_deliverable" and not deliverables:
        return "it is priced per deliverable, and this assessment has no number of deliverables a year to price"
    return "the catalogue has no price for it or for the function"
