"""The evaluation's cost as a total cost of ownership: the answers and the frozen catalogue in, a
:class:`~apps.playbooks.engine.cost.CostEstimate` out (the shape every consumer already reads, with the
TCO's fields filled).

Pure, like the rest of the engine. The rate × hours fields every consumer reads are filled from the TCO
(``annual`` and ``horizon``: P10, likely, P90; ``savings``: the saving's P10, likely, P90), so the
result page, the memo, compare, vendor matching and the pilot threshold never show two different figures.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any, Required, TypedDict, Unpack

from apps.common.formatting import money, number, period
from apps.playbooks.engine.cost import (
    DEFAULT_HORIZON,
    SHOWN_FIGURES,
    CostEstimate,
    Figure,
    Input,
    ModelCost,
    ProviderFees,
)
from apps.playbooks.engine.requirements import LaunchScale, staffed_from_bench
from apps.playbooks.engine.tco.case import (
    NO_DELIVERABLES,
    PART_SCALED,
    WEAK_MARK,
    build_case,
    months_between,
    price_per_hour,
    rate_band,
)
from apps.playbooks.engine.tco.simulate import (
    BOT_FEES,
    FORMULAS,
    OWN_CENTRE,
    PROVIDER_FEES,
    BridgeCost,
    bot_launched,
    bridge_cost,
    hiring_launch,
    in_waves,
    month_count,
    outsourced_only,
    savings_only,
    seed_for,
    simulate,
    unmoved_months,
    waves_count_for,
)
from apps.playbooks.engine.tco.types import (
    CURRENCIES,
    DISPLACED,
    FTE_HOURS,
    INHOUSE_FTE,
    MANAGED_LAUNCH,
    MARKET_NAMES,
    MAX_WEEKS,
    PEAK_SHARE,
    WAVES_FIRST,
    WAVES_MONTHS,
    Case,
    ModelSaving,
    ModelSpec,
    ModelTco,
    NothingCosted,
    TcoResult,
    TcoUnavailable,
    Triple,
    once_weeks,
)
from apps.playbooks.engine.tco.types import Figure as TcoFigure

TORNADO_ROWS = 6  # the inputs that move the saving most; the rest move it less than these

# How each input is written, by its key: money in the home currency, US dollars, months, or a share.
HOME_MONEY = ("inhouse.salary",)
USD_MONEY = ("contracting", "contracting.light", "bot.setup", "bot.entity_cost", "own.entity_cost", "own.setup")
MONTHS = (
    "inhouse.severance_months",
    "transition.team",
    "transition.light",
    MANAGED_LAUNCH,
    "ramp.months",
    "provider.replacement_months",
    "own.launch_months",
    "bot.launch_months",
    WAVES_MONTHS,
)
# The order the inputs are listed in: in-house first, then money, then the provider and its location.
ORDER = ("inhouse.", "fx", "location.", "provider.", "contracting", "transition.", "ramp.", "governance", "exit")


# Simulated results by the case's seed (a SHA-256 of every input): the simulation is a pure function of the
# case, so a what-if that changes no cost input, a golden case run again or a second opinion on the same
# figures reuses it instead of drawing 10,000 cases again. Bounded, oldest first out.
CACHE_SIZE = 256
_results: OrderedDict[tuple[Any, ...], TcoResult] = OrderedDict()
_lock = threading.Lock()


def _key(case: Case) -> tuple[Any, ...]:
    # The seed covers every number; the words (labels, sources, names, reasons) are part of the key too.
    words = tuple((k, f.label, f.source, f.supplied, f.weak) for k, f in sorted(case.figures.items()))
    return (seed_for(case), case.currency, words, tuple(m.name for m in case.models), case.skipped)


def simulated(case: Case) -> TcoResult:
    """``simulate(case)``, remembered for the last ``CACHE_SIZE`` cases (the same figures either way)."""
    key = _key(case)
    with _lock:
        hit = _results.get(key)
        if hit is not None:
            _results.move_to_end(key)
            return hit
    result = simulate(case)
    with _lock:
        _results[key] = result
        while len(_results) > CACHE_SIZE:
            _results.popitem(last=False)
    return result


def _written(key: str, f: Any, currency: str) -> str:
    def one(v: float) -> str:
        if key in HOME_MONEY:
            return money(v, currency)
        if key.endswith(".rate"):
            return money(v, "USD", cents=True) + "/h"
        if key.endswith(".price") or key in USD_MONEY:
            return money(v, "USD")
        if key in MONTHS:
            return f"{number(round(v, 1))} months"
        if key == WAVES_FIRST:  # people, not a share (the first wave's 200 had read "2e+04%")
            return f"{number(v)} people"
        if key in ("fx", "location.index"):
            return f"{v:.4g}"
        return f"{v * 100:.3g}%"

    if f.low == f.high:
        return one(f.likely)
    return f"{one(f.low)} to {one(f.high)} (likely {one(f.likely)})"


def _figures(case: Case) -> tuple[Figure, ...]:
    def rank(key: str) -> tuple[int, str]:
        return (next((i for i, p in enumerate(ORDER) if key.startswith(p)), len(ORDER)), key)

    out = []
    for key in sorted(case.figures, key=rank):
        f = case.figures[key]
        source = f.source.removesuffix(WEAK_MARK)
        out.append(
            Figure(key, f.label, f.low, f.likely, f.high, _written(key, f, case.currency), source, f.supplied, f.weak)
        )
    return tuple(out)


def _per_hour(case: Case, price: TcoFigure, band: Any) -> Input:
    """A project's price per deliverable as a price per hour of the work (likely price × deliverables ÷ annual
    hours), checked against the function's hourly rates: a season of work entered as one deliverable, or every
    return counted as a deliverable, shows as an hourly price no provider charges."""
    hourly = price_per_hour(price.likely, case.deliverables, case.annual_hours)
    source = "likely price × deliverables ÷ annual hours"
    rates = rate_band(band)
    if rates is not None:
        low, high = rates
        if not low <= hourly <= high:
            source += (
                f"; outside the {money(low, 'USD', cents=True)}–{money(high, 'USD', cents=True)} an hour this "
                "function's providers charge by the hour, so check the number of deliverables or get a quote"
            )
    return Input("Price per hour of the work (USD)", money(hourly, "USD", cents=True) + "/h", source)


# A quoted hourly rate more than this many times the function's highest benchmark rate is flagged as high, as one
# under its lowest is flagged as low: either may be right, but the saving rests on it.
QUOTE_HIGH_FACTOR = 2.0


def _quote_check(rate: TcoFigure, kind: str, band: Any, case: Case | None = None) -> str:
    """A buyer's hourly quote outside the function's benchmark rates, said beside it ("" when inside, when it is
    not the buyer's quote, or for a project's price per deliverable, which ``_per_hour`` checks). A quote is the
    price for delivery from the location costed, so the band is that location's: the benchmark × its cost index."""
    rates = rate_band(band)
    if not rate.supplied or kind == "project" or rates is None:
        return ""
    low, high = rates
    index = case.figures.get("location.index") if case is not None else None
    where = " for this function"
    if index is not None and index.likely != 1.0:
        low, high = low * index.likely, high * index.likely
        place = index.label.removeprefix("Cost index of ")
        where = f" for this function from {place} (the benchmark × its cost index, {number(index.likely)})"
    span = f"the {money(low, 'USD', cents=True)}–{money(high, 'USD', cents=True)} an hour benchmark{where}"
    if rate.likely < low:
        return f"; below {span}: check the seniority, the scope and any fees outside the rate before relying on it"
    if rate.likely > high * QUOTE_HIGH_FACTOR:
        return f"; more than twice {span}: check what the rate includes, or get another quote"
    return ""


