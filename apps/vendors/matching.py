"""Matching the vendor directory against a recommendation: pure functions over plain data.

``needs_from_snapshot`` reads what a recommendation requires from its typed snapshot (triggered
regimes, the buyer's inputs by role, ranked models and locations, the cost range). ``match`` checks every
vendor against the hard requirements (a vendor failing one is excluded, with the reason) and ranks
the rest by a score whose every point is listed as a reason. Nothing here touches the database, so
the rules are tested with plain values (``tests/vendors/test_matching.py``); ``docs/vendors.md``
describes them for buyers and curators.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from apps.common.formatting import NamedInText, usd
from apps.compliance.models import Regime
from apps.engagements.models import DeliveryLocation
from apps.playbooks.engine.requirements import ISO27001, SOC2, country_clock, home_location
from apps.recommendations.snapshot import Snapshot
from apps.recommendations.snapshot.types import Cost, StoredRequirement

# Which catalogue overlap figure applies to the buyer's team (the catalogue measures overlap with US
# Eastern time and with the UK). Eastern Canada keeps the US Eastern clock. For a buyer whose day the catalogue
# holds no figure for (continental Europe, UTC+8, Japan and Korea, India, Brazil, Mexico, eastern Australia, South
# Africa, the Gulf) the recommendation stored each location's overlap with that day ("yours"); a continental European
# recommendation stored before it did so is read on the UK figures, as it was then measured (``_overlap_figure``). A
# buyer on a catalogue clock who accepted provider staff on shifted hours was measured on the shifted day, which the
# recommendation stored as "yours" too.
OVERLAP_FIGURE = {
    "us": "us",
    "canada-east": "us",
    "uk": "uk",
    "eu": "yours",
    "singapore": "yours",
    "japan-korea": "yours",
    "india": "yours",
    "brazil": "yours",
    "mexico": "yours",
    "australia-east": "yours",
    "us-central": "yours",
    "us-mountain": "yours",
    "us-pacific": "yours",
    "us-arizona": "yours",
    "south-africa": "yours",
    "gulf": "yours",
    "gulf-west": "yours",
}
OVERLAP_LABEL = {
    "us": "US Eastern time",
    "canada-east": "US and Canadian Eastern time",
    "uk": "the UK",
    "eu": "your working day on Central European time",
    "singapore": "your working day on UTC+8",
    "japan-korea": "your working day in Japan or South Korea",
    "india": "your working day in India",
    "brazil": "your working day on Brasília time",
    "mexico": "your working day on central Mexican time",
    "australia-east": "your working day in eastern Australia",
    "south-africa": "your working day in South Africa",
    "gulf": "your working day on UTC+4",
    "gulf-west": "your working day on UTC+3",
}
# Assurance is a hard requirement only when the buyer said they will require it (the options of the
# question with the vendor_assurance role); the playbook also triggers the SOC 2 and ISO regimes for
# sensitive data, which the ranking rewards instead.
ASSURANCE: dict[str, str] = {
    Regime.VendorRequirement.SOC2: SOC2,
    Regime.VendorRequirement.ISO27001: ISO27001,
}  # -> the answer option

EU_OK_TRANSFER = frozenset({"in_eea", "adequate"})  # GDPR Chapter V: no safeguard needed
UK_OK_TRANSFER = frozenset({"in_eea"})  # the UK's adequacy regulations cover the EEA; others as recorded


# The UK transfer statuses by the words a recommendation stores for them (``uk_transfer_label``).
_UK_STATUS_BY_LABEL = {status.label: status.value for status in DeliveryLocation.UkTransfer}


def _uk_adequate(label: str | None) -> bool | None:
    """Whether the UK's adequacy regulations cover a location, from the words the recommendation stored (None: not
    recorded, or words no status has)."""
    found = _UK_STATUS_BY_LABEL.get(label or "")
    return None if found is None else found == DeliveryLocation.UkTransfer.ADEQUATE


SOC2_FRESH_DAYS = 365
VERIFIED_STALE_DAYS = 365
MODEL_POINTS = (30, 15, 8)  # offers the recommendation's 1st, 2nd or 3rd model
LOCATION_POINTS = (25, 20, 15, 10, 5)  # best usable location ranked 1st..5th for this work
FUNCTION_POINTS = 10
# A rate below the recommendation's all-in cost per hour leaves room for the buyer's own costs beside it, so it never
# scores below one within it (review 96: a dearer provider had ranked above a cheaper one).
RATE_IN_RANGE, RATE_BELOW, RATE_OVERLAPS, RATE_ABOVE = 15, 15, 5, -10
SOC2_FRESH_POINTS = 10
ISO_POINTS = 5
CAPACITY_POINTS = 5


# What a recommendation needs


@dataclass(frozen=True)
class Requirement:
    code: str
    label: str  # what the vendor must offer, in the buyer's words
    because: str  # why this recommendation needs it


@dataclass(frozen=True)
class LocationFacts(NamedInText):
    code: str
    name: str
    overlap_us: float | None = None
    overlap_uk: float | None = None
    gdpr_transfer: str = ""
    overlap_yours: float | None = None
    # Whether UK adequacy regulations cover it, as the recommendation recorded it (None: not recorded, as in older
    # recommendations: the EEA alone is then taken as covered).
    uk_adequate: bool | None = None
    # The hard requirements the recommendation found this location breaks, in its words (empty: it breaks none,
    # or the recommendation was stored before it recorded them).
    excluded_because: tuple[str, ...] = ()
    name_in_text: str | None = ""  # how the name reads inside a sentence ("the Philippines"); "": the name itself

    def overlap(self, figure: str) -> float | None:
        if figure == "yours":
            return self.overlap_yours
        return self.overlap_us if figure == "us" else self.overlap_uk


@dataclass(frozen=True)
class Needs:
    requirements: tuple[Requirement, ...]
    function: str = ""
    function_name: str = ""
    overlap_hours: int = 0
    overlap_figure: str = ""  # "us", "uk" or "yours"; empty when no overlap is needed (or the buyer is elsewhere)
    overlap_label: str = ""
    models: tuple[tuple[str, str], ...] = ()  # (code, name), best first
    locations: tuple[LocationFacts, ...] = ()  # ranked, best first
    hourly_budget: tuple[float, float, float] | None = None  # USD per hour: low, likely, high
    budget_model: str = ""
    team_size: float | None = None
    home: str = ""  # the catalogue location that is the buyer's own country, if the catalogue has it

    @property
    def codes(self) -> frozenset[str]:
        return frozenset(r.code for r in self.requirements)

    def excluded_because(self, code: str) -> tuple[str, ...]:
        """Why the recommendation excluded this location, in its words (empty: it did not)."""
        return next((loc.excluded_because for loc in self.locations if loc.code == code), ())

    def allowed(self, location: LocationFacts) -> bool:
        """Whether a provider may deliver from this location for this work: the recommendation did not exclude it.
        The buyer's own country stays open: the ranking lists it as the onshore option (a recommendation stored
        before it was ranked excluded it as not offshore, which never ruled out a provider there)."""
        return location.code == self.home or not self.excluded_because(location.code)

    def location_rank(self, code: str) -> int | None:
        for index, location in enumerate(self.locations, start=1):
            if location.code == code:
                return index
        return None


# What each triggered regime requires of a provider is curated (``Regime.vendor_requirement``), frozen into
# the published playbook and stored with each regime of the recommendation; here is how each is checked.
REGIME_REQUIREMENT = Regime.VendorRequirement
# Requirements met (or not) location by location: a vendor needs one location meeting all of them.
LOCATION_REQUIREMENTS = (REGIME_REQUIREMENT.GDPR_TRANSFER, REGIME_REQUIREMENT.UK_TRANSFER, "overlap")
# The data may not leave the buyer's country: the recommendation recorded a data location requirement that no
# offshore location meets. A vendor meets it only by delivering from the buyer's own country, where the catalogue
# has it (``requirements.home_location``: a buyer in India, Brazil, Mexico or South Africa); every other location is
# abroad.
ONSHORE = "onshore"
# The recommendation excluded delivery locations for a requirement the buyer set (every offshore one for data kept
# in the country, those without the overlap needed, ...): a provider delivering only from them cannot do the work,
# and one with other locations is scored on those alone. Recommendations stored before locations recorded why they
# were excluded exclude none, and read as they did.
ALLOWED = "allowed_location"
REQUIREMENT_ORDER = ("function", ALLOWED, ONSHORE, "overlap", *(code for code in REGIME_REQUIREMENT.values if code))


def _float(value: Any) -> float | None:
    try:
        return None if value is None or isinstance(value, bool) else float(value)
    except (TypeError, ValueError):
        return None


def _overlap_figure(buyer: str, locations: Sequence[Any]) -> str:
    """The overlap figure the recommendation measured the buyer's day on: the overlap with the buyer's own day
    wherever it stored one (their own clock, or the shifted day they accepted), so a location it allowed is never
    refused here; a continental European one stored without it was measured on the UK figures."""
    figure = OVERLAP_FIGURE.get(buyer, "")
    yours = any(loc.overlap_yours is not None for loc in locations)
    if figure and yours:
        return "yours"
    if buyer == "eu":
        return "uk"
    return figure


def needs_from_snapshot(snapshot: Snapshot) -> Needs:
    """What the recommendation stored in ``snapshot`` requires of a vendor. The answers come from its
    inputs by role (overlap hours, where the buyer's people work, the assurance they require), so a
    playbook without one of those questions simply yields fewer requirements."""
    ev = snapshot.evaluation
    inputs = snapshot.inputs
    requirements: list[Requirement] = []
    function_code = snapshot.function.code
    function_name = snapshot.function.name or function_code
    if function_code and function_code != "other":
        requirements.append(Requirement("function", f"Covers {function_name}", "The work to outsource"))

    onshore = next((r for r in ev.requirements if r.kind == "data_location" and not r.value), None)
    if onshore is not None:
        requirements.append(Requirement(ONSHORE, "Delivers from inside your own country", _as_required(onshore)))
    hours = inputs.overlap_hours or 0
    buyer = inputs.buyer_location
    if ev.delivered_from is not None and not any(r.code == "overlap" for r in ev.requirements):
        # The evaluation recorded its requirements: an overlap it did not make one (a handover hour is
        # arranged anywhere) does not exclude providers either. Older snapshots keep the answer as it was.
        hours = 0
    # A team in a country keeping another clock than its region's (an Irish one: the UK's), or in the US off Eastern
    # time, was measured on that.
    clock, words = country_clock(buyer, inputs.buyer_country, inputs.buyer_zone)
    day = clock or buyer
    figure = _overlap_figure(day, ev.locations) if hours > 0 else ""
    label = OVERLAP_LABEL["uk"] if day == "eu" and figure == "uk" else OVERLAP_LABEL.get(day, "")
    if clock:
        label = f"the {words} working day"
    if figure == "yours" and OVERLAP_FIGURE.get(day) != "yours":
        label += ", provider staff working the shifted day you accepted"
    if figure:
        requirements.append(
            Requirement(
                "overlap",
                f"Delivers from a location with at least {hours:g} h of overlap with {label}",
                _as_required(
                    next((r for r in ev.requirements if r.code == "overlap"), None),
                    f"You need {hours:g} hours of live overlap a day",
                ),
            )
        )
    for regime in ev.regimes:
        code = regime.vendor_requirement
        if code not in REGIME_REQUIREMENT.values or not code:
            continue  # nothing of the provider (or a requirement this version cannot check)
        if code in ASSURANCE and ASSURANCE[code] not in inputs.assurances:
            continue  # triggered by the data alone: it counts in the ranking, it does not exclude
        if any(r.code == code for r in requirements):
            continue  # two regimes asking the same of a provider: one requirement, met or missed once
        because = f"{regime.name or regime.code} applies"
        if regime.because:
            because += f" ({'; '.join(regime.because)})"
        requirements.append(Requirement(code, REGIME_REQUIREMENT(code).label, because))
    home = home_location(buyer)
    excluded = [loc for loc in ev.locations if loc.excluded_because and loc.code != home]
    if excluded:
        requirements.append(
            Requirement(
                ALLOWED,
                "Delivers from a location the recommendation did not exclude",
                f"The recommendation excluded {len(excluded)} of its {len(ev.locations)} delivery locations "
                "for what you require; its page lists each one and why",
            )
        )
    requirements.sort(key=lambda r: REQUIREMENT_ORDER.index(r.code))

    locations = tuple(
        LocationFacts(
            code=loc.code,
            name=loc.name or loc.code,
            name_in_text=loc.name_in_text or "",
            overlap_us=_float(loc.overlap_us),
            overlap_uk=_float(loc.overlap_uk),
            gdpr_transfer=loc.gdpr_transfer or "",
            overlap_yours=_float(loc.overlap_yours),
            uk_adequate=_uk_adequate(loc.uk_transfer_label),
            excluded_because=loc.excluded_because,
        )
        for loc in ev.locations
    )
    budget, budget_model = _hourly_budget(ev.cost)
    return Needs(
        requirements=tuple(requirements),
        function=function_code,
        function_name=function_name,
        overlap_hours=int(hours) if figure else 0,
        overlap_figure=figure,
        overlap_label=label,
        models=tuple((m.code, m.name or m.code) for m in ev.models),
        locations=locations,
        hourly_budget=budget,
        budget_model=budget_model,
        team_size=_float(ev.cost.team_size),
        home=home,
    )


def _as_required(requirement: StoredRequirement | None, fallback: str = "") -> str:
    """Why a provider must offer this: the buyer's requirement in the words "What you require" on the result page
    gives it (the fallback for a recommendation stored before it recorded its requirements)."""
    if requirement is None:
        return fallback
    why = f" ({', '.join(requirement.because)})" if requirement.because else ""
    return f"You require: {requirement.text}{why}"


def _hourly_budget(cost: Cost) -> tuple[tuple[float, float, float] | None, str]:
    """The recommended model's cost per hour of work (its annual cost over the annual hours)."""
    hours = _float(cost.annual_hours)
    top = cost.top
    if top is None or not hours:
        return None, ""
    figures = [_float(v) for v in top.annual]
    if len(figures) != 3 or any(v is None for v in figures):
        return None, ""
    # Vendors quote US dollars; a total cost of ownership is in the home currency, so it is converted back.
    per_usd = hours * cost.usd_rate
    low, likely, high = (round(v / per_usd, 2) for v in figures if v is not None)
    return (low, likely, high), top.name or top.model


# What a vendor offers


@dataclass(frozen=True)
class RateRange:
    low: float | None
    likely: float | None
    high: float | None

    @property
    def known(self) -> bool:
        return self.low is not None and self.high is not None


@dataclass(frozen=True)
class VendorFacts:
    code: str
    name: str
    locations: tuple[LocationFacts, ...] = ()
    models: frozenset[str] = frozenset()
    rates: Mapping[str, RateRange] = field(default_factory=dict)  # function code -> hourly rate range
    capabilities: frozenset[str] = frozenset()  # names from models.CAPABILITIES that are true
    soc2_report_date: datetime.date | None = None
    iso27001_valid_until: datetime.date | None = None  # None: no current 2022 certificate
    capacity_fte: int | None = None
    last_verified: datetime.date | None = None
    obj: Any = None  # the Vendor row, for templates; never read here


# The result


@dataclass(frozen=True)
class Reason:
    text: str
    points: int = 0


@dataclass(frozen=True)
class Failure:
    requirement: Requirement
    detail: str


@dataclass(frozen=True)
class Match:
    vendor: VendorFacts
    score: int = 0
    reasons: tuple[Reason, ...] = ()
    cautions: tuple[str, ...] = ()
    usable_locations: tuple[LocationFacts, ...] = ()
    failures: tuple[Failure, ...] = ()
    # For an excluded vendor: the score it would have on what it offers, to list the closest first.
    closeness: int = 0

    @property
    def eligible(self) -> bool:
        return not self.failures


@dataclass(frozen=True)
class MatchResult:
    needs: Needs
    ranked: tuple[Match, ...]
    excluded: tuple[Match, ...]

    def get(self, code: str) -> Match | None:
        return next((m for m in (*self.ranked, *self.excluded) if m.vendor.code == code), None)


def match(needs: Needs, vendors: Iterable[VendorFacts], *, today: datetime.date) -> MatchResult:
    """Every vendor checked and scored; the ranked list best first (ties by name), and the excluded
    closest first: fewest requirements missed, then the better fit, then by name. So when no provider
    meets every requirement the buyer still sees which come nearest, and what each misses."""
    results = [match_one(needs, vendor, today=today) for vendor in vendors]
    ranked = sorted((m for m in results if m.eligible), key=lambda m: (-m.score, m.vendor.name.lower()))
    excluded = sorted(
        (m for m in results if not m.eligible), key=lambda m: (len(m.failures), -m.closeness, m.vendor.name.lower())
    )
    return MatchResult(needs, tuple(ranked), tuple(excluded))


def match_one(needs: Needs, vendor: VendorFacts, *, today: datetime.date) -> Match:
    failures = _failures(needs, vendor, today)
    usable = _usable_locations(needs, vendor)
    if failures:
        # Not ranked, but scored on what it does offer (its best location, as the buyer could still pick
        # it) so the closest of the excluded can be told apart.
        nearest = sorted(vendor.locations, key=lambda loc: (needs.location_rank(loc.code) or 10_000, loc.name))
        reasons, _ = _score(needs, vendor, usable or tuple(nearest), today)
        closeness = sum(r.points for r in reasons)
        return Match(vendor=vendor, failures=tuple(failures), usable_locations=usable, closeness=closeness)
    reasons, cautions = _score(needs, vendor, usable, today)
    return Match(
        vendor=vendor,
        score=sum(r.points for r in reasons),
        reasons=tuple(reasons),
        cautions=tuple(cautions),
        usable_locations=usable,
    )


# Hard requirements


def _location_meets(needs: Needs, vendor: VendorFacts, location: LocationFacts, code: str) -> bool:
    if code == REGIME_REQUIREMENT.GDPR_TRANSFER:
        return location.gdpr_transfer in EU_OK_TRANSFER or "offers_scc_module_2" in vendor.capabilities
    if code == REGIME_REQUIREMENT.UK_TRANSFER:
        # A country the UK's adequacy regulations cover needs no IDTA (review 101: Argentina was excluded while the
        # result page said no IDTA or Addendum is needed there).
        covered = location.uk_adequate if location.uk_adequate is not None else location.gdpr_transfer in UK_OK_TRANSFER
        return covered or "offers_uk_addendum" in vendor.capabilities
    if code == "overlap":
        overlap = location.overlap(needs.overlap_figure)
        return overlap is not None and overlap >= needs.overlap_hours
    return True


def _location_codes(needs: Needs) -> list[str]:
    return [code for code in LOCATION_REQUIREMENTS if code in needs.codes]


def _usable_locations(needs: Needs, vendor: VendorFacts) -> tuple[LocationFacts, ...]:
    """The vendor's locations the recommendation allows that meet every location requirement, best ranked for this
    work first."""
    codes = _location_codes(needs)
    usable = [loc for loc in _allowed(needs, vendor) if all(_location_meets(needs, vendor, loc, c) for c in codes)]
    return tuple(sorted(usable, key=lambda loc: (needs.location_rank(loc.code) or 10_000, loc.name)))


def _allowed(needs: Needs, vendor: VendorFacts) -> tuple[LocationFacts, ...]:
    return tuple(loc for loc in vendor.locations if needs.allowed(loc))


def _names(locations: Sequence[LocationFacts]) -> str:
    """The locations as they read in a sentence ("India, the Philippines")."""
    return ", ".join(loc.in_text for loc in locations) or "no delivery locations on record"


CAPABILITY_OF: dict[str, tuple[str, str]] = {
    REGIME_REQUIREMENT.HIPAA_BAA: ("signs_hipaa_baa", "Does not sign a HIPAA business associate agreement."),
    REGIME_REQUIREMENT.DPDP_TERMS: ("offers_dpdp_terms", "Does not offer DPDP processor terms."),
    REGIME_REQUIREMENT.MIFID_AUDIT: (
        "grants_mifid_audit_rights",
        "Does not grant MiFID II outsourcing access and audit rights.",
    ),
    REGIME_REQUIREMENT.REG_AC: ("supports_reg_ac", "Does not support Reg AC analyst certification."),
}


def _failures(needs: Needs, vendor: VendorFacts, today: datetime.date) -> list[Failure]:
    failures: list[Failure] = []
    for requirement in needs.requirements:
        detail = _failure_detail(needs, vendor, requirement.code, today)
        if detail:
            failures.append(Failure(requirement, detail))
    codes = _location_codes(needs)
    failed = {f.requirement.code for f in failures}
    if len(codes) > 1 and not failed & {*codes, ALLOWED} and not _usable_locations(needs, vendor):
        # Each location requirement is met somewhere, but no single location meets them all.
        labels = [r.label.lower() for r in needs.requirements if r.code in codes]
        combined = Requirement("locations", "One delivery location meeting every location requirement", "")
        detail = f"None of its locations ({_names(_allowed(needs, vendor))}) both " + " and ".join(labels) + "."
        failures.append(Failure(combined, detail))
    return failures


def _failure_detail(needs: Needs, vendor: VendorFacts, code: str, today: datetime.date) -> str:
    if code == "function":
        return "" if needs.function in vendor.rates else f"Does not cover {needs.function_name}."
    if code in CAPABILITY_OF:
        capability, message = CAPABILITY_OF[code]
        return "" if capability in vendor.capabilities else message
    if code == ALLOWED:
        if not vendor.locations or _allowed(needs, vendor):
            return ""
        why = " ".join(f"{'; '.join(needs.excluded_because(loc.code))}." for loc in vendor.locations)
        return f"Delivers only from locations the recommendation excluded: {why}"
    allowed = _allowed(needs, vendor)
    if code in (*LOCATION_REQUIREMENTS, ONSHORE) and vendor.locations and not allowed:
        return ""  # every location excluded: the allowed-location requirement says why, in the recommendation's words
    if code in LOCATION_REQUIREMENTS:
        if any(_location_meets(needs, vendor, loc, code) for loc in allowed):
            return ""
        where = _names(allowed)
        one = len(allowed) == 1  # one location is "which", not "none of them" (review 113)
        if code == REGIME_REQUIREMENT.GDPR_TRANSFER:
            outside = "which is neither inside the EEA nor adequate" if one else "none inside the EEA or adequate"
            return (
                f"Delivers only from {where}, {outside}, and does not sign the EU SCCs "
                "(module 2; module 3 where you process the data for clients)."
            )
        if code == REGIME_REQUIREMENT.UK_TRANSFER:
            outside = (
                "which the UK's adequacy regulations do not cover"
                if one
                else "none of them covered by the UK's adequacy regulations"
            )
            return f"Delivers only from {where}, {outside}, and does not sign the UK IDTA or Addendum."
        if one:
            hours = f"{needs.overlap_hours} h of overlap with {needs.overlap_label}"
            return f"Its one location, {where}, does not give {hours}."
        return f"None of its locations ({where}) gives {needs.overlap_hours} h of overlap with {needs.overlap_label}."
    if code == ONSHORE:
        if needs.home and any(loc.code == needs.home for loc in allowed):
            return ""
        where = _names(allowed)
        return f"Delivers only from {where}: offshore delivery, and your data may not leave your country."
    if code == REGIME_REQUIREMENT.SOC2:
        return "" if vendor.soc2_report_date else "Has no SOC 2 Type II report on record."
    if code == REGIME_REQUIREMENT.ISO27001:
        valid = vendor.iso27001_valid_until is not None and vendor.iso27001_valid_until >= today
        return "" if valid else "Has no current ISO/IEC 27001:2022 certificate on record."
    return ""


# Ranking


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _score(
    needs: Needs, vendor: VendorFacts, usable: Sequence[LocationFacts], today: datetime.date
) -> tuple[list[Reason], list[str]]:
    reasons: list[Reason] = []
    cautions: list[str] = []
    for index, (code, name) in enumerate(needs.models[: len(MODEL_POINTS)]):
        if code in vendor.models:
            which = "the recommended model" if index == 0 else f"ranked {_ordinal(index + 1)} for this work"
            reasons.append(Reason(f"Offers {name}, {which}", MODEL_POINTS[index]))
            break
    else:
        if needs.models:
            cautions.append("Offers none of the three best-ranked engagement models.")
    if needs.function and needs.function in vendor.rates:
        reasons.append(Reason(f"Covers {needs.function_name}", FUNCTION_POINTS))

    ranked = [(rank, loc) for loc in usable if (rank := needs.location_rank(loc.code)) is not None]
    if ranked:
        rank, best = ranked[0]
        points = LOCATION_POINTS[rank - 1] if rank <= len(LOCATION_POINTS) else 0
        of = f"{_ordinal(rank)} of {len(needs.locations)} locations for this work"
        onshore = ", your own country: the onshore option" if best.code == needs.home else ""
        reasons.append(Reason(f"Delivers from {best.in_text}{onshore}, ranked {of}", points))

    _rate_reason(needs, vendor, reasons, cautions)
    _assurance_reasons(vendor, today, reasons, cautions)
    if needs.team_size and vendor.capacity_fte is not None:
        if vendor.capacity_fte >= needs.team_size:
            reasons.append(
                Reason(
                    f"Capacity of {vendor.capacity_fte} FTE covers the {needs.team_size:g} people needed",
                    CAPACITY_POINTS,
                )
            )
        else:
            cautions.append(f"Capacity of {vendor.capacity_fte} FTE is below the {needs.team_size:g} people needed.")
    if vendor.last_verified and (today - vendor.last_verified).days > VERIFIED_STALE_DAYS:
        cautions.append(
            f"Directory entry last verified {vendor.last_verified:%-d %b %Y}: check it before relying on it."
        )
    return reasons, cautions


def _rate_reason(needs: Needs, vendor: VendorFacts, reasons: list[Reason], cautions: list[str]) -> None:
    rate = vendor.rates.get(needs.function)
    if needs.hourly_budget is None or rate is None or not rate.known:
        if needs.function and needs.hourly_budget is not None:
            cautions.append(f"No hourly rate on record for {needs.function_name}: ask for one.")
        return
    low, likely, high = needs.hourly_budget
    assert rate.low is not None and rate.high is not None
    # The whole cost of the top model an hour of work (the provider's fees with the buyer's own costs of running it),
    # not the provider's rate alone: said so (review 96: it read as a rate beside the result page's own).
    model = needs.budget_model or "the top model"
    # In whole dollars, as the page's own sentence on the ranking gives it: the estimate rests on weak figures.
    span = f"{usd(low, cents=False)}–{usd(high, cents=False)}"
    budget = f"the recommendation's all-in cost of {span} an hour of work for {model}"
    quoted = f"{usd(rate.low)}–{usd(rate.high)}/h"
    if rate.likely is not None and low <= rate.likely <= high:
        reasons.append(Reason(f"Likely rate {usd(rate.likely)}/h sits within {budget}", RATE_IN_RANGE))
    elif rate.high < low:
        reasons.append(Reason(f"Rates {quoted} are below {budget}", RATE_BELOW))
    elif rate.low > high:
        reasons.append(Reason(f"Rates {quoted} are above {budget}", RATE_ABOVE))
        cautions.append(f"Rates {quoted} are above the recommendation's cost range: the saving shrinks.")
    else:
        reasons.append(Reason(f"Rates {quoted} overlap {budget}", RATE_OVERLAPS))


def _assurance_reasons(vendor: VendorFacts, today: datetime.date, reasons: list[Reason], cautions: list[str]) -> None:
    report = vendor.soc2_report_date
    if report is not None and (today - report).days <= SOC2_FRESH_DAYS:
        reasons.append(Reason(f"SOC 2 Type II report dated {report:%-d %b %Y}, within 12 months", SOC2_FRESH_POINTS))
    elif report is not None:
        cautions.append(
            f"SOC 2 Type II report dated {report:%-d %b %Y} is over 12 months old: ask for a bridge letter."
        )
    else:
        cautions.append("No SOC 2 Type II report on record.")
    if vendor.iso27001_valid_until is not None and vendor.iso27001_valid_until >= today:
        reasons.append(
            Reason(f"ISO/IEC 27001:2022 certified until {vendor.iso27001_valid_until:%-d %b %Y}", ISO_POINTS)
        )
