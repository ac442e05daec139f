"""Total cost of ownership: each engagement model against keeping the work in-house, as a distribution.

Pure: no Django, no I/O, no clock. Every input is a :class:`Figure` (low / likely / high, one source, a
flag when the buyer supplied it). :func:`simulate` draws every figure from a PERT distribution (seeded
from the inputs themselves, so the same case always gives the same figures), costs every model month by
month over the horizon in the home market's currency, and reports P10 / P50 / P90, the probability of a
saving, the break-even month and a tornado. docs/scoring.md ("Total cost of ownership") gives every
formula and the worked example that tests/playbooks/test_tco.py recomputes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

Triple = tuple[float, float, float]
Arrays = Mapping[str, np.ndarray]
DRAWS = 10_000
CURRENCIES = {"us": "USD", "uk": "GBP", "eu": "EUR"}
# What each catalogue pricing basis is costed as; captive team and staff augmentation share a formula.
KINDS = {
    "monthly_team": "team",
    "hourly": "pool",
    "per_deliverable": "project",
    "outcome": "managed",
    "setup_plus_hourly": "bot",
}
TEAM_KINDS = ("team", "managed", "bot")  # a whole team moves: a full transition, not a light one


@dataclass(frozen=True)
class Figure:
    """One uncertain input. ``supplied`` marks the buyer's own figure (their in-house cost, a quote)."""

    label: str
    low: float
    likely: float
    high: float
    source: str
    supplied: bool = False
    weak: bool = False

    def __post_init__(self) -> None:
        if not self.low <= self.likely <= self.high:
            raise ValueError(f"{self.label}: low ≤ likely ≤ high does not hold")

    @classmethod
    def point(cls, label: str, value: float, source: str) -> Figure:
        return cls(label, value, value, value, source)


@dataclass(frozen=True)
class ModelSpec:
    code: str
    name: str
    kind: str  # team, pool, project, managed, bot
    commitment_hours: float = 2000.0
    transfer_month: int | None = None


@dataclass(frozen=True)
class Case:
    """Everything one simulation needs. Figure keys: ``inhouse.*``, ``fx``, ``<model>.rate`` ... (see
    :func:`build_case`); structural counts (people, hours, years) are answers, not distributions."""

    market: str
    currency: str
    years: int
    people: float
    annual_hours: float
    deliverables: float
    displaced: float
    inhouse_all_in: bool  # the in-house figure is a full loaded cost (the buyer's own, or an hourly rate)
    figures: Mapping[str, Figure]
    models: tuple[ModelSpec, ...]
    skipped: tuple[tuple[str, str], ...] = ()  # (model name, why it is not costed)


@dataclass(frozen=True)
class Line:
    label: str
    kind: str  # one_time or recurring
    horizon: Triple  # P10, likely, P90 over the horizon
    formula: str


@dataclass(frozen=True)
class Swing:
    """One input swung low → high with every other at likely: the saving at each end."""

    label: str
    saving_at_low: float
    saving_at_high: float

    @property
    def width(self) -> float:
        return abs(self.saving_at_high - self.saving_at_low)


@dataclass(frozen=True)
class Tco:
    one_time: Triple
    annual: Triple
    horizon: Triple


@dataclass(frozen=True)
class ModelTco:
    code: str
    name: str
    tco: Tco
    savings_p10: float
    savings_p50: float
    savings_p90: float
    savings_likely: float
    probability_saving: float
    break_even_month: int | None
    lines: tuple[Line, ...]
    tornado: tuple[Swing, ...]

    @property
    def extra_cost(self) -> bool:
        """A model whose likely cost exceeds in-house is an extra cost, never a saving."""
        return self.savings_likely < 0

    @property
    def saving_label(self) -> str:
        return "extra cost" if self.extra_cost else "saving"


@dataclass(frozen=True)
class TcoResult:
    currency: str
    market: str
    years: int
    draws: int
    seed: int
    inhouse: Tco
    inhouse_lines: tuple[Line, ...]
    models: tuple[ModelTco, ...]
    inputs: tuple[tuple[str, Figure], ...] = field(default_factory=tuple)
    skipped: tuple[tuple[str, str], ...] = ()