def _launch_input(case: Case, launch: Any) -> tuple[Input, ...]:
    """For work done in weeks: a model whose launch time in the catalogue is no shorter than the work, said beside
    its cost, which counts its fees from month 1 (a model the start date rules out is not costed at all)."""
    if not case.weeks or not isinstance(launch, int | float) or launch < case.months:
        return ()
    months = number(round(case.months, 2))
    return (
        Input(
            "Launch time",
            f"about {number(launch)} months (the engagement models catalogue)",
            f"no shorter than the work's {months} months: the cost counts its fees from the work's first month, "
            "so it holds only if the provider starts well before the work must; answer how soon the work must "
            "start, and a model that cannot start in time is ruled out",
        ),
    )


def _model(
    result: TcoResult,
    case: Case,
    m: ModelTco,
    basis: str,
    inhouse_likely: float,
    band: Any = None,
    launch: Any = None,
) -> ModelCost:
    spec = next(s for s in case.models if s.code == m.code)
    # The provider's price: its rate a hour, or a project's price a deliverable (BOT's set-up and transfer fees are
    # figures of the model's code too, listed with every input, not as its rate).
    priced_per_deliverable = spec.kind == "project" and not spec.sized
    rate = case.figures.get(f"{m.code}.price" if priced_per_deliverable else f"{m.code}.rate")
    inputs = [Input("People", number(case.people), "your answer")] if spec.kind in ("team", "bot", "owned") else []
    if inputs and (seats := case.seats(spec.commitment_hours)) < case.people:
        # Seasonal work: the team of the quieter nine months, as in-house is sized; the peak above it is the cover.
        inputs.append(
            Input(
                "People priced all year",
                number(seats),
                f"the quieter nine months' hours: 4 ÷ 3 × (1 − {case.peak_share * 100:g}% in the busiest three) × "
                f"{number(case.annual_hours)} h ÷ {number(spec.commitment_hours)} h each, in whole people, as "
                "in-house is sized (the product's assumption); the peak above them is bought as cover",
            )
        )
    hours = Input("Hours of the work" if case.weeks else "Annual hours", number(case.annual_hours), "your answer")
    if spec.kind in ("pool", "managed"):
        inputs.append(hours)
    if spec.kind == "project" and case.deliverables:
        label = "Deliverables of the work" if case.weeks else "Deliverables per year"
        inputs.append(Input(label, number(case.deliverables), "your answer"))
    if spec.sized:  # a project priced by its hours, as a managed service is
        inputs += [hours, Input("Priced by its hours, not per deliverable", "the managed-services premium", spec.sized)]
    if rate is not None:
        per_hour = not priced_per_deliverable
        # Written as the rate × hours estimate wrote it, so the provider's rate reads the same everywhere.
        value = money(rate.low, "USD", cents=True) + "–" + money(rate.high, "USD", cents=True)
        value += f" (likely {money(rate.likely, 'USD', cents=True)})" + ("/h" if per_hour else "")
        inputs.append(
            Input(rate.label, value, rate.source.removesuffix(WEAK_MARK) + _quote_check(rate, spec.kind, band, case))
        )
        if priced_per_deliverable and case.deliverables:
            inputs.append(_per_hour(case, rate, band))
        if located := _located_rate(case, spec, rate):
            inputs.append(located)
    inputs.extend(_launch_input(case, launch))
    inputs.extend(_transfer_input(case, spec))
    if in_waves(case.figures):
        inputs.append(_waves_input(case, spec))
    if spec.kind == "owned" and "own.setup" not in case.figures:
        # A catalogue frozen before the own centre's set-up was priced.
        inputs.append(
            Input(
                "Setting up your entity, premises and leadership",
                "not counted",
                "no provider set-up or transfer fee applies, and no published figure prices doing it yourself: "
                "read this cost as a floor",
            )
        )
    likely = m.savings_likely
    return ModelCost(
        model=m.code,
        name=m.name,
        basis=basis,
        annual=m.tco.annual,
        horizon=m.tco.horizon,
        savings=(m.savings_p10, likely, m.savings_p90),
        savings_percent=round(100 * likely / inhouse_likely, 1) if inhouse_likely else None,
        formula=BOT_FEES
        if bot_launched(spec.kind, case.figures)
        else FORMULAS[OWN_CENTRE if spec.kind == "owned" else "Provider fees"],
        inputs=tuple(inputs),
        weak=bool(rate is not None and rate.weak),
        tco=m.tco,
        savings_p10=m.savings_p10,
        savings_p50=m.savings_p50,
        savings_p90=m.savings_p90,
        probability_saving=m.probability_saving,
        break_even_month=m.break_even_month,
        lines=m.lines,
        tornado=m.tornado[:TORNADO_ROWS],
        extra_cost=m.extra_cost,
        without_premium=m.without_premium,
    )


