"""The stored recommendation's contract: what a snapshot holds, as frozen, typed values.

A snapshot is written once (``write.build_snapshot``) as JSON in ``Recommendation.snapshot`` and read
back through ``read.read_snapshot`` into these types, whatever version it was stored as. Consumers
(the result page, memo, diff, compare, what-if, vendor matching, exports) read attributes of these
objects, never keys of the stored JSON, so the stored shape can change in one place. ``docs/exports.md``
documents the stored shape, version by version.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from apps.common.formatting import NamedInText, money, ordinal, period, sentence_start, significant
from apps.playbooks.engine.checks import AnswerCheck, answer_checks
from apps.playbooks.engine.evaluate import SHIFT_RISK_END
from apps.playbooks.engine.tco.types import DISPLACED, INHOUSE_FTE, MARKET_NAMES, PEAK_SHARE

# Version 1: snapshots stored before the shape was versioned (no ``schema_version`` key).
# Version 2: adds ``schema_version``, ``inputs`` (the answers the consumers need, by role) and each
# priced model's ``hourly_rate``.
# Version 3: adds ``guidance`` (the memo's practice guidance that applied, frozen from the published playbook,
# with the pilot plan worked out) and ``flips`` (what would flip it, worked out at submit), so the memo and
# the result page print what they printed then. Older versions read with the guidance of their time
# (``historical``) and no stored flips (worked out on request).
# Still version 3, with fields that default to "not recorded": the evaluation's ``requirements``,
# ``preferences``, ``conflicts`` (the trade-offs to decide) and ``delivered_from`` (None when not recorded:
# the first ranked location, as it was shown), and each location's ``excluded_because``. Snapshots stored
# before them read as they rendered: no requirements, no trade-offs, no location excluded.
# Version 4: the cost is a total cost of ownership in the home market's currency: ``cost.currency``,
# ``draws``, ``inhouse_lines`` and ``figures`` (every input with its range and one source, the buyer's own
# marked), and per model ``tco`` (one_time, annual, horizon as [P10, likely, P90]), ``savings_p10`` /
# ``_p50`` / ``_p90``, ``probability_saving``, ``break_even_month``, ``lines``, ``tornado`` and ``extra_cost``.
# Older versions read as US dollars with no TCO (every new field at its default), as they rendered.
# Still version 4, with a field that defaults to "not recorded": ``cost.cheaper_location`` (another location
# meeting every requirement, from which the recommended model would likely cost materially less).
# Snapshots stored before it read as they rendered: no such location named. Its ``needs`` (what a triggered
# regime asks of delivery from there, such as an export authorisation first) reads as none when not recorded.
# Still version 4, with fields that default to "not recorded": each location's ``overlap_yours`` (overlap with
# the buyer's own working day, worked out from UTC offsets for a buyer in Singapore or eastern Australia) and
# the evaluation's ``delivery_candidates`` (when overlap was needed with a day the product cannot measure: the
# locations meeting every other requirement, named instead of one). Older snapshots read as they rendered.
# Still version 4, with a field that defaults to "not recorded": each model's ``excluded_because`` (the hard
# requirements it breaks). Snapshots stored before it read as they rendered: no model ruled out.
# Still version 4, with a field that defaults to "not recorded": ``cost.duration_weeks`` (a piece of work done
# once within a year: the weeks its cost covers instead of the horizon's years). Snapshots stored before it read
# as they rendered: 0, costed over whole years.
# Still version 4, with a field that defaults to "not recorded": the evaluation's ``gates`` (legal steps before
# signing that someone else may refuse; any caps "KPO wins" at "KPO wins, on conditions"). Snapshots stored
# before it read as they rendered: no gate named.
# Still version 4, with fields that default to "not recorded": each location's and ``cost.cheaper_location``'s
# ``name_in_text`` (the name as it reads inside a sentence, "the Philippines"). Snapshots stored before it read
# with the name itself, as they rendered.
# Still version 4, with a field that defaults to "not recorded": each location's ``home`` (the buyer's own country,
# the onshore option, ranked with the others). Snapshots stored before it read as they rendered: that country, if
# listed, excluded by an ``offshore`` requirement.
# Still version 4, with a field that defaults to "not recorded": the evaluation's ``shifted_hours`` (how far the
# provider's day was moved towards the buyer's for overlap). Snapshots stored before it read as they rendered: 0,
# the footnote of a plain 09:00-17:00 day.
# Still version 4, with a field that defaults to "not recorded": ``cost.rate_age_months`` (how old the dated
# exchange rate was when the cost was worked out). Snapshots stored before it read as they rendered: no note.
# Still version 4, with a field that defaults to "not recorded": each location's ``shifted_day`` (the local hours
# its staff work on that moved day). Snapshots stored before it read as they rendered: the overlap alone.
# Still version 4, with a field that defaults to "not recorded": each location's ``shifted_gives`` (the overlap its
# moved day gives, where less than the overlap shown). Snapshots stored before it read as they rendered: the day alone.
# Still version 4, with a field that defaults to "not recorded": each location's ``moved_furthest`` (its moved day is
# as far as the accepted shift goes, its ``shifted_gives`` the overlap shown over the year). Snapshots stored before it
# read as they rendered.
# Still version 4, with a field that defaults to "not recorded": each location's ``plain_overlap`` (its plain day's
# overlap where no move is needed and the accepted shift gives more). Snapshots stored before it read as they rendered.
# Still version 4, with a field that defaults to "not recorded": ``cost.significant_figures`` (the significant
# figures its amounts are shown to). Snapshots stored before it read as they rendered: 0, every amount to the unit.
# Still version 4, with a field that defaults to "not recorded": ``cost.provider_fees`` (what the providers would
# charge, where no saving could be worked out). Snapshots stored before it read as they rendered: the reason alone.
# Still version 4, with a field that defaults to "not recorded": each location's ``preferred`` (in the region the
# buyer prefers: listed while it meets every requirement, however it ranks). Snapshots stored before it read as they
# rendered: the first five and the buyer's own country.
# Still version 4, with a field that defaults to "not recorded": each model's ``priced_from`` (the rate or price its
# cost is worked out from, named on its card). Snapshots stored before it read as they rendered: no such line.
# Still version 4, with fields that default to "not recorded": each of ``cost.provider_fees``' ``total``, ``lines``,
# ``level`` and ``left_out`` (the whole cost but what rests on in-house pay). Snapshots stored before them read as they
# rendered: the provider's fees alone.
SCHEMA_VERSION = 4

Triple = tuple[float, float, float]

# A dated exchange rate this many months old or more is said to need checking beside the cost.
STALE_RATE_MONTHS = 12


@dataclass(frozen=True)
class Source:
    title: str
    url: str = ""
    date: str = ""
    note: str = ""
    figures: tuple[str, ...] = ()


@dataclass(frozen=True)
class PlaybookRef:
    id: int | None
    version: int | None
    title: str


@dataclass(frozen=True)
class Thresholds:
    wins: int
    conditional: int


@dataclass(frozen=True)
class AnsweredQuestion:
    code: str
    section: str
    prompt: str
    answer: str


@dataclass(frozen=True)
class FunctionInfo:
    code: str
    name: str
    onshore_constraints: str = ""
    sources: tuple[Source, ...] = ()
    confidence: str = ""
    confidence_note: str = ""


@dataclass(frozen=True)
class Contribution:
    rule: str
    name: str
    points: int
    text: str = ""


@dataclass(frozen=True)
class FiredRule:
    code: str
    name: str
    rationale: str
    because: tuple[str, ...]
    effects: tuple[str, ...]
    fit_points: int


@dataclass(frozen=True)
class Blocker:
    rule: str
    name: str
    reason: str


@dataclass(frozen=True)
class Model:
    """An engagement model as ranked, with the catalogue texts it was shown with."""

    code: str
    name: str
    score: int
    contributions: tuple[Contribution, ...]
    summary: str = ""
    best_for: str = ""
    avoid_when: str = ""
    pricing_basis: str = ""
    sources: tuple[Source, ...] = ()
    confidence: str = ""
    confidence_note: str = ""
    # The hard requirements the model breaks (outcome pricing against a licensed sign-off, a pool or a project
    # against daily presence on site); ranked after every model breaking none. Empty when not recorded.
    excluded_because: tuple[str, ...] = ()
    # The rate or price the cost section works this model's cost out from, with its source; None when the model
    # was not costed, or not recorded (stored before it).
    priced_from: CostInput | None = None

    @property
    def owned_by_buyer(self) -> bool:
        """A centre the buyer sets up and owns, with no provider (its pricing basis says so): offshoring, not
        outsourcing, so the verdict beside it answers whether the work suits delivery from offshore."""
        return self.pricing_basis == "owned_centre"


@dataclass(frozen=True)
class Obligation:
    code: str
    phase: str
    title: str
    action: str
    citation: str
    confidence: str = ""
    source_url: str = ""
    effective_date: str = ""
    last_reviewed: str = ""
    # When the cited text is known to change (a guideline revoked, a commencement), ISO; "" for none, or not recorded.
    next_change_date: str = ""


class PhaseObligations(NamedTuple):
    """One phase of a regime's obligations; a tuple so templates can unpack ``phase, label, items``."""

    phase: str
    label: str
    items: tuple[Obligation, ...]


