"""The simulation: every cost line month by month, ten thousand seeded draws at once."""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from apps.playbooks.engine.tco.types import (
    CENTRE_HIRING,
    DRAWS,
    MANAGED_LAUNCH,
    MAX_WEEKS,
    QUOTE_RISE,
    TEAM_KINDS,
    WAVES_FIRST,
    WAVES_MONTHS,
    WEEKS_A_YEAR,
    Case,
    Figure,
    Line,
    ModelOutsourced,
    ModelSaving,
    ModelSpec,
    ModelTco,
    SavingSpread,
    Swing,
    Tco,
    TcoResult,
    Triple,
)

Arrays = Mapping[str, np.ndarray]

# The line of a model's cost that is the provider's own charges (a buyer elsewhere sees it alone).
PROVIDER_FEES = "Provider fees"


def dedicated_annual_fee(rate: Any, *, people: float, commitment_hours: float, index: Any = 1.0) -> Any:
    """A dedicated team's fee for one year: people × committed hours × hourly rate × location index."""
    return people * commitment_hours * rate * index


def project_annual_fee(price: Any, *, deliverables: float) -> Any:
    """A year of project work: deliverables × price per deliverable."""
    return deliverables * price


def _draw(rng: np.random.Generator, figures: Sequence[Figure], n: int, room: int = 0) -> list[np.ndarray]:
    """n triangular draws on (low, likely, high) per figure, from seeded uniforms u through the inverse of
    the distribution function, written without a branch:

        x = low + high − likely + min(√(u (high − low)(likely − low)), likely − low)
                                − min(√((1 − u)(high − low)(high − likely)), high − likely)

    Below the mode (u < (likely − low) ÷ (high − low)) the first root is the left branch's and the second
    is capped, so x = low + √(u (high − low)(likely − low)); above it the first is capped and the second is
    the right branch's, so x = high − √((1 − u)(high − low)(high − likely)). That is the arithmetic numpy's
    triangular generator does, on the same uniforms in the same order, so the draws are the ones it gave;
    but a select per draw (its loop, or np.where) costs several times the arithmetic here: which side of the
    mode a draw falls on is random, so the branch is mispredicted half the time.

    One figure at a time: each step is an array of n, which fits the processor's cache and is allocated
    from memory the process already holds, where one block of every figure's draws (megabytes) is new
    memory from the system on every run, touched page by page. A figure without a range is its value in
    every draw: one value, broadcast, that draws none. The draws depend only on the seed and the order.

    A figure's draws are the first n of an array of n + ``room``, the rest left for the caller to fill (the
    scenarios), so they are not copied into a longer array afterwards."""
    out = []
    for f in figures:
        a, c, b = f.low, f.likely, f.high
        if b <= a:
            out.append(np.full(1, c))
            continue
        u = rng.random(n)
        whole = np.empty(n + room)
        x = whole[:n]
        np.multiply(u, (b - a) * (c - a), out=x)
        np.sqrt(x, out=x)
        np.minimum(x, c - a, out=x)
        np.subtract(1.0, u, out=u)
        u *= (b - a) * (b - c)
        np.sqrt(u, out=u)
        np.minimum(u, b - c, out=u)
        x -= u
        x += a + b - c
        out.append(whole)
    return out


def seed_for(case: Case) -> int:
    """The seed is a hash of the inputs, so the same case gives the same draws on any machine."""
    data = {
        "case": [case.market, case.years, case.people, case.annual_hours, case.deliverables, case.displaced],
        # Only a piece of work's weeks join the hash, so every case over whole years keeps the seed it had.
        **({"weeks": case.weeks} if case.weeks else {}),
        **({"peak_share": case.peak_share} if case.peak_share else {}),  # likewise: only seasonal work's share
        **({"negotiated": True} if case.negotiated else {}),  # likewise: only a critical function's
        "all_in": case.inhouse_all_in,
        "figures": {k: [f.low, f.likely, f.high] for k, f in sorted(case.figures.items())},
        "models": [[m.code, m.kind, m.commitment_hours, m.transfer_month, m.quoted] for m in case.models],
    }
    digest = hashlib.sha256(json.dumps(data, sort_keys=True).encode()).digest()
    return int.from_bytes(digest[:8], "big")


# A cost line is a sum of terms; a term is a per-scenario amount (a 1-D array: one value per scenario, or
# one value for all) times a named month profile. A profile's sum over the horizon is a polynomial in the
# yearly rise (pay rises once a year, so a year's months share one factor), taken once per run: ten
# thousand draws cost a few whole-array operations a line, and the same terms give the monthly view for
# break-even.
Term = tuple[np.ndarray, str]
TEMPORARY_LINE = "Temporary staff premium (people taken on for the work)"
SEASONAL_LINE = "Temporary staff premium (people taken on for the peak)"
OWN_SETUP = "Setting up your own centre (premises, entity, leadership)"
OWN_HIRING = "Recruiting your centre's people"
BOT_HIRING = "Recruiting the centre's people (BOT's build)"
PEAK_COVER = "Peak cover (the busiest months' hours beyond the team, from a shared pool)"
# At most this share of a project's or a pool's fees in its first year (or the whole work, when shorter) goes on
# contracting it: the product's assumption (no published figure), so a $3,500 search is not contracted for $5,000.
LIGHT_CONTRACT_CAP = 0.25
# A dedicated team or staff augmentation of at most this many people is bought as named people on a rate card and a
# short statement of work, as a project or a pool is: the product's assumption (review 115 saw one analyst contracted
# for $40,000, a provider-run team's due diligence, over a tenth of three years' cost).
NAMED_PEOPLE = 2
CONTRACTING = "Contracting and due diligence"
# A piece of work done once in this many weeks or fewer is a short purchase, contracted on the provider's standard
# terms whatever its size (the product's assumption); its weeks are worked out when not answered (``once_weeks``).
SHORT_WORK_WEEKS = 26
PEAK_KINDS = ("team", "bot", "owned")  # a team committed all year: seasonal work's peak needs cover beside it
OWN_CENTRE = "Your own centre (staff at cost, entity, facilities, HR)"
LAUNCH = "Launch and ramp-up (cost that buys no output yet)"
PARALLEL = "Transition and knowledge transfer (parallel running)"
EXIT = "Exit and re-tendering"
OWNED_PARALLEL = (
    "months to launch your own centre × the in-house cost of month 1: the work stays in-house until the centre"
    " has launched"
)
BOT_LAUNCH = "bot.launch_months"  # the figure of a BOT centre's launch (absent from catalogues frozen before it)
BOT_PARALLEL = (
    "months for the provider to launch your BOT centre × the in-house cost of month 1: the work stays in-house until"
    " the centre has launched"
)
MANAGED_HIRING = (
    "; a managed service's provider hires the team in a straight line over the service's launch months, so its fees"
    " are (month + ½) ÷ launch months of the full fee until all are on the payroll"
)
MANAGED_PARALLEL = (
    "months for the provider to launch the managed service × the in-house cost of month 1: the work stays in-house"
    " until the service has launched and takes it over"
)
BOT_FEES = (
    "monthly fee × (1 + location wage inflation)^year until transfer or the horizon, the centre's people hired in a"
    " straight line over the launch months (their share (month + ½) ÷ launch months until all are on the payroll);"
    " monthly fee = people × committed hours × rate × location index ÷ 12 × exchange rate"
)
RAMP_UP = "Ramp-up (fees that buy no output yet)"
WAVES_LINE = "In-house work until each wave moves (a team moved in waves)"
WAVES = "waves"  # the month profile of the share of a team not yet moved (``unmoved``)
WAVES_HOME = "waves:home"  # the same, rising as in-house pay does
# For a model with a launch of its own (a managed service, BOT, a centre of the buyer's), named after the launch's
# figure: the people its fees or staff cost leave out beyond those the launch has not hired yet, and the share of the
# work in-house after the launch's parallel running (``_Profiles._after_launch``).
WAVES_FEE_AFTER = "wavesfee"
WAVES_HOME_AFTER = "waveshome"
WAVES_FEES = (
    "; the team moves in waves, so only the people moved so far are paid for: the first wave's from month 1, the rest"
    " moving in a straight line until the whole team has moved"
)
WAVES_AFTER_LAUNCH = (
    ", and never more than the launch has hired; the in-house team carries all the work until the launch, then the"
    " share not yet moved"
)
RAMP_AFTER_PARALLEL = (
    ", for the part of each month after parallel running (until then the in-house team carries the work, so what"
    " the new team does not yet produce costs nothing more)"
)
ATTRITION = "Attrition and replacement"
BOT_ATTRITION = (
    "monthly fee of the people hired so far × attrition rate × months of lost output per leaver ÷ 12, every month until"
    " transfer; after it, your centre's staff cost a month (monthly fee × owned-cost ratio) × the same"
)
OWN_ATTRITION = "Attrition and replacement (your own staff)"
SEVERANCE = "Severance"
OWN_COST = "Your loaded cost"  # the in-house line when the buyer gave their own loaded cost
LOADED_COST = "Loaded cost (benchmark)"  # a benchmark that is already a full cost (an onshore hourly rate)


