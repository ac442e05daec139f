"""Building a case from plain data: the catalogue snapshot, cost_assumptions.json and the answers."""

from __future__ import annotations

import calendar
import math
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from apps.common.formatting import money, number
from apps.playbooks.engine.requirements import in_text, sources_naming
from apps.playbooks.engine.tco.types import (
    CENTRE_HIRING,
    CURRENCIES,
    ELSEWHERE,
    FTE_HOURS,
    KINDS,
    MANAGED_LAUNCH,
    QUOTE_RISE,
    WAVES_FIRST,
    WAVES_MONTHS,
    WEEKS_A_YEAR,
    Case,
    Figure,
    ModelSpec,
    NothingCosted,
    TcoUnavailable,
    Triple,
    currency,
    no_benchmark,
    peak_excess,
)

WEAK_MARK = " (weak source: verify)"  # what a weak source says after its title
NO_DELIVERABLES = "the number of deliverables a year is not known"
# Why a project with no count of deliverables is priced by its hours (``ModelSpec.sized``).
NO_COUNT = (
    "with no number of deliverables to price it by, the project is priced by its hours, as a managed service is: "
    "an hourly rate with the managed-services premium for the provider's delivery risk (the product's "
    "assumption); a fixed price per deliverable from a provider replaces it"
)
# A benchmark price per deliverable prices a whole project (a report, a landscape, a memo). Spread over the hours the
# work takes, it is used while it comes to between the function's likely hourly rate and ``PROJECT_FIXED_PRICE_UPLIFT``
# times its highest: a fixed price carries the provider's project management and risk on top of its people's hours,
# and no provider charges more than half again what the dearest of the function's providers charges an hour (the
# product's assumption, not a source's; the typical rate rather than the lowest, since the benchmark price is a range's
# midpoint too). Outside that band a "deliverable" here is not the project the benchmark prices: below it, a larger
# piece of work (a whole season's review bought as one, as the deliverables question invites), where the benchmark
# would give a price no provider would sign and a saving no quote will show; above it, smaller ones (a monthly report,
# a single return), where it would overstate the cost, by orders of magnitude far out. The project is then priced by
# its hours instead (``ModelSpec.sized``), as a managed service is: the function's hourly rate, with the
# managed-services premium for the provider's delivery risk (the product's assumption, not a source's). The buyer's
# own quote per deliverable is their price and is used whatever it comes to. Beyond ``PROJECT_UNIT_TOLERANCE`` times
# the highest rate a deliverable is another unit altogether, which only changes the words.
PROJECT_UNIT_TOLERANCE = 3.0
# Why a model is not costed for work no benchmark covers, when the buyer's own figures price others.
OWN_FIGURES_ONLY = (
    "no cost benchmark covers this kind of work, so only the models your own quote prices are costed, against your "
    "own in-house cost"
)
PROJECT_FIXED_PRICE_UPLIFT = 1.5


def _figure(label: str, data: Mapping[str, Any]) -> Figure:
    src = data.get("source") or {}
    title = src.get("title", "") if isinstance(src, Mapping) else str(src)
    pinpoint = src.get("pinpoint", "") if isinstance(src, Mapping) else ""
    source = f"{title}: {pinpoint}" if pinpoint else title
    weak = data.get("confidence") == "weak"
    return Figure(
        label,
        float(data["low"]),
        float(data["likely"]),
        float(data["high"]),
        source + (WEAK_MARK if weak else ""),
        weak=weak,
    )


def _triple_figure(label: str, value: Any, source: str, *, supplied: bool = False, weak: bool = False) -> Figure | None:
    if not isinstance(value, list | tuple) or len(value) != 3 or any(v is None for v in value):
        return None
    low, likely, high = (float(v) for v in value)
    return Figure(label, low, likely, high, source, supplied=supplied, weak=weak)


def _weak(entry: Mapping[str, Any]) -> bool:
    return entry.get("confidence") == "weak"


def _catalogue_figure(label: str, entry: Mapping[str, Any], key: str) -> Figure | None:
    """A catalogue entry's figure ``key`` with its one source; weak when the entry is (flag and words both, so the
    cost table and the inputs mark it)."""
    return _triple_figure(label, entry.get(key), _catalogue_source(entry, key), weak=_weak(entry))