@dataclass(frozen=True)
class Regime:
    code: str
    name: str
    kind: str
    jurisdiction: str
    summary: str
    because: tuple[str, ...]
    obligations: tuple[PhaseObligations, ...]
    sources: tuple[Source, ...] = ()
    confidence: str = ""
    effective_date: str = ""
    last_reviewed: str = ""
    # What a provider must offer under this regime (a ``compliance.Regime.VendorRequirement`` code, "" for
    # nothing), as the published playbook froze it; vendor matching reads it.
    vendor_requirement: str = ""
    # Why its sources are weak, in the curator's words, shown beside its "Weak source: verify" ("": not weak, none
    # written, or not recorded: stored before it, read as it rendered, with the badge alone).
    confidence_note: str = ""
    # When its text is known to change, ISO ("": none, or not recorded).
    next_change_date: str = ""

    def obligations_in(self, phase: str) -> tuple[Obligation, ...]:
        return tuple(o for group in self.obligations if group.phase == phase for o in group.items)


@dataclass(frozen=True)
class Risk:
    title: str
    severity: str
    mitigation: str
    rule: str


@dataclass(frozen=True)
class Location(NamedInText):
    """A delivery location as ranked, with the catalogue facts it was shown with. Numbers keep the type
    they were stored with (an overlap of 6 stays 6, not 6.0), so a page renders as it did."""

    code: str
    name: str
    score: int
    overlap_us: float | None
    overlap_uk: float | None
    gdpr_transfer: str
    contributions: tuple[Contribution, ...]
    region: str = ""
    utc_offset: str = ""
    # The hard requirements this location breaks, in words (empty: it meets them all, or not recorded).
    excluded_because: tuple[str, ...] = ()
    gdpr_transfer_label: str = ""
    adequate_since: str | None = None
    # Whether UK adequacy regulations cover it, in words ("" or None: not recorded, as in older catalogues).
    uk_transfer_label: str | None = ""
    local_privacy_law: str = ""
    strengths: str = ""
    risks: str = ""
    cost_index: float | None = None
    sources: tuple[Source, ...] = ()
    confidence: str = ""
    confidence_note: str = ""
    # Overlap with the buyer's own working day when worked out from the UTC offsets; None otherwise.
    overlap_yours: float | None = None
    name_in_text: str | None = ""  # None or "": the name itself, or not recorded
    home: bool = False  # the buyer's own country: delivering from there is onshore (False: abroad, or not recorded)
    preferred: bool = False  # in the region the buyer prefers (False: not, or not recorded)
    # The local hours its staff work on the shifted day the buyer accepts ("13:00–21:00"; "": a plain day, or not
    # recorded).
    shifted_day: str = ""
    # The overlap that moved day gives ("6–7 h over the year"), where it is less than the overlap shown ("": the
    # same, a plain day, or not recorded).
    shifted_gives: str = ""
    # That moved day is as far as the accepted shift goes, so ``shifted_gives`` is the overlap shown, over the year
    # (False: a day moved further gives more, or not recorded).
    moved_furthest: bool = False
    # Its working day meets the buyer's only across the date line, on four of the buyer's five working days (False:
    # not, or not recorded).
    across_date_line: bool = False
    # The language the team must work in ("French"), when the locations whose teams work in it rank first and this
    # one is not among them ("": not so, or not recorded).
    lacks_language: str = ""
    # Its plain day's overlap, where shifted hours are accepted, no move is needed and the shift gives more (None:
    # otherwise, or not recorded).
    plain_overlap: float | None = None
    # Its provider rates for this work against India's where the function's rate follows the location only in part
    # (None: all of it, no index, or not recorded).
    work_rate: float | None = None


@dataclass(frozen=True)
class CostInput:
    label: str
    value: str
    source: str = ""


@dataclass(frozen=True)
class CostLine:
    """One line of a total cost: what it is, one-time or recurring, its horizon total (P10, likely, P90)."""

    label: str
    kind: str  # one_time or recurring
    horizon: Triple
    formula: str = ""
    supplied: bool = False  # the buyer's own figure at work (their loaded cost, their quote)