def _yearly(rise: np.ndarray, weights: Sequence[Any]) -> np.ndarray:
    """Σ weights[y] × rise ** y per scenario, by Horner's rule (a multiply and an add a year, no powers);
    a weight is a number or one per scenario."""
    total = np.zeros(np.broadcast_shapes(rise.shape, np.shape(weights[-1])))
    total += weights[-1]
    for weight in weights[-2::-1]:
        total *= rise
        total += weight
    return total


class _Profiles:
    """Month profiles for a set of scenarios. ``total`` sums a profile over the horizon per scenario without
    building the scenarios × months array; ``monthly`` builds it, for break-even (every figure at likely)."""

    def __init__(self, v: Arrays, months: int, last_share: float = 1.0, people: float = 0.0) -> None:
        self.v = v
        self.months = months
        # A team moved in waves: the share of it not yet moved, month by month (``unmoved``).
        self.unmoved = unmoved(v, months, people)
        self.year_of = np.arange(months) // 12
        self._totals: dict[str, np.ndarray] = {}
        # A piece of work that ends part-way through its last month (10 weeks end a third of the way into the
        # third month): every recurring cost of that month is that share of a month's.
        self.share: np.ndarray | None = None
        if last_share < 1.0:
            self.share = np.ones(months)
            self.share[-1] = last_share

    def _weighted(self, name: str) -> np.ndarray:
        """The profile's mask, the last month weighted by its share when the work ends part-way through it (a
        one-off, in month 1 or at a month, is its whole amount)."""
        mask = self.mask(name)
        if self.share is None or name == "first" or name.startswith("at:"):
            return mask
        return mask * self.share

    def rise(self, name: str) -> np.ndarray:
        """1 + the yearly rise: in-house pay (home), the buyer's quote under its price-adjustment clause (a profile
        marked ``QUOTED``), or pay at the provider (every other profile)."""
        if name in ("home", WAVES_HOME) or name.startswith((WAVES_HOME_AFTER, HOME_UNTIL, HOME_FROM)):
            return 1 + self.v["inhouse.wage_growth"]
        return 1 + self.v[QUOTE_RISE if name.endswith(QUOTED) else "location.inflation"]

    def mask(self, name: str) -> np.ndarray:
        kind, _, arg = name.removesuffix(QUOTED).partition(":")
        m = np.arange(self.months)
        if kind == "first":
            return m == 0
        if kind == "until":
            return m < int(arg)
        if kind == "from":
            return m >= int(arg)
        if kind == "at":
            return m == int(arg)
        if kind in (HOME_UNTIL, HOME_FROM):
            # In-house months up to a point that may fall inside a month (104 weeks end 92% into month 24): that month
            # counts for the share before it, and its rest is after.
            before = np.clip(float(arg) - m, 0.0, 1.0)
            return before if kind == HOME_UNTIL else 1.0 - before
        if kind == WAVES:
            return self.unmoved
        return np.ones(self.months, dtype=bool)

    def total(self, name: str) -> np.ndarray:
        if name not in self._totals:
            if name.startswith((WAVES_FEE_AFTER, WAVES_HOME_AFTER)):
                shares = self._after_launch(name)
                span = shares.shape[1]
                self._totals[name] = (shares * self.rise(name)[:, None] ** self.year_of[None, :span]).sum(axis=1)
            elif name.startswith("ramp"):
                months, after = _ramp_parts(name)
                self._totals[name] = (
                    self._ramp_total(months, name) if after is None else self._ramp_after_total(months, after, name)
                )
            else:
                weights = np.bincount(self.year_of, weights=self._weighted(name), minlength=self.year_of[-1] + 1)
                self._totals[name] = _yearly(self.rise(name), list(weights))
        return self._totals[name]

    def _ramp_total(self, key: str, name: str = "ramp") -> np.ndarray:
        """The ramp-up's idle shares (``_idle``) summed over the horizon without a month axis: the idle share
        is positive in the first k = ⌈R − ½⌉ months (R the ramp-up months), and over the months s … e − 1
        of a year it sums to (e − s) − (e² − s²) ÷ 2R, because (m + ½) summed over them is (e² − s²) ÷ 2."""
        if self.share is not None:  # a piece of work done once: its months, the last one in part (the ramp-up is
            # over long before a second year, so no yearly rise applies to it)
            return (self._idle(self.months, key) * self.share[None, :]).sum(axis=1)
        ramp = self.v[key]
        active = np.clip(np.ceil(ramp - 0.5), 0, self.months)
        weights: list[np.ndarray] = []
        for start in range(0, self.months, 12):
            if weights and start >= np.max(active):
                break
            end = np.clip(active, start, start + 12)
            weights.append((end - start) - (end * end - start * start) / (2 * ramp))
        return (1 - self.v["ramp.start_productivity"]) * _yearly(self.rise(name), weights)

    def monthly(self, name: str) -> np.ndarray:
        if name == "first":
            return self.mask(name)[None, :].astype(float)
        growth = self.rise(name)[:, None] ** self.year_of[None, :]
        if name.startswith((WAVES_FEE_AFTER, WAVES_HOME_AFTER)):
            shares = self._after_launch(name)
            whole = np.zeros((shares.shape[0], self.months))
            whole[:, : shares.shape[1]] = shares
            return growth * whole
        if name.startswith("ramp"):
            key, after = _ramp_parts(name)
            idle = self._idle(self.months, key)
            if after is not None:
                idle = idle * self._uncovered(self.months, after)
            return growth * (idle if self.share is None else idle * self.share[None, :])
        return growth * self._weighted(name)

    def _idle(self, months: int, key: str = "ramp.months") -> np.ndarray:
        """The share of a month's fee that buys no output, scenarios × the first ``months`` months:
        productivity rises in a straight line from the start level to full output over the ramp-up months,
        so the idle share is (1 − start) × (1 − (month + ½) ÷ ramp-up months) while that is positive."""
        m = np.arange(months) + 0.5
        idle = np.maximum(1 - m[None, :] / self.v[key][:, None], 0)
        return (1 - self.v["ramp.start_productivity"])[:, None] * idle

    def _after_launch(self, name: str) -> np.ndarray:
        """Scenarios × the months a team moved in waves takes (``unmoved`` is 0 after them), for a model with a launch
        of its own (the figure named after the colon): ``WAVES_FEE_AFTER``, the share its fees leave out beyond the
        people the launch has not hired yet, max(0, unmoved − (1 − (month + ½) ÷ launch months)), so it pays for those
        both the launch has hired and the waves have moved; ``WAVES_HOME_AFTER``, the share in-house once the launch's
        parallel running is over, unmoved × the part of each month after it (``_uncovered``)."""
        kind, _, key = name.removesuffix(QUOTED).partition(":")
        span = min(self.months, int(np.count_nonzero(self.unmoved)) or 1)
        moving = self.unmoved[None, :span]
        if kind == WAVES_FEE_AFTER:
            unhired = np.maximum(1 - (np.arange(span)[None, :] + 0.5) / self.v[key][:, None], 0)
            return np.maximum(moving - unhired, 0)
        return moving * self._uncovered(span, key)

    def _uncovered(self, months: int, after: str) -> np.ndarray:
        """The share of each of the first ``months`` months after the months of parallel running named by
        ``after`` (scenarios × months): 0 for a month the in-house team carries the work all of, the part after
        it for the month it ends in, 1 after."""
        m = np.arange(months)
        return 1 - np.clip(self.v[after][:, None] - m[None, :], 0, 1)

    def _ramp_after_total(self, key: str, after: str, name: str = "ramp") -> np.ndarray:
        """The ramp-up's idle shares after parallel running (``monthly``), summed over the horizon: the ramp-up
        is over within its first ⌈R⌉ months, so only those are built."""
        span = min(self.months, math.ceil(float(np.max(self.v[key]))))
        idle = self._idle(span, key) * self._uncovered(span, after)
        if self.share is not None:
            idle = idle * self.share[None, :span]
        return (idle * self.rise(name)[:, None] ** self.year_of[None, :span]).sum(axis=1)