def _catalogue_source(entry: Mapping[str, Any], figure: str) -> str:
    """The sources the catalogue names for this figure (its ``figures`` list), every one of them, else its first: a
    figure worked out from two (a rate between a vendor's and a glossary's) cites both (review 84: the glossary's top
    was cited to the vendor alone)."""
    sources = [s for s in entry.get("sources", []) if isinstance(s, Mapping)]
    named = sources_naming(entry, figure)
    text = "; ".join(str(s.get("title", "catalogue")) for s in (named or sources[:1] or [{}]))
    return text + (WEAK_MARK if _weak(entry) else "")


def build_case(
    *,
    catalogue_models: Mapping[str, Mapping[str, Any]],
    function_code: str,
    functions: Mapping[str, Mapping[str, Any]],
    assumptions: Mapping[str, Any],
    model_codes: Sequence[str],
    market: str = "us",
    location_code: str | None = None,
    locations: Mapping[str, Mapping[str, Any]] | None = None,
    people: float | None = None,
    annual_hours: float | None = None,
    deliverables: float | None = None,
    years: float = 3,
    displaced: float = 0.0,
    own_inhouse_cost: Triple | None = None,
    quotes: Mapping[str, Triple] | None = None,
    hourly_quote: Triple | None = None,
    weeks: int = 0,
    own_entity: bool = False,
    peak_share: float = 0.0,
    negotiated: bool = False,
    budget_fx: float | None = None,
    quote_rise: float | None = None,
    moved_in_waves: bool = False,
) -> Case:
    """A :class:`Case` from the catalogue snapshot, ``cost_assumptions.json`` and the answers.

    ``own_inhouse_cost`` is the buyer's loaded cost per FTE-year in the home currency; ``quotes`` are the
    buyer's provider quotes per model code, in US dollars per hour (per deliverable for a project). ``hourly_quote``
    is the buyer's quoted hourly rate for a dedicated person: the base of a project priced by its hours
    (``ModelSpec.sized``), with the managed-services premium on top, as the function's rate is otherwise.
    ``weeks`` is how long a piece of work done once lasts (0: the work goes on for ``years``); the case then
    covers those weeks only (see :attr:`Case.surge` for what a surge leaves out and adds).
    ``own_entity``: the buyer already has a legal entity where its own centre would be, so an owned centre
    counts no entity cost. ``peak_share``: seasonal work's share of the year's hours in its busiest three months
    (0 to 1); in-house, the hours above a team sized to the quieter months cost the temporary staff premium.
    ``budget_fx``: the buyer's own exchange rate, its home currency per US dollar, in place of the catalogue's
    dated rate (with the catalogue's band around it for movements over the horizon); ignored for US dollars.
    ``quote_rise``: how much a year the buyer's quoted price may rise (its price-adjustment clause), as a fraction:
    the fees of the models priced from a quote rise by it instead of the location's wage inflation.
    ``moved_in_waves``: the team is too large to move at once (``requirements.LaunchScale.in_waves``), so a model
    billed from its first month moves it in waves (``_waves_figures``).
    Raises :class:`TcoUnavailable` with the reason when the case cannot be costed.
    """
    loaded = assumptions["loaded_cost"]
    if market not in CURRENCIES and not (own_inhouse_cost is not None and market == ELSEWHERE and market in loaded):
        # A buyer elsewhere (India, Australia ...): compared with US, UK or EU salaries the saving would be wrong
        # in size and maybe in sign, so there is no comparison rather than a misleading one, unless the buyer gives
        # its own loaded cost (in US dollars; a catalogue frozen before the market's wage growth cannot take it).
        where = "a buyer elsewhere" if market == ELSEWHERE else f"the home market “{market}”"
        raise TcoUnavailable(
            "In-house costs are benchmarked for the US, the UK and the EU only, so no saving against keeping the "
            f"work in-house is estimated for {where}."
        )
    function = functions.get(function_code)
    # Work no benchmark covers ("another kind of knowledge work") is still costed when the buyer gives both sides
    # itself: its own loaded cost, and a provider's quote for the models that quote prices. Nothing of the
    # catalogue's stands in for a price it has no benchmark for (``OWN_FIGURES_ONLY``).
    own_figures_only = function is None and bool(function_code) and own_inhouse_cost is not None and bool(quotes)
    if function is None and not own_figures_only:
        raise TcoUnavailable(no_benchmark(function_code))
    function = function if function is not None else {}
    if not people and not annual_hours:
        raise TcoUnavailable("Neither annual hours nor team size is answered.")
    hours = float(annual_hours) if annual_hours else float(people or 0) * FTE_HOURS
    team = float(people) if people else max(1.0, round(hours / FTE_HOURS, 1))
    home = loaded[market]
    severance = home.get("severance_months")
    if severance is None:
        displaced = 0.0  # a buyer elsewhere is not asked: severance follows its own country's law
    figures: dict[str, Figure] = {
        "inhouse.wage_growth": _figure("In-house wage growth a year", home["wage_growth"]),
        **({"inhouse.severance_months": _figure("Severance, months of salary", severance)} if severance else {}),
        "transition.team": _figure("Parallel running, months (a team)", assumptions["transition_months"]["team"]),
        "transition.light": _figure(
            "Parallel running, months (project or pool)", assumptions["transition_months"]["light"]
        ),
        "governance_share": _figure("Retained organisation, share of fees", assumptions["governance_share"]),
        "exit_share": _figure("Exit and re-tendering, share of a year's fees", assumptions["exit_share"]),
        "ramp.months": _figure("Ramp-up months", assumptions["ramp_up"]["months"]),
        "ramp.start_productivity": _figure("Productivity in month 1", assumptions["ramp_up"]["start_productivity"]),
        "provider.replacement_months": _figure(
            "Lost output per leaver, months", assumptions["provider_attrition"]["replacement_months"]
        ),
        "shared_pool_premium": _figure("Shared-pool premium", assumptions["shared_pool_premium"]),
        "managed_services_premium": _figure("Managed-services premium", assumptions["managed_services_premium"]),
    }
    figures.update(_inhouse_figures(function_code, function, assumptions, market, own_inhouse_cost))
    figures.update(_money_figures(assumptions, market, budget_fx))
    figures.update(_location_figures(assumptions, location_code, locations or {}, function))
    if quote_rise is not None and quotes:
        figures[QUOTE_RISE] = Figure(
            "Yearly rise of your quoted price", quote_rise, quote_rise, quote_rise, "your quote", supplied=True
        )
    specs, skipped = [], []
    dedicated = _dedicated_model(catalogue_models)
    for code in model_codes:
        model = catalogue_models.get(code)
        if model is None or model.get("pricing_basis") not in KINDS or model.get("is_kpo") is False:
            continue
        quote = (quotes or {}).get(code)
        if own_figures_only and quote is None:
            skipped.append((str(model.get("name", code)), OWN_FIGURES_ONLY))
            continue
        spec, why = _model_figures(
            code, model, function, dedicated, quote, figures, assumptions, deliverables, hours, hourly_quote
        )
        if spec is not None:
            specs.append(spec)
        else:
            skipped.append((str(model.get("name", code)), why))
    if not specs:
        raise NothingCosted(tuple(skipped))
    if any(s.kind == "owned" for s in specs):
        figures.update(_owned_figures(assumptions, own_entity))
    bot_launch = assumptions["bot"].get("launch_months")
    if bot_launch and any(s.kind == "bot" for s in specs):
        # Only a case that costs BOT has it, so every other case keeps its seed. A catalogue frozen before it costs
        # BOT as a provider's team: fees from month 1, a ramp-up, and the transition's parallel running.
        figures["bot.launch_months"] = _figure("Months for the provider to launch your BOT centre", bot_launch)
        figures.update(_centre_hiring(assumptions))
    managed_launch = assumptions["transition_months"].get("managed")
    if managed_launch and any(s.kind == "managed" for s in specs):
        # Only a case that costs a managed service has it, so every other case keeps its seed. A catalogue frozen
        # before it runs a managed service in parallel for a team's transition.
        figures[MANAGED_LAUNCH] = _figure("Parallel running, months (a managed service's launch)", managed_launch)
    if moved_in_waves and not weeks:
        figures.update(_waves_figures(assumptions))
    if weeks and not displaced:
        _surge_figures(figures, assumptions)
    elif not weeks and peak_excess(peak_share) and assumptions.get("temporary_staff_premium"):
        figures["inhouse.temporary_premium"] = _figure(
            "Temporary staff premium in-house", assumptions["temporary_staff_premium"]
        )
    return Case(
        market=market,
        currency=currency(market),
        # A piece of work's years are those its weeks reach into (one, or two past 52 weeks), so a yearly figure
        # is a year's share of it.
        years=math.ceil(weeks / WEEKS_A_YEAR) if weeks else round(years),
        weeks=int(weeks),
        peak_share=float(peak_share),
        negotiated=negotiated,
        people=team,
        annual_hours=hours,
        deliverables=float(deliverables or 0),
        displaced=float(displaced or 0),
        inhouse_all_in="inhouse.oncost" not in figures,
        figures=figures,
        models=tuple(specs),
        skipped=tuple(skipped),
    )