@dataclass(frozen=True)
class CostSpread:
    """The saving on the same draws without in-house's temporary staff premium: P10, likely, P90 and the chance."""

    p10: float
    likely: float
    p90: float
    probability: float


@dataclass(frozen=True)
class CostSwing:
    """One input of the tornado: the saving with it at its low and at its high, every other at likely."""

    label: str
    saving_at_low: float
    saving_at_high: float
    supplied: bool = False  # the input swung is the buyer's own figure

    @property
    def width(self) -> float:
        return abs(self.saving_at_high - self.saving_at_low)


@dataclass(frozen=True)
class Tco:
    one_time: Triple
    annual: Triple
    horizon: Triple


@dataclass(frozen=True)
class CostFigure:
    """One input of the total cost of ownership as it was shown, with its one source."""

    key: str
    label: str
    low: float
    likely: float
    high: float
    value: str
    source: str
    supplied: bool = False
    weak: bool = False


@dataclass(frozen=True)
class CostModel:
    model: str
    name: str
    basis: str  # the model's pricing basis: monthly_team, per_deliverable, hourly, setup_plus_hourly, outcome
    annual: Triple
    horizon: Triple
    savings: Triple
    savings_percent: float | None
    formula: str
    inputs: tuple[CostInput, ...]
    weak: bool
    hourly_rate: str = ""  # the provider's rate as shown ("$15–$35 (likely $25)/h"); "" when not priced by the hour
    # The total cost of ownership (version 4); None in older snapshots, which were rate × hours.
    tco: Tco | None = None
    savings_p10: float | None = None
    savings_p50: float | None = None
    savings_p90: float | None = None
    probability_saving: float | None = None
    break_even_month: int | None = None
    lines: tuple[CostLine, ...] = ()
    tornado: tuple[CostSwing, ...] = ()
    extra_cost: bool = False
    # The saving if people already employed did the work (no temporary staff premium in-house); None where in-house
    # has no premium, and in snapshots stored before it.
    without_premium: CostSpread | None = None

    @property
    def costs_more_by(self) -> float:
        """How much more than in-house its likely cost is (0 when it is a saving)."""
        return max(0.0, -self.savings[1]) if self.extra_cost else 0.0

    @property
    def one_time_lines(self) -> tuple[CostLine, ...]:
        return tuple(line for line in self.lines if line.kind == "one_time")

    @property
    def recurring_lines(self) -> tuple[CostLine, ...]:
        return tuple(line for line in self.lines if line.kind != "one_time")


@dataclass(frozen=True)
class CheaperLocation(NamedInText):
    """A location meeting every requirement too, from which the recommended model would likely cost materially
    less than from where the verdict delivers (the engine's ``cost.CheaperLocation``); not recorded before it."""

    location: str
    name: str
    model: str
    model_name: str
    points_behind: int
    needs_transfer_tool: bool
    horizon: Triple
    savings: Triple
    probability_saving: float
    delivered_saving: float
    delivered_probability_saving: float
    # What a triggered regime asks of delivery from there (an export authorisation first...); empty when none
    # does, or not recorded (older snapshots).
    needs: tuple[str, ...] = ()
    name_in_text: str | None = ""  # "": the name itself, or not recorded


@dataclass(frozen=True)
class ProviderFees:
    """What the provider would likely charge under one model, in US dollars, where no saving could be worked out
    (a buyer whose in-house pay has no benchmark): the provider's fees of the same simulation, alone."""

    model: str
    name: str
    horizon: Triple | None  # P10, likely, P90 over the period the cost covers; None: an own centre (no provider)
    formula: str = ""
    inputs: tuple[CostInput, ...] = ()
    weak: bool = False
    # Every line but those that rest on in-house pay, their total and that total per in-house person-year (the
    # loaded cost at which keeping the work costs the same), and the lines left out; not recorded (None, empty)
    # in snapshots stored before them.
    total: Triple | None = None
    lines: tuple[CostLine, ...] = ()
    level: Triple | None = None
    left_out: tuple[str, ...] = ()


