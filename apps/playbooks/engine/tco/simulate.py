"""The simulation: every cost line month by month, ten thousand seeded draws at once."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from apps.playbooks.engine.tco.types import (
    DRAWS,
    TEAM_KINDS,
    Case,
    Figure,
    Line,
    ModelSpec,
    ModelTco,
    Swing,
    Tco,
    TcoResult,
    Triple,
)

Arrays = Mapping[str, np.ndarray]


def dedicated_annual_fee(rate: Any, *, people: float, commitment_hours: float, index: Any = 1.0) -> Any:
    """A dedicated team's fee for one year: people × committed hours × hourly rate × location index."""
    return people * commitment_hours * rate * index


def project_annual_fee(price: Any, *, deliverables: float) -> Any:
    """A year of project work: deliverables × price per deliverable."""
    return deliverables * price


def _draw(rng: np.random.Generator, figures: Sequence[Figure], n: int) -> np.ndarray:
    """One row of n triangular draws on (low, likely, high) per figure, from numpy's triangular generator
    (the inverse of the distribution function, one uniform a draw, in one C loop: the simulation's
    largest step, so a third faster than the same arithmetic in array passes). The draws depend only on
    the seed and the figures' order. A figure without a range is its value in every draw, and draws none."""
    low, likely, high = (np.array([getattr(f, k) for f in figures]) for k in ("low", "likely", "high"))
    out = np.repeat(likely[:, None], n, axis=1)
    varies = high > low
    if varies.any():
        rows = int(varies.sum())
        out[varies] = rng.triangular(low[varies, None], likely[varies, None], high[varies, None], size=(rows, n))
    return out


def seed_for(case: Case) -> int:
    """The seed is a hash of the inputs, so the same case gives the same draws on any machine."""
    data = {
        "case": [case.market, case.years, case.people, case.annual_hours, case.deliverables, case.displaced],
        "all_in": case.inhouse_all_in,
        "figures": {k: [f.low, f.likely, f.high] for k, f in sorted(case.figures.items())},
        "models": [[m.code, m.kind, m.commitment_hours, m.transfer_month, m.quoted] for m in case.models],
    }
    digest = hashlib.sha256(json.dumps(data, sort_keys=True).encode()).digest()
    return int.from_bytes(digest[:8], "big")


# A cost line is a sum of terms; a term is a per-scenario amount (scenarios × 1) times a named month
# profile (scenarios × months). Profiles are built and summed once per run, so ten thousand draws cost
# a handful of whole-horizon array operations, and the same terms give the monthly view for break-even.
Term = tuple[np.ndarray, str]
OWN_COST = "Your loaded cost"  # the in-house line when the buyer gave their own loaded cost
LOADED_COST = "Loaded cost (benchmark)"  # a benchmark that is already a full cost (an onshore hourly rate)


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
        # An all-in figure is the buyer's own, or a benchmark that is already a full hourly cost: only the
        # first is called theirs.
        return {OWN_COST if case.figures["inhouse.salary"].supplied else LOADED_COST: [(base, "home")]}
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
    # A quote is that provider's own price: the benchmark's location index and premiums are already in it.
    index = 1.0 if m.quoted else v["location.index"]
    if m.kind in ("pool", "managed"):
        premium = 0.0 if m.quoted else v["shared_pool_premium" if m.kind == "pool" else "managed_services_premium"]
        return case.annual_hours / 12 * v[p + "rate"] * (1 + premium) * index * v["fx"]
    yearly = dedicated_annual_fee(v[p + "rate"], people=case.people, commitment_hours=m.commitment_hours, index=index)
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
        """The same figures as ``np.percentile`` (linear interpolation), from one sort: numpy's vectorised
        sort of every row is several times faster than the selection percentile runs per quantile."""
        ranked = np.vstack(self.rows)
        ranked.sort(axis=1)  # in place: the stacked copy is ours, so sorting a second copy is wasted work
        position = np.array([0.10, 0.50, 0.90]) * (ranked.shape[1] - 1)
        below = np.floor(position).astype(int)
        above = np.minimum(below + 1, ranked.shape[1] - 1)
        weight = position - below
        return (ranked[:, below] * (1 - weight) + ranked[:, above] * weight).T


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
                    Line(
                        k,
                        "one_time" if k in ONE_TIME else "recurring",
                        spread((m.code, k), float(x[0])),
                        QUOTED_FEES if k == "Provider fees" and m.quoted else FORMULAS[k],
                        supplied=k == "Provider fees" and m.quoted,
                    )
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
            Line(k, "recurring", spread(("inhouse", k), float(x[0])), FORMULAS[k], supplied=k == OWN_COST)
            for k, x in ih_pt_lines.items()
        ),
        models=tuple(models),
        inputs=tuple(sorted(case.figures.items())),
        skipped=case.skipped,
    )


def _per_year(t: Triple, years: int) -> Triple:
    return (t[0] / years, t[1] / years, t[2] / years)


def _tornado(case: Case, varying: Sequence[str], savings: np.ndarray) -> tuple[Swing, ...]:
    swings = [
        Swing(
            case.figures[k].label,
            float(savings[1 + 2 * i]),
            float(savings[2 + 2 * i]),
            supplied=case.figures[k].supplied,
        )
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
    "Loaded cost (benchmark)": "people × the benchmark's loaded cost per FTE-year ÷ 12 × (1 + home wage growth)^year",
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
QUOTED_FEES = (
    "monthly fee × (1 + location wage inflation)^year until transfer or the horizon; monthly fee = people ×"
    " committed hours × your quoted rate ÷ 12 (project: deliverables × your quoted price ÷ 12) × exchange rate;"
    " a quote is the provider's own price, so no location index or premium is applied to it"
)
