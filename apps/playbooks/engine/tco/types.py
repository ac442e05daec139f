"""The total cost of ownership's typed inputs and results (frozen, so a stored result cannot drift)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from apps.playbooks.engine.requirements import ONE_OFF

Triple = tuple[float, float, float]
DRAWS = 10_000
MAX_YEARS = 10
WEEKS_A_YEAR = 52  # a month is 52 ÷ 12 weeks
MAX_WEEKS = 104  # a piece of work done once lasts 1 to 104 weeks (two years), as answered
# Worked out from its hours (``once_weeks``), a piece of work done once may take as long as the longest horizon.
MAX_ONCE_WEEKS = MAX_YEARS * 52
# Hours in a full-time year, on both sides: a dedicated provider seat commits to them, and in-house the work
# costs a full-time person per this many hours it needs.
FTE_HOURS = 2000.0
INHOUSE_FTE = "In-house full-time equivalents"  # the in-house input that says what in-house was priced at
DISPLACED = "Your staff displaced"  # the in-house input that says how many people severance was priced for
PEAK_SHARE = "Share of the hours in the busiest three months"  # the in-house input of seasonal work's peak (a %)
CURRENCIES = {"us": "USD", "uk": "GBP", "eu": "EUR"}
MARKET_NAMES = {"us": "US", "uk": "UK", "eu": "EU"}  # as "in-house in the US" reads them
# The home market of a buyer whose in-house pay has no benchmark: costed only against its own loaded cost, given
# in US dollars (the currency every provider price is in), so nothing is converted.
ELSEWHERE = "other"


def _positive_number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value <= 0:
        return None
    return float(value)


def once_weeks(demand: object, hours: object, people: object) -> int:
    """The weeks of work done once whose length was not answered (review 159: a two-week job of 240 hours for three
    people was contracted as a large deal and repeated every year of the horizon): its hours at full time
    (``FTE_HOURS`` a year) for its people, each read as the cost reads them when the other is not answered (the hours
    of the people's full-time years; the people the hours need, at least one). 0 (not work done once, or not known)
    unless ``demand`` is ``ONE_OFF`` and the weeks are at most ``MAX_ONCE_WEEKS``: work done once is costed once, over
    the weeks its hours take, however long, as answered weeks are (review 166: a 28-week study was costed in each of
    three years; review 167: a job filling its two people's year, at 4,000 hours, likewise; review 172: one more hour
    past 104 weeks, or past the horizon, tripled the cost, its hours counted again in each year). Hours the people
    could not work in ``MAX_YEARS`` are costed over the horizon's whole years, which the answer checks say (``checks``);
    a programme whose hours are a year's is steady work for its length, which the check on the weeks says."""
    h, p = _positive_number(hours), _positive_number(people)
    if demand != ONE_OFF or (h is None and p is None):
        return 0
    h = h if h is not None else (p or 0) * FTE_HOURS
    p = p if p is not None else max(1.0, round(h / FTE_HOURS, 1))
    weeks = max(math.ceil(h / (p * FTE_HOURS / WEEKS_A_YEAR) - 1e-9), 1)
    return weeks if weeks <= MAX_ONCE_WEEKS else 0


def whole_piece(roles: Mapping[str, str], answers: Mapping[str, object]) -> bool:
    """Whether the hours answered are those of a whole piece of work, not of a year (the hours question asks so of work
    done once, however long it lasts): its weeks are answered, or worked out (``once_weeks``). ``roles``: the
    playbook's question code for each role (review 164: a six-week job's "1,500 hours a year" in what-if and the memo,
    beside a cost section reading "1,500 hours of work")."""

    def given(role: str) -> object:
        return answers.get(roles.get(role, ""))

    weeks = _positive_number(given("duration_weeks"))
    return bool(weeks) or bool(once_weeks(given("demand_pattern"), given("annual_hours"), given("team_size")))


def currency(market: str) -> str:
    """The currency a home market's costs are in: its own, or US dollars for a buyer elsewhere."""
    return CURRENCIES.get(market, "USD")


# What each catalogue pricing basis is costed as; a dedicated team and staff augmentation share a formula.
KINDS = {
    "monthly_team": "team",
    "hourly": "pool",
    "per_deliverable": "project",
    "outcome": "managed",
    "setup_plus_hourly": "bot",
    "owned_centre": "owned",
}
TEAM_KINDS = ("team", "managed", "bot", "owned")  # a whole team moves: a full transition, not a light one
# The figure of a managed service's launch, its months of parallel running (absent from catalogues frozen before it).
MANAGED_LAUNCH = "transition.managed"
# The share of a year's cost it takes to recruit each person of a centre built for the buyer (its own, or BOT's).
CENTRE_HIRING = "centre.hiring"
# A team too large to move at once (``requirements.LaunchScale.in_waves``): the people of its first wave, who move when
# the model starts, and the months the whole team takes to move, the rest in a straight line (``simulate.unmoved``).
# Only a case whose team moves in waves has them, so every other case keeps its seed.
WAVES_FIRST = "waves.first"
WAVES_MONTHS = "waves.months"
# The yearly rise the buyer's quote may take (its price-adjustment clause): the models priced from a quote rise by it
# (``simulate.Profiles.rise``) instead of the location's wage inflation.
QUOTE_RISE = "quote.rise"


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
    kind: str  # team, pool, project, managed, bot, owned
    commitment_hours: float = 2000.0
    transfer_month: int | None = None
    # The rate is the buyer's quote: that provider's own price for this work, so neither the location's
    # cost index nor a pool or managed-services premium is applied to it again.
    quoted: bool = False
    # A project priced by the hours of its deliverables, not at the benchmark price per deliverable: the function's
    # hourly rate × the hours × (1 + the managed-services premium) × the location's cost index, as a managed service
    # is priced, where the benchmark price would overstate deliverables smaller than the projects it prices. It holds
    # the reason, said with the inputs ("" for every other model).
    sized: str = ""


def peak_excess(peak_share: float) -> float:
    """Seasonal work done in-house: the share of the year's hours above what a salaried team sized to the quieter
    nine months covers in the busiest three, done by people taken on for the season. With p of the hours in the
    busiest three months, that team works (1 − p) ÷ 9 of them a month, (1 − p) ÷ 3 in the peak, so the peak's
    excess is p − (1 − p) ÷ 3 = (4p − 1) ÷ 3 (0 with even demand, p = 25%, or less). The product's assumption: a
    team sized to the peak, idle the rest of the year, would cost more."""
    return max(0.0, (4 * peak_share - 1) / 3)


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
    # The weeks a piece of work done once lasts (0: the work goes on, costed over ``years`` whole years). The
    # cost then covers those weeks only, and ``annual_hours`` are the hours of the whole piece of work.
    weeks: int = 0
    # Seasonal work: the share of a year's hours in its busiest three months (0.8 for 80%; 0 when not answered).
    peak_share: float = 0.0
    # The work supports a critical or important function of a regulated firm: every provider's contract is negotiated
    # with the terms its regulator requires (access, audit, sub-outsourcing, exit), so none is bought on the provider's
    # standard terms at the light contracting figure (review 136: a bank's critical modelling contracted for £3,970).
    negotiated: bool = False
    # ``weeks`` were worked out from the hours and the people (``once_weeks``), not answered.
    weeks_worked_out: bool = False

    def __post_init__(self) -> None:
        if not 0 <= self.weeks <= MAX_ONCE_WEEKS:
            raise TcoUnavailable(f"The work's length must be 1 to {MAX_ONCE_WEEKS} weeks.")
        if not 1 <= self.years <= MAX_YEARS:
            raise TcoUnavailable(f"The horizon must be 1 to {MAX_YEARS} years.")
        if not 0 <= self.peak_share <= 1:
            raise TcoUnavailable("The busiest three months' share of the hours must be 0% to 100%.")
        if self.people <= 0 or self.annual_hours <= 0 or self.deliverables < 0 or self.displaced < 0:
            raise TcoUnavailable(
                "People and annual hours must be positive; deliverables and displaced staff not negative."
            )

    @property
    def months(self) -> float:
        """The months the cost covers: the work's weeks as months (10 weeks are 2.31), else the whole years."""
        return self.weeks * 12 / WEEKS_A_YEAR if self.weeks else float(self.years * 12)

    @property
    def surge(self) -> bool:
        """Work done once that no team of the buyer's does today (no staff displaced): nothing runs in parallel
        while it moves, nothing is taken back or re-tendered when it ends, and in-house it would be done by
        people taken on for it (temporary staff), not by a salaried team already there."""
        return bool(self.weeks) and not self.displaced

    @property
    def taken_on_share(self) -> float:
        """The share of a surge's in-house work done by people taken on for it at the temporary staff premium: all
        of it up to two years (``MAX_WEEKS``); past that, its first two years' share (104 of 260 weeks: 40%), the
        rest by people hired for it and replaced as they leave, so one more week never drops the premium at once
        (review 175: 105 weeks had cost 15% less in-house than 104). 0 for work that is not a surge."""
        if not self.surge:
            return 0.0
        return min(1.0, MAX_WEEKS / self.weeks)

    @property
    def peak_excess(self) -> float:
        """Seasonal work done in-house over whole years: ``peak_excess`` of its share (0 for work done once)."""
        return 0.0 if self.weeks else peak_excess(self.peak_share)

    def seats(self, commitment_hours: float) -> float:
        """The people a team committed all year (a dedicated team, BOT, a centre of the buyer's) is priced at: those
        answered, except for seasonal work (``peak_excess``), where it is sized as the in-house side is, to the
        quieter nine months' hours ((1 − p) × the year's hours over nine months, a year of it: 4 ÷ 3 × (1 − p) × the
        hours), in whole people at ``commitment_hours`` each and never more than answered, the peak above it bought
        as cover (``peak_cover_hours``). A team sized to the peak had been idle a third of the year in the price
        while in-house was priced at the hours (review 79: 15 seats against 10 people's work)."""
        if not self.peak_excess or commitment_hours <= 0:
            return self.people
        quiet = 4 / 3 * (1 - self.peak_share) * self.annual_hours
        return float(min(self.people, max(1, math.ceil(quiet / commitment_hours - 1e-9))))

    def peak_cover_hours(self, commitment_hours: float) -> float:
        """Seasonal work given to a team committed all year (``seats`` × ``commitment_hours`` a year, a quarter of
        it in any three months): the hours a year of the busiest three months' share beyond that quarter, which the
        team cannot do and are bought as pay-per-use. A team answered smaller than the quieter months need is taken
        at the year's hours (a shortfall all year round is not the season's). 0 without a peak (``peak_excess``) or
        for work done once."""
        if not self.peak_excess:
            return 0.0
        seats = self.seats(commitment_hours)
        if seats < self.people:  # sized to the quieter months: the peak above them is the cover
            quarter = seats * commitment_hours / 4
        else:
            quarter = max(self.people * commitment_hours, self.annual_hours) / 4
        return max(0.0, self.peak_share * self.annual_hours - quarter)

    @property
    def inhouse_fte(self) -> float:
        """The in-house full-time equivalents the work costs: the hours it needs, at most the whole team.

        A dedicated provider team is paid for every seat whether busy or not, so it is priced at the headcount;
        in-house the same people do other work between peaks, so 400 hours a year cost a fifth of a person,
        not a person (and a one-off study of 3,000 hours by 10 people costs 1.5 person-years, not 10)."""
        if self.weeks:
            # The hours of the whole piece of work against the full-time hours in its weeks.
            return min(self.people, self.annual_hours / (FTE_HOURS * self.months / 12))
        return min(self.people, self.annual_hours / FTE_HOURS)


@dataclass(frozen=True)
class Line:
    label: str
    kind: str  # one_time or recurring
    horizon: Triple  # P10, likely, P90 over the horizon
    formula: str
    supplied: bool = False  # the line is the buyer's own figure at work (their loaded cost, their quote)


@dataclass(frozen=True)
class SavingSpread:
    """A model's saving against in-house on the same draws without one in-house line (the premium assumed for people
    taken on for the work): P10, likely and P90, and the share of draws that save."""

    p10: float
    likely: float
    p90: float
    probability: float


@dataclass(frozen=True)
class Swing:
    """One input swung low → high with every other at likely: the saving at each end."""

    label: str
    saving_at_low: float
    saving_at_high: float
    supplied: bool = False  # the input swung is the buyer's own figure (a range they entered)

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
    # The saving if people the buyer already employs did the work (the temporary staff premium left out of in-house,
    # draw by draw); None where in-house has no such premium.
    without_premium: SavingSpread | None = None

    @property
    def extra_cost(self) -> bool:
        """A model whose likely cost exceeds in-house is an extra cost, never a saving."""
        return self.savings_likely < 0

    @property
    def saving_label(self) -> str:
        return "extra cost" if self.extra_cost else "saving"


@dataclass(frozen=True)
class ModelSaving:
    """One model's total over the horizon and its saving against in-house (``simulate.savings_only``): the
    figures of its ``ModelTco`` for the same case that a comparison reads, without its lines and tornado."""

    code: str
    horizon: Triple  # its total cost: P10, likely, P90
    savings_p10: float
    savings_likely: float
    savings_p90: float
    probability_saving: float


@dataclass(frozen=True)
class ModelOutsourced:
    """A model's cost over the horizon without the lines that rest on in-house pay (``outsourced_only``): each
    remaining line, and their total (P10, likely, P90 of the sum, draw by draw)."""

    code: str
    name: str
    horizon: Triple
    lines: tuple[Line, ...]
    left_out: tuple[str, ...]  # the model's lines that rest on in-house pay, not in ``horizon``


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


class NothingCosted(TcoUnavailable):
    """Every engagement model asked for was left out of the cost, each for a reason (``skipped``: name, why)."""

    def __init__(self, skipped: tuple[tuple[str, str], ...]) -> None:
        super().__init__("None of the engagement models has a price for this function.")
        self.skipped = skipped


def no_benchmark(function_code: str | None) -> str:
    """Why there is no cost when the catalogue has no benchmark for the function: unanswered, or answered with a
    kind of work no benchmark covers ("Another kind of knowledge work"), never blaming an answer that was given."""
    if not function_code:
        return "The knowledge function is not answered, so no benchmark applies."
    return (
        "No cost benchmark covers this kind of knowledge work, so no saving against keeping it in-house is "
        "estimated: compare providers' quotes with what the work costs you now, or give both under your own cost "
        "figures (your loaded in-house cost and a provider's hourly rate) to have them compared here."
    )