@dataclass(frozen=True)
class Cost:
    available: bool
    reason: str = ""
    function: str = ""
    home_market: str = "us"
    horizon_years: float = 3
    annual_hours: float | None = None
    team_size: float | None = None
    inhouse_annual: Triple | None = None
    inhouse_horizon: Triple | None = None
    inhouse_inputs: tuple[CostInput, ...] = ()
    models: tuple[CostModel, ...] = ()
    skipped: tuple[tuple[str, str], ...] = ()
    currency: str = "USD"  # every figure's currency; snapshots before version 4 were all US dollars
    draws: int = 0  # the Monte Carlo's draws; 0: a rate × hours estimate (before version 4)
    inhouse_lines: tuple[CostLine, ...] = ()
    figures: tuple[CostFigure, ...] = ()
    cheaper_location: CheaperLocation | None = None  # None: there is none, or not recorded (older snapshots)
    # A piece of work done once within a year: the weeks the cost covers instead of the horizon's years; 0 when
    # the work goes on, or not recorded (older snapshots, all costed over whole years).
    duration_weeks: int = 0
    # Those weeks were worked out from the hours and the people, not answered (False: answered, or not recorded).
    weeks_worked_out: bool = False
    # The significant figures its amounts are shown to (3 for a total cost of ownership, whose ranges are far
    # wider than a dollar); 0: to the unit, or not recorded (older snapshots, which read as they rendered).
    significant_figures: int = 0
    # No saving worked out (a buyer elsewhere): what the providers would likely charge; empty when none, or not
    # recorded (older snapshots, which showed the reason alone).
    provider_fees: tuple[ProviderFees, ...] = ()
    # How old the dated exchange rate was, in months, when the cost was worked out (0: no conversion, the buyer's
    # own rate, or not recorded: older snapshots, which read as they rendered).
    rate_age_months: int = 0

    @property
    def stale_rate(self) -> bool:
        """The dated exchange rate was a year old or more: rates move, so the buyer is told to check it."""
        return self.rate_age_months >= STALE_RATE_MONTHS

    @property
    def period(self) -> str:
        """What the cost covers, in words: "10 weeks" for a piece of work, else "3 years"."""
        return period(self.horizon_years, self.duration_weeks)

    @property
    def costed_fees(self) -> tuple[ProviderFees, ...]:
        """A buyer elsewhere's options with their whole cost and level recorded (none stored before them)."""
        return tuple(f for f in self.provider_fees if f.total is not None and f.level is not None)

    def outsourced(self, model: str | None) -> ProviderFees | None:
        """A buyer elsewhere's figure to lead with: ``model``'s whole cost and level, or else the first costed
        option's (options are in rank order); None when none is recorded, or the buyer's cost was worked out."""
        costed = () if self.available else self.costed_fees
        return next((f for f in costed if f.model == model), costed[0] if costed else None)

    def amount(self, value: Any) -> str:
        """An amount of this cost as shown: in its currency, to its significant figures (£1,230,000)."""
        return money(significant(value, self.significant_figures), self.currency)

    @property
    def rounded(self) -> bool:
        """Its amounts are shown rounded (to ``significant_figures``), so a saving may differ a little from
        in-house less the option's cost as shown."""
        return self.significant_figures > 0

    @property
    def surge(self) -> bool:
        """A piece of work done once that no team of the buyer's does today (no staff displaced): costed with no
        parallel running and no exit (``engine.tco.Case.surge``)."""
        return bool(self.duration_weeks) and not self.displaced

    @property
    def temporary_premium(self) -> CostFigure | None:
        """The premium people taken on for a surge cost in-house over salaried staff (the product's assumption);
        None when the cost has none."""
        return next((f for f in self.figures if f.key == "inhouse.temporary_premium"), None)

    @property
    def is_tco(self) -> bool:
        return self.draws > 0

    @property
    def usd_rate(self) -> float:
        """Home currency per US dollar at the likely exchange rate the cost used (1 for US dollars), to
        put a figure of this cost beside US-dollar prices such as vendors' rates."""
        fx = next((f for f in self.figures if f.key == "fx"), None)
        return fx.likely if fx is not None and fx.likely > 0 else 1.0

    @property
    def inhouse_fte(self) -> float | None:
        """The full-time equivalents the in-house cost was priced at (the hours the work needs ÷ 2,000, at most
        the people); None for a cost stored before in-house was priced by the hours (it priced every person)."""
        return self._input_number(INHOUSE_FTE)

    def _input_number(self, label: str, unit: str = "") -> float | None:
        found = next((i.value for i in self.inhouse_inputs if i.label == label), None)
        try:
            return float(found.replace(",", "").removesuffix(unit)) if found else None
        except ValueError:
            return None

    @property
    def displaced(self) -> float | None:
        """The staff displaced that severance was priced for; None when none were."""
        return self._input_number(DISPLACED)

    @property
    def checks(self) -> tuple[AnswerCheck, ...]:
        """The answers this cost was built on that disagree with one another (``engine.checks``): a buyer with no
        in-house benchmark's too, whose provider fees and level rest on them (review 164)."""
        if not self.available and not self.costed_fees:
            return ()
        return answer_checks(
            annual_hours=self.annual_hours,
            team_size=self.team_size,
            displaced=self.displaced,
            weeks=self.duration_weeks or None,
            peak_share=self._input_number(PEAK_SHARE, unit="%"),
            own_cost=next((f.likely for f in self.figures if f.key == "inhouse.salary" and f.supplied), None),
            market=self.home_market,
        )

    @property
    def inhouse_against(self) -> str:
        """What the cost is set against, in words: in-house in the buyer's market, or, for a buyer whose in-house
        pay has no benchmark, the loaded cost it gave (in US dollars)."""
        if self.home_market in MARKET_NAMES:
            return f"keeping it in-house in the {MARKET_NAMES[self.home_market]}"
        return (
            "keeping it in-house at your own loaded cost (your figure, in US dollars: in-house pay where you are has "
            "no benchmark)"
        )

    @property
    def inhouse_from(self) -> str:
        """Where the in-house side's figures come from, in words."""
        if self.home_market in MARKET_NAMES:
            return f"{MARKET_NAMES[self.home_market]} sources"
        return "your own figure, with in-house pay rises the product's assumption (a wide band, marked weak below)"

    @property
    def regional_pay(self) -> bool:
        """In-house pay is a regional benchmark (the euro-area average) the buyer did not replace with their own
        figure: their own country's pay may sit well above or below it."""
        own = any(f.key == "inhouse.salary" and f.supplied for f in self.figures)
        return self.available and self.is_tco and self.home_market == "eu" and not own

    @property
    def budget_rate(self) -> bool:
        """The exchange rate is the buyer's own budget rate, not the catalogue's dated one."""
        return any(f.key == "fx" and f.supplied for f in self.figures)

    @property
    def national_pay(self) -> str:
        """The market ("uk", "us") whose in-house pay is a national median for the occupation (a salary benchmark,
        with the market's on-costs) the buyer did not replace with their own figure: pay where their people work,
        and in their sector, may sit well above it; "" otherwise."""
        keys = {f.key for f in self.figures if not f.supplied}
        if (
            self.available
            and self.is_tco
            and self.home_market in ("uk", "us")
            and {"inhouse.salary", "inhouse.oncost"} <= keys
        ):
            return self.home_market
        return ""

    @property
    def pay_estimated(self) -> bool:
        """The in-house pay benchmark (the euro-area average, a national median) is an estimate marked weak, not
        checked against the survey it names: the page says "an estimate of" it, never the survey's figure."""
        return (bool(self.regional_pay) or bool(self.national_pay)) and any(
            f.key == "inhouse.salary" and f.weak and not f.supplied for f in self.figures
        )

    @property
    def unsourced(self) -> tuple[int, int]:
        """(how many, of how many) inputs of the simulation are weak or have no published source, the buyer's
        own figures counting as sourced: what every chance of a saving it gives is conditional on."""
        return sum(f.weak and not f.supplied for f in self.figures), len(self.figures)

    def soft_chance(self, model: str) -> bool:
        """Whether a chance of a saving for ``model`` rests on a weak figure of its two largest terms: the in-house
        pay or the model's own rate, neither given by the buyer. Such a chance is told in words, not to the
        percent, where a reader takes it for a probability about the world."""
        keys = {"inhouse.salary", f"{model}.rate"}
        return any(f.key in keys and f.weak and not f.supplied for f in self.figures)

    def fixed_by_buyer(self, model: str) -> bool:
        """Whether both of ``model``'s largest terms are the buyer's own figures, the in-house pay and the model's
        rate (its quote): the simulation holds each at the figure given, so its chance of a saving says how the
        other, smaller inputs move around them, not how sure the saving is (review 40: "over 99%" on a quote)."""
        keys = {"inhouse.salary", f"{model}.rate"}
        return sum(1 for f in self.figures if f.key in keys and f.supplied) == 2

    @property
    def own_figures(self) -> tuple[CostFigure, ...]:
        """The figures the buyer supplied (their in-house cost, a provider's quote)."""
        return tuple(f for f in self.figures if f.supplied)

    @property
    def top(self) -> CostModel | None:
        return self.models[0] if self.available and self.models else None