class TcoUnavailable(ValueError):
    """The case cannot be costed; the message says why in the buyer's words."""


# --- the arithmetic (works on floats and on numpy arrays alike) -------------------------------------


def dedicated_annual_fee(rate: Any, *, people: float, commitment_hours: float, index: Any = 1.0) -> Any:
    """A dedicated team's fee for one year: people × committed hours × hourly rate × location index."""
    return people * commitment_hours * rate * index


def project_annual_fee(price: Any, *, deliverables: float) -> Any:
    """A year of project work: deliverables × price per deliverable."""
    return deliverables * price


def _draw(rng: np.random.Generator, figures: Sequence[Figure], n: int) -> np.ndarray:
    """One row of n triangular draws on (low, likely, high) per figure, by the inverse of its CDF (one
    uniform matrix, so the draws depend only on the seed and the figures' order). A figure without a
    range is its value in every draw."""
    low, likely, high = (np.array([getattr(f, k) for f in figures])[:, None] for k in ("low", "likely", "high"))
    u = rng.random((len(figures), n))
    span = np.where(high > low, high - low, 1.0)
    cut = (likely - low) / span
    left = low + np.sqrt(u * span * (likely - low))
    right = high - np.sqrt((1 - u) * span * (high - likely))
    return np.where(high > low, np.where(u < cut, left, right), likely)


def seed_for(case: Case) -> int:
    """The seed is a hash of the inputs, so the same case gives the same draws on any machine."""
    data = {
        "case": [case.market, case.years, case.people, case.annual_hours, case.deliverables, case.displaced],
        "all_in": case.inhouse_all_in,
        "figures": {k: [f.low, f.likely, f.high] for k, f in sorted(case.figures.items())},
        "models": [[m.code, m.kind, m.commitment_hours, m.transfer_month] for m in case.models],
    }
    digest = hashlib.sha256(json.dumps(data, sort_keys=True).encode()).digest()
    return int.from_bytes(digest[:8], "big")


# A cost line is a sum of terms; a term is a per-scenario amount (scenarios × 1) times a named month
# profile (scenarios × months). Profiles are built and summed once per run, so ten thousand draws cost
# a handful of whole-horizon array operations, and the same terms give the monthly view for break-even.
Term = tuple[np.ndarray, str]


class _Profiles:
    """Month profiles for a set of scenarios. ``total`` sums a profile over the horizon without building
    the scenarios × months array (pay rises once a year, so a year's months share one factor); ``array``
    builds it, for the few scenarios whose month-by-month costs are needed (break-even)."""

    def __init__(self, v: Arrays, months: int) -> None:
        self.v = v
        self.months = months
        self.year_of = np.arange(months) // 12
        self.month = np.arange(months)[None, :]
        self._growth: dict[str, np.ndarray] = {}
        self._totals: dict[str, np.ndarray] = {}

    def growth(self, kind: str) -> np.ndarray:
        """(1 + rate) ^ year, scenarios × years: the in-house (home) or the provider's (esc) wage growth."""
        if kind not in self._growth:
            rate = self.v["inhouse.wage_growth" if kind == "home" else "location.inflation"]
            self._growth[kind] = (1 + rate) ** np.arange(self.year_of[-1] + 1)[None, :]
        return self._growth[kind]

    def mask(self, name: str) -> np.ndarray:
        kind, _, arg = name.partition(":")
        m = self.month[0]
        if kind == "first":
            return m == 0
        if kind == "until":
            return m < int(arg)
        if kind == "from":
            return m >= int(arg)
        if kind == "at":
            return m == int(arg)
        return np.ones(self.months, dtype=bool)

    def array(self, name: str) -> np.ndarray:
        if name == "first":
            return self.mask(name)[None, :].astype(float)
        if name == "ramp":
            return self._ramp(self.months)
        kind = "home" if name == "home" else "esc"
        return self.growth(kind)[:, self.year_of] * self.mask(name)

    def total(self, name: str) -> np.ndarray:
        if name not in self._totals:
            if name == "first":
                self._totals[name] = np.ones(1)
            elif name == "ramp":
                limit = int(np.ceil(float(np.max(self.v["ramp.months"])))) + 1
                self._totals[name] = self._ramp(min(self.months, limit)).sum(axis=1)
            else:
                weights = np.bincount(self.year_of, weights=self.mask(name), minlength=self.year_of[-1] + 1)
                self._totals[name] = self.growth("home" if name == "home" else "esc") @ weights
        return self._totals[name]

    def _ramp(self, months: int) -> np.ndarray:
        """The share of a month's fee that buys no output: productivity rises in a straight line from the
        start level to full output over the ramp-up months."""
        m = self.month[:, :months]
        p0 = self.v["ramp.start_productivity"]
        idle = (1 - p0) * (1 - np.clip((m + 0.5) / self.v["ramp.months"], 0, 1))
        return self.growth("esc")[:, self.year_of[:months]] * idle