def unmoved(v: Mapping[str, Any], months: int, people: float) -> np.ndarray:
    """The share of a team moved in waves (``WAVES_FIRST``, ``WAVES_MONTHS``) not yet moved in each of ``months``
    months: its first wave moves in month 1, the rest in a straight line over the waves' months, so the share is
    (1 − first wave ÷ people) × (1 − (month + ½) ÷ months of the waves) while that is positive, as a launch hires
    its people (``_idle``). Zeros for a team that moves at once."""
    if WAVES_MONTHS not in v or people <= 0:
        return np.zeros(months)
    first, span = float(np.ravel(v[WAVES_FIRST])[0]), float(np.ravel(v[WAVES_MONTHS])[0])
    rest = max(0.0, 1 - first / people)
    return rest * np.maximum(1 - (np.arange(months) + 0.5) / span, 0)


def unmoved_months(case: Case, m: ModelSpec) -> float:
    """The months of the whole team's work ``m`` leaves in-house while the team moves in waves (the in-house line's
    profile summed, every figure at likely: for a model with a launch of its own, only after its parallel running):
    what a level with in-house leaves out of the person-years the model's fees pay for. 0 for a team moved at once,
    or by a launch as long as the waves (``waves_count_for``)."""
    if not waves_count_for(m, case.figures):
        return 0.0
    v = {k: np.array([f.likely]) for k, f in case.figures.items()}
    profiles = _Profiles(v, month_count(case), people=case.people)
    launch = hiring_launch(m, case.figures)
    return float(profiles.total(f"{WAVES_HOME_AFTER}:{launch}" if launch else WAVES_HOME)[0])


def hiring_launch(m: ModelSpec, figures: Mapping[str, Any]) -> str | None:
    """The figure of the launch over which ``m`` hires its people: a centre of the buyer's own, or ``_launch_key``'s."""
    return "own.launch_months" if m.kind == "owned" else _launch_key(m, figures)


def waves_count_for(m: ModelSpec, figures: Mapping[str, Figure]) -> bool:
    """Whether ``m``'s cost counts the waves (``in_waves``): always for a model billed in full once it starts; for
    one that hires its people over a launch of its own, only when that launch is shorter than the waves at likely.
    A launch as long as the waves already moves the team no faster than they would (review 175: an own centre's
    12-month launch showed a waves line of £122 on £68.6m, the draws where the launch came out shorter)."""
    if not in_waves(figures):
        return False
    launch = hiring_launch(m, figures)
    return launch is None or figures[launch].likely < figures[WAVES_MONTHS].likely


def in_waves(figures: Mapping[str, Any]) -> bool:
    """Whether the case's team moves in waves (``WAVES_MONTHS``): then every model counts them (review 174: a managed
    service and BOT had moved a thousand people within their own launch of 4.5 and 6 months, the other models over a
    year). A model with a launch of its own hires no faster than the launch and no faster than the waves
    (``_Profiles._after_launch``)."""
    return WAVES_MONTHS in figures


def _ramp_parts(name: str) -> tuple[str, str | None]:
    """What a ramp profile reads: the figure of its months, a provider's ramp-up ("ramp") or the one named after
    the colon ("ramp:own.launch_months", an owned centre's launch), and the figure of the months of parallel
    running it counts only after, when named after ">" ("ramp>transition.team"); a quoted one's mark is not part of
    either."""
    name, _, after = name.removesuffix(QUOTED).partition(">")
    return name.partition(":")[2] or "ramp.months", after or None


# In-house profiles masked to the months before a point, or from it: they rise with in-house pay, as "home" does.
HOME_UNTIL = "homeuntil"
HOME_FROM = "homefrom"


def taken_on_months() -> float:
    """The months of a one-off job's first ``MAX_WEEKS`` weeks, done in-house by people taken on for it (23.92)."""
    return round(MAX_WEEKS * 12 / WEEKS_A_YEAR, 4)


def _sum(parts: Iterable[np.ndarray]) -> np.ndarray:
    """The sum of arrays that broadcast together (one value per scenario, or one for all)."""
    total: np.ndarray | None = None
    for part in parts:
        total = part if total is None else total + part
    return total if total is not None else np.zeros(1)


def _salary(v: Arrays) -> np.ndarray:
    """The in-house salary per FTE-year at the horizon's start: the benchmark grown by the pay growth since its
    date, where the case lists it."""
    if "inhouse.pay_since" in v:
        return v["inhouse.salary"] * (1 + v["inhouse.pay_since"])
    return v["inhouse.salary"]


def _inhouse_terms(case: Case, v: Arrays) -> dict[str, list[Term]]:
    base = case.inhouse_fte * _salary(v) / 12
    if case.inhouse_all_in:
        # An all-in figure is the buyer's own, or a benchmark that is already a full hourly cost: only the
        # first is called theirs.
        lines = {OWN_COST if case.figures["inhouse.salary"].supplied else LOADED_COST: [(base, "home")]}
    else:
        lines = {
            "Salaries": [(base, "home")],
            "On-costs (employer taxes, benefits)": [(base * v["inhouse.oncost"], "home")],
            "Overhead (facilities, IT)": [(base * v["inhouse.overhead"], "home")],
            "Management": [(base * v["inhouse.management"], "home")],
            "Recruiting to replace leavers": [(base * v["inhouse.attrition"] * v["inhouse.recruiting"], "home")],
        }
        if case.surge:
            # People taken on for a piece of work done once are not replaced as they leave: taking them on is what
            # the temporary staff premium below prices. Past two years, the months after the first two are done by
            # people hired for it, who are replaced (review 175: dropping the premium at 105 weeks took 15% off).
            recruiting = lines.pop("Recruiting to replace leavers")
            if case.weeks > MAX_WEEKS:
                lines["Recruiting to replace leavers"] = [
                    (scale, f"{HOME_FROM}:{taken_on_months()}") for scale, _ in recruiting
                ]
    if "inhouse.temporary_premium" in v:
        # A surge is done in-house by people taken on for it, who cost more than the salaried loaded cost; seasonal
        # work's peak above a team sized to the quieter months is done by people taken on for the season.
        # A surge's recruiting (past 104 weeks) is for the people hired after the premium's months, not under it.
        hired = "Recruiting to replace leavers" if case.surge else ""
        loaded = _sum(scale for line, terms in lines.items() for scale, _ in terms if line != hired)
        if case.surge:
            # On the months of its first 104 weeks only, at their own pay (review 179: a share of the whole job's
            # escalated cost had priced it 17% high over ten years).
            until = "home" if case.weeks <= MAX_WEEKS else f"{HOME_UNTIL}:{taken_on_months()}"
            lines[TEMPORARY_LINE] = [(loaded * v["inhouse.temporary_premium"], until)]
        elif case.peak_excess:
            lines[SEASONAL_LINE] = [(loaded * case.peak_excess * v["inhouse.temporary_premium"], "home")]
    return lines


def _monthly_fee(case: Case, m: ModelSpec, v: Arrays) -> np.ndarray:
    """The provider's fee for one month before wage inflation, in the home currency."""
    p = f"{m.code}."
    # A piece of work done once spreads its hours and deliverables over its own months, not a year's twelve.
    per = case.months if case.weeks else 12
    if m.kind == "project" and not m.sized:
        return project_annual_fee(v[p + "price"], deliverables=case.deliverables) / per * v["fx"]
    # A quote is that provider's own price: the benchmark's location index and premiums are already in it.
    index = 1.0 if m.quoted else v["location.index"]
    if m.kind in ("pool", "managed", "project"):  # a project here is priced by its hours (``ModelSpec.sized``)
        # A quoted pool or managed service is priced from the buyer's quote for a dedicated person, as the benchmark
        # one is from the dedicated rate: its premium comes on top of either.
        premium = v["shared_pool_premium" if m.kind == "pool" else "managed_services_premium"]
        return case.annual_hours / per * v[p + "rate"] * (1 + premium) * index * v["fx"]
    seats = case.seats(m.commitment_hours)  # seasonal work: the team of the quieter months, the peak bought as cover
    yearly = dedicated_annual_fee(v[p + "rate"], people=seats, commitment_hours=m.commitment_hours, index=index)
    return yearly / 12 * v["fx"]


# The kinds a buyer's quote for a dedicated person is the base of, with the model's premium on top (the product's
# assumption), so their fees are not the buyer's figure as given.
QUOTE_BASE_KINDS = ("pool", "managed")