@dataclass(frozen=True)
class Inputs:
    """The answers consumers need, found by the question roles the curator assigned (never by a question
    code or label). Empty or None when the playbook had no question with that role or it was unanswered."""

    function: str = ""
    buyer_location: str = ""
    home_market: str = ""
    overlap_hours: float | None = None
    assurances: tuple[str, ...] = ()
    annual_hours: float | None = None
    team_size: float | None = None
    deliverables: float | None = None
    horizon: float | None = None
    # The country within the buyer's region, where it keeps another clock (an Irish team: the UK's); "" when not
    # asked, and in recommendations stored before it was recorded.
    buyer_country: str = ""
    # The time zone of a team in the United States ("central", "mountain", "pacific"; "eastern"); "" when not asked,
    # and in recommendations stored before it was recorded (measured on US Eastern time).
    buyer_zone: str = ""


@dataclass(frozen=True)
class StoredRequirement:
    """A hard requirement: what the buyer must have, and why (their answer, or a regime's name)."""

    code: str
    kind: str
    text: str
    because: tuple[str, ...] = ()
    # What it holds, as the engine recorded it (hours, months, a data location's allowed transfer statuses: none
    # when the data may not leave the buyer's country); None when not recorded.
    value: Any = None


@dataclass(frozen=True)
class StoredPreference:
    code: str
    text: str


@dataclass(frozen=True)
class TradeOffOption:
    text: str
    costs: str
    triggers: tuple[str, ...] = ()  # regime codes the option brings into play
    # The plan the option proposes, as one rough figure: its likely total over the cost's period and its likely saving
    # against in-house (negative: it costs more); None where not costed, and for a snapshot stored before it.
    plan: tuple[float, float] | None = None


@dataclass(frozen=True)
class TradeOff:
    """A conflict to decide: a preference only a location breaking a requirement can give, two
    requirements no one location meets together, or the model the answers favour ruled out by the start date
    asked for, with the options and what each costs."""

    code: str
    kind: str  # "requirements", "preference" or "model" (``engine.evaluate._too_late``)
    text: str
    options: tuple[TradeOffOption, ...] = ()


@dataclass(frozen=True)
class StoredGate:
    """A legal step before signing that someone else may refuse, and the rule that names it: while one is open
    the verdict is at best "KPO wins, on conditions". ``text`` reads after "…, but" ("any export licence …")."""

    text: str
    rule: str = ""
    name: str = ""
    # A notice the regulator may object to, not an approval it may refuse; false in snapshots stored before it.
    notice: bool = False
    # Evidence the provider must give and the buyer judges, not an approval; false in snapshots stored before it.
    evidence: bool = False
    # The buyer's own arrangement (a licensed supervisor's time), not anyone else's decision; false before it.
    own: bool = False


@dataclass(frozen=True)
class StoredCondition:
    """A checkable item the verdict depends on, and the rule that states it."""

    text: str
    rule: str = ""
    name: str = ""