def _waves_input(case: Case, spec: ModelSpec) -> Input:
    """How a team moved in waves moves under ``spec``, with each figure's source once (review 175: the first wave's
    size cited a ramp-up source twice over). A model billed from month 1 moves the first wave then; one with a launch
    of its own hires no faster than the launch and the waves (review 175: "the first 200 people in month 1" beside a
    12-month launch), and a launch as long as the waves moves the team by itself (``waves_count_for``)."""
    first, span = case.figures[WAVES_FIRST], case.figures[WAVES_MONTHS]
    waves = f"a first wave of {number(first.likely)} people, the whole team within {number(span.likely)} months"
    sources = f"the first wave's size: {first.source}; the months: {span.source}"
    launch = hiring_launch(spec, case.figures)
    if launch is None:
        value = (
            f"the first {number(first.likely)} people in month 1, the whole team within {number(span.likely)} "
            "months, its work in-house until then"
        )
    elif waves_count_for(spec, case.figures):
        value = (
            f"no faster than its own launch of {number(case.figures[launch].likely)} months, nor than the waves "
            f"({waves}); the in-house team carries all the work until the launch, then the share not yet moved"
        )
    else:
        value = (
            f"within its own launch of {number(case.figures[launch].likely)} months, which takes as long as the "
            f"waves ({waves}): the in-house team carries the work until the launch"
        )
    return Input("Moved in waves", value, sources)


def _transfer_input(case: Case, spec: ModelSpec) -> tuple[Input, ...]:
    """BOT's transfer month, and what it changes in the cost: within the horizon, a transfer fee and the centre at its
    owned cost from then on; at or after its end, neither, the provider's fees to the end and the exit, as for a
    provider's team, which the reader is told (the model is then costed before the transfer it is named for)."""
    if spec.kind != "bot" or spec.transfer_month is None:
        return ()
    source = "the engagement models catalogue: the end of BOT's operate phase, when the centre becomes yours"
    if spec.transfer_month < month_count(case):
        return (Input("Transfer to you", f"after month {spec.transfer_month}", source),)
    return (
        Input(
            "Transfer to you",
            f"after month {spec.transfer_month}, not within {period(case.years, case.weeks)}",
            f"{source}. It falls after the horizon, so no transfer fee and no owned-centre cost are counted: the "
            "provider runs the centre to the end, and exit and re-tendering are counted as for a provider's team",
        ),
    )