def _waves_figures(assumptions: Mapping[str, Any]) -> dict[str, Figure]:
    """A team too large to move at once: the people of its first wave (the largest team moved as one, the waves'
    ``team_size``, so a team one person larger costs one person more, not a different move; review 173: 201 people
    cost $9m more than 200) and the months the whole team takes to move (the cost assumptions' ``launch_at_scale``
    ``waves``), each a single value with its sources, weak as they are (no source gives them for a given size)."""
    scale = assumptions.get("launch_at_scale")
    waves = scale.get("waves") if isinstance(scale, Mapping) else None
    if not isinstance(waves, Mapping):
        return {}
    first, months = waves.get("team_size"), waves.get("months")
    if not isinstance(first, int | float) or not isinstance(months, int | float) or first <= 0 or months <= 0:
        return {}
    label = "People in the first wave (the largest team moved as one)"
    return {
        # No source gives it (review 175: it was cited to the ramp-up source of the months): the team-size question's
        # threshold, the size above which it says an owned captive centre usually wins.
        WAVES_FIRST: Figure(label, float(first), float(first), float(first), FIRST_WAVE_SOURCE + WEAK_MARK, weak=True),
        WAVES_MONTHS: _point("Months to move the whole team, in waves", float(months), waves),
    }


FIRST_WAVE_SOURCE = (
    "no published source: the product's assumption, the team size above which the team-size question says an owned "
    "captive centre usually wins"
)