@dataclass(frozen=True)
class EvaluationRecord:
    playbook_id: int | None
    playbook_version: int | None
    visible: tuple[str, ...]
    visible_sections: tuple[str, ...]
    answers: Mapping[str, Any]
    missing_required: tuple[str, ...]
    fit_score: int
    unblocked_score: int
    verdict: str
    verdict_label: str
    top_model: str | None
    blockers: tuple[Blocker, ...]
    fired: tuple[FiredRule, ...]
    fit_contributions: tuple[Contribution, ...]
    models: tuple[Model, ...]
    regimes: tuple[Regime, ...]
    risks: tuple[Risk, ...]
    locations: tuple[Location, ...]
    cost: Cost
    buyer_location: str = ""
    requirements: tuple[StoredRequirement, ...] = ()
    preferences: tuple[StoredPreference, ...] = ()
    conflicts: tuple[TradeOff, ...] = ()
    # The location code the work is delivered from: the first meeting every requirement, "" when none
    # does; None when not recorded (older snapshots), which reads as the first ranked location.
    delivered_from: str | None = None
    # The verdict's conditions (checkable items); empty when none applied or not recorded (older snapshots).
    conditions: tuple[StoredCondition, ...] = ()
    # Locations named instead of one when the buyer needs overlap with a working day the product cannot
    # measure (codes, in rank order); empty when one location was chosen, or not recorded (older snapshots).
    delivery_candidates: tuple[str, ...] = ()
    # The open gates, each once; empty when none applied or not recorded (older snapshots).
    gates: tuple[StoredGate, ...] = ()
    # The models tied on points with the top one (codes, in rank order); empty when none or not recorded.
    tied_models: tuple[str, ...] = ()
    # The high risks that hold only because the top model is recommended, by title; empty when none, or not
    # recorded (older snapshots, which read as they rendered).
    top_model_high_risks: tuple[str, ...] = ()
    # How far the provider's day was moved towards the buyer's for overlap (hours); 0 for a plain 09:00-17:00 day
    # at both ends, or not recorded (older snapshots, which read as they rendered: the plain day's footnote).
    shifted_hours: float = 0.0
    # That shift is assumed for the buyer's own centre's staff alone (False: accepted by the buyer, or not recorded).
    shift_own_only: bool = False
    # The result names every location meeting every requirement below the table's first five; False: not recorded
    # (older snapshots, which read as they rendered: the table alone).
    names_every_location: bool = False

    @property
    def top(self) -> Model | None:
        return self.models[0] if self.models else None

    @property
    def reasons(self) -> tuple[FiredRule, ...]:
        """The fired rules the result lists among the reasons for its verdict: every one but a rule that only
        ranks a centre the buyer would own while that centre is not its best fit (the own centre is put forward
        only to a buyer setting it up itself). Such a rule reads as a reason for every other buyer ("you are not
        setting up a centre yourselves"), so it is listed only beside that centre in the ranking."""
        kept_down = {m.code for m in self.models[1:] if m.owned_by_buyer}
        if not kept_down:
            return self.fired
        moved: dict[str, int] = {}  # rule -> its effects on those centres
        for m in self.models:
            if m.code in kept_down:
                for c in m.contributions:
                    moved[c.rule] = moved.get(c.rule, 0) + 1
        return tuple(r for r in self.fired if not (r.effects and moved.get(r.code) == len(r.effects)))

    @property
    def gate_objection(self) -> str:
        """How the open gates' sentence ends when any is a notice (the supervisor may object, and the objection must
        be settled) or the provider's evidence (the verdict rests on what it shows), not an approval that "may be
        refused"; empty when none is, so a result stored before either was told apart renders as it did. It reads
        after "… not yours alone to decide"."""
        notices = sum(g.notice for g in self.gates)
        shown = sum(g.evidence for g in self.gates)
        own = sum(g.own for g in self.gates)
        approvals = len(self.gates) - notices - shown - own
        if not notices and not shown and not own:
            return ""
        if notices == len(self.gates):
            # A notice with no objection step, whose gate says its supervisor may raise concerns (APRA's under CPS 230;
            # review 141: "the supervisor may object" beside a standard that gives no such right).
            if all("any concern" in g.text for g in self.gates):
                return ": the supervisor may raise concerns, to be settled before signing."
            return ": the supervisor may object, and the objection must be settled."
        if shown == len(self.gates):
            return f", as {'it rests' if shown == 1 else 'each rests'} on what the provider shows you."
        parts = ["an approval may be refused"] if approvals else []
        if notices:
            parts.append("the supervisor may object to a notice, the objection then to be settled")
        if shown:
            parts.append("the provider must show you what it claims")
        if own:
            parts.append("what is yours to arrange must be in place")
        return ": " + ", ".join(parts[:-1]) + ", and " + parts[-1] + "."

    @property
    def score_capped(self) -> bool:
        """What blocks KPO holds the fit score below what the answers' fit gives (``unblocked_score``): the result
        and the memo say so beside the score, and name what blocks it first (reviews 128 and 130)."""
        return bool(self.blockers) and self.unblocked_score > self.fit_score

    @property
    def gates_all_own(self) -> bool:
        """Every open gate is the buyer's own arrangement (a licensed supervisor's time): the result says so, not
        that it is "not yours alone to decide" and "may be refused" (review 104)."""
        return bool(self.gates) and all(g.own for g in self.gates)

    @property
    def gates_to_check(self) -> tuple[StoredGate, ...]:
        """The open gates whose rule sets no condition of its own, for the conditions' checklist: a gate with a
        condition beside it (a regulator's notice, and the contract terms to confirm) is checked off through that
        condition; one without (the language test) would otherwise be missing from the list (review 52)."""
        listed = {c.rule for c in self.conditions}
        return tuple(g for g in self.gates if g.rule not in listed)

    @property
    def tied_with_top(self) -> tuple[Model, ...]:
        """The models the engine found tied on points with the top one (``tied_models``): the answers do not
        separate them, and the top one is first only by the tie-break (docs/scoring.md, "Ties between models"),
        which the result says rather than let a tie read as a clear best fit. Empty for a snapshot stored before
        ties were recorded, so an old result renders as it did."""
        return tuple(m for m in self.models if m.code in self.tied_models)

    @property
    def delivery_location(self) -> Location | None:
        """Where the verdict says the work is delivered from: None when no location meets every
        requirement (or none was ranked)."""
        if self.delivered_from is None:
            return self.locations[0] if self.locations else None
        return next((loc for loc in self.locations if loc.code == self.delivered_from), None)

    @property
    def cost_shown(self) -> bool:
        """A cost is shown: a saving against in-house, or the provider's fees alone where none could be worked out."""
        return self.cost.available or bool(self.cost.provider_fees)

    @property
    def export_rates_at_home(self) -> bool:
        """The cost is priced from the buyer's own country (its onshore option, ranked first) at the catalogue's
        provider rates, which are what providers there charge foreign clients in US dollars, with no quote of the
        buyer's: a domestic contract is priced in the buyer's own currency, often lower."""
        here = self.delivery_location
        quoted = any(f.supplied and f.key.endswith((".rate", ".price")) for f in self.cost.figures) or any(
            line.supplied for fees in self.cost.provider_fees for line in fees.lines
        )
        return bool(here is not None and here.home and self.cost_shown and not quoted)

    @property
    def licensed_review_uncosted(self) -> bool:
        """A licensed professional must supervise and sign the work onshore (the requirement, from the buyer's answer
        or a regime), and a cost is shown: that professional's time is not in it (no published figure gives how
        much of it the review takes), so the saving is before it."""
        return self.cost_shown and any(r.code == "licensed_signoff" for r in self.requirements)

    @property
    def candidate_locations(self) -> tuple[Location, ...]:
        """The locations the result names when none was ranked on the buyer's time zone (else empty)."""
        by_code = {loc.code: loc for loc in self.locations}
        return tuple(by_code[c] for c in self.delivery_candidates if c in by_code)

    @property
    def models_ruled_out(self) -> int:
        """How many models a requirement rules out. They are listed last, ordered as the engine ranks them: those a
        regime's requirement rules out, then those the buyer's answers rule out, fewest broken first, so not by
        their points (review 52 read them as out of order)."""
        return sum(1 for m in self.models if m.excluded_because)

    @property
    def no_model_usable(self) -> bool:
        """Every model is ruled out by a requirement the buyer set: none is recommended, and the verdict says so instead
        of naming the first (review 152: "Best fit: Own captive centre (GCC)" beside "None of these models can be
        used")."""
        return bool(self.models) and all(m.excluded_because for m in self.models)

    @property
    def start_conflict(self) -> TradeOff | None:
        """The start date as a trade-off when no model can start by it (``engine.evaluate._none_can_start``)."""
        return next((c for c in self.conflicts if c.kind == "start"), None)

    @property
    def models_out_of_points_order(self) -> bool:
        """The ranking does not read in the order of the points shown: several models are ruled out (ordered among
        themselves by what they break), or one ruled out has more points than a model listed above it (review 120:
        managed services at +20, ruled out, under an own centre at -40 read as a mistake)."""
        out = [m.score for m in self.models if m.excluded_because]
        usable = [m.score for m in self.models if not m.excluded_because]
        return len(out) > 1 or bool(out and usable and max(out) > min(usable))

    @property
    def favoured_conflicts(self) -> tuple[TradeOff, ...]:
        """The trade-offs of kind "model": the models the answers favour over the best one that can start, ruled out
        by the start date, most points first. The verdict names the first (review 56: four notes, each calling a
        different model "the model your answers favour", and four elements with one id)."""
        return tuple(c for c in self.conflicts if c.kind == "model")

    @property
    def leads_only_by_date(self) -> bool:
        """The model recommended has no points in its favour and leads only because the models the answers favour
        cannot start in time: the verdict says so beside its name (review 133: a project at -10 points read as the
        recommendation for sixty people over five years, with nothing against it)."""
        return bool(self.favoured_conflicts) and bool(self.models) and self.models[0].score <= 0

    @property
    def bridge_plan(self) -> dict[str, Any] | None:
        """The plan the start date's trade-off costs as one (a stop-gap until the favoured model has launched), for the
        cost section's note: its option, likely total, saving (its size) and whether it is a saving; None when none is
        costed (review 138: the plan's figure was in neither the page's cost table nor the memo's finance part)."""
        for conflict in self.favoured_conflicts[:1]:
            for option in conflict.options:
                if option.plan is not None:
                    total, saving = option.plan
                    return {"option": option, "total": total, "saving": abs(saving), "less": saving >= 0}
        return None

    @property
    def blocking_answers(self) -> tuple[str, ...]:
        """The answers that made each blocker fire ("“Does the finished work need signing …” includes A lawyer's
        sign-off …"), once each, in order: what to revisit to lift the block (review 135: the memo sent the reader
        from the summary to "What would flip it" and back, naming no answer)."""
        blocking = {b.rule for b in self.blockers}
        return tuple(dict.fromkeys(reason for f in self.fired if f.code in blocking for reason in f.because))

    @property
    def counted_against_lead(self) -> str:
        """The model recommended's points in words, those against it first ("-5 in all: -10 from “Steady work keeps a
        person busy”, +5 from …"), for ``leads_only_by_date`` (review 136: -10 said without its reason)."""
        # Every part of the score, those against it first (review 138: "-5, from … (-10)" left out the +5 for it).
        top = self.models[0]
        parts = sorted((c for c in top.contributions if c.points), key=lambda c: c.points)[:3]
        counted = sum(1 for c in top.contributions if c.points)
        if counted == 1 and parts[0].points == top.score:
            return f"{top.score}, from “{parts[0].name}”"
        said = ", ".join(f"{c.points:+d} from “{c.name}”" for c in parts)
        more = "" if len(parts) == counted else " and more"
        return f"{top.score} in all: {said}{more}" if said else str(top.score)

    @property
    def ruled_out_by_date(self) -> frozenset[str]:
        """The codes of the models the start date alone rules out although the answers favour them (a trade-off's
        ``start_within:<code>``): the cost table marks the one costed beside the model that can start. With no model
        usable and the start date a trade-off, the one a later start frees, which the cost prices alone."""
        favoured = frozenset(c.code.removeprefix("start_within:") for c in self.favoured_conflicts)
        if self.no_model_usable and self.start_conflict is not None:
            priced = self.cost.models if self.cost.available else ()
            return favoured | {m.model for m in priced} | {f.model for f in self.cost.costed_fees}
        return favoured

    @property
    def favoured_model_ruled_out(self) -> bool:
        """The model the answers favour breaks a requirement the buyer set (a start date it cannot meet): a trade-off
        of kind "model" says so and what to change."""
        return any(c.kind == "model" for c in self.conflicts)

    @property
    def provider_on_own_shift(self) -> bool:
        """The work is delivered from a location that meets the overlap only on the shifted day assumed for the buyer's
        own centre, while a provider's model is recommended (``evaluate.provider_on_own_shift_risk``): the headline
        says so beside the location (review 178: the risk was far down the page)."""
        return any(r.title.endswith(SHIFT_RISK_END) for r in self.risks)

    @property
    def own_centre_advice_note(self) -> str:
        """Beside a favoured own centre ruled out by the start date (a trade-off of kind "model", coded
        ``start_within:<model>``) while a provider's model is recommended: the advice below follows the answers,
        which set up a centre of the buyer's own, so it is written for that centre; what to answer for a provider's
        team. "" otherwise."""
        owned = {m.code for m in self.models if m.owned_by_buyer}
        top = self.top
        if top is None or top.code in owned:
            return ""
        late = [c for c in self.conflicts if c.kind == "model" and c.code.partition(":")[2] in owned]
        if not late:
            return ""
        return (
            "Your answers set up a centre of your own, so some of the advice below (your regulator's view of moving "
            "the work to your own entity, the agreements with that entity) is written for it, and a provider's "
            "security reports are not asked for. To read all of it for a provider's team, answer that you do not "
            "plan to own and run the team yourselves, and re-score."
        )

    @property
    def preferred_passed_over(self) -> str:
        """Beside the best fit, when the work is delivered from outside the region the buyer prefers while a location
        in it meets every requirement too: which one, where it ranks and by how many points, so a stated preference
        is never dropped without a word; "" otherwise (or in snapshots that did not record preferences)."""
        here = self.delivery_location
        eligible = self.eligible_locations
        if here is None or here.preferred or self.delivery_candidates:
            return ""
        found = next(((rank, loc) for rank, loc in enumerate(eligible, 1) if loc.preferred), None)
        if found is None:
            return ""
        rank, there = found
        behind = here.score - there.score
        if behind > 0:
            points = f"{behind} point{'' if behind == 1 else 's'} behind {here.in_text}"
        elif behind == 0:
            points = f"level with {here.in_text} on points"
        else:
            # More points, ranked lower: a working day met only across the date line ranks below every location
            # meeting it each day (review 43 read "-5 points behind").
            ahead = -behind
            points = f"{ahead} point{'' if ahead == 1 else 's'} ahead of {here.in_text} but ranked below it"
            if there.lacks_language and not here.lacks_language:
                points += (
                    f", as teams there do not commonly work in {there.lacks_language}, the language you said the team "
                    "must work in, which ranks it below every location whose teams do"
                )
            elif there.across_date_line:
                points += (
                    ", as its working day meets yours only across the date line, on 4 of your 5 working days, which"
                    " ranks it below every location whose day meets yours on all five"
                )

        return (
            f"{sentence_start(there.in_text)}, in the region you prefer, meets every requirement too and ranks "
            f"{ordinal(rank)} of the {len(eligible)} that do, {points}: the table under “Where to deliver from” "
            "shows the rules behind each score."
        )

    @property
    def ranked_on_language(self) -> str:
        """The language the team must work in, when the locations whose teams work in it rank before every other
        ("" otherwise, and in snapshots that did not record it): said above the locations' table."""
        return next((loc.lacks_language for loc in self.locations if loc.lacks_language), "")

    @property
    def top_locations(self) -> tuple[Location, ...]:
        """The locations the result's table lists: the first five ranked, and wherever they rank the buyer's own
        country, so the onshore option is always in sight (``Location.home``), and a location in the region the
        buyer prefers that meets every requirement (``Location.preferred``; neither in older snapshots)."""
        top = self.locations[:5]
        return top + tuple(
            loc for loc in self.locations[5:] if loc.home or (loc.preferred and not loc.excluded_because)
        )

    def listed_rank(self, code: str) -> str:
        """Where a location the table lists below its first five ranks ("9th of the 9 that meet every
        requirement"), so a row listed sixth for being the buyer's own country or preferred region is not read
        as ranked sixth (review 46); "" for a location that breaks a requirement or is not ranked."""
        eligible = self.eligible_locations
        rank = next((i for i, loc in enumerate(eligible, 1) if loc.code == code), 0)
        return f"{ordinal(rank)} of the {len(eligible)} that meet every requirement" if rank else ""

    @property
    def more_eligible_locations(self) -> tuple[Location, ...]:
        """The locations meeting every requirement that the table leaves out (ranked below its first five), named
        under it so no location the buyer could use is dropped without a word."""
        if not self.names_every_location:
            return ()
        shown = {loc.code for loc in self.top_locations}
        return tuple(loc for loc in self.eligible_locations if loc.code not in shown)

    @property
    def excluded_locations(self) -> tuple[Location, ...]:
        """The locations that break a requirement, most points first: they are not ranked, so the order the ranking's
        tie-breaks gave them (a working day across the date line after every other) reads as arbitrary (review 48)."""
        return tuple(sorted((loc for loc in self.locations if loc.excluded_because), key=lambda loc: -loc.score))

    @property
    def eligible_locations(self) -> tuple[Location, ...]:
        return tuple(loc for loc in self.locations if not loc.excluded_because)