def quoted_on_base(m: ModelSpec) -> bool:
    """Whether the model is priced from the buyer's quote for a dedicated person with a premium on top: a pool, a
    managed service, or a project priced by its hours (``ModelSpec.sized``)."""
    return m.quoted and (m.kind in QUOTE_BASE_KINDS or bool(m.sized))


def quoted_as_given(m: ModelSpec) -> bool:
    """Whether the model's provider fees are the buyer's quote as given (marked as their figure on the page)."""
    return m.quoted and not quoted_on_base(m)


def bot_launched(kind: str, figures: Mapping[str, Any]) -> bool:
    """Whether a model of ``kind`` is BOT costed with its own launch: the case has ``BOT_LAUNCH`` (a catalogue frozen
    before the figure costs BOT as a provider's team)."""
    return kind == "bot" and BOT_LAUNCH in figures


# The mark of a profile priced from the buyer's quote when the buyer gave its yearly rise: it rises by that figure.
QUOTED = "~quoted"


def _quoted_mark(m: ModelSpec, v: Arrays) -> str:
    """``QUOTED`` for a model priced from the buyer's quote when the case has the quote's yearly rise, else ""."""
    return QUOTED if m.quoted and QUOTE_RISE in v else ""


def _model_terms(case: Case, m: ModelSpec, v: Arrays, inhouse0: np.ndarray) -> dict[str, list[Term]]:
    if m.kind == "owned":
        return _owned_terms(case, m, v, inhouse0)
    months = month_count(case)
    fee = _monthly_fee(case, m, v)
    q = _quoted_mark(m, v)  # the fees, their ramp-up, leavers and peak cover rise as the quote does
    transfer = m.transfer_month if m.kind == "bot" and m.transfer_month is not None else months
    lines: dict[str, list[Term]] = {PROVIDER_FEES: [(fee, f"until:{transfer}{q}")]}
    launch = _launch_key(m, v)
    launched = launch == BOT_LAUNCH
    if launch:
        # BOT builds a centre, as the buyer's own does, and a managed service the team that takes the process over:
        # the provider hires its people in a straight line over the launch, so the fees of those not yet hired are
        # taken off (the launch profile's idle share divided by (1 − start productivity) is the share not yet hired;
        # see ``_owned_terms``).
        lines[PROVIDER_FEES].append((-fee / (1 - v["ramp.start_productivity"]), f"ramp:{launch}{q}"))
    waves = waves_count_for(m, case.figures)
    if waves:
        # The people of later waves are paid for from when they move; until then the in-house team does their work (a
        # launched model's, after its launch's parallel running, during which it carries all of it).
        lines[PROVIDER_FEES].append((-fee, f"{WAVES_FEE_AFTER}:{launch}{q}" if launch else WAVES + q))
    if m.kind == "bot":
        lines["Set-up fee"] = [(v["bot.setup"] * v["fx"], "first")]
        if launched and CENTRE_HIRING in v:
            # The provider recruits the centre's people for the buyer, each at a share of a year's cost (the team's
            # cost without the provider's margin), as the buyer's own centre does: the set-up fee is a small team's.
            lines[BOT_HIRING] = [(fee * v["bot.run_cost_ratio"] * 12 * v[CENTRE_HIRING], "first")]
        if transfer < months:
            lines["Transfer fee"] = [(fee * 12 * v["bot.transfer_fee_share"], f"at:{transfer}")]
            own = fee * v["bot.run_cost_ratio"] + v["bot.entity_cost"] / 12 * v["fx"]
            lines["Your own centre after transfer (staff, entity, facilities, HR)"] = [(own, f"from:{transfer}")]
    lines.update(_peak_cover(case, m, v))
    parallel = _parallel_running(case, m, v, inhouse0)
    if m.kind in ("team", "bot"):
        # A launched BOT centre's output is carried by the in-house team until launch (parallel running); with no
        # team of the buyer's to carry it (a surge), what the centre's people do not yet produce is the ramp-up.
        if not launched:
            # While the in-house team runs in parallel it carries the work, so what the team does not yet produce
            # costs nothing more then: the ramp-up counts only for the part of each month after parallel running.
            lines[RAMP_UP] = [(fee, (f"ramp>{_parallel_key(m, v)}" if parallel else "ramp") + q)]
        elif not parallel:
            lines[RAMP_UP] = [(fee, f"ramp:{BOT_LAUNCH}{q}")]
        leavers = v["provider.attrition"] * v["provider.replacement_months"] / 12
        if launched:
            # Of the people hired so far, the provider's until transfer, then the centre's own at its owned cost.
            lines[ATTRITION] = [(scale * leavers, profile) for scale, profile in lines[PROVIDER_FEES]]
            if transfer < months:
                lines[ATTRITION].append((fee * v["bot.run_cost_ratio"] * leavers, f"from:{transfer}"))
        else:
            lines[ATTRITION] = [(fee * leavers, f"esc{q}")] + ([(-fee * leavers, WAVES + q)] if waves else [])
    # Managing the provider scales with what is bought from it month by month (its fees, and the peak's cover from
    # its pool), not with a one-off payment such as BOT's transfer fee.
    contract = lines[PROVIDER_FEES] + lines.get(PEAK_COVER, [])
    lines["Retained organisation and vendor management"] = [(s * v["governance_share"], p) for s, p in contract]
    lines.update(parallel)
    if waves and parallel:
        lines[WAVES_LINE] = [(inhouse0, f"{WAVES_HOME_AFTER}:{launch}" if launch else WAVES_HOME)]
    # A pool, a short piece of work done once (half a year or less), or a project or a team of one or two people, is
    # bought on the provider's standard terms; a larger project is contracted as a team is (reviews 127 and 130:
    # $12m of project fees over 4 years, and $3m over a year, had $5,000).
    light = contracting_case(m, case, "contracting.light" in v)[0]
    contracting = v["contracting.light" if light else "contracting"] * v["fx"]
    if light:
        # A small purchase is made on the provider's standard terms: its contracting is never more than a share of
        # what is bought in the first year (or in the whole work, when shorter).
        contracting = np.minimum(contracting, LIGHT_CONTRACT_CAP * fee * min(12.0, case.months))
    lines[CONTRACTING] = [(contracting, "first")]
    lines.update(_severance(case, v))
    if transfer >= months and not case.surge:  # a surge ends with the work: nothing to take back or re-tender
        lines[EXIT] = [(fee * 12 * v["exit_share"], f"at:{months - 1}")]
    return lines


def _peak_cover(case: Case, m: ModelSpec, v: Arrays) -> dict[str, list[Term]]:
    """Seasonal work's hours a team committed all year cannot do in its busiest three months
    (``Case.peak_cover_hours``), bought from a provider's shared pool: the team's rate (the location's index on a
    benchmark rate, none on a quote) with the shared pool's premium, every month at the location's wage inflation.
    Nothing for a model billed by the hour or the deliverable, whose fees follow the hours."""
    hours = case.peak_cover_hours(m.commitment_hours) if m.kind in PEAK_KINDS else 0.0
    if not hours:
        return {}
    index = 1.0 if m.quoted else v["location.index"]
    per_hour = v[f"{m.code}.rate"] * index * (1 + v["shared_pool_premium"]) * v["fx"]
    return {PEAK_COVER: [(hours * per_hour / 12, f"esc{_quoted_mark(m, v)}")]}


def _parallel_running(case: Case, m: ModelSpec, v: Arrays, inhouse0: np.ndarray) -> dict[str, list[Term]]:
    if case.surge:  # a surge has no team of the buyer's to run in parallel with
        return {}
    return {PARALLEL: [(inhouse0 * v[_parallel_key(m, v)], "first")]}


def _launch_key(m: ModelSpec, figures: Mapping[str, Any]) -> str | None:
    """The figure of the launch over which the provider hires the people a model's fees pay for: BOT's centre, or a
    managed service's team (a case that has its figure: none for work done once with no team of the buyer's, or a
    catalogue frozen before it); None for a model billed in full from month 1."""
    if bot_launched(m.kind, figures):
        return BOT_LAUNCH
    if m.kind == "managed" and MANAGED_LAUNCH in figures:
        return MANAGED_LAUNCH
    return None


def _parallel_key(m: ModelSpec, figures: Mapping[str, Any]) -> str:
    """The figure of the months the in-house team runs in parallel with a model (``figures`` decides whether BOT
    is costed with its launch)."""
    if m.kind == "owned":  # no provider hands over: the work stays in-house until the centre has launched
        return "own.launch_months"
    # Likewise until the provider has launched BOT's centre, or the managed service that takes the work over.
    return _launch_key(m, figures) or ("transition.team" if m.kind in TEAM_KINDS else "transition.light")