def _point(label: str, value: float, entry: Mapping[str, Any]) -> Figure:
    """A single-value figure from a cost assumption with a list of sources, each with its pinpoint."""
    sources = [s for s in entry.get("sources", []) if isinstance(s, Mapping)]
    text = "; ".join(
        f"{s.get('title', '')}: {s['pinpoint']}" if s.get("pinpoint") else str(s.get("title", "")) for s in sources
    )
    weak = _weak(entry)
    return Figure(
        label, value, value, value, (text or "the product's assumption") + (WEAK_MARK if weak else ""), weak=weak
    )


# The figures a surge (work done once that no team of the buyer's does today) has no use for: nothing runs in
# parallel while the work moves, and nothing is taken back or re-tendered when it ends.
SURGE_UNUSED = ("transition.team", "transition.light", MANAGED_LAUNCH, "exit_share")


def _surge_figures(figures: dict[str, Figure], assumptions: Mapping[str, Any]) -> None:
    """A surge's figures: without parallel running and exit, and with the premium people taken on for the work
    cost in-house over the salaried benchmark (when the frozen assumptions hold it). The premium is paid on the
    work's first two years (``Case.taken_on_share``): a longer piece of work is then done by people hired for it, at
    the salaried loaded cost (review 173: a premium for temporary staff held for five or ten years; review 175: one
    more week past two years had dropped the premium at once)."""
    for key in SURGE_UNUSED:
        figures.pop(key, None)
    premium = assumptions.get("temporary_staff_premium")
    if premium:
        figures["inhouse.temporary_premium"] = _figure("Temporary staff premium in-house", premium)