@dataclass(frozen=True)
class GuidanceSource:
    title: str
    short: str = ""  # the name the memo's tables print (the title when the curator gave none)
    url: str = ""
    date: str = ""


@dataclass(frozen=True)
class GuidanceItem:
    """A contract clause or exit step as the memo printed it."""

    code: str
    title: str
    text: str
    source: GuidanceSource
    weak: bool = False


@dataclass(frozen=True)
class PilotThreshold:
    measure: str
    scale_if: str
    stop_if: str
    source: GuidanceSource
    weak: bool = False


@dataclass(frozen=True)
class PilotPlan:
    scope: str
    thresholds: tuple[PilotThreshold, ...]
    transition: str = ""
    transition_source: GuidanceSource | None = None
    transition_weak: bool = False


@dataclass(frozen=True)
class SourceNote:
    """A source the memo's tables name by a short label, printed once in full under them."""

    short: str
    title: str


@dataclass(frozen=True)
class MemoGuidance:
    """The practice guidance a recommendation's memo prints: only the items that applied to it."""

    clauses: tuple[GuidanceItem, ...]
    source_notes: tuple[SourceNote, ...]
    pilot: PilotPlan
    exit: tuple[GuidanceItem, ...]


@dataclass(frozen=True)
class FlipChange:
    question: str
    value: Any