def _inhouse_terms(case: Case, v: Arrays) -> dict[str, list[Term]]:
    base = case.people * v["inhouse.salary"] / 12
    if case.inhouse_all_in:
        return {"Your loaded cost": [(base, "home")]}
    return {
        "Salaries": [(base, "home")],
        "On-costs (employer taxes, benefits)": [(base * v["inhouse.oncost"], "home")],
        "Overhead (facilities, IT)": [(base * v["inhouse.overhead"], "home")],
        "Management": [(base * v["inhouse.management"], "home")],
        "Recruiting to replace leavers": [(base * v["inhouse.attrition"] * v["inhouse.recruiting"], "home")],
    }


def _monthly_fee(case: Case, m: ModelSpec, v: Arrays) -> np.ndarray:
    """The provider's fee for one month before wage inflation, in the home currency."""
    p = f"{m.code}."
    if m.kind == "project":
        return project_annual_fee(v[p + "price"], deliverables=case.deliverables) / 12 * v["fx"]
    if m.kind in ("pool", "managed"):
        premium = v["shared_pool_premium" if m.kind == "pool" else "managed_services_premium"]
        return case.annual_hours / 12 * v[p + "rate"] * (1 + premium) * v["location.index"] * v["fx"]
    yearly = dedicated_annual_fee(
        v[p + "rate"], people=case.people, commitment_hours=m.commitment_hours, index=v["location.index"]
    )
    return yearly / 12 * v["fx"]


def _model_terms(case: Case, m: ModelSpec, v: Arrays, inhouse0: np.ndarray) -> dict[str, list[Term]]:
    months = case.years * 12
    fee = _monthly_fee(case, m, v)
    transfer = m.transfer_month if m.kind == "bot" and m.transfer_month is not None else months
    lines: dict[str, list[Term]] = {"Provider fees": [(fee, f"until:{transfer}")]}
    contract = list(lines["Provider fees"])
    if m.kind == "bot":
        lines["Set-up fee"] = [(v["bot.setup"] * v["fx"], "first")]
        if transfer < months:
            lines["Transfer fee"] = [(fee * 12 * v["bot.transfer_fee_share"], f"at:{transfer}")]
            contract += lines["Transfer fee"]
            own = fee * v["bot.run_cost_ratio"] + v["bot.entity_cost"] / 12 * v["fx"]
            lines["Your own centre after transfer (staff, entity, facilities, HR)"] = [(own, f"from:{transfer}")]
    if m.kind in ("team", "bot"):
        lines["Ramp-up (fees that buy no output yet)"] = [(fee, "ramp")]
        lines["Attrition and replacement"] = [
            (fee * v["provider.attrition"] * v["provider.replacement_months"] / 12, "esc")
        ]
    lines["Retained organisation and vendor management"] = [(s * v["governance_share"], p) for s, p in contract]
    parallel = v["transition.team" if m.kind in TEAM_KINDS else "transition.light"]
    lines["Transition and knowledge transfer (parallel running)"] = [(inhouse0 * parallel, "first")]
    lines["Contracting and due diligence"] = [(v["contracting"] * v["fx"], "first")]
    if case.displaced:
        per_person = inhouse0 / case.people if case.inhouse_all_in else v["inhouse.salary"] / 12
        lines["Severance"] = [(case.displaced * per_person * v["inhouse.severance_months"], "first")]
    if transfer >= months:
        lines["Exit and re-tendering"] = [(fee * 12 * v["exit_share"], f"at:{months - 1}")]
    return lines