def _severance(case: Case, v: Arrays) -> dict[str, list[Term]]:
    if not case.displaced:
        return {}
    # A month of one person's pay: the salary, or an all-in figure's own month (never a share of the season's or a
    # surge's temporary staff, which the in-house cost of month 1 carries beside it).
    per_person = _salary(v) / 12
    return {SEVERANCE: [(case.displaced * per_person * v["inhouse.severance_months"], "first")]}


def _owned_terms(case: Case, m: ModelSpec, v: Arrays, inhouse0: np.ndarray) -> dict[str, list[Term]]:
    """A centre the buyer sets up and owns, with no provider: the same people cost what a provider's dedicated
    team would, less the provider's margin (build-operate-transfer's owned-cost ratio, after transfer), plus the
    buyer's own entity when it has none there yet (the figure is 0 when it has), setting it up once (premises,
    entity: what BOT's set-up fee pays a provider for) and recruiting each of its people once. No provider means
    no provider's set-up or transfer fee, no contract to negotiate, no vendor to manage and nothing to re-tender.
    Its people are hired over the months the centre takes to launch, while the in-house team carries the work
    (parallel running)."""
    staff = _monthly_fee(case, m, v) * v["bot.run_cost_ratio"]
    # The centre hires its people in a straight line over the launch, so the staff not yet hired are taken off its
    # cost: the launch profile's idle share, (1 − start productivity) × (1 − (month + ½) ÷ launch months), divided
    # by (1 − start productivity), is the share of the team not yet on the payroll.
    unhired = -staff / (1 - v["ramp.start_productivity"])
    # A team moved in waves is hired no faster than the waves move it (``_Profiles._after_launch``).
    waves = [(-staff, f"{WAVES_FEE_AFTER}:own.launch_months")] if waves_count_for(m, case.figures) else []
    staffed = [(staff, "esc"), (unhired, "ramp:own.launch_months"), *waves]
    lines: dict[str, list[Term]] = {
        OWN_CENTRE: [(staff + v["own.entity_cost"] / 12 * v["fx"], "esc"), (unhired, "ramp:own.launch_months"), *waves],
        # Of the people hired so far.
        OWN_ATTRITION: [
            (scale * v["provider.attrition"] * v["provider.replacement_months"] / 12, profile)
            for scale, profile in staffed
        ],
    }
    if "own.setup" in v:
        lines[OWN_SETUP] = [(v["own.setup"] * v["fx"], "first")]
    if CENTRE_HIRING in v:
        # Each person recruited once at a share of a year's cost: the whole team's year, unescalated.
        lines[OWN_HIRING] = [(staff * 12 * v[CENTRE_HIRING], "first")]
    lines.update(_peak_cover(case, m, v))
    parallel = _parallel_running(case, m, v, inhouse0)
    if not parallel:
        # No team of the buyer's carries the work while the centre launches: what its people do not yet produce is
        # a cost. With a team running in parallel until launch, that team's cost is the launch's cost.
        lines[LAUNCH] = [(staff, "ramp:own.launch_months")]
    lines.update(parallel)
    if parallel and waves:
        lines[WAVES_LINE] = [(inhouse0, f"{WAVES_HOME_AFTER}:own.launch_months")]
    lines.update(_severance(case, v))
    return lines


ONE_TIME = (
    "Set-up fee",
    OWN_SETUP,
    OWN_HIRING,
    BOT_HIRING,
    "Transfer fee",
    "Transition and knowledge transfer (parallel running)",
    WAVES_LINE,  # the move's cost, in its first year: not the run-rate (review 173)
    "Contracting and due diligence",
    SEVERANCE,
    EXIT,
)


def _line_totals(lines: Mapping[str, list[Term]], profiles: _Profiles) -> dict[str, np.ndarray]:
    """Each line over the horizon, per scenario (a one-off in month 1 is its amount: no multiply)."""
    return {k: _sum(s if p == "first" else s * profiles.total(p) for s, p in terms) for k, terms in lines.items()}


def _monthly(lines: Mapping[str, list[Term]], profiles: _Profiles, column: int) -> np.ndarray:
    """Month by month, one scenario: the terms' amounts in ``column``, over ``profiles`` of that scenario."""
    return _sum(_column(s, column) * profiles.monthly(p)[0] for terms in lines.values() for s, p in terms)


def _column(x: np.ndarray, i: int) -> np.ndarray:
    """One scenario's value of a per-scenario array (an array of one value is that value everywhere)."""
    return x[i : i + 1] if x.size > 1 else x


def _scenarios(case: Case) -> tuple[dict[str, np.ndarray], list[str]]:
    """The figures with a range, per scenario: first every figure at likely; then, per figure with a range,
    one at its low and one at its high, every other at likely."""
    varying = [k for k, f in sorted(case.figures.items()) if f.low != f.high]
    rows = 1 + 2 * len(varying)
    values = {k: np.full(rows, case.figures[k].likely) for k in varying}
    for i, key in enumerate(varying):
        values[key][1 + 2 * i] = case.figures[key].low
        values[key][2 + 2 * i] = case.figures[key].high
    return values, varying


RANKS = (0.10, 0.50, 0.90)
SPREAD = (0.10, 0.90)  # a range shows P10 and P90; its middle is the value with every figure at likely
SAMPLE_STEP = 10  # every 10th draw estimates where a rank lies (1,000 of 10,000)
SELECT_FROM = 2_000  # fewer draws than this (tests) are sorted whole


def _percentiles(samples: np.ndarray, ranks: Sequence[float] = RANKS) -> tuple[float, ...]:
    """The percentiles at ``ranks`` as ``np.percentile`` takes them (linear interpolation between the ranks
    either side), in single precision: a float32 keeps seven significant digits (a tenth of a unit of currency
    on a million), finer than any figure is shown. One value for every draw is every percentile."""
    if samples.size == 1:
        return tuple(float(samples[0]) for _ in ranks)
    ranked = _Ranked(samples.astype(np.float32))
    last = ranked.values.size - 1
    out = []
    for rank in ranks:
        position = rank * last
        below = int(position)
        weight = position - below
        low, high = ranked.pair(below)
        out.append(low * (1 - weight) + high * weight)
    return tuple(out)


class _Ranked:
    """The values of the sorted array at the ranks asked for, exactly those of ``np.sort``, without sorting the
    whole array: a sort of 10,000 single-precision values takes about 150 µs on the bench machine, where
    ``pair`` reads the array a few times and sorts a twentieth of it. Every 10th draw, sorted, brackets a rank:
    the draws are independent, so the rank's value lies between the sample's values three standard deviations
    either side of it almost always; counting the values below the bracket places the rank inside it, and only
    the values inside it are sorted. When the bracket misses, or a value is zero (whose sign a sort may place
    either way), the whole array is sorted as before, so the values are the sorted array's either way."""

    def __init__(self, values: np.ndarray) -> None:
        self.values = values
        self.sample = np.sort(values[::SAMPLE_STEP]) if values.size >= SELECT_FROM else None
        self.whole: np.ndarray | None = None

    def pair(self, k: int) -> tuple[float, float]:
        """The k-th and (k + 1)-th smallest values (the last one twice, at the end)."""
        n = self.values.size
        k1 = min(k + 1, n - 1)
        if self.sample is not None and self.whole is None:
            found = self._bracketed(k, k1)
            if found is not None:
                return found
        if self.whole is None:
            self.whole = np.sort(self.values)
        return float(self.whole[k]), float(self.whole[k1])

    def _bracketed(self, k: int, k1: int) -> tuple[float, float] | None:
        assert self.sample is not None
        values, size = self.values, self.sample.size
        p = k / (values.size - 1)
        j = int(p * (size - 1))
        margin = int(3 * math.sqrt(size * p * (1 - p))) + 2
        lo, hi = self.sample[max(j - margin, 0)], self.sample[min(j + margin + 1, size - 1)]
        start = int(np.count_nonzero(values < lo))
        inside = values[(values >= lo) & (values <= hi)]
        if start > k or k1 - start >= inside.size:
            return None
        inside.sort()
        low, high = float(inside[k - start]), float(inside[k1 - start])
        return (low, high) if low != 0 and high != 0 else None