@dataclass(frozen=True)
class StoredFlip:
    """One change (or pair) that would flip the verdict or the top model, as the result page showed it."""

    sentence: str
    changes: tuple[FlipChange, ...]


@dataclass(frozen=True)
class LocationColumns:
    overlap_us: bool
    overlap_uk: bool
    transfer: bool  # the EU transfer status (GDPR Chapter V)
    overlap_yours: bool = False
    # The buyer's working day is not one the product knows: no overlap was worked out, so no overlap column;
    # each location's UTC offset (``time_zone``, when recorded) lets the buyer compare the hours with theirs.
    overlap_unknown: bool = False
    time_zone: bool = False
    transfer_uk: bool = False  # the UK transfer status (UK GDPR Chapter V), when the catalogue recorded it
    # The provider's day was moved this many hours towards the buyer's for the overlap shown (0: a plain day).
    shifted_hours: float = 0.0
    # The shift is the buyer's own centre's staff's, assumed: the buyer never said whether a provider's may work it.
    shift_own_only: bool = False
    # Whose day the UK overlap column is headed with: an Irish buyer's clock is the UK's, and its column says Ireland.
    uk_clock: str = "UK"


@dataclass(frozen=True)
class Snapshot:
    schema_version: int  # the version it was stored as; the parsed form is always the current one
    title: str
    created: str
    engine_version: str
    playbook: PlaybookRef
    thresholds: Thresholds
    sections: Mapping[str, str]
    answered: tuple[AnsweredQuestion, ...]
    stored_answers: Mapping[str, Any]
    function: FunctionInfo
    evaluation: EvaluationRecord
    inputs: Inputs = field(default_factory=Inputs)
    # Filled by the reader for every version (older ones get the guidance of their time).
    guidance: MemoGuidance | None = None
    # None: not worked out when stored (before version 3, or a what-if that was only shown).
    flips: tuple[StoredFlip, ...] | None = None

    @property
    def location_columns(self) -> LocationColumns:
        """Which columns of the locations table apply to this buyer: the overlap with where their people
        work (both when unknown, as in snapshots stored before the buyer's location was recorded; a buyer whose
        day the overlap was worked out for sees that overlap alone; a buyer elsewhere, whose day the product does
        not know, none: no location was scored on overlap, so each one's UTC offset instead), and the transfer
        status of the European data-protection law that applies: the EU's with GDPR triggered (or for a buyer who has
        not said where), the UK's with UK GDPR triggered (a buyer in the EU or the UK handing over no personal data
        has no transfer to make). A UK status is only shown when the catalogue recorded it (older recommendations keep
        the EU column they were shown with)."""
        buyer = self.evaluation.buyer_location
        # The regimes whose transfer rules make a location's status matter, marked as the engine's ranking reads
        # them (``vendor_requirement``; the reader fills it for recommendations stored before it was curated).
        transfers = {r.vendor_requirement for r in self.evaluation.regimes}
        eu_law, uk_law = "gdpr-transfer" in transfers, "uk-transfer" in transfers
        uk_recorded = any(loc.uk_transfer_label for loc in self.evaluation.locations)
        transfer_uk = uk_recorded and uk_law
        yours = any(loc.overlap_yours is not None for loc in self.evaluation.locations)
        unknown = buyer == "other" and not yours
        return LocationColumns(
            overlap_us=not yours and buyer in ("us", "canada-east", ""),
            overlap_uk=not yours and buyer in ("uk", "eu", ""),
            transfer=buyer == "" or eu_law or (not uk_recorded and uk_law),
            overlap_yours=yours,
            overlap_unknown=unknown,
            time_zone=unknown and any(loc.utc_offset for loc in self.evaluation.locations),
            transfer_uk=transfer_uk,
            shifted_hours=self.evaluation.shifted_hours if not unknown else 0.0,
            shift_own_only=self.evaluation.shift_own_only,
            uk_clock="Ireland" if buyer == "eu" and self.stored_answers.get("buyer_eu_country") == "ireland" else "UK",
        )


def provider_rate(inputs: Sequence[Mapping[str, Any]]) -> str:
    """The provider's hourly rate among a priced model's cost inputs: the first figure per hour (the engine
    lists the provider's rate before any rate after a transfer; in-house rates are not model inputs)."""
    for item in inputs:
        value = str(item.get("value", ""))
        if value.endswith("/h"):
            return value
    return ""