def _owned_figures(assumptions: Mapping[str, Any], own_entity: bool) -> dict[str, Figure]:
    """An owned centre's own figures (only a case that costs one has them, so every other case keeps its seed):
    its launch months, its entity's yearly cost (0 when the buyer already has an entity there) and what setting it
    up costs once."""
    bot = assumptions["bot"]
    label = "Your own entity, facilities and HR a year (USD)"
    entity = (
        Figure.point(label, 0.0, "your answer: you already have a legal entity there, so it is not counted again")
        if own_entity
        else _figure(label, bot["entity_cost"])
    )
    entity = replace(entity, supplied=own_entity)
    # A catalogue frozen before the owned centre's launch figure launches it as fast as a provider's team ramps up.
    own_centre = assumptions.get("own_centre") or {}
    launch = own_centre.get("launch_months") or assumptions["ramp_up"]["months"]
    figures = {"own.launch_months": _figure("Months to launch your own centre", launch), "own.entity_cost": entity}
    if own_centre.get("setup"):  # a catalogue frozen before it sets up an own centre for nothing
        figures["own.setup"] = _figure("Setting up your own centre (USD)", own_centre["setup"])
        figures.update(_centre_hiring(assumptions))
    return figures


def _centre_hiring(assumptions: Mapping[str, Any]) -> dict[str, Figure]:
    """A centre built for the buyer (its own, or BOT's) recruits its people once, each at a share of a year's cost,
    as in-house leavers are replaced: the set-up band is a small team's, the same for any size. A catalogue frozen
    before the own centre's set-up was priced (``own_centre.setup``) counts no recruiting, as it did then."""
    if not (assumptions.get("own_centre") or {}).get("setup"):
        return {}
    return {
        CENTRE_HIRING: _figure(
            "Recruiting each of the centre's people, share of a year's cost", assumptions["loaded_cost"]["recruiting"]
        )
    }


def _budget_rate(dated: Figure, rate: float) -> Figure:
    """The buyer's budget rate as the likely exchange rate, with the dated rate's band around it in proportion
    (the catalogue's allowance for movements over the horizon), marked as the buyer's figure."""
    return Figure(
        dated.label,
        rate * dated.low / dated.likely,
        rate,
        rate * dated.high / dated.likely,
        f"your budget rate ({number(round(rate * 100, 2))} per 100 US dollars); the band around it is the one the "
        f"catalogue allows for movements over the horizon ({number(round(100 * (1 - dated.low / dated.likely)))}% "
        f"below to {number(round(100 * (dated.high / dated.likely - 1)))}% above)",
        supplied=True,
    )


def _dedicated_model(catalogue_models: Mapping[str, Mapping[str, Any]]) -> Mapping[str, Any]:
    """The generic dedicated-team rate (the first monthly-team model in catalogue order): the base a
    shared pool or a managed service adds its premium to when the function has no rate of its own."""
    teams = sorted(
        (m.get("order", 0), code, m)
        for code, m in catalogue_models.items()
        if m.get("pricing_basis") == "monthly_team" and m.get("rate")
    )
    return teams[0][2] if teams else {}


def _inhouse_figures(
    function_code: str, function: Mapping[str, Any], assumptions: Mapping[str, Any], market: str, own: Triple | None
) -> dict[str, Figure]:
    if own is not None:
        low, likely, high = own
        return {
            "inhouse.salary": Figure(
                "Your in-house loaded cost per FTE-year", low, likely, high, "your figure", supplied=True
            )
        }
    for group in assumptions["inhouse_salary"].values():
        if function_code in group["functions"] and market in group:
            loaded = assumptions["loaded_cost"]
            # An occupation whose employers pay on-costs of their own (NHS clinical coders: the NHS Pension Scheme's
            # employer rate) carries them beside its salary; the market's general on-costs otherwise.
            oncost = group[market].get("oncost") or loaded[market]["oncost"]
            return {
                "inhouse.salary": _figure("In-house salary per FTE-year", group[market]),
                **_pay_since(group[market], assumptions, market),
                "inhouse.oncost": _figure("On-costs, share of salary", oncost),
                "inhouse.overhead": _figure("Overhead, share of salary", loaded["overhead"]),
                "inhouse.management": _figure("Management, share of salary", loaded["management"]),
                "inhouse.recruiting": _figure("Recruiting per hire, share of salary", loaded["recruiting"]),
                "inhouse.attrition": _figure("In-house attrition a year", loaded["attrition"]),
            }
    if market == "us":
        # The catalogue's US figure is an onshore provider rate, so it is already a full hourly cost.
        rate = _catalogue_figure("In-house cost per hour (US)", function, "inhouse_us")
        if rate is not None:
            year = FTE_HOURS
            return {
                "inhouse.salary": replace(rate, low=rate.low * year, likely=rate.likely * year, high=rate.high * year)
            }
    raise TcoUnavailable(
        f"No {CURRENCIES[market]} in-house cost is sourced for this function yet, so there is nothing in"
        f" {CURRENCIES[market]} to compare with (US figures are never passed off as another market's)."
    )