def _located_rate(case: Case, spec: ModelSpec, rate: TcoFigure) -> Input | None:
    """A team's hourly rate as it is paid where the work is delivered from: the benchmark rate × the location's cost
    index, the figure the fees are built on (none for the benchmark location itself, a rate the buyer quoted, which
    is taken as given, or a pool or managed service, whose premium comes on top)."""
    index = case.figures.get("location.index")
    if spec.kind not in ("team", "bot") or spec.quoted or index is None or index.likely == 1.0:
        return None
    low, likely, high = (v * index.likely for v in (rate.low, rate.likely, rate.high))
    value = money(low, "USD", cents=True) + "–" + money(high, "USD", cents=True)
    value += f" (likely {money(likely, 'USD', cents=True)})/h"
    where = index.label.removeprefix("Cost index of ")
    return Input(
        f"Hourly rate from {where}, with its cost index (USD)",
        value,
        f"the rate above × {number(index.likely)}, the cost index of {where}: its provider rates against India's"
        + (
            ", on the part of this function's rate that follows where the team is"
            if PART_SCALED in index.source
            else ""
        ),
    )


def _nothing_costed(exc: NothingCosted, deliverables_asked: bool) -> str:
    """Why no model was costed, model by model, in the words the cost section uses for a model it leaves out."""
    if not exc.skipped:
        return str(exc)
    reasons = "; ".join(f"{name} is not costed: {_skip_reason(why, deliverables_asked)}" for name, why in exc.skipped)
    return f"None of the recommended engagement models could be costed. {reasons}."


# Said after the reason no cost was worked out when the buyer gave a quote that prices none of the models costed.
QUOTE_UNUSED = " Your quoted {what} was not used: it prices {models}, and none of them is among the models costed here."


def _quote_unused(arguments: CostArguments) -> str:
    """A sentence saying the buyer's quote went unused, because it prices none of the models the cost was for (an
    hourly quote with only a project recommended); "" when there is no quote, or one of them uses it."""
    return "".join(QUOTE_UNUSED.format(what=what, models=models) for what, models in _unused_quotes(arguments))


def _unused_quote_lines(arguments: CostArguments, case: Case) -> tuple[tuple[str, str], ...]:
    """Beside a cost that is worked out: each quote of the buyer's that prices none of the models costed, said with
    the models not costed ("Your quoted hourly rate is not costed: ..."), so a quote is never silently left out. An
    hourly quote that is the base of a project priced by its hours is used."""
    on_project = any(m.sized and m.quoted for m in case.models)
    return tuple(
        (f"Your quoted {what}", f"it prices {models}, and none of them is among the models costed here")
        for what, models in _unused_quotes(arguments)
        if not (on_project and what == "hourly rate")
    )


def _unused_quotes(arguments: CostArguments) -> list[tuple[str, str]]:
    unused = []
    for answer, bases, what, models in (
        (
            "quoted_rate",
            HOURLY_QUOTE_BASES,
            "hourly rate",
            "a dedicated team, staff augmentation or BOT's operate phase as quoted, and a shared pool, a managed "
            "service or a project priced by its hours with their premium on top",
        ),
        ("quoted_price", QUOTED_PRICE_BASES, "price per deliverable", "a project"),
    ):
        used = any(
            arguments["catalogue_models"].get(code, {}).get("pricing_basis") in bases
            for code in arguments["model_codes"]
        )
        if _quoted(arguments.get(answer)) is not None and not used:
            unused.append((what, models))
    return unused


def _skip_reason(why: str, deliverables_asked: bool) -> str:
    """A project with no count of deliverables: the buyer was asked and did not answer, or (the usual case)
    was never asked, because the work is not bought by the deliverable. Never blame an answer not asked for."""
    if why != NO_DELIVERABLES:
        return why
    if deliverables_asked:
        return "the number of deliverables a year is not answered"
    return "it is priced per deliverable, and this work is not bought by the deliverable"


# Which models a buyer's quote prices, by the catalogue's pricing basis: a quoted hourly rate is the price of a
# dedicated person-hour (a dedicated team, staff augmentation, BOT's operate phase), and the base of a pool's or a
# managed service's price (``QUOTED_BASE_BASES``), which carries its own premium on top, as their benchmark price is
# the dedicated rate with the premium. A quoted price per deliverable prices a project.
QUOTED_RATE_BASES = ("monthly_team", "setup_plus_hourly")
QUOTED_BASE_BASES = ("hourly", "outcome")
HOURLY_QUOTE_BASES = (*QUOTED_RATE_BASES, *QUOTED_BASE_BASES)  # every model a quoted hourly rate prices
QUOTED_PRICE_BASES = ("per_deliverable",)