ONE_TIME = (
    "Set-up fee",
    "Transfer fee",
    "Transition and knowledge transfer (parallel running)",
    "Contracting and due diligence",
    "Severance",
    "Exit and re-tendering",
)


def _terms(case: Case, v: Arrays) -> tuple[dict[str, list[Term]], dict[str, dict[str, list[Term]]]]:
    inhouse = _inhouse_terms(case, v)
    inhouse0 = np.sum([scale for terms in inhouse.values() for scale, _ in terms], axis=0)
    return inhouse, {m.code: _model_terms(case, m, v, inhouse0) for m in case.models}


def _line_totals(lines: Mapping[str, list[Term]], profiles: _Profiles) -> dict[str, np.ndarray]:
    return {k: np.sum([s[:, 0] * profiles.total(p) for s, p in terms], axis=0) for k, terms in lines.items()}


def _monthly(lines: Mapping[str, list[Term]], profiles: _Profiles) -> np.ndarray:
    return np.sum([s * profiles.array(p) for terms in lines.values() for s, p in terms], axis=0)


def _scenarios(case: Case) -> tuple[dict[str, np.ndarray], list[str]]:
    """Row 0: every figure at likely; then, per varying figure, a row at its low and one at its high."""
    varying = [k for k, f in sorted(case.figures.items()) if f.low != f.high]
    rows = 1 + 2 * len(varying)
    values = {k: np.full((rows, 1), f.likely) for k, f in case.figures.items()}
    for i, key in enumerate(varying):
        values[key][1 + 2 * i, 0] = case.figures[key].low
        values[key][2 + 2 * i, 0] = case.figures[key].high
    return values, varying


class _Quantiles:
    """Collects every distribution of a run and takes P10 / P50 / P90 of all of them in one pass."""

    def __init__(self) -> None:
        self.rows: list[np.ndarray] = []

    def add(self, samples: np.ndarray) -> int:
        self.rows.append(samples)
        return len(self.rows) - 1

    def solve(self) -> np.ndarray:
        return np.percentile(np.vstack(self.rows), [10, 50, 90], axis=1)