class _Run:
    """What every summary of one case shares: its draws and scenarios, and each model's line totals. The draws
    depend only on the case (its seed and its figures' order), so any summary of a model from here is the
    figure ``simulate`` gives for it."""

    def __init__(self, case: Case, draws: int) -> None:
        self.case = case
        self.draws = draws
        self.seed = seed_for(case)
        rng = np.random.default_rng(self.seed)
        self.months = month_count(case)
        self.last_share = case.months - (self.months - 1) if case.weeks else 1.0
        keys = sorted(case.figures)
        scenarios, self.varying = _scenarios(case)
        # One pass costs the draws and the scenarios together: each figure with a range is its draws followed by
        # its value in each scenario (likely, then every figure's low and high for the tornado), so the lines are
        # worked out once, as columns [0, draws) and [draws, draws + scenarios). A figure without a range is one
        # value, the same in every column.
        rows = 1 + 2 * len(self.varying)
        self.values = dict(zip(keys, _draw(rng, [case.figures[k] for k in keys], draws, rows), strict=True))
        for k, x in self.values.items():
            if x.size > 1:
                x[draws:] = scenarios[k]
        self.profiles = _Profiles(self.values, self.months, self.last_share, case.people)
        # Break-even reads the costs month by month with every figure at likely: the first scenario's column.
        self.likely = draws
        self.inhouse = _inhouse_terms(case, self.values)
        self.inhouse0 = _sum(scale for terms in self.inhouse.values() for scale, _ in terms)
        self.ih_lines = _line_totals(self.inhouse, self.profiles)
        self.ih_total = _sum(self.ih_lines.values())

    def spread(self, x: np.ndarray) -> Triple:
        """P10 over the draws, the likely value, P90 over the draws."""
        low, high = _percentiles(x[: self.draws] if x.size > 1 else x, SPREAD)
        return (low, float(_column(x, self.likely)[0]), high)

    def model(self, m: ModelSpec) -> tuple[dict[str, list[Term]], dict[str, np.ndarray], np.ndarray, np.ndarray]:
        """A model's terms, its lines over the horizon, its one-time and recurring totals."""
        terms = _model_terms(self.case, m, self.values, self.inhouse0)
        lines = _line_totals(terms, self.profiles)
        one = _sum(x for k, x in lines.items() if k in ONE_TIME)
        rec = _sum(x for k, x in lines.items() if k not in ONE_TIME)
        return terms, lines, one, rec

    def savings(self, total: np.ndarray) -> np.ndarray:
        """In-house less ``total``, per draw and per scenario."""
        return np.broadcast_to(self.ih_total - total, (self.draws + 1 + 2 * len(self.varying),))


def _without_premium(run: _Run, savings: np.ndarray) -> SavingSpread | None:
    """The saving with in-house's temporary staff premium taken out draw by draw, so its range and chance are its own
    (review 47: the premium-free figure was read against the spread of the saving that counts the premium)."""
    premium = next((run.ih_lines[k] for k in (TEMPORARY_LINE, SEASONAL_LINE) if k in run.ih_lines), None)
    if premium is None:
        return None
    rest = np.broadcast_to(savings - premium, savings.shape)
    low, high = _percentiles(rest[: run.draws], SPREAD)
    return SavingSpread(low, float(rest[run.likely]), high, float(np.mean(rest[: run.draws] > 0)))


def simulate(case: Case, *, draws: int = DRAWS) -> TcoResult:
    """P10 / likely / P90 of every cost, and the saving's distribution, for every model of the case."""
    run = _Run(case, draws)
    likely, spread = run.likely, run.spread
    at_likely = _Profiles(
        {k: _column(x, likely) for k, x in run.values.items()}, run.months, run.last_share, run.case.people
    )
    # Each model's lines are summarised (percentiles, the scenarios' savings) as soon as they are worked out
    # and then let go, so a run holds the draws and one model's lines at a time, not every line of every model.
    ih_horizon = spread(run.ih_total)
    ih_monthly = _monthly(run.inhouse, at_likely, likely)
    inhouse_lines = tuple(
        Line(k, "recurring", spread(x), _inhouse_formula(k, case), supplied=k == OWN_COST)
        for k, x in run.ih_lines.items()
    )
    models = []
    for m in case.models:
        terms, lines, one, rec = run.model(m)
        total = one + rec
        savings = run.savings(total)
        saving_p10, saving_p50, saving_p90 = _percentiles(savings[:draws])
        cumulative = np.cumsum(ih_monthly - _monthly(terms, at_likely, likely))
        models.append(
            ModelTco(
                code=m.code,
                name=m.name,
                tco=Tco(one_time=spread(one), annual=_per_year(spread(rec), case.years), horizon=spread(total)),
                savings_p10=saving_p10,
                savings_p50=saving_p50,
                savings_p90=saving_p90,
                savings_likely=float(savings[likely]),
                probability_saving=float(np.mean(savings[:draws] > 0)),
                break_even_month=break_even(cumulative),
                lines=tuple(
                    Line(
                        k,
                        "one_time" if k in ONE_TIME else "recurring",
                        spread(x),
                        _formula(k, m, case),
                        supplied=k == PROVIDER_FEES and quoted_as_given(m),
                    )
                    for k, x in lines.items()
                ),
                tornado=_tornado(case, run.varying, savings[likely:]),
                without_premium=_without_premium(run, savings),
            )
        )
    return TcoResult(
        currency=case.currency,
        market=case.market,
        years=case.years,
        draws=draws,
        seed=run.seed,
        inhouse=Tco((0.0, 0.0, 0.0), _per_year(ih_horizon, case.years), ih_horizon),
        inhouse_lines=inhouse_lines,
        models=tuple(models),
        inputs=tuple(sorted(case.figures.items())),
        skipped=case.skipped,
    )


@dataclass(frozen=True)
class BridgeCost:
    """A stop-gap run until the model the answers favour has launched, with every figure at likely (review 133: the
    stop-gap's months had been priced at its average year over the whole period, wage inflation of later years
    included, its exit at the period's last fee, and its months counted apart from the in-house months they
    replace)."""

    months: float  # the favoured model's launch: the months the work stays in-house in its cost, and the stop-gap runs
    running: float  # the stop-gap's cost over those months, month by month, its one-time costs included but severance
    exit: float  # its exit at the end of those months, at that month's fee (0 for a model with no exit line)
    in_house: float  # those in-house months as the favoured model's cost counts them (its parallel running line)

    @property
    def extra(self) -> float:
        """What the stop-gap adds to the favoured model's cost: its months and exit, in place of the in-house ones."""
        return self.running + self.exit - self.in_house


def bridge_cost(case: Case, stop_code: str, favoured_code: str) -> BridgeCost | None:
    """``stop_code`` run from month 1 until ``favoured_code``, whose cost keeps the work in-house until it has launched
    (an own centre, BOT or a managed service: its parallel running), is ready; None when either is not in the case,
    the stop-gap is an own centre, or the favoured model has no parallel running (a surge)."""
    specs = {m.code: m for m in case.models}
    stop, favoured = specs.get(stop_code), specs.get(favoured_code)
    if stop is None or favoured is None or stop.kind == "owned":
        return None
    run = _Run(case, 1)  # every figure at likely is a scenario column of its own: one draw is enough
    likely = run.likely
    at_likely = _Profiles(
        {k: _column(x, likely) for k, x in run.values.items()}, run.months, run.last_share, run.case.people
    )
    parallel = _parallel_running(case, favoured, run.values, run.inhouse0).get(PARALLEL)
    if not parallel:
        return None
    months = float(_column(run.values[_parallel_key(favoured, run.values)], likely)[0])
    terms = _model_terms(case, stop, run.values, run.inhouse0)
    monthly = _monthly({k: t for k, t in terms.items() if k not in (SEVERANCE, EXIT)}, at_likely, likely)
    whole = min(int(months), monthly.size)
    running = float(monthly[:whole].sum()) + (float(monthly[whole]) * (months - whole) if whole < monthly.size else 0.0)
    ends = min(max(math.ceil(months), 1), run.months) - 1  # the month the stop-gap hands over in
    exit_cost = sum(
        float(_monthly({EXIT: [(scale, f"at:{ends}")]}, at_likely, likely).sum()) for scale, _ in terms.get(EXIT, [])
    )
    in_house = float(_column(parallel[0][0], likely)[0])
    return BridgeCost(months=months, running=running, exit=exit_cost, in_house=in_house)