def buyer_quotes(
    catalogue_models: Mapping[str, Mapping[str, Any]],
    model_codes: Sequence[str],
    *,
    quoted_rate: float | None,
    quoted_price: float | None,
) -> dict[str, Triple]:
    """The buyer's quotes per model code, each a single figure (low = likely = high: the price they were
    given). A missing or non-positive answer quotes nothing."""
    quotes: dict[str, Triple] = {}
    for code in model_codes:
        basis = catalogue_models.get(code, {}).get("pricing_basis")
        value = _quoted(
            quoted_rate if basis in HOURLY_QUOTE_BASES else quoted_price if basis in QUOTED_PRICE_BASES else None
        )
        if value is not None:
            quotes[code] = (value, value, value)
    return quotes


def _hourly(value: Any) -> Triple | None:
    """The buyer's quoted hourly rate as a figure taken as given, or None."""
    rate = _quoted(value)
    return None if rate is None else (rate, rate, rate)


def _quoted(value: Any) -> float | None:
    """A quote's answer as a price: None when not answered or not positive."""
    return float(value) if value is not None and float(value) > 0 else None


def _weeks(value: Any) -> int:
    """A piece of work's weeks as a whole number from 1 to 104, 0 when not answered (or not a usable number)."""
    try:
        weeks = round(float(value)) if value is not None else 0
    except (TypeError, ValueError):
        return 0
    return weeks if 1 <= weeks <= MAX_WEEKS else 0


def _share(value: Any) -> float:
    """A percentage answer (80 for 80%) as a share from 0 to 1; 0 when not answered (or not a usable number)."""
    try:
        share = float(value) / 100 if value is not None else 0.0
    except (TypeError, ValueError):
        return 0.0
    return share if 0 <= share <= 1 else 0.0


RAMPED_KINDS = ("team", "bot")  # the models whose cost has a provider's ramp-up line (``simulate._model_terms``)


def _short_work_inputs(case: Case) -> tuple[Input, ...]:
    """What a piece of work done once changes in the cost, said beside its figures."""
    if not case.weeks:
        return ()
    months = number(round(case.months, 2))
    part = "" if case.months == int(case.months) else ", the last in part"
    covered = (
        f"provider fees, seats and hours for these weeks ({months} months{part}), and in-house the same hours over "
        "the same weeks"
    )
    if case.weeks_worked_out:
        covered = (
            f"work done once, with no length answered: {number(case.annual_hours)} hours for "
            f"{number(case.people)} {'person' if case.people == 1 else 'people'} at full time "
            f"({number(FTE_HOURS)} h a year each) take about this long; {covered}. "
            + (
                "Answer how many weeks it lasts to cost it as planned"
                if case.weeks <= MAX_WEEKS
                # The weeks question takes up to 104, as the answer check says (review 182: it was told to answer them).
                else "If it is planned otherwise, correct the hours or the people (the weeks are asked up to "
                f"{MAX_WEEKS})"
            )
        )
    else:
        covered = f"your answer: {covered}"
    out = [Input("Cost covers", f"{period(case.years, case.weeks)} only", covered)]
    if case.surge:
        out.append(
            Input(
                "Parallel running and exit",
                "none",
                "no staff of yours are displaced, so no team of yours does this work today: nothing runs in "
                "parallel while it starts, and nothing is taken back or re-tendered when it ends",
            )
        )
        if "inhouse.temporary_premium" in case.figures:
            share = case.taken_on_share
            out.append(
                Input(
                    "In-house for work done once",
                    "people taken on for it"
                    if share >= 1
                    else f"people taken on for its first {MAX_WEEKS} weeks, then people hired for it",
                    "the in-house loaded cost of the hours plus the temporary staff premium, the product's "
                    "assumption (no published source; listed with the inputs)"
                    + (
                        ""
                        if share >= 1
                        else f", on {MAX_WEEKS} of its {case.weeks} weeks ({share:.0%} of the work); the rest at "
                        "the salaried loaded cost, with recruiting to replace leavers"
                    ),
                )
            )
    ramp = case.figures.get("ramp.months")
    # Only a provider's team pays a ramp-up line; a pool, a project or a managed service bills what it delivers
    # (its launch time, when as long as the work, is said beside its own cost: ``_launch_input``).
    # A BOT centre launched over its own months (``simulate.bot_launched``) has no such ramp-up: its launch time, when
    # as long as the work, is said beside its cost like a pool's.
    ramped = [m.name for m in case.models if m.kind in RAMPED_KINDS and not bot_launched(m.kind, case.figures)]
    if ramp is not None and ramp.likely >= case.months and ramped:
        who, takes, never = {
            1: (ramped[0], "takes", "it never works"),
            2: (" and ".join(ramped), "each take", "neither ever works"),
        }.get(len(ramped), (", ".join(ramped[:-1]) + " and " + ramped[-1], "each take", "none of them ever works"))
        out.append(
            Input(
                "Ramp-up",
                "longer than the work",
                f"{who} {takes} about {number(ramp.likely)} months to reach full output, no less than the work's "
                f"{months} months: {never} at full output, and the fees that buy no output are counted only for the "
                "weeks the work lasts",
            )
        )
    return tuple(out)