def simulate(case: Case, *, draws: int = DRAWS) -> TcoResult:
    """P10 / likely / P90 of every cost, and the saving's distribution, for every model of the case."""
    seed = seed_for(case)
    rng = np.random.default_rng(seed)
    months = case.years * 12
    keys = sorted(case.figures)
    matrix = _draw(rng, [case.figures[k] for k in keys], draws)
    sampled = {k: matrix[i][:, None] for i, k in enumerate(keys)}
    mc_profiles = _Profiles(sampled, months)
    mc_inhouse, mc_models = _terms(case, sampled)
    fixed, varying = _scenarios(case)
    pt_profiles = _Profiles(fixed, months)
    pt_inhouse, pt_models = _terms(case, fixed)

    q = _Quantiles()
    ih_lines = _line_totals(mc_inhouse, mc_profiles)
    ih_total = np.sum(list(ih_lines.values()), axis=0)
    ih_pt_lines = _line_totals(pt_inhouse, pt_profiles)
    ih_pt_monthly = _monthly(pt_inhouse, pt_profiles)
    rows = {("inhouse", k): q.add(x) for k, x in ih_lines.items()} | {("inhouse", ""): q.add(ih_total)}
    summaries = {}
    for m in case.models:
        lines = _line_totals(mc_models[m.code], mc_profiles)
        one = np.sum([x for k, x in lines.items() if k in ONE_TIME], axis=0)
        rec = np.sum([x for k, x in lines.items() if k not in ONE_TIME], axis=0)
        savings = ih_total - one - rec
        for k, x in lines.items():
            rows[(m.code, k)] = q.add(x)
        for k, x in (("one", one), ("rec", rec), ("total", one + rec), ("saving", savings)):
            rows[(m.code, "=" + k)] = q.add(x)
        summaries[m.code] = float(np.mean(savings > 0))
    pct = q.solve()

    def spread(key: tuple[str, str], likely: float) -> Triple:
        i = rows[key]
        return (float(pct[0, i]), likely, float(pct[2, i]))

    ih_likely = float(sum(x[0] for x in ih_pt_lines.values()))
    ih_horizon = spread(("inhouse", ""), ih_likely)
    models = []
    for m in case.models:
        pt_lines = _line_totals(pt_models[m.code], pt_profiles)
        one_pt = sum(float(x[0]) for k, x in pt_lines.items() if k in ONE_TIME)
        rec_pt = sum(float(x[0]) for k, x in pt_lines.items() if k not in ONE_TIME)
        pt_savings = np.sum(list(ih_pt_lines.values()), axis=0) - np.sum(list(pt_lines.values()), axis=0)
        cumulative = np.cumsum(ih_pt_monthly[0] - _monthly(pt_models[m.code], pt_profiles)[0])
        reached = np.nonzero(cumulative >= 0)[0]
        saving_row = rows[(m.code, "=saving")]
        models.append(
            ModelTco(
                code=m.code,
                name=m.name,
                tco=Tco(
                    one_time=spread((m.code, "=one"), one_pt),
                    annual=_per_year(spread((m.code, "=rec"), rec_pt), case.years),
                    horizon=spread((m.code, "=total"), one_pt + rec_pt),
                ),
                savings_p10=float(pct[0, saving_row]),
                savings_p50=float(pct[1, saving_row]),
                savings_p90=float(pct[2, saving_row]),
                savings_likely=float(pt_savings[0]),
                probability_saving=summaries[m.code],
                break_even_month=int(reached[0]) + 1 if reached.size else None,
                lines=tuple(
                    Line(k, "one_time" if k in ONE_TIME else "recurring", spread((m.code, k), float(x[0])), FORMULAS[k])
                    for k, x in pt_lines.items()
                ),
                tornado=_tornado(case, varying, pt_savings),
            )
        )
    return TcoResult(
        currency=case.currency,
        market=case.market,
        years=case.years,
        draws=draws,
        seed=seed,
        inhouse=Tco((0.0, 0.0, 0.0), _per_year(ih_horizon, case.years), ih_horizon),
        inhouse_lines=tuple(
            Line(k, "recurring", spread(("inhouse", k), float(x[0])), FORMULAS[k]) for k, x in ih_pt_lines.items()
        ),
        models=tuple(models),
        inputs=tuple(sorted(case.figures.items())),
        skipped=case.skipped,
    )


def _per_year(t: Triple, years: int) -> Triple:
    return (t[0] / years, t[1] / years, t[2] / years)


def _tornado(case: Case, varying: Sequence[str], savings: np.ndarray) -> tuple[Swing, ...]:
    swings = [
        Swing(case.figures[k].label, float(savings[1 + 2 * i]), float(savings[2 + 2 * i]))
        for i, k in enumerate(varying)
    ]
    return tuple(sorted((s for s in swings if s.width > 0), key=lambda s: (-s.width, s.label)))


FORMULAS = {
    "Salaries": "people × salary ÷ 12 × (1 + home wage growth)^year, every month",
    "On-costs (employer taxes, benefits)": "salaries × on-cost share",
    "Overhead (facilities, IT)": "salaries × overhead share",
    "Management": "salaries × management share",
    "Recruiting to replace leavers": "salaries × attrition rate × recruiting cost share",
    "Your loaded cost": "people × your loaded cost per FTE-year ÷ 12 × (1 + home wage growth)^year",
    "Provider fees": "monthly fee × (1 + location wage inflation)^year until transfer or the horizon; monthly fee ="
    " people × committed hours × rate × location index ÷ 12 (pool, managed: annual hours × rate × (1 + premium)"
    " × location index ÷ 12; project: deliverables × price ÷ 12) × exchange rate",
    "Set-up fee": "set-up fee × exchange rate, in month 1",
    "Transfer fee": "transfer share × 12 × the monthly fee, in the transfer month",
    "Your own centre after transfer (staff, entity, facilities, HR)": "(monthly fee × owned-cost ratio + entity"
    " cost ÷ 12 × exchange rate) × inflation, every month from transfer",
    "Ramp-up (fees that buy no output yet)": "monthly fee × (1 − start productivity) × (1 − (month + ½) ÷ ramp-up"
    " months), while positive",
    "Attrition and replacement": "monthly fee × attrition rate × months of lost output per leaver ÷ 12, every month",
    "Retained organisation and vendor management": "(provider fees + transfer fee) × governance share",
    "Transition and knowledge transfer (parallel running)": "months of parallel running × the in-house cost of month 1",
    "Contracting and due diligence": "contracting cost × exchange rate, in month 1",
    "Severance": "displaced people × monthly salary × months of severance, in month 1",
    "Exit and re-tendering": "exit share × 12 × the last month's fee, in the last month",
}