def _pay_since(salary: Mapping[str, Any], assumptions: Mapping[str, Any], market: str) -> dict[str, Figure]:
    """How much in-house pay has grown from the salary benchmark's date (``dated``, a month) to the month the
    catalogue brings pay to (``pay_brought_to``: about when an assessment is made), at the market's wage growth a
    year compounded: a 2023 wage is not what the same people cost when the work would move. Nothing when either
    date is missing (a catalogue frozen before them) or the benchmark is not older."""
    months = months_between(salary.get("dated"), assumptions.get("pay_brought_to"))
    if not months or months <= 0:
        return {}
    growth = assumptions["loaded_cost"][market]["wage_growth"]
    years = months / 12
    yearly = _figure("", growth)  # its source and weak mark, as the wage growth's own input shows them
    low, likely, high = (((1 + v) ** years) - 1 for v in (yearly.low, yearly.likely, yearly.high))
    rates = " to ".join(f"{v * 100:.3g}%" for v in (yearly.low, yearly.high))
    compounded = f"{rates} a year (likely {yearly.likely * 100:.3g}%), compounded over {number(round(years, 2))} years"
    source = f"{yearly.source.removesuffix(WEAK_MARK)}; {compounded}" + (WEAK_MARK if yearly.weak else "")
    label = (
        f"Pay growth since the salary benchmark ({_month(salary['dated'])} to {_month(assumptions['pay_brought_to'])})"
    )
    return {"inhouse.pay_since": replace(yearly, label=label, low=low, likely=likely, high=high, source=source)}


def months_between(start: Any, end: Any) -> int | None:
    """Whole months from ``start`` to ``end``, each a "YYYY-MM" month; None when either is not one."""
    try:
        (y0, m0), (y1, m1) = ((int(part) for part in str(value).split("-")) for value in (start, end))
    except (TypeError, ValueError):
        return None
    if not (1 <= m0 <= 12 and 1 <= m1 <= 12):
        return None
    return (y1 - y0) * 12 + (m1 - m0)


def _month(value: str) -> str:
    year, month = value.split("-")
    return f"{calendar.month_name[int(month)]} {year}"


def _money_figures(assumptions: Mapping[str, Any], market: str, budget_fx: float | None = None) -> dict[str, Figure]:
    home = currency(market)
    fx = (
        Figure.point("US dollars per US dollar", 1.0, "no conversion")
        if home == "USD"
        else _figure(f"Exchange rate, {home} per USD", assumptions["exchange_rates"][home])
    )
    if budget_fx and home != "USD":
        fx = _budget_rate(fx, budget_fx)
    bot = assumptions["bot"]
    return {
        "fx": fx,
        "contracting": _figure("Contracting and due diligence (USD)", assumptions["contracting"]),
        # A project or a pool is bought on a short statement of work; a playbook frozen before the lighter figure
        # existed keeps the one figure for every model.
        "contracting.light": _figure(
            "Contracting (a project, a pool or one or two named people, USD)",
            assumptions.get("contracting_light") or assumptions["contracting"],
        ),
        "bot.setup": _figure("BOT set-up fee (USD)", bot["setup"]),
        "bot.transfer_fee_share": _figure("BOT transfer fee, share of a year's fees", bot["transfer_fee_share"]),
        "bot.run_cost_ratio": _figure("Owned centre cost, share of the provider's rate", bot["run_cost_ratio"]),
        "bot.entity_cost": _figure("Own entity, facilities and HR a year (USD)", bot["entity_cost"]),
    }


def index_source(location: Mapping[str, Any]) -> str:
    """The source of a delivery location's cost index, as the cost figures cite it (weak ones marked)."""
    return _catalogue_source(location, "cost_index")


def location_index(location: Mapping[str, Any] | None) -> float:
    """A delivery location's cost index (India = 1.00); no location: the benchmark, 1.00."""
    return float(location.get("cost_index") or 1.0) if location else 1.0


# Said in the cost index's source when it scales part of the function's rate (``located_index``).
PART_SCALED = "scales only the part"