def _own_cost(value: float | None) -> Triple | None:
    return (float(value), float(value), float(value)) if value is not None and float(value) > 0 else None


class CostArguments(TypedDict, total=False):
    """What ``total_cost`` costs, and ``model_saving`` compares (see ``total_cost`` for each)."""

    catalogue_models: Required[Mapping[str, Mapping[str, Any]]]
    functions: Required[Mapping[str, Mapping[str, Any]]]
    locations: Required[Mapping[str, Mapping[str, Any]]]
    assumptions: Required[Mapping[str, Any]]
    model_codes: Required[Sequence[str]]
    function_code: Required[str | None]
    annual_hours: Required[float | None]
    team_size: Required[float | None]
    deliverables: Required[float | None]
    horizon_years: Required[float | None]
    home_market: Required[str | None]
    location_code: Required[str | None]
    own_inhouse_cost: Triple | None
    quotes: Mapping[str, Triple] | None
    displaced: float | None
    own_cost: float | None
    quoted_rate: float | None
    quoted_price: float | None
    duration_weeks: float | None
    own_entity: bool | None
    peak_share: float | None
    budget_fx: float | None  # the buyer's budget rate: its home currency per 100 US dollars
    quote_rise: float | None  # how much a year the buyer's quote may rise, in per cent (its price-adjustment clause)
    critical: bool | None  # the work supports a critical or important function (contracts negotiated: ``Case``)
    demand: str | None  # the shape of a year's demand: work done once (``ONE_OFF``) with no length has ``once_weeks``


def _case(**a: Unpack[CostArguments]) -> Case:
    """The simulation's case for ``total_cost``'s arguments (see there); raises TcoUnavailable."""
    catalogue_models, model_codes, horizon_years = a["catalogue_models"], a["model_codes"], a["horizon_years"]
    quotes = {
        **buyer_quotes(
            catalogue_models, model_codes, quoted_rate=a.get("quoted_rate"), quoted_price=a.get("quoted_price")
        ),
        **(a.get("quotes") or {}),
    }
    given = _weeks(a.get("duration_weeks"))
    weeks = given or once_weeks(a.get("demand"), a["annual_hours"], a["team_size"])
    case = build_case(
        catalogue_models=catalogue_models,
        function_code=a["function_code"] or "",
        functions=a["functions"],
        assumptions=a["assumptions"],
        model_codes=model_codes,
        market=a["home_market"] or "us",
        location_code=a["location_code"],
        locations=a["locations"],
        people=a["team_size"],
        annual_hours=a["annual_hours"],
        deliverables=a["deliverables"],
        years=float(horizon_years) if horizon_years else DEFAULT_HORIZON,
        displaced=float(a.get("displaced") or 0),
        own_inhouse_cost=a.get("own_inhouse_cost") or _own_cost(a.get("own_cost")),
        quotes=quotes,
        hourly_quote=_hourly(a.get("quoted_rate")),
        weeks=weeks,
        own_entity=a.get("own_entity") is True,
        peak_share=_share(a.get("peak_share")),
        budget_fx=_budget_fx(a.get("budget_fx")),
        quote_rise=_rise(a.get("quote_rise")),
        negotiated=a.get("critical") is True,
        moved_in_waves=_moved_in_waves(a),
    )
    return replace(case, weeks_worked_out=True) if weeks and not given else case


def _moved_in_waves(a: CostArguments) -> bool:
    """Whether the team is too large to move at once, as the risk that says so reads it (``LaunchScale.in_waves`` on
    the answered team, never for work staffed from a provider's bench: done once or in season)."""
    scale = LaunchScale.of(a["assumptions"])
    team = a["team_size"]
    if scale is None or not isinstance(team, int | float) or not scale.in_waves(float(team)):
        return False
    answers = {
        "demand_pattern": a.get("demand"),
        "duration_weeks": a.get("duration_weeks"),
        "peak_share": a.get("peak_share"),
    }
    return not staffed_from_bench({k: v for k, v in answers.items() if v is not None})


def _budget_fx(value: Any) -> float | None:
    """The buyer's budget exchange rate per US dollar from its answer per 100 US dollars; None when not answered
    (or not a usable number)."""
    try:
        rate = float(value) / 100
    except (TypeError, ValueError):
        return None
    return rate if rate > 0 and math.isfinite(rate) else None


def _rise(value: Any) -> float | None:
    """The yearly rise the buyer's quote may take, as a fraction, from its answer in per cent; None when not answered
    (or not a usable number)."""
    try:
        rise = float(value) / 100
    except (TypeError, ValueError):
        return None
    return rise if 0 <= rise <= 1 and math.isfinite(rise) else None


# Savings-only summaries by the same key as ``simulated``'s (a case's figures for a comparison: a cheaper
# location's), kept apart from the whole results: a summary never stands in for a shown cost.
_savings: OrderedDict[tuple[Any, ...], tuple[ModelSaving, ...]] = OrderedDict()