def break_even(cumulative: np.ndarray) -> int | None:
    """The month (1-based) from which the cumulative saving stays at or above zero to the horizon's end; None when it
    ends below zero. Not the first month it reaches zero: a one-off in a later month (a transfer fee, the exit) can
    take it back below for good, and an option that costs more than in-house over the horizon never breaks even."""
    below = np.flatnonzero(cumulative < 0)
    if not below.size:
        return 1 if cumulative.size else None
    last = int(below[-1])
    return last + 2 if last + 1 < cumulative.size else None


def month_count(case: Case) -> int:
    """The months a case runs month by month: the whole years', or as many as the work's weeks reach into."""
    return math.ceil(case.months - 1e-9) if case.weeks else case.years * 12


# Severance when the in-house figure is all-in (the buyer's own loaded cost, or a full hourly cost): no salary is
# known apart from it, so the line is priced on the loaded cost and says it is the upper end.
SEVERANCE_ALL_IN = (
    "displaced people × the monthly all-in cost of one person, the in-house figure above (no salary is known apart"
    " from it, so on-costs are counted too: read it as the upper end) × months of severance, in month 1"
)


def contracting_case(m: ModelSpec, case: Case, has_light: bool) -> tuple[bool, str]:
    """Whether ``m`` is contracted at the lighter figure (bought on the provider's standard terms), and why, in words
    for its formula: the one home of the rule the simulation and the cost table's formula both read. A pool, a short
    piece of work done once (half a year or less) or a project or team of one or two people takes the lighter figure
    (reviews 127 and 130: $12m of project fees over 4 years, and $3m over a year, had $5,000; review 133: a managed
    service for 13 weeks' work had the full figure); work supporting a critical or important function never does.
    ``has_light``: the catalogue gives a lighter figure (playbooks published before it did not)."""
    small = case.people <= NAMED_PEOPLE
    once = m.kind != "bot" and 0 < case.weeks <= SHORT_WORK_WEEKS
    if case.negotiated:
        return False, (
            "the work supports a critical or important function, so its contract carries the terms its regulator "
            "requires"
        )
    if has_light and m.kind == "pool":
        return True, "a shared pool is bought on the provider's standard terms"
    if has_light and once:
        return True, f"a piece of work done once in {SHORT_WORK_WEEKS} weeks or fewer is bought on the provider's terms"
    if has_light and m.kind in ("team", "project") and small:
        return (
            True,
            f"a {'project' if m.kind == 'project' else 'team'} of one or two people is bought on the provider's terms",
        )
    what = {
        "team": "a team of three or more",
        "project": "a project for three or more people",
        "managed": "a managed service",
        "bot": "a build-operate-transfer",
        "owned": "your own centre's set-up",
    }.get(m.kind, "this engagement")
    return False, f"{what} is contracted in full"


def _contracting_formula(m: ModelSpec, case: Case) -> str:
    """The contracting line's formula for this model and case: which figure applies, and why (review 146: one sentence
    naming every case, with "the same for" pointing nowhere, could not be checked against the figure)."""
    light, why = contracting_case(m, case, "contracting.light" in case.figures)
    if light:
        return (
            "the lighter contracting cost × exchange rate, in month 1, at most a quarter of the fees in the first "
            f"year (or in the whole work, when shorter): {why} (the product's assumption)"
        )
    return (
        f"the contracting cost × exchange rate, in month 1: {why}, a floor for a large deal run with advisers and a "
        "formal tender"
    )


def _inhouse_formula(line: str, case: Case) -> str:
    """An in-house line's formula; a one-off job past 104 weeks recruits to replace leavers only after them."""
    text = FORMULAS[line]
    if line == "Recruiting to replace leavers" and case.surge and case.weeks > MAX_WEEKS:
        text += f", after the work's first {MAX_WEEKS} weeks (people taken on for it are not replaced)"
    return text


def _formula(line: str, m: ModelSpec, case: Case) -> str:
    """The line's formula in words; a model priced from the buyer's quote with its yearly rise given rises by it."""
    text = _formula_text(line, m, case)
    if waves_count_for(m, case.figures):
        launched = hiring_launch(m, case.figures) is not None
        if line in (PROVIDER_FEES, OWN_CENTRE):
            text += WAVES_FEES + (WAVES_AFTER_LAUNCH if launched else "")
        elif line in (ATTRITION, OWN_ATTRITION):
            text += ", of the people moved so far"
        elif line == WAVES_LINE and launched:
            text += (
                ", counted after the launch's parallel running (until then the in-house team carries all the work), so"
                " only for the months the waves outlast the launch: little when the launch takes nearly as long"
            )
    if m.quoted and QUOTE_RISE in case.figures and line in (PROVIDER_FEES, PEAK_COVER):
        return text.replace("(1 + location wage inflation)^year", "(1 + your quote's yearly rise)^year")
    return text


def _formula_text(line: str, m: ModelSpec, case: Case) -> str:
    text = _formula_words(line, m, case)
    if line == PROVIDER_FEES and m.kind == "project" and m.sized:
        # Priced by its hours, as a managed service is (review 176: the cost CSV gave the per-deliverable formula for
        # a fee that is hours × rate × (1 + the managed-services premium)).
        text = re.sub(r"; project: deliverables × price ÷ [^)]*\)", ")", text)
        text += PROJECT_BY_HOURS
    return text


# A project with no price per deliverable to go by, priced as a managed service is (``ModelSpec.sized``).
PROJECT_BY_HOURS = (
    "; this project is priced by its hours, not per deliverable: as a managed service, with the managed-services"
    " premium"
)


def _formula_words(line: str, m: ModelSpec, case: Case) -> str:
    launch = _launch_key(m, case.figures)
    launched = launch == BOT_LAUNCH
    if line == PARALLEL and m.kind == "owned":
        return OWNED_PARALLEL
    if line == PARALLEL and launched:
        return BOT_PARALLEL
    if line == PARALLEL and launch == MANAGED_LAUNCH:
        return MANAGED_PARALLEL
    if line == ATTRITION and launched:
        return BOT_ATTRITION
    if line == RAMP_UP and launched:
        return FORMULAS[RAMP_UP].replace("ramp-up months", "launch months")
    if line == RAMP_UP and not case.surge:
        return FORMULAS[RAMP_UP] + RAMP_AFTER_PARALLEL
    if line == SEVERANCE and case.inhouse_all_in:
        return SEVERANCE_ALL_IN
    if line == PEAK_COVER:
        hours = case.peak_cover_hours(m.commitment_hours)
        return f"{hours:,.0f} hours a year: " + FORMULAS[line]
    if line == CONTRACTING:
        return _contracting_formula(m, case)
    if line != PROVIDER_FEES:
        return FORMULAS[line]
    hiring = MANAGED_HIRING if launch == MANAGED_LAUNCH else ""
    if case.weeks:
        said = f"{case.weeks} week is" if case.weeks == 1 else f"{case.weeks} weeks are"
        short = SHORT_FEES.format(weeks=said, months=f"{case.months:.2f}")
        return short + hiring + ((QUOTE_BASE_NOTE if quoted_on_base(m) else QUOTE_NOTE) if m.quoted else "")
    if quoted_on_base(m):
        return QUOTED_BASE_FEES + hiring
    if hiring:
        return (QUOTED_FEES if m.quoted else FORMULAS[line]) + hiring
    if launched:
        return BOT_FEES.replace("× rate × location index", "× your quoted rate") + QUOTE_NOTE if m.quoted else BOT_FEES
    return QUOTED_FEES if m.quoted else FORMULAS[line]


def savings_only(case: Case, *, draws: int = DRAWS) -> tuple[ModelSaving, ...]:
    """Each model's total over the horizon and its saving against in-house, as ``simulate`` gives them for the
    same case (the same draws, the same arithmetic), without what only a shown cost needs: the lines' and the
    in-house cost's ranges, the one-time and yearly figures, the break-even month and the tornado. A cheaper
    location's comparison reads only these; on a one-model case they are a small part of the work."""
    run = _Run(case, draws)
    out = []
    for m in case.models:
        _, _, one, rec = run.model(m)
        total = one + rec
        savings = run.savings(total)
        saving_p10, saving_p90 = _percentiles(savings[:draws], SPREAD)
        out.append(
            ModelSaving(
                code=m.code,
                horizon=run.spread(total),
                savings_p10=saving_p10,
                savings_likely=float(savings[run.likely]),
                savings_p90=saving_p90,
                probability_saving=float(np.mean(savings[:draws] > 0)),
            )
        )
    return tuple(out)


# The lines that rest on the buyer's in-house pay (the work's cost while it moves, leavers' severance): a buyer whose
# pay has no benchmark is costed without them.
INHOUSE_PAY_LINES = (PARALLEL, SEVERANCE, WAVES_LINE)