# --- building a case from plain data (catalogue snapshot, cost assumptions, answers) ----------------


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
        source + (" (weak source: verify)" if weak else ""),
        weak=weak,
    )


def _triple_figure(label: str, value: Any, source: str, *, supplied: bool = False, weak: bool = False) -> Figure | None:
    if not isinstance(value, list | tuple) or len(value) != 3 or any(v is None for v in value):
        return None
    low, likely, high = (float(v) for v in value)
    return Figure(label, low, likely, high, source, supplied=supplied, weak=weak)


def _catalogue_source(entry: Mapping[str, Any], figure: str) -> str:
    """The one source the catalogue names for this figure (its ``figures`` list), else its first."""
    sources = [s for s in entry.get("sources", []) if isinstance(s, Mapping)]
    named = [s for s in sources if figure in (s.get("figures") or [])]
    chosen = (named or sources or [{}])[0]
    text = str(chosen.get("title", "catalogue"))
    return text + (" (weak source: verify)" if entry.get("confidence") == "weak" else "")


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
    years: int = 3,
    displaced: float = 0.0,
    own_inhouse_cost: Triple | None = None,
    quotes: Mapping[str, Triple] | None = None,
) -> Case:
    """A :class:`Case` from the catalogue snapshot, ``cost_assumptions.json`` and the answers.

    ``own_inhouse_cost`` is the buyer's loaded cost per FTE-year in the home currency; ``quotes`` are the
    buyer's provider quotes per model code, in US dollars per hour (per deliverable for a project).
    Raises :class:`TcoUnavailable` with the reason when the case cannot be costed.
    """
    if market not in CURRENCIES:
        raise TcoUnavailable(f"No in-house cost model for the home market “{market}”.")
    function = functions.get(function_code)
    if function is None:
        raise TcoUnavailable("The knowledge function is not answered, so no benchmark applies.")
    if not people and not annual_hours:
        raise TcoUnavailable("Neither annual hours nor team size is answered.")
    hours = float(annual_hours) if annual_hours else float(people or 0) * 2000
    team = float(people) if people else max(1.0, round(hours / 2000, 1))
    loaded = assumptions["loaded_cost"]
    home = loaded[market]
    figures: dict[str, Figure] = {
        "inhouse.wage_growth": _figure("In-house wage growth a year", home["wage_growth"]),
        "inhouse.severance_months": _figure("Severance, months of salary", home["severance_months"]),
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
    figures.update(_money_figures(assumptions, market))
    figures.update(_location_figures(assumptions, location_code, locations or {}))
    specs, skipped = [], []
    dedicated = _dedicated_rate(catalogue_models)
    for code in model_codes:
        model = catalogue_models.get(code)
        if model is None or model.get("pricing_basis") not in KINDS or model.get("is_kpo") is False:
            continue
        quote = (quotes or {}).get(code)
        spec, why = _model_figures(code, model, function, dedicated, quote, figures, assumptions, deliverables)
        if spec is not None:
            specs.append(spec)
        else:
            skipped.append((str(model.get("name", code)), why))
    if not specs:
        raise TcoUnavailable("None of the engagement models has a price for this function.")
    return Case(
        market=market,
        currency=CURRENCIES[market],
        years=int(years),
        people=team,
        annual_hours=hours,
        deliverables=float(deliverables or 0),
        displaced=float(displaced or 0),
        inhouse_all_in="inhouse.oncost" not in figures,
        figures=figures,
        models=tuple(specs),
        skipped=tuple(skipped),
    )


def _dedicated_rate(catalogue_models: Mapping[str, Mapping[str, Any]]) -> tuple[Any, str]:
    """The generic dedicated-team rate (the first monthly-team model in catalogue order): the base a
    shared pool or a managed service adds its premium to when the function has no rate of its own."""
    teams = sorted(
        (m.get("order", 0), code, m)
        for code, m in catalogue_models.items()
        if m.get("pricing_basis") == "monthly_team" and m.get("rate")
    )
    if not teams:
        return None, ""
    model = teams[0][2]
    return model.get("rate"), _catalogue_source(model, "rate")


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
            return {
                "inhouse.salary": _figure("In-house salary per FTE-year", group[market]),
                "inhouse.oncost": _figure("On-costs, share of salary", loaded[market]["oncost"]),
                "inhouse.overhead": _figure("Overhead, share of salary", loaded["overhead"]),
                "inhouse.management": _figure("Management, share of salary", loaded["management"]),
                "inhouse.recruiting": _figure("Recruiting per hire, share of salary", loaded["recruiting"]),
                "inhouse.attrition": _figure("In-house attrition a year", loaded["attrition"]),
            }
    if market == "us":
        # The catalogue's US figure is an onshore provider rate, so it is already a full hourly cost.
        rate = _triple_figure(
            "In-house cost per hour (US)", function.get("inhouse_us"), _catalogue_source(function, "inhouse_us")
        )
        if rate is not None:
            return {
                "inhouse.salary": Figure(rate.label, rate.low * 2000, rate.likely * 2000, rate.high * 2000, rate.source)
            }
    raise TcoUnavailable(
        f"No {CURRENCIES[market]} in-house cost is sourced for this function: enter your own loaded cost per FTE-year."
    )


def _money_figures(assumptions: Mapping[str, Any], market: str) -> dict[str, Figure]:
    currency = CURRENCIES[market]
    fx = (
        Figure.point("US dollars per US dollar", 1.0, "no conversion")
        if currency == "USD"
        else _figure(f"Exchange rate, {currency} per USD", assumptions["exchange_rates"][currency])
    )
    bot = assumptions["bot"]
    return {
        "fx": fx,
        "contracting": _figure("Contracting and due diligence (USD)", assumptions["contracting"]),
        "bot.setup": _figure("BOT set-up fee (USD)", bot["setup"]),
        "bot.transfer_fee_share": _figure("BOT transfer fee, share of a year's fees", bot["transfer_fee_share"]),
        "bot.run_cost_ratio": _figure("Owned centre cost, share of the provider's rate", bot["run_cost_ratio"]),
        "bot.entity_cost": _figure("Own entity, facilities and HR a year (USD)", bot["entity_cost"]),
    }


def _location_figures(
    assumptions: Mapping[str, Any], code: str | None, locations: Mapping[str, Mapping[str, Any]]
) -> dict[str, Figure]:
    location = locations.get(code or "")
    inflation = assumptions["wage_inflation"]
    attrition = assumptions["provider_attrition"]
    name = str(location.get("name", code)) if location else "the provider's location"
    index = float(location.get("cost_index") or 1.0) if location else 1.0
    source = _catalogue_source(location, "cost_index") if location else "no location chosen: benchmark (India = 1.00)"
    return {
        "location.index": Figure.point(f"Cost index of {name}", index, source),
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
    dedicated: tuple[Any, str],
    quote: Triple | None,
    figures: dict[str, Figure],
    assumptions: Mapping[str, Any],
    deliverables: float | None,
) -> tuple[ModelSpec | None, str]:
    kind = KINDS[str(model["pricing_basis"])]
    name = str(model.get("name", code))
    if kind == "project" and not deliverables:
        return None, "the number of deliverables a year is not known"
    key, own = ("price", "deliverable_price") if kind == "project" else ("rate", "kpo_rate")
    label = f"{name}: {'price per deliverable' if kind == 'project' else 'hourly rate'} (USD)"
    if quote is not None:
        figure: Figure | None = Figure(label, *quote, "your quote", supplied=True)
    else:
        figure = _triple_figure(label, function.get(own), _catalogue_source(function, own))
    if figure is None and kind in ("pool", "managed"):
        # Priced off the dedicated rate plus the model's own premium, so the premium is counted once.
        figure = _triple_figure(label, dedicated[0], dedicated[1])
    elif figure is None:
        figure = _triple_figure(label, model.get(key), _catalogue_source(model, key))
    if figure is None:
        return None, "the catalogue has no price for it or for the function"
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
    )
    return spec, ""