def model_saving(model_code: str, **arguments: Any) -> ModelSaving | None:
    """What ``total_cost(model_codes=[model_code], **arguments)`` gives for that model's total over the horizon
    and its saving (the same case, so the same figures), without the rest of a shown cost: for comparing where
    a model is delivered from. None when it cannot be costed (the cost would be unavailable, or skip it)."""
    try:
        case = _case(model_codes=[model_code], **arguments)
    except TcoUnavailable:
        return None
    key = _key(case)
    with _lock:
        found = _savings.get(key)
        if found is not None:
            _savings.move_to_end(key)
    if found is None:
        found = savings_only(case)
        with _lock:
            _savings[key] = found
            while len(_savings) > CACHE_SIZE:
                _savings.popitem(last=False)
    return next((m for m in found if m.code == model_code), None)


def bridge(stop_code: str, favoured_code: str, **arguments: Any) -> BridgeCost | None:
    """What ``total_cost``'s case gives for ``stop_code`` run until ``favoured_code`` has launched
    (``simulate.bridge_cost``), with ``arguments`` as ``model_saving`` takes them; None when it cannot be costed."""
    try:
        case = _case(model_codes=[stop_code, favoured_code], **arguments)
    except TcoUnavailable:
        return None
    return bridge_cost(case, stop_code, favoured_code)


def _with_provider_fees(unavailable: CostEstimate, arguments: CostArguments, deliverables_asked: bool) -> CostEstimate:
    """``unavailable`` (a buyer elsewhere, whose in-house pay has no benchmark) with what each model would likely
    cost: the same answers costed as for a US buyer, since a provider's prices are in US dollars wherever the buyer
    is, of which every line is kept but those that rest on in-house pay (``outsourced_only``). The buyer's own
    in-house cost is left out (it is in a currency the product does not know), and so is every comparison with it;
    what is given instead is the in-house cost per person-year at which the two would be level."""
    try:
        us = arguments.copy()
        us["home_market"], us["own_cost"], us["own_inhouse_cost"] = "us", None, None
        case = _case(**us)
        priced = outsourced_only(case)
    except TcoUnavailable:
        return unavailable
    written = {f.key: f for f in _figures(case)}
    index = written.get("location.index")
    person_years = case.inhouse_fte * case.months / 12
    specs = {spec.code: spec for spec in case.models}

    def paid_years(code: str) -> float:
        """The person-years the model's fees pay for: a team moved in waves does the rest in-house meanwhile."""
        return person_years - (case.inhouse_fte * unmoved_months(case, specs[code]) / 12 if code in specs else 0.0)

    fees = []
    for m in priced:
        fee_line = next((x for x in m.lines if x.label == PROVIDER_FEES), None)
        price = written.get(f"{m.code}.rate") or written.get(f"{m.code}.price")
        if price is None:
            continue
        inputs = [Input(price.label, price.value, price.source + (WEAK_MARK if price.weak else ""))]
        # The location's index prices an hourly rate, not a quote (that provider's own price) nor a project's price.
        if index is not None and price.key.endswith(".rate") and not case.figures[price.key].supplied:
            inputs.append(Input(index.label, index.value, index.source + (WEAK_MARK if index.weak else "")))
        fees.append(
            ProviderFees(
                m.code,
                m.name,
                fee_line.horizon if fee_line else None,
                fee_line.formula if fee_line else "",
                tuple(inputs),
                price.weak,
                total=m.horizon,
                lines=m.lines,
                level=_level(m.horizon, paid_years(m.code)),
                left_out=m.left_out,
            )
        )
    return replace(
        unavailable,
        horizon_years=case.years,
        duration_weeks=case.weeks,
        weeks_worked_out=case.weeks_worked_out,  # said beside the fees too (review 167)
        annual_hours=case.annual_hours,
        team_size=case.people,
        currency="USD",
        significant_figures=SHOWN_FIGURES,
        provider_fees=tuple(fees),
        skipped=tuple((name, _skip_reason(why, deliverables_asked)) for name, why in case.skipped),
    )


def _level(total: Triple, person_years: float) -> Triple:
    """A model's cost over the horizon per person-year of the work its fees pay for."""
    return (total[0] / person_years, total[1] / person_years, total[2] / person_years)