def located_index(index: float, share: float | None) -> float:
    """A location's cost index as it scales one function's rate: on the share of the rate that follows where the
    team is (``located_share``, all of it when the catalogue gives none), so 1 + (index − 1) × share."""
    if share is None or share >= 1.0:
        return index
    return round(1.0 + (index - 1.0) * share, 4)


def _location_figures(
    assumptions: Mapping[str, Any],
    code: str | None,
    locations: Mapping[str, Mapping[str, Any]],
    function: Mapping[str, Any] | None = None,
) -> dict[str, Figure]:
    location = locations.get(code or "")
    inflation = assumptions["wage_inflation"]
    attrition = assumptions["provider_attrition"]
    name = in_text(location, code or "") if location else "the provider's location"
    given = (function or {}).get("located_share")
    share = float(given) if given is not None else None  # a catalogue read from its file holds it as text
    raw = location_index(location)
    index = located_index(raw, share)
    source = _catalogue_source(location, "cost_index") if location else "no location chosen: benchmark (India = 1.00)"
    if index != raw:
        # Review 111: Poland's 1.67 on a rate blending India's figure with a dedicated team's rate anywhere priced a
        # financial analyst at $58 an hour, above the published ranges the blend came from.
        source = (
            f"{source}; {number(raw)} {PART_SCALED} of this function's rate that follows where the team is "
            f"({share:.0%} of it, India's figure; the rest is a rate for a dedicated team wherever it works), so "
            f"1 + ({number(raw)} − 1) × {share:g} = {number(index)}"
        )
    weak = _weak(location) if location else False
    return {
        "location.index": Figure(f"Cost index of {name}", index, index, index, source, weak=weak),
        "location.inflation": _figure(
            f"Wage inflation in {name} a year", inflation.get(code or "", inflation["default"])
        ),
        "provider.attrition": _figure(
            f"Provider attrition in {name} a year", attrition.get(code or "", attrition["default"])
        ),
    }


def _model_figures(
    code: str,
    model: Mapping[str, Any],
    function: Mapping[str, Any],
    dedicated: Mapping[str, Any],
    quote: Triple | None,
    figures: dict[str, Figure],
    assumptions: Mapping[str, Any],
    deliverables: float | None,
    hours: float,
    hourly_quote: Triple | None = None,
) -> tuple[ModelSpec | None, str]:
    kind = KINDS[str(model["pricing_basis"])]
    name = str(model.get("name", code))
    if kind == "project" and not deliverables and quote is None:
        # With no count of deliverables a project is priced by its hours, as a managed service is (its premium for
        # the provider's delivery risk on top), so a project the buyer is recommended is never left uncosted. A
        # quoted price per deliverable prices nothing without the count.
        spec = _priced_by_hours(code, name, kind, NO_COUNT, function, figures, hourly_quote)
        return (spec, "") if spec is not None else (None, NO_DELIVERABLES)
    if kind == "project" and not deliverables:
        return None, NO_DELIVERABLES
    key, own = ("price", "deliverable_price") if kind == "project" else ("rate", "kpo_rate")
    label = f"{name}: {'price per deliverable' if kind == 'project' else 'hourly rate'} (USD)"
    if kind == "owned":  # no provider: a provider's rate for the same people is where its cost starts
        label = f"{name}: a provider's hourly rate for the same people (USD)"
    if quote is not None:
        figure: Figure | None = Figure(label, *quote, "your quote", supplied=True)
    else:
        figure = _catalogue_figure(label, function, own)
    if figure is None and kind in ("pool", "managed"):
        # Priced off the dedicated rate plus the model's own premium, so the premium is counted once.
        figure = _catalogue_figure(label, dedicated, "rate")
    elif figure is None:
        figure = _catalogue_figure(label, model, key)
    if figure is None:
        return None, "the catalogue has no price for it or for the function"
    if kind == "project" and quote is None and deliverables:
        sized = _sized_because(
            figure, function.get("kpo_rate"), float(deliverables), hours, quoted=hourly_quote is not None
        )
        if sized and (by_hours := _priced_by_hours(code, name, kind, sized, function, figures, hourly_quote)):
            return by_hours, ""
    figures[f"{code}.{key}"] = figure
    transfer = model.get("transfer_months") or (
        assumptions["bot"]["operate_phase"]["likely"] if kind == "bot" else None
    )
    spec = ModelSpec(
        code=code,
        name=name,
        kind=kind,
        commitment_hours=float(model.get("commitment_hours") or 2000),
        transfer_month=int(transfer) if transfer else None,
        quoted=quote is not None,
    )
    return spec, ""