def outsourced_only(case: Case, *, draws: int = DRAWS) -> tuple[ModelOutsourced, ...]:
    """Each model's cost over the horizon as ``simulate`` gives it for the same case (the same draws, the same
    arithmetic), but for the lines that rest on in-house pay (``INHOUSE_PAY_LINES``): every other line with its
    range, and their total, summed draw by draw. What a buyer whose in-house pay has no benchmark sets beside
    their own cost; the case is costed as for a US buyer, so the currency is US dollars."""
    run = _Run(case, draws)
    out = []
    for m in case.models:
        _, lines, _, _ = run.model(m)
        kept = {k: x for k, x in lines.items() if k not in INHOUSE_PAY_LINES}
        out.append(
            ModelOutsourced(
                code=m.code,
                name=m.name,
                horizon=run.spread(_sum(kept.values())),
                lines=tuple(
                    Line(
                        k,
                        "one_time" if k in ONE_TIME else "recurring",
                        run.spread(x),
                        _formula(k, m, case),
                        supplied=k == PROVIDER_FEES and quoted_as_given(m),
                    )
                    for k, x in kept.items()
                ),
                left_out=tuple(k for k in lines if k in INHOUSE_PAY_LINES),
            )
        )
    return tuple(out)


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
    # Widest first, by the cent: two inputs that move the saving equally (on-costs and management are both
    # a share of salaries) differ only by rounding, and then their labels keep the order the same every run.
    return tuple(sorted((s for s in swings if s.width > 0), key=lambda s: (-round(s.width, 2), s.label)))


FORMULAS = {
    "Salaries": "in-house FTE × salary × (1 + pay growth since the salary's date, where listed) ÷ 12"
    " × (1 + home wage growth)^year, every month",
    "On-costs (employer taxes, benefits)": "salaries × on-cost share",
    "Overhead (facilities, IT)": "salaries × overhead share",
    "Management": "salaries × management share",
    "Recruiting to replace leavers": "salaries × attrition rate × recruiting cost share",
    SEASONAL_LINE: "the in-house cost above × (4 × the busiest three months' share of the hours − 1) ÷ 3, the share"
    " of the hours above what a team sized to the quieter nine months does in the peak × the temporary staff premium"
    " (people taken on for a season cost more an hour than salaried staff: the project's assumption, listed with the"
    " inputs)",
    TEMPORARY_LINE: "the in-house cost above × the temporary staff premium (people taken on for work done once cost"
    " more an hour than salaried staff: the project's assumption, listed with the inputs), over the work's first 104"
    " weeks (longer work is then done by people hired for it, recruited to replace leavers)",
    "Your loaded cost": "in-house FTE × your loaded cost per FTE-year ÷ 12 × (1 + home wage growth)^year",
    "Loaded cost (benchmark)": "in-house FTE × the benchmark's loaded cost per FTE-year ÷ 12"
    " × (1 + home wage growth)^year",
    PROVIDER_FEES: "monthly fee × (1 + location wage inflation)^year until transfer or the horizon; monthly fee ="
    " people × committed hours × rate × location index ÷ 12 (pool, managed: annual hours × rate × (1 + premium)"
    " × location index ÷ 12; project: deliverables × price ÷ 12) × exchange rate",
    "Set-up fee": "set-up fee × exchange rate, in month 1: premises, entity and leadership for a small team; the same"
    " for any size of centre, so a floor for a large one",
    BOT_HIRING: "people × committed hours × rate × location index × owned-cost ratio × recruiting share per hire ×"
    " exchange rate, in month 1: a year's cost of the centre's staff without the provider's margin × the share it"
    " costs to recruit each, charged by the provider as it builds the centre",
    "Transfer fee": "transfer share × 12 × the monthly fee, in the transfer month",
    "Your own centre after transfer (staff, entity, facilities, HR)": "(monthly fee × owned-cost ratio + entity"
    " cost ÷ 12 × exchange rate) × inflation, every month from transfer",
    OWN_CENTRE: "(people × committed hours × a provider's rate for the same work × location index ÷ 12 × owned-cost"
    " ratio + your entity's cost a year ÷ 12, 0 if you already have one) × exchange rate × (1 + location wage"
    " inflation)^year, every month, the staff hired in a straight line over the launch months (their share"
    " (month + ½) ÷ launch months until all are on the payroll); no provider set-up, transfer, contract or management"
    " fee",
    OWN_SETUP: "set-up cost × exchange rate, in month 1: what BOT's set-up fee pays a provider for (premises and"
    " entity set-up for a small team), borne by you; the same for any size of centre, so a floor for a large one",
    OWN_HIRING: "people × committed hours × a provider's rate for the same work × location index × owned-cost ratio"
    " × recruiting share per hire × exchange rate, in month 1: a year's cost of your centre's staff × the share it"
    " costs to recruit each",
    LAUNCH: "your centre's staff cost a month × (1 − start productivity) × (1 − (month + ½) ÷ launch months), while"
    " positive: the months the centre takes to launch",
    OWN_ATTRITION: "your centre's staff cost a month, of the people hired so far, × attrition rate in the location ×"
    " months of lost output per leaver ÷ 12, every month",
    PEAK_COVER: "(the busiest three months' share × annual hours − a quarter of the team's committed hours a year,"
    " at least 0) × the team's rate × location index (none on your quote) × (1 + shared-pool premium) × exchange"
    " rate ÷ 12 × (1 + location wage inflation)^year, every month: the peak's hours a team committed all year cannot"
    " do, bought as pay-per-use; the team is sized to the quieter nine months, as in-house is (a team answered"
    " smaller than that is taken at the year's hours)",
    RAMP_UP: "monthly fee × (1 − start productivity) × (1 − (month + ½) ÷ ramp-up months), while positive",
    "Attrition and replacement": "monthly fee × attrition rate × months of lost output per leaver ÷ 12, every month",
    "Retained organisation and vendor management": "(provider fees + any peak cover) × governance share, every"
    " month they are paid (not on a one-off transfer fee)",
    "Transition and knowledge transfer (parallel running)": "months of parallel running × the in-house cost of month 1",
    SEVERANCE: "displaced people × monthly salary × months of severance, in month 1",
    EXIT: "exit share × 12 × the last month's fee, in the last month",
    WAVES_LINE: "the in-house cost a month × (1 + home wage growth)^year × the share of the team not yet moved: the"
    " first wave moves in month 1, the rest in a straight line, so the share is (1 − first wave ÷ people) × (1 −"
    " (month + ½) ÷ months to move the whole team), while positive; the provider's fees and its leavers count only"
    " the people moved so far",
}
SHORT_FEES = (
    "monthly fee for each month of the work, the last one in part ({weeks} {months} months); monthly fee ="
    " people × committed hours × rate × location index ÷ 12 (pool, managed: the work's hours ÷ its months × rate × (1 +"
    " premium) × location index; project: deliverables × price ÷ the work's months) × exchange rate"
)
# A quote is read as the price for delivery from the location costed: the product does not ask where the quoting
# provider's team works, so the note says what to do with a quote for another country.
QUOTE_WHERE = (
    ", and it is taken as the price for delivery from the location costed here: a quote for a team in another country"
    " is that country's price, so compare the locations' cost indices before reading it as this one's"
)
QUOTE_NOTE = "; your quote is the provider's own price, so no location index or premium is applied to it" + QUOTE_WHERE
# A shared pool or a managed service priced from the buyer's quote for a dedicated person: the premium (uncommitted
# hours, the provider's delivery risk) is added to it, as to the dedicated benchmark rate, and no location index.
QUOTE_BASE_NOTE = (
    "; the rate is your quote for a dedicated person, the provider's own price, so no location index is applied to"
    " it; the model's premium is, as it is to the benchmark's dedicated rate" + QUOTE_WHERE
)
QUOTED_BASE_FEES = (
    "monthly fee × (1 + location wage inflation)^year until the horizon; monthly fee = annual hours × your quoted"
    " rate for a dedicated person × (1 + premium) ÷ 12 × exchange rate" + QUOTE_BASE_NOTE
)
QUOTED_FEES = (
    "monthly fee × (1 + location wage inflation)^year until transfer or the horizon; monthly fee = people ×"
    " committed hours × your quoted rate ÷ 12 (project: deliverables × your quoted price ÷ 12) × exchange rate;"
    " a quote is the provider's own price, so no location index or premium is applied to it" + QUOTE_WHERE
)