def total_cost(*, deliverables_asked: bool, **arguments: Unpack[CostArguments]) -> CostEstimate:
    """The TCO of ``model_codes`` against in-house; unavailable, with the reason, when it cannot be costed.

    ``home_market`` unanswered means the US (the in-house inputs say so); the location is where the work is
    delivered from (its cost index, wage inflation and attrition), None for the benchmark (India).

    The buyer's own figures, from the answers: ``own_cost`` (their loaded cost of one in-house person a year,
    in the home currency) replaces the in-house benchmark; ``quoted_rate`` (US dollars an hour) and
    ``quoted_price`` (US dollars a deliverable) replace the provider's rate of the models they price (see
    ``buyer_quotes``); ``displaced`` people are paid severance. Each is marked as the buyer's.

    ``duration_weeks``: a piece of work done once lasts this many weeks, and the cost covers them instead of the
    horizon's years (``annual_hours`` are then the hours of the whole piece of work). ``own_entity``: the buyer
    already has a legal entity where its own centre would be (an owned centre then counts no entity cost)."""
    catalogue_models, functions, function_code = (
        arguments["catalogue_models"],
        arguments["functions"],
        arguments["function_code"],
    )
    team_size, annual_hours, horizon_years = (
        arguments["team_size"],
        arguments["annual_hours"],
        arguments["horizon_years"],
    )
    home_market, locations, location_code = arguments["home_market"], arguments["locations"], arguments["location_code"]
    market = home_market or "us"
    try:
        case = _case(**arguments)
        result = simulated(case)
    except TcoUnavailable as exc:
        reason = _nothing_costed(exc, deliverables_asked) if isinstance(exc, NothingCosted) else str(exc)
        reason += _quote_unused(arguments)
        unavailable = CostEstimate(available=False, function=function_code or "", reason=reason, home_market=market)
        if market in CURRENCIES:
            return unavailable
        return _with_provider_fees(unavailable, arguments, deliverables_asked)
    inhouse_likely = result.inhouse.horizon[1]
    weeks = case.weeks
    where = str(locations.get(location_code or "", {}).get("name", "")) or "no location chosen (India benchmark)"
    inhouse_inputs = (
        Input("People", number(case.people), "your answer" if team_size else "annual hours ÷ 2,000 h"),
        Input(
            "Hours of the work" if weeks else "Annual hours",
            number(case.annual_hours),
            "your answer" if annual_hours else "people × 2,000 h",
        ),
        Input(
            INHOUSE_FTE,
            number(round(case.inhouse_fte, 2)),
            "the work's hours ÷ the full-time hours in its weeks (2,000 h a year), at most the people, for those "
            "weeks only"
            if weeks
            else "annual hours ÷ 2,000 h, at most the people: in-house the work costs the hours it needs",
        ),
        Input(
            "Horizon",
            period(case.years, weeks),
            "worked out from the hours and the people"
            if case.weeks_worked_out
            else "your answer"
            if horizon_years or weeks
            else "default",
        ),
        *_short_work_inputs(case),
        Input(
            "Home market",
            f"{MARKET_NAMES[market]} ({case.currency})" if market in MARKET_NAMES else "Elsewhere (USD)",
            ("your answer" if home_market else "default")
            + ("" if market in MARKET_NAMES else ": in-house is your own loaded cost, in US dollars"),
        ),
        Input("Delivered from", where, "the first location meeting every requirement"),
        *([Input(DISPLACED, number(case.displaced), "your answer")] if case.displaced else []),
        *(
            [
                Input(
                    PEAK_SHARE,
                    f"{case.peak_share * 100:g}%",
                    "your answer: in-house, the "
                    f"{case.peak_excess * 100:.0f}% of the hours above what a team sized to the quieter nine months "
                    "does in the peak are done by people taken on for the season",
                )
            ]
            if case.peak_excess
            else []
        ),
    )
    return CostEstimate(
        available=True,
        function=function_code or "",
        home_market=market,
        horizon_years=case.years,
        duration_weeks=weeks,
        weeks_worked_out=case.weeks_worked_out,
        annual_hours=case.annual_hours,
        team_size=case.people,
        inhouse_annual=result.inhouse.annual,
        inhouse_horizon=result.inhouse.horizon,
        inhouse_inputs=inhouse_inputs,
        models=tuple(
            _model(
                result,
                case,
                m,
                str(catalogue_models[m.code].get("pricing_basis", "")),
                inhouse_likely,
                (functions.get(function_code or "") or {}).get("kpo_rate"),
                catalogue_models[m.code].get("ramp_up_months"),
            )
            for m in result.models
        ),
        skipped=tuple((name, _skip_reason(why, deliverables_asked)) for name, why in result.skipped)
        + _unused_quote_lines(arguments, case),
        currency=result.currency,
        draws=result.draws,
        inhouse_lines=result.inhouse_lines,
        figures=_figures(case),
        significant_figures=SHOWN_FIGURES,
        rate_age_months=_rate_age(case, arguments["assumptions"]),
    )


def _rate_age(case: Case, assumptions: Mapping[str, Any]) -> int:
    """The dated exchange rate's age in months at the month the catalogue brings pay to; 0 when no rate converts
    (US dollars), the buyer gave its own, or either date is not known."""
    fx = case.figures.get("fx")
    if fx is None or fx.supplied or case.currency == "USD":
        return 0
    rate = (assumptions.get("exchange_rates") or {}).get(case.currency) or {}
    dated = str((rate.get("source") or {}).get("date") or "")[:7]
    return max(0, months_between(dated, assumptions.get("pay_brought_to")) or 0)