def _priced_by_hours(
    code: str,
    name: str,
    kind: str,
    sized: str,
    function: Mapping[str, Any],
    figures: dict[str, Figure],
    hourly_quote: Triple | None,
) -> ModelSpec | None:
    """A project priced by its hours (``ModelSpec.sized``, saying why): the buyer's quoted rate for a dedicated
    person's hour as its base, else the function's hourly rate; None when neither is known."""
    if hourly_quote is not None:
        # The buyer's own price for a dedicated person's hour is the base, as the function's rate would be.
        figures[f"{code}.rate"] = Figure(
            f"{name}: your quoted rate for a dedicated person (USD)", *hourly_quote, "your quote", supplied=True
        )
        return ModelSpec(code=code, name=name, kind=kind, sized=sized, quoted=True)
    rate = _catalogue_figure(f"{name}: hourly rate (USD)", function, "kpo_rate")
    if rate is None:
        return None
    figures[f"{code}.rate"] = rate
    return ModelSpec(code=code, name=name, kind=kind, sized=sized)


def rate_band(band: Any) -> tuple[float, float] | None:
    """A function's hourly provider rates (the catalogue's low, likely, high) as (lowest, highest); None when the
    catalogue holds no usable band."""
    if isinstance(band, list | tuple) and len(band) == 3 and all(isinstance(v, int | float) for v in band):
        return float(band[0]), float(band[2])
    return None


def price_per_hour(price: float, deliverables: float, hours: float) -> float:
    """A project's price per deliverable spread over the hours of the work."""
    return price * deliverables / hours


def _sized_because(price: Figure, band: Any, deliverables: float, hours: float, *, quoted: bool = False) -> str:
    """Why the project is priced by its hours ("" when it is not): the benchmark price per deliverable, spread over
    the hours, comes to less than the function's likely hourly rate (the deliverables are larger pieces of work than
    the projects it prices) or to more than a fixed price could (``PROJECT_FIXED_PRICE_UPLIFT`` times the function's
    highest hourly rate: smaller ones)."""
    rates = rate_band(band)
    if not hours or rates is None:
        return ""
    low, high = rates
    likely = float(band[1])
    hourly = price_per_hour(price.likely, deliverables, hours)
    if likely <= hourly <= high * PROJECT_FIXED_PRICE_UPLIFT:
        return ""
    spread = (
        f"the benchmark price per deliverable (likely {money(price.likely, 'USD')}, for a whole project) would come to "
        f"{money(hourly, 'USD', cents=True)} an hour over your {number(hours)} hours of work"
    )
    if hourly < likely:
        why = (
            f"{spread}, below the {money(likely, 'USD', cents=True)} an hour this function's providers typically "
            f"charge ({money(low, 'USD', cents=True)}–{money(high, 'USD', cents=True)}), and a fixed price carries "
            "the provider's project management on top of its people's hours, so no provider would sign it: your "
            "deliverables are larger pieces of work than the projects it prices"
        )
    elif hourly <= high * PROJECT_UNIT_TOLERANCE:
        why = (
            f"{spread}, more than the {money(high * PROJECT_FIXED_PRICE_UPLIFT, 'USD', cents=True)} a fixed price "
            f"could (the {money(high, 'USD', cents=True)} an hour the dearest of this function's providers charge, "
            "with half again for a fixed price's project management and risk): your deliverables are smaller pieces "
            "of work than the projects it prices"
        )
    else:
        why = (
            f"{spread}, far above the {money(low, 'USD', cents=True)}–{money(high, 'USD', cents=True)} this "
            "function's providers charge by the hour: a deliverable here is a much smaller unit than the project the "
            "benchmark prices"
        )
    basis = (
        "your quoted rate for a dedicated person × your hours × (1 + the managed-services premium), with no location "
        "cost index, since the quote is the provider's own price"
        if quoted
        else "the function's hourly rate × your hours × (1 + the managed-services premium) × the location's cost index"
    )
    return (
        f"{why}, so the project is priced by its hours, as a managed service is ({basis}: the product's assumption). "
        "A provider's quoted price per deliverable, given under your own cost figures, would replace it"
    )
