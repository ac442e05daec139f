"""One set of requirements: what the buyer must have (hard) and would like (preferences), from the answers
and the triggered regimes, and what breaks them.

Pure: inputs are plain mappings, so the evaluator, the vendor matcher and the pages read the same set.

Answers are read by role name (never by a curator's question code; the evaluator passes the answers of
the questions holding ``types.REQUIREMENT_ROLES``):
- ``buyer_location``: whose working day overlap is measured against. The catalogue holds overlap with US
  Eastern and with the UK: ``us`` and ``canada-east`` (the same clock) use the US Eastern figures, ``uk`` the UK
  ones; for the days in ``BUYER_DAYS`` (continental Europe on Central European time, UTC+8, Japan and Korea,
  India, Brazil, Mexico, eastern Australia, South Africa, the Gulf on UTC+4 and on UTC+3) overlap is worked
  out from the UTC offsets; for ``other`` it cannot
  be measured, so the buyer's hours are stated as an ``overlap_unchecked`` requirement that no location breaks
  and no location is ranked on time zone; unanswered reads as the US day. ``buyer_country`` names the country within
  the region, where one keeps another clock than the region's (``COUNTRY_CLOCKS``: a team in Ireland is on the UK's
  clock, not Central European time) and overlap is then measured on that clock. ``buyer_zone`` names the time zone of
  a buyer in the United States (``ZONE_CLOCKS``): Eastern, or unanswered, keeps the catalogue's US Eastern figures;
  Central, Mountain and Pacific are days of ``BUYER_DAYS``, worked out from the UTC offsets. A buyer in a country
  the location catalogue holds (``HOME_LOCATIONS``) has its own country as its onshore option
  (``Requirements.home``): that location is ranked with the others on the same criteria (a full overlap with the
  buyer's day), and it alone meets a requirement that the data stay in the buyer's country or that staff be on
  site every day;
- ``overlap_hours``: the minimum hours a day of overlap with the buyer's working day;
- ``shifted_hours``: the buyer accepts provider staff on shifted hours (yes/no): overlap is then measured
  against a provider day moved up to ``SHIFT_HOURS`` towards the buyer's, worked out from the UTC offsets;
- ``data_location``: where the data may be processed: ``anywhere``, ``adequate`` (the EEA or a country
  with an EU adequacy decision), ``eea`` (inside the EEA only) or ``onshore`` (not outside the buyer's
  country); asked as yes/no ("must the data stay in your country?"), yes reads as ``onshore`` and no as
  ``anywhere``;
- ``offshore_ban``: rules forbid offshore work on the data (a state Medicaid programme's ban): ``banned`` or yes
  reads as a ``data_location`` of ``onshore``, whatever that role's answer;
- ``federal_tax_info``: the work involves US federal tax information: ``yes`` reads as a ``data_location`` of
  ``onshore``, as ``offshore_ban`` does (IRS Publication 1075 allows no offshore access to it; review 144: the
  result ranked Colombia, read its data law and priced an offshore saving beside the blocker saying so);
- ``onsite``: provider staff must be present on site: yes/no, or how often, where only ``daily`` holds
  (occasional workshops and visits are travelled to from anywhere);
- ``licensed_signoff``: a licensed professional must sign off onshore: yes/no, or the licences needed, where
  any chosen code other than ``none`` holds (``holds`` is the one reading of both);
- ``vendor_assurance``: the assurances the buyer requires (``soc2``, ``iso27001`` ...; ``none`` / ``undecided``
  require nothing);
- ``own_entity``: the buyer sets up its own centre and already has a legal entity in the delivery region it
  favours (yes/no; asked only of a buyer setting its centre up itself, and its question says the entity is read
  as being in the preferred region: the product asks no country of its own). The centre's people are then the
  buyer's own employees on hours it sets, so overlap is measured on a day shifted as for ``shifted_hours``
  (unless that was answered no), and the preferred region, read as where the entity is, ranks first among the
  locations meeting every requirement (``centre_here``); a cost delivered from anywhere else, or with no region
  preferred, counts running an entity (``evaluate._entity_at``);
- ``start_within``: how soon the provider's work must start: ``within-month``, ``one-to-three`` or
  ``three-to-six`` months (``START_MONTHS``; anything else sets no date): a model whose launch time (the
  catalogue's ``ramp_up_months``) is longer breaks it; the catalogue's launch times are for a team up to the size
  ``LaunchScale`` reads from the cost assumptions (``launch_at_scale``), and a larger team (``team_size``) is moved
  as a team, which takes at least that figure's months, whatever model it is bought as (``launch_months``),
  unless the work is done once or in season (``staffed_from_bench``), which a provider staffs from its bench;
- preferences: ``preferred_region`` (a location code or a region name), ``overnight_turnaround``
  (yes/no), ``cost_priority`` (``lowest`` makes cost a preference).

A regime's ``requires`` data may give ``contract_terms`` (list of strings), ``processing`` (allowed
transfer statuses: ``in_eea``, ``adequate``, ``needs_sccs``), ``onshore_signoff`` (bool) and
``when_processed_in`` (location codes: the regime applies only when data is processed there).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from apps.common.formatting import number, sentence_start

ALLOWED = {
    "anywhere": ("in_eea", "adequate", "needs_sccs"),
    "adequate": ("in_eea", "adequate"),
    "eea": ("in_eea",),
    "onshore": (),
}
DATA_WORDS = {
    "adequate": "in the EEA or a country with an EU adequacy decision",
    "eea": "inside the EEA",
    "onshore": "in your own country, with no access from abroad",
}
# The options of the vendor_assurance role's question that require something of the provider.
SOC2, ISO27001 = "soc2", "iso27001"
ASSURANCE_NAMES = {SOC2: "a SOC 2 Type II report", ISO27001: "ISO/IEC 27001:2022 certification"}
NO_ASSURANCE = {"", "none", "undecided", "none_decided"}
# Overnight turnaround means the provider works while the buyer sleeps: at most this much overlap.
OVERNIGHT_MAX_OVERLAP = 1.0
# An hour's handover call is arranged from any time zone by staggering one shift (the playbook's own
# rules treat "at most 1 h" as cost-led), so only more overlap than this is a hard requirement.
HANDOVER_HOURS = 1.0
# The working day overlap is measured on: 09:00-17:00 local at both ends, the product's assumption (the
# catalogue's overlap figures rest on it too, kpo-facts.md section 3).
WORKING_DAY_HOURS = 8.0
# Buyers' working days the catalogue holds no overlap figure for: (UTC offset in hours, the words the
# requirement uses). The offset is the midpoint of standard and summer time, the convention the catalogue's
# own figures follow. Offsets and summer-time rules from the IANA time zone database
# (https://www.iana.org/time-zones, files "europe", "asia", "australasia", "southamerica", "northamerica"):
# Europe/Paris, Europe/Berlin, Europe/Warsaw UTC+1, UTC+2 in summer (Central European time; Athens and Helsinki
# are an hour ahead, Lisbon an hour behind); Asia/Singapore, Asia/Hong_Kong, Asia/Shanghai UTC+8 all year
# (Kuala Lumpur, Manila and Perth share it); Asia/Tokyo and Asia/Seoul UTC+9, no summer time; Asia/Kolkata
# UTC+5:30, no summer time; America/Sao_Paulo UTC-3, no summer time since 2019 (Brasília, Rio de Janeiro);
# America/Mexico_City UTC-6, no summer time since October 2022 (central Mexico); Australia/Sydney (Melbourne,
# Canberra) UTC+10, UTC+11 in the southern summer. America/Toronto keeps the US Eastern clock and its
# summer-time dates, so an eastern Canadian team is measured on the US Eastern figures.
BUYER_DAYS = {
    "eu": (1.5, "Central European (UTC+1, +2 in summer)"),
    "singapore": (8.0, "UTC+8 (Singapore, Hong Kong, China)"),
    "japan-korea": (9.0, "Japanese and Korean (UTC+9)"),
    "india": (5.5, "Indian (UTC+5:30)"),
    "brazil": (-3.0, "Brasília (UTC−3)"),
    "mexico": (-6.0, "central Mexican (UTC−6)"),
    "australia-east": (10.5, "eastern Australian (UTC+10, +11 in summer)"),
    # America/Chicago UTC-6, America/Denver UTC-7, America/Los_Angeles UTC-8, each an hour later in summer
    # (IANA file "northamerica"); America/Phoenix keeps UTC-7 all year, so Arizona's summer day is half an hour
    # off the Mountain figure. The catalogue's US Eastern figures stay the measure of an Eastern team.
    "us-central": (-5.5, "US Central (UTC−6, −5 in summer)"),
    "us-mountain": (-6.5, "US Mountain (UTC−7, −6 in summer)"),
    "us-pacific": (-7.5, "US Pacific (UTC−8, −7 in summer)"),
    # America/Phoenix: Mountain standard time all year, no summer time.
    "us-arizona": (-7.0, "Arizona (UTC−7 all year)"),
    # Africa/Johannesburg UTC+2 (IANA file "africa"); Asia/Dubai and Asia/Muscat UTC+4, Asia/Riyadh, Asia/Qatar,
    # Asia/Kuwait and Asia/Bahrain UTC+3 (file "asia"); none keeps summer time.
    "south-africa": (2.0, "South African (UTC+2)"),
    "gulf": (4.0, "Gulf (UTC+4: the United Arab Emirates, Oman)"),
    "gulf-west": (3.0, "Arabian (UTC+3: Saudi Arabia, Qatar, Kuwait, Bahrain)"),
}
# The time zones of a buyer in the United States (the ``buyer_zone`` role's options) whose day is not the US
# Eastern one the catalogue's figures are measured on: the day of ``BUYER_DAYS`` overlap is worked out on.
ZONE_CLOCKS = {"central": "us-central", "mountain": "us-mountain", "pacific": "us-pacific", "arizona": "us-arizona"}
SAME_CLOCK = {"canada-east": "us"}
# Countries inside a buyer region that keep another clock than the region's: (the day they are measured on, the
# words the requirement uses). Europe/Dublin is UTC+0, UTC+1 in summer, with the same summer-time dates as
# Europe/London (IANA time zone database, file "europe"), so an Irish team is measured on the UK's day.
COUNTRY_CLOCKS = {"ireland": ("uk", "Irish (UTC+0, +1 in summer, the UK's clock)")}
# A buyer location that is a country of the location catalogue: delivering from there is onshore for that buyer.
HOME_LOCATIONS = {"india": "india", "brazil": "brazil", "mexico": "mexico", "south-africa": "south-africa"}
# The buyer days whose clock moves an hour in summer (their offsets above are the midpoint of the two): US and
# Canadian Eastern, the UK, Central European, eastern Australian and the other US zones.
SUMMER_TIME_MARKETS = frozenset({"us", "uk", "eu", "australia-east", "us-central", "us-mountain", "us-pacific"})
# Of those, the buyer days whose summer is the southern one (Australia/Sydney: first Sunday of October to first Sunday
# of April, IANA file "australasia"). A location's summer time is read as the northern one: every location in the
# catalogue that keeps it does so on the EU dates (its ``dst_rule``). Clocks that move in opposite seasons are an hour
# either side of their midpoints' gap, not half an hour (review 94: Sydney and Poland, 3 h said, 2-4 h given).
SOUTHERN_SUMMER_MARKETS = frozenset({"australia-east"})
# The catalogue's own two days as offsets (midpoint of standard and summer time, as above), for working out
# overlap on a shifted day: US Eastern UTC-5/-4, the UK UTC+0/+1.
CATALOGUE_DAYS = {"us": -4.5, "uk": 0.5}
# How far a provider's working day may move towards the buyer's when the buyer accepts shifted hours: up to
# four hours, an evening shift rather than a night shift (India 13:00-21:00 IST gives about 2 h with a
# 09:00-17:00 US Eastern day). The product's assumption: kpo-facts.md section 3 says only that teams "run late
# or overlap shifts" and that Philippine US work runs as a night shift, with no figure for either.
SHIFT_HOURS = 4.0
# Which way the day moves follows the clocks: later where the location is ahead of the buyer (India for a US or UK
# team), earlier where it is behind (Romania or India for a team in Tokyo or Sydney, Mexico for one in London).
SHIFT_WORDS = (
    "an evening shift where the location's clock is ahead of yours, an early-morning one where it is behind; "
    "never a night shift"
)


@dataclass(frozen=True)
class Requirement:
    # overlap, overlap_unchecked, data_location, onsite, licensed_signoff, start_within, assurance:<x>,
    # contract:<regime>:<n> (``offshore`` only in recommendations stored before the buyer's own country was ranked)
    code: str
    kind: str
    text: str
    value: Any = None
    because: tuple[str, ...] = ()
    applies_in: tuple[str, ...] = ()  # location codes; empty: wherever the work is done


@dataclass(frozen=True)
class Preference:
    code: str  # preferred_region, overnight_turnaround, cost_priority
    text: str
    value: Any = None


@dataclass(frozen=True)
class Requirements:
    hard: tuple[Requirement, ...]
    preferences: tuple[Preference, ...]
    # Whose working day overlap is measured against: "us" or "uk" (the catalogue's figures), a key of
    # ``BUYER_DAYS`` (worked out from the UTC offsets), or "other" (not measured).
    market: str = "us"
    # Hours the provider's day may move towards the buyer's (0: a plain 09:00-17:00 day).
    shift: float = 0.0
    # The buyer sets up its own centre where it already has an entity: its own people on hours it sets.
    own_entity: bool = False
    # The catalogue location that is the buyer's own country (``HOME_LOCATIONS``): delivering from there is onshore.
    # "" when the catalogue does not hold the buyer's country.
    home: str = ""
    # The share of the function's provider rate that follows where the team is (the catalogue's ``located_share``):
    # a location's cost index scales that part alone, as the cost does (``tco.case.located_index``). None: all of it.
    rate_share: float | None = None
    # The people the work needs at full capacity (the ``team_size`` answer): a team larger than ``LaunchScale.team``
    # launches no sooner than a team moved as a team (``launch_months``). None: not answered, or work done once or
    # in season (``staffed_from_bench``), which a provider staffs from its bench.
    team: float | None = None
    # The shift is assumed for the buyer's own centre alone (its staff work the hours it sets): the buyer never said
    # whether a provider's staff may work shifted hours (``evaluate.provider_on_own_shift_risk``).
    shift_own_only: bool = False

    def get(self, code: str) -> Requirement | None:
        return next((r for r in self.hard if r.code == code), None)

    def preference(self, code: str) -> Preference | None:
        return next((p for p in self.preferences if p.code == code), None)


@dataclass(frozen=True)
class Breach:
    target: str  # a location or model code
    name: str
    requirement: str  # the requirement's code
    reason: str


@dataclass(frozen=True)
class Option:
    text: str
    costs: str
    triggers: tuple[str, ...] = ()
    # The plan the option proposes, as one rough figure where it is costed (``evaluate._bridge_plan``): its likely total
    # over the cost's period and its likely saving against in-house (negative: it costs more), in the cost's currency.
    plan: tuple[float, float] | None = None


@dataclass(frozen=True)
class Conflict:
    code: str
    kind: str  # requirements, preference, or model (the favoured model ruled out by the start date: evaluate._too_late)
    between: tuple[str, str]
    text: str
    options: tuple[Option, ...]


def _yes(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.lower() in ("yes", "true", "y"))


# A yes/no requirement may be asked as a choice: how often staff must be on site (only every day is a
# requirement), or which licences must sign (any but none). The codes below read as "no" in a list.
YES_CHOICES = ("daily",)
NO_CHOICES = frozenset({"", "none", "no", "never", "false", "undecided"})


def holds(value: Any) -> bool:
    """Whether a yes/no requirement role's answer asks for it: yes, a choice meaning yes (``daily``), or a
    multiple choice with any code other than ``none``."""
    if isinstance(value, list | tuple):
        return any(str(v).lower() not in NO_CHOICES for v in value)
    return _yes(value) or (isinstance(value, str) and value.lower() in YES_CHOICES)


# The requirements a yes/no role's answer makes (``holds``), by role: the one wording of each.
ANSWER_REQUIREMENTS = {
    "onsite": "Provider staff present on your site",
    "licensed_signoff": "A licensed professional signs off onshore",
}


# The months within which the work must start, by the start role's option; any other answer sets no date.
START_MONTHS = {"within-month": 1, "one-to-three": 3, "three-to-six": 6}
# The roles whose answer alone makes a requirement that rules models out (``answer_requirement``).
ANSWER_ROLES = (*ANSWER_REQUIREMENTS, "start_within")


def answer_requirement(role: str, value: Any) -> Requirement | None:
    """The hard requirement one answer of an ``ANSWER_ROLES`` role makes (None when it makes none): the one
    reading of it, for ``derive`` and for the compiler's rule per requirement (``compiler.requirement_rules``)."""
    if role in ANSWER_REQUIREMENTS:
        return Requirement(role, role, ANSWER_REQUIREMENTS[role], True, ("your answer",)) if holds(value) else None
    if role == "start_within" and isinstance(value, str) and value in START_MONTHS:
        months = START_MONTHS[value]
        text = f"The work starts within {months} month{'s' if months != 1 else ''}"
        return Requirement(role, role, text, months, ("your answer",))
    return None


def _number(value: Any) -> float | None:
    try:
        return float(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def derive(
    answers: Mapping[str, Any], regimes: Mapping[str, Mapping[str, Any]], *, labels: Mapping[str, str] | None = None
) -> Requirements:
    """The buyer's requirements and preferences from answers by role and the triggered regimes by code;
    ``labels`` are the words of the preferred region's options, so a preference reads "India", not "india"."""
    market = _market(answers.get("buyer_location"), answers.get("buyer_country"), answers.get("buyer_zone"))
    own_entity = _yes(answers.get("own_entity"))
    # A buyer's own centre works the hours the buyer sets, so its day is shifted unless the buyer said no.
    shifted = (_yes(answers.get("shifted_hours")) or (own_entity and answers.get("shifted_hours") is None)) and (
        market != "other"
    )
    clock = "UK" if market == "uk" else "US Eastern"
    hard: list[Requirement] = []
    hours = _number(answers.get("overlap_hours"))
    if hours and hours > HANDOVER_HOURS:
        if market == "other":
            # Where the buyer works is not one the product knows the clock of: measured against the US Eastern or
            # UK day, a buyer in Bangalore would see their own country excluded. Stated, never used to exclude.
            code = "overlap_unchecked"
            text = (
                f"At least {hours:g} h a day of overlap with your working day: not checked, because your location "
                "is not one whose time zone the product knows; compare the locations' hours with yours"
            )
        elif market in BUYER_DAYS:
            code = "overlap"
            text = (
                f"At least {hours:g} h a day of overlap with the {BUYER_DAYS[market][1]} working day (worked out "
                "from the UTC offsets on a 09:00–17:00 day at both ends, the product's assumption)"
            )
        else:
            day = country_clock(answers.get("buyer_location"), answers.get("buyer_country"))[1] or clock
            code, text = "overlap", f"At least {hours:g} h a day of overlap with the {day} working day"
            if answers.get("buyer_location") == "canada-east":
                text += " (eastern Canada keeps the US Eastern clock)"
        if code == "overlap" and shifted:
            # The entity question is asked only of a buyer setting up its own centre: answered either way, the staff
            # on the shifted day are the centre's own.
            own_centre = answers.get("own_entity") is not None
            staff = "your centre's own staff" if own_centre else "provider staff"
            text += (
                f", {staff} working a day moved up to {SHIFT_HOURS:g} h towards yours ({SHIFT_WORDS}: the product's "
                "assumption)"
            )
        # The hours are the buyer's; a shifted day it did not answer for is the product's assumption, said in the
        # text (review 181: "the product's assumption" beside "(your answer)").
        said = "your answer for the hours" if code == "overlap" and shifted else "your answer"
        hard.append(Requirement(code, code, text, hours, (said,)))
    tax = _yes(answers.get("federal_tax_info"))
    banned = offshore_banned(answers.get("offshore_ban")) or tax
    data = "onshore" if banned else data_location(answers.get("data_location"))
    allowed = set(ALLOWED.get(data, ALLOWED["anywhere"]))
    why = FEDERAL_TAX_BECAUSE if tax else BANNED_BECAUSE if banned else "your answer"
    because = [why] if data in DATA_WORDS else []
    for code, regime in sorted(regimes.items()):
        processing = (regime.get("requires") or {}).get("processing")
        if processing and not regime.get("requires", {}).get("when_processed_in"):
            allowed &= set(processing)
            because.append(str(regime.get("name", code)))
    if because:
        regime_words = "where the regimes allow: " + (", ".join(sorted(allowed)) or "nowhere offshore")
        words = DATA_WORDS.get(data, regime_words)
        hard.append(
            Requirement(
                "data_location", "data_location", f"Data processed only {words}", tuple(sorted(allowed)), tuple(because)
            )
        )
    if onsite := answer_requirement("onsite", answers.get("onsite")):
        hard.append(onsite)
    signoff = [
        str(r.get("name", c)) for c, r in sorted(regimes.items()) if (r.get("requires") or {}).get("onshore_signoff")
    ]
    own = ["your answer"] if holds(answers.get("licensed_signoff")) else []
    if own or signoff:
        hard.append(
            Requirement(
                "licensed_signoff",
                "licensed_signoff",
                ANSWER_REQUIREMENTS["licensed_signoff"],
                True,
                tuple(own + signoff),
            )
        )
    if start := answer_requirement("start_within", answers.get("start_within")):
        hard.append(start)
    hard += _assurances(answers.get("vendor_assurance"))
    hard += _contract_terms(regimes)
    return Requirements(
        tuple(hard),
        _preferences(answers, labels or {}),
        market,
        SHIFT_HOURS if shifted else 0.0,
        own_entity,
        home_location(answers.get("buyer_location")),
        # Work done once in weeks, or seasonal work, is staffed from a provider's bench, not moved as a team (review
        # 155: a one-off 8-week job for sixty was to start in 3 months): the team's size sets no later launch.
        team=None if staffed_from_bench(answers) else _number(answers.get("team_size")),
        shift_own_only=shifted and own_entity and answers.get("shifted_hours") is None,
    )


# The ``demand_pattern`` answers of work a provider staffs from its bench rather than moves as a team: done once, or
# in season (review 155: a one-off 8-week job for sixty was to start in 3 months).
# The demand pattern of work done once: with no length answered, its weeks are those its hours take its people
# (``tco.types.once_weeks``).
ONE_OFF = "one-off"
BENCH_PATTERNS = (ONE_OFF, "seasonal")


def staffed_from_bench(answers: Mapping[str, Any]) -> bool:
    """Whether the work is done once or in season (``BENCH_PATTERNS``; where the shape of demand is not answered, a
    duration or a peak share answered), so its team's size sets no later launch: the one reading, for ``derive`` and
    the compiled rule's conditions."""
    demand = answers.get("demand_pattern")
    if demand is not None:  # answered, the shape of demand decides (review 163: steady work answered with its 52 weeks)
        return demand in BENCH_PATTERNS
    return answers.get("duration_weeks") is not None or answers.get("peak_share") is not None


def home_location(buyer_location: Any) -> str:
    """The catalogue location that is the buyer's own country (a buyer in India, Brazil or Mexico), or "": the one
    reading of ``HOME_LOCATIONS``, for the ranking and the vendor matcher."""
    return HOME_LOCATIONS.get(str(buyer_location or ""), "")


def data_location(value: Any) -> str:
    """Where the data may be processed, from the answer of the ``data_location`` role: one of ``ALLOWED``'s codes,
    or yes/no to "must the data stay in your country?" (yes: ``onshore``); anything else reads as ``anywhere``."""
    if isinstance(value, bool) or (isinstance(value, str) and value.lower() in ("yes", "no", "true", "false")):
        return "onshore" if _yes(value) else "anywhere"
    return value if isinstance(value, str) and value in ALLOWED else "anywhere"


BANNED_BECAUSE = "your answer: rules forbid offshore work on this data"
FEDERAL_TAX_BECAUSE = (
    "your answer: the work involves federal tax information, which IRS Publication 1075 allows no offshore access to"
)


def offshore_banned(value: Any) -> bool:
    """Whether the answer of the ``offshore_ban`` role forbids offshore work on the data: ``banned``, or yes."""
    return value == "banned" or _yes(value)


def onshore_only(requirements: Requirements) -> bool:
    """Whether the data may not leave the buyer's country and the catalogue holds no location in it: a data
    location requirement no location can meet (a buyer in India, Brazil or Mexico meets it at home)."""
    data = requirements.get("data_location")
    return data is not None and not data.value and not requirements.home


def _market(buyer_location: Any, buyer_country: Any = None, buyer_zone: Any = None) -> str:
    """Whose day overlap is measured on: the country's own clock where it keeps another than its region's
    (``COUNTRY_CLOCKS``), a US team's own time zone (``ZONE_CLOCKS``), else the region's."""
    code = str(buyer_location or "us")
    if clock := country_clock(buyer_location, buyer_country, buyer_zone)[0]:
        return clock
    if code in BUYER_DAYS or code in ("us", "uk", "other"):
        return code
    return SAME_CLOCK.get(code, "us")


def country_clock(buyer_location: Any, buyer_country: Any, buyer_zone: Any = None) -> tuple[str, str]:
    """The day a team in a country keeping another clock than its region's is measured on, and the words for it
    (``COUNTRY_CLOCKS``: ("uk", "Irish ...") for a team in Ireland), or a US team's day off US Eastern time
    (``ZONE_CLOCKS``: ("us-pacific", "US Pacific ...")); ("", "") where the region's clock holds. The one reading of
    it, for ``derive`` and the vendor matcher."""
    zone = ZONE_CLOCKS.get(str(buyer_zone or ""))
    if zone is not None and str(buyer_location or "us") == "us":
        return zone, BUYER_DAYS[zone][1]
    country = COUNTRY_CLOCKS.get(str(buyer_country or ""))
    if country is None or str(buyer_location or "us") in ("us", "other"):
        return "", ""
    return country


def _assurances(value: Any) -> list[Requirement]:
    chosen = value if isinstance(value, list | tuple) else [value] if value else []
    return [
        Requirement(
            f"assurance:{a}", "assurance", f"The provider holds {ASSURANCE_NAMES.get(a, a)}", a, ("your choice",)
        )
        for a in sorted({str(x).lower() for x in chosen} - NO_ASSURANCE)
    ]


def _contract_terms(regimes: Mapping[str, Mapping[str, Any]]) -> list[Requirement]:
    out = []
    for code, regime in sorted(regimes.items()):
        requires = regime.get("requires") or {}
        where = tuple(requires.get("when_processed_in") or ())
        for i, term in enumerate(requires.get("contract_terms") or ()):
            out.append(
                Requirement(
                    f"contract:{code}:{i}", "contract_terms", str(term), code, (str(regime.get("name", code)),), where
                )
            )
    return out


def _preferences(answers: Mapping[str, Any], labels: Mapping[str, str]) -> tuple[Preference, ...]:
    out = []
    region = answers.get("preferred_region")
    chosen = tuple(str(r) for r in (region if isinstance(region, list | tuple) else [region]) if r)
    chosen = tuple(r for r in chosen if r not in ("none", "no_preference", "no-preference"))
    if chosen:
        words = ", ".join(labels.get(r, r) for r in chosen)
        # A region's option ("cee") names it in its label before any list of its countries ("Central and Eastern
        # Europe (Poland, Romania, Ukraine)"): those words are the catalogue's region, which the locations carry.
        regions = tuple(labels[r].split(" (")[0] for r in chosen if " (" in labels.get(r, ""))
        out.append(Preference("preferred_region", f"Preferred region: {words}", chosen + regions))
    if _yes(answers.get("overnight_turnaround")):
        out.append(Preference("overnight_turnaround", "Work turned around overnight", True))
    if answers.get("cost_priority") == "lowest":
        out.append(Preference("cost_priority", "The lowest cost", "lowest"))
    return tuple(out)


def centre_here(requirements: Requirements, code: str, location: Mapping[str, Any]) -> bool:
    """Whether the buyer's own centre is at this location: it has an entity where it would deliver from and
    prefers this location's region, which is read as where that entity is."""
    return requirements.own_entity and preferred_here(requirements, code, location)


def preferred_here(requirements: Requirements, code: str, location: Mapping[str, Any]) -> bool:
    """Whether the buyer's preferred region names this location or its region."""
    region = requirements.preference("preferred_region")
    return region is not None and bool({code, location.get("region")} & set(region.value))


def applies_at(requirements: Requirements, location: str) -> tuple[Requirement, ...]:
    """The hard requirements that hold when the data is processed at this location."""
    return tuple(r for r in requirements.hard if not r.applies_in or location in r.applies_in)


def overlap_at(requirements: Requirements, location: Mapping[str, Any]) -> float | None:
    """Hours a day the location's working day overlaps the buyer's; None when the buyer's day is not known
    (or the location's time zone is not recorded)."""
    if requirements.market == "other":
        return None
    if requirements.market in BUYER_DAYS:
        buyer = BUYER_DAYS[requirements.market][0]
        if _swing(requirements, location) > 0.5:
            # Clocks changing in opposite seasons: the gap is an hour either side of the midpoints' one, so measured
            # half an hour either side and the lower taken, a day short by half an hour at most in one season, as
            # where one clock alone moves (review 94: Sydney and Poland, 2 h in the southern summer, said to give 3).
            both = [offset_overlap(buyer + d, location, requirements.shift) for d in (-0.5, 0.5)]
            return None if None in both else min(h for h in both if h is not None)
        return offset_overlap(buyer, location, requirements.shift)
    if requirements.shift:
        return offset_overlap(CATALOGUE_DAYS[requirements.market], location, requirements.shift)
    return _number(location.get("overlap_uk" if requirements.market == "uk" else "overlap_us"))


def across_date_line(requirements: Requirements, location: Mapping[str, Any], overlap: float | None) -> bool:
    """Whether the location's working day overlaps the buyer's only across the date line: the two clocks are more
    than 12 hours apart, so the nearer way round puts the location's afternoon on the buyer's next morning (Mexico
    City's Monday on Sydney's Tuesday). The days then meet on four of the buyer's five working days: its Monday
    falls on the location's Sunday, or its Friday on the location's Saturday. False when either clock is not known
    or the days do not overlap at all, and for the catalogue's own US Eastern and UK figures (a location's usual
    hours for those clients, such as a Philippine night shift, which meets the buyer's every working day).
    ``overlap``: the location's ``overlap_at``, which the ranking has worked out already."""
    if not overlap or not (requirements.shift or requirements.market in BUYER_DAYS):
        return False
    buyer, there = _buyer_offset(requirements), location_offset(location)
    return buyer is not None and there is not None and abs(buyer - there) > 12


def location_offset(location: Mapping[str, Any]) -> float | None:
    """The location's clock as a UTC offset in hours, its summer time counted as half an hour (the midpoint of its
    two values, as the catalogue's overlap figures are); None when not recorded."""
    minutes = _number(location.get("utc_offset_minutes"))
    return None if minutes is None else minutes / 60 + (0.5 if location.get("summer_time") else 0.0)


def offset_overlap(buyer_offset: float, location: Mapping[str, Any], shift: float = 0.0) -> float | None:
    """The overlap of two 09:00-17:00 days from their UTC offsets (hours), the location's summer time counted
    as half an hour (the midpoint of its two values, as the catalogue's figures are), with the location's day
    moved up to ``shift`` hours towards the buyer's. Days far apart overlap across midnight too (Sydney's
    morning is the previous afternoon in Mexico City)."""
    there = location_offset(location)
    if there is None:
        return None
    gap = abs(buyer_offset - there) % 24
    gap = min(gap, 24 - gap)  # the nearer way round: across midnight when the days are far apart
    return max(0.0, WORKING_DAY_HOURS - max(0.0, gap - shift))


def location_breaches(requirements: Requirements, locations: Mapping[str, Mapping[str, Any]]) -> tuple[Breach, ...]:
    """Every (location, requirement) that does not hold, with why. Catalogue locations are offshore, except the
    buyer's own country (``Requirements.home``), which is onshore."""
    out = []
    for code, loc in sorted(locations.items()):
        name = str(loc.get("name", code))
        subject = sentence_start(in_text(loc, code))  # each reason opens with the location
        for req in applies_at(requirements, code):
            reason = _location_reason(requirements, req, loc, subject, onshore=code == requirements.home)
            if reason:
                out.append(Breach(code, name, req.code, reason))
    return tuple(out)


def _location_reason(
    requirements: Requirements, req: Requirement, loc: Mapping[str, Any], name: str, *, onshore: bool = False
) -> str:
    """Why the location breaks ``req`` ("" when it does not); ``onshore``: it is the buyer's own country, where data
    kept in the country stays and a domestic provider's staff can be on site every day."""
    if req.kind == "overlap":
        hours = overlap_at(requirements, loc)
        if hours is None or hours < req.value:
            if opposite_seasons(requirements, loc) and (span := _year_range(requirements, loc, requirements.shift)):
                # Measured half an hour either side of the middle, the lower taken (``overlap_at``): the year's range
                # said too, as the table gives it.
                low, high = span
                return (
                    f"{name} overlaps {low:g}–{high:g} h with your working day over the year ({hours or 0:g} h "
                    f"taken, your summer and its falling in opposite seasons); you need {req.value:g} h"
                )
            return f"{name} overlaps {hours or 0:g} h with your working day; you need {req.value:g} h"
    if req.kind == "data_location" and not req.value and not onshore:
        # Every catalogue location but the buyer's own country is delivery from abroad.
        return f"{name} would be offshore delivery, ruled out: your data may not be accessed from outside your country"
    if req.kind == "data_location" and req.value and loc.get("gdpr_transfer") not in req.value:
        return f"{name} is not where your data may be processed ({req.text.lower()})"
    if req.kind == "onsite" and not onshore:
        return f"{name} is offshore: staff would have to travel or relocate to be on your site"
    return ""


@dataclass(frozen=True)
class LaunchScale:
    """The largest team the catalogue's launch times are for, and the months a larger team takes to move, as a team,
    whatever model it is bought as (the cost assumptions' ``launch_at_scale``, weak figures with their sources; review
    152: 60 and 500 analysts on a steady job were to start within a month as a project, which launches in a month
    for a research report or a patent search). A much larger team, past ``waves_team``, moves in waves: the first as
    soon, the whole team in about ``waves_months`` (its ``waves``; review 164: 5,000 analysts read as moved in the
    3 months one team's transition takes, with nothing to say more follows)."""

    team: float
    months: float
    words: str  # where the two figures come from, said in a breach's reason
    waves_team: float | None = None
    waves_months: float = 0.0
    waves_words: str = ""

    @classmethod
    def of(cls, assumptions: Mapping[str, Any] | None) -> LaunchScale | None:
        """The scale the frozen cost assumptions give; None for a playbook published before them (launch times then
        read as the catalogue gives them, whatever the team). Frozen before its ``waves``, a scale has none."""
        found = (assumptions or {}).get("launch_at_scale")
        if not isinstance(found, Mapping):
            return None
        team, months = _number(found.get("team_size")), _number(found.get("months"))
        if team is None or months is None:
            return None
        waves = found.get("waves")
        waves = waves if isinstance(waves, Mapping) else {}
        waves_team, waves_months = _number(waves.get("team_size")), _number(waves.get("months"))
        if waves_team is None or waves_months is None or waves_team <= team:
            return cls(team, months, str(found.get("words") or ""))
        return cls(team, months, str(found.get("words") or ""), waves_team, waves_months, str(waves.get("words") or ""))

    def larger(self, team: float | None) -> bool:
        """Whether a team of ``team`` people is larger than the catalogue's launch times are for: moved as a team."""
        return team is not None and team > self.team

    def in_waves(self, team: float | None) -> bool:
        """Whether a team of ``team`` people is too large to move at once: the first wave starts as a team of the
        scale's size would, the whole team in about ``waves_months`` (a risk says so, ``evaluate``; review 168: read
        as the time before any work could start, every model was ruled out)."""
        return self.waves_team is not None and team is not None and team > self.waves_team


def launch_months(model: Mapping[str, Any], team: float | None, scale: LaunchScale | None) -> float | None:
    """How long ``model`` takes to launch for a team of ``team`` people: the catalogue's ``ramp_up_months``, or, for a
    team larger than the scale's, no less than the scale's months (a larger team is moved as a team; a much larger one
    starts as soon, in waves). None when the catalogue gives no launch time."""
    launch = _number(model.get("ramp_up_months"))
    if launch is not None and scale is not None and scale.larger(team):
        return max(launch, scale.months)
    return launch


def moved_words(scale: LaunchScale, team: float | None) -> str:
    """How a team of ``team`` people larger than the catalogue's launch times are for moves, with the months and where
    they come from: "a team larger than 50 people is moved as a team, which takes about 3 months (…)", and for a team
    moved in waves "a team of more than 200 people moves in waves: a first wave of up to 200 people in about 3 months
    (…), the whole team of 300 in about 12"; "" for a team they are for."""
    if not scale.larger(team) or team is None:
        return ""
    if scale.in_waves(team):
        # Review 172: "moved as a team, which takes about 3 months" beside a risk saying 300 people move over a year;
        # review 174: the two clauses read as one team and as waves at once.
        return (
            f"a team of more than {number(scale.waves_team or 0)} people moves in waves: a first wave of up to "
            f"{number(scale.waves_team or 0)} people in about {scale.months:g} months ({scale.words}), the whole team "
            f"of {number(team)} in about {scale.waves_months:g}"
        )
    return (
        f"a team larger than {scale.team:g} people is moved as a team, which takes about {scale.months:g} months "
        f"({scale.words})"
    )


def _launch_reason(name: str, model: Mapping[str, Any], requirements: Requirements, scale: LaunchScale | None) -> str:
    """Why ``model`` cannot start by the date asked for, in words."""
    start = requirements.get("start_within")
    months = 0.0 if start is None else float(start.value)
    need = f"you need the work to start within {months:g} month{'s' if months != 1 else ''}"
    launch = _number(model.get("ramp_up_months"))
    scaled = launch_months(model, requirements.team, scale)
    if scale is not None and launch is not None and scaled is not None and scaled > launch:
        return (
            f"{name} takes about {launch:g} month{'s' if launch != 1 else ''} to launch for a team of up to "
            f"{scale.team:g} people (the catalogue's figure, with its sources), but "
            f"{moved_words(scale, requirements.team)}; {need}"
        )
    return f"{name} takes about {scaled:g} months to launch (the catalogue's figure, with its sources); {need}"


def model_breaches(
    requirements: Requirements, models: Mapping[str, Mapping[str, Any]], scale: LaunchScale | None = None
) -> tuple[Breach, ...]:
    """Models that cannot meet a requirement by how they work: a shared pool or a project cannot put
    named people on your site, and an outcome-priced service decides the method and signs off itself; a model that
    cannot launch a team of the requirements' size (``launch_months``, by ``scale``) by the start date."""
    out = []
    for code, model in sorted(models.items()):
        basis, name = model.get("pricing_basis"), str(model.get("name", code))
        if requirements.get("onsite") and basis in ("hourly", "per_deliverable", "outcome"):
            out.append(Breach(code, name, "onsite", f"{name} does not station named people on your site"))
        start = requirements.get("start_within")
        launch = launch_months(model, requirements.team, scale)
        if start is not None and launch is not None and launch > float(start.value):
            out.append(Breach(code, name, "start_within", _launch_reason(name, model, requirements, scale)))
        if requirements.get("licensed_signoff") and basis == "outcome":
            out.append(
                Breach(
                    code,
                    name,
                    "licensed_signoff",
                    f"{name} hands over outcomes, not work your licensed reviewer signs off",
                )
            )
    return tuple(out)


def _broken(breaches: Iterable[Breach]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for b in breaches:
        out.setdefault(b.target, set()).add(b.requirement)
    return out


def _cheapest(codes: Iterable[str], locations: Mapping[str, Mapping[str, Any]]) -> list[str]:
    return sorted(codes, key=lambda c: (_number(locations[c].get("cost_index")) or 99, c))


def conflicts(
    requirements: Requirements,
    locations: Mapping[str, Mapping[str, Any]],
    ranked: Sequence[str] = (),
    overnight_at: frozenset[str] = frozenset(),
    breaches: Sequence[Breach] | None = None,
) -> tuple[Conflict, ...]:
    """Trade-offs to decide: a preference only locations that break a requirement can give, and pairs of
    requirements that no single location meets together, each with its options. "Keep the requirement" names
    the location the result delivers from: the first of ``ranked`` (the evaluation's order) meeting every
    requirement, or the cheapest by cost index when no order is given. ``overnight_at``: the locations the playbook's
    rules favour for overnight turnaround with this buyer (a team starting hours before the buyer's day can give
    some overlap and still turn work around overnight, as India does for a UK buyer needing 3 h). ``breaches``: the
    caller's ``location_breaches`` of the same requirements and locations, when it has them already."""
    broken = _broken(location_breaches(requirements, locations) if breaches is None else breaches)
    order = [c for c in ranked if c in locations] or _cheapest(locations, locations)
    fits = [c for c in order if not broken.get(c)]
    out = [*_preference_conflicts(requirements, locations, broken, fits, overnight_at)]
    if not fits:
        out += _requirement_conflicts(requirements, locations, broken)
    return tuple(out)


def in_text(location: Mapping[str, Any], code: str = "") -> str:
    """A compiled catalogue location's name as it reads inside a sentence ("delivered from the Philippines"):
    its curated ``name_in_text``, else its name (a catalogue frozen before the field was curated has none)."""
    return str(location.get("name_in_text") or location.get("name") or code)


def _name(locations: Mapping[str, Mapping[str, Any]], code: str) -> str:
    return in_text(locations[code], code)


def _keep(
    requirements: Requirements, locations: Mapping[str, Any], fits: list[str], what: str, given_up: Sequence[str] = ()
) -> Option:
    """Keep a requirement and deliver from the first location meeting every one, with what its providers charge for
    this work; against the location given up for it, where that is one (``given_up``, the preferred region's), before
    India's, the benchmark (review 166: Poland, kept for the overlap, was priced only against India, neither option;
    against the Philippines given up it was about 17% dearer, not 24%)."""
    if not fits:
        return Option(
            f"Keep {what}: no catalogue location meets every requirement, so see the other trade-offs",
            "no offshore location fits",
        )
    best = fits[0]
    index = _number(locations[best].get("cost_index"))
    words = rates_words(index, requirements.rate_share)
    other = _number(locations[given_up[0]].get("cost_index")) if len(given_up) == 1 else None
    if index and other:
        ratio = _work_rate(index, requirements.rate_share) / _work_rate(other, requirements.rate_share)
        there = _name(locations, given_up[0])
        against = (
            f"provider rates for this work about the same as in {there}"
            if abs(ratio - 1) < 0.005
            else f"provider rates for this work about {round(abs(ratio - 1) * 100)}% "
            f"{'more' if ratio > 1 else 'less'} than in {there}"
        )
        india = round(_work_rate(index, requirements.rate_share), 2)
        level = "at India's level" if abs(india - 1) < 0.005 else f"about {india:g} times India's"
        # Against India, the benchmark, once (review 168: "24% more than in India (about 1.24 times India's)").
        words = against if abs(other - 1) < 0.005 else f"{against} ({level}, the benchmark)"
    return Option(f"Keep {what} and deliver from {_name(locations, best)}", words)


def _work_rate(index: float, share: float | None) -> float:
    """A location's rate for this work against India's: its cost index on the share of the rate that follows where
    the team is (``rates_words``; all of it when ``share`` is None)."""
    return 1.0 + (index - 1.0) * share if share is not None and share < 1 else index


def work_rate(index: Any, share: float | None) -> float | None:
    """A location's provider rates for this work against India's, to two places, where the function's rate follows
    where the team is only in part (``share`` < 1); None otherwise, or for a location with no index."""
    try:
        value = float(index)
    except (TypeError, ValueError):
        return None
    if not value or share is None or share >= 1:
        return None
    return round(_work_rate(value, share), 2)


def rates_words(index: float | None, share: float | None = None) -> str:
    """A location's cost index as a buyer reads it: its provider rates against India's, the benchmark (1.00); for a
    function whose rate follows where the team is only in part (``share``), the rate for this work, as the cost prices
    it (the whole index had read "about 1.67 times India's" where the cost priced 1.24)."""
    if not index:
        return "provider rates not compared (no cost index)"
    if abs(index - 1) < 0.005:
        return "provider rates at India's level (the benchmark)"
    if share is not None and share < 1:
        # The factor alone, as the cost prices it; how it is built from the index is the cost inputs' to say (review
        # 154: "1.5 times on the 36% of the rate that follows where the team is" read as a formula, not a price).
        rate = round(_work_rate(index, share), 2)
        if abs(rate - 1) < 0.005:
            return "provider rates for this work at about India's level (the benchmark)"
        more = f"about {round(abs(rate - 1) * 100)}% {'more' if rate > 1 else 'less'}"
        return f"provider rates for this work about {rate:g} times India's ({more})"
    return f"provider rates about {index:g} times India's"


def _preference_conflicts(
    requirements: Requirements,
    locations: Mapping[str, Mapping[str, Any]],
    broken: dict[str, set[str]],
    fits: list[str],
    overnight_at: frozenset[str] = frozenset(),
) -> list[Conflict]:
    out = []
    region = requirements.preference("preferred_region")
    if region is not None:
        wanted = [c for c, loc in locations.items() if preferred_here(requirements, c, loc)]
        for req_code in sorted({r for c in wanted for r in broken.get(c, set())}):
            if all(req_code in broken.get(c, set()) for c in wanted):
                req = requirements.get(req_code)
                assert req is not None
                place = ", ".join(_name(locations, c) for c in sorted(wanted))
                triggers = tuple(r.value for r in requirements.hard if r.applies_in and set(r.applies_in) & set(wanted))
                out.append(
                    Conflict(
                        f"preferred_region:{req_code}",
                        "preference",
                        ("preferred_region", req_code),
                        f"You prefer {place}, which breaks “{req.text}”.",
                        (
                            _keep(requirements, locations, fits, f"“{req.text}”", sorted(wanted)),
                            _relax(req, requirements, locations, sorted(wanted), triggers),
                        ),
                    )
                )
    overnight = requirements.preference("overnight_turnaround")
    overlap = requirements.get("overlap")
    # No conflict when a location meeting the overlap is one the rules favour for overnight work: the two hold
    # together there, whether or not it ranks first on its other points, and whatever else rules it out (review 96:
    # with the data kept onshore, no location fitting at all, the two were named as the trade-off).
    both = any(c in overnight_at and "overlap" not in broken.get(c, set()) for c in locations)
    if overnight is not None and overlap is not None and overlap.value > OVERNIGHT_MAX_OVERLAP and not both:
        options = [
            _keep(requirements, locations, fits, "the overlap"),
            Option(
                "Split the work: an overlapping team for live work, an overnight team for turnaround",
                "two locations to run and govern",
            ),
        ]
        if shifted := _cheaper_on_a_shifted_day(requirements, overlap, locations, broken, fits):
            options.append(shifted)
        out.append(
            Conflict(
                "overnight_turnaround:overlap",
                "preference",
                ("overnight_turnaround", "overlap"),
                "Overnight turnaround needs a team that works while you sleep, but you need "
                f"{overlap.value:g} h of overlap.",
                tuple(options),
            )
        )
    cost = requirements.preference("cost_priority")
    if cost is not None and locations:
        cheapest = _cheapest(locations, locations)[0]
        for req_code in sorted(broken.get(cheapest, set())):
            req = requirements.get(req_code)
            assert req is not None
            out.append(
                Conflict(
                    f"cost_priority:{req_code}",
                    "preference",
                    ("cost_priority", req_code),
                    f"The lowest-cost location, {_name(locations, cheapest)}, breaks “{req.text}”.",
                    (
                        _keep(requirements, locations, fits, f"“{req.text}”"),
                        _relax(req, requirements, locations, [cheapest], ()),
                    ),
                )
            )
    return out


def _cheaper_on_a_shifted_day(
    requirements: Requirements,
    overlap: Requirement,
    locations: Mapping[str, Mapping[str, Any]],
    broken: dict[str, set[str]],
    fits: list[str],
) -> Option | None:
    """For a buyer who has not accepted shifted hours: the cheapest location, cheaper than the one kept, that breaks
    the overlap alone and would give it on a working day moved within ``SHIFT_HOURS`` (an evening shift), as a way
    out of overnight turnaround against overlap: it gives the overnight turnaround up, as keeping the overlap does,
    at a lower cost index. None when there is no such location, or the buyer's shifted day is already counted."""
    if requirements.shift or not fits:
        return None
    kept = _number(locations[fits[0]].get("cost_index")) or 99
    for code in _cheapest(locations, locations):
        if (_number(locations[code].get("cost_index")) or 99) >= kept:
            return None
        day = _trade_off_day(requirements, locations[code], float(overlap.value))
        if broken.get(code) == {"overlap"} and day is not None and day.moved <= SHIFT_HOURS:
            option = _shifted_option(overlap, requirements, locations, [code], ())
            index = _number(locations[code].get("cost_index"))
            words = rates_words(index, requirements.rate_share)
            return replace(option, costs=f"{option.costs}; {words}; no overnight turnaround")
    return None


def _relax(
    req: Requirement,
    requirements: Requirements,
    locations: Mapping[str, Mapping[str, Any]],
    codes: Sequence[str],
    triggers: tuple[str, ...],
) -> Option:
    place = ", ".join(_name(locations, c) for c in codes)
    if req.kind == "overlap":
        return _shifted_option(req, requirements, locations, codes, triggers)
    if req.kind == "data_location" and not req.value and FEDERAL_TAX_BECAUSE in req.because:
        # Publication 1075 allows no offshore access to federal tax information, with no permission to ask for
        # (review 147: "only if the law … permits access from there in writing"): only the other work can go.
        return Option(
            f"Deliver from {place} only work that involves no federal tax information",
            "the federal tax information stays with a team in the United States: IRS Publication 1075 allows no "
            "offshore access to it, whatever permission is asked",
            triggers,
        )
    if req.kind == "data_location" and not req.value and BANNED_BECAUSE in req.because:
        return Option(
            f"Deliver from {place} only work that involves none of the data the rules ban offshore work on",
            "that data stays with a team in your country: the rules that ban offshore work on it are yours to read "
            "for any exception, and without one no offshore access to it is open",
            triggers,
        )
    if req.kind == "data_location" and not req.value:
        # The data may not leave the country: no transfer tool opens an offshore location, only whoever set the
        # restriction (the law, a regulator, a client) can.
        return Option(
            f"Deliver from {place} only if the law, regulator or client contract that keeps the data in your "
            "country permits access from there in writing (a licence, an approval, the client's consent)",
            "a legal review first; without that permission no offshore delivery is open to you",
            triggers,
        )
    if req.kind == "data_location":
        return Option(
            f"Process the data in {place} under transfer safeguards (SCCs, a transfer impact assessment)",
            "legal review and a transfer impact assessment; only if no regime forbids it",
            triggers,
        )
    return Option(f"Give up “{req.text}” to deliver from {place}", "the requirement no longer holds", triggers)


def _buyer_offset(requirements: Requirements) -> float | None:
    """The buyer's day as a UTC offset in hours (as ``overlap_at`` measures a shifted day); None: not known."""
    if requirements.market in BUYER_DAYS:
        return BUYER_DAYS[requirements.market][0]
    return CATALOGUE_DAYS.get(requirements.market)


@dataclass(frozen=True)
class ShiftedDay:
    """The location's 09:00-17:00 day moved towards the buyer's by just enough for some hours of overlap."""

    moved: float  # hours
    later: bool  # moved later (the buyer's day is behind the location's), else earlier
    start: float  # local hour the moved day starts
    overlap: float  # the overlap it gives, by ``offset_overlap``

    @property
    def hours(self) -> str:
        return f"{_clock(self.start)}–{_clock(self.start + WORKING_DAY_HOURS)}"


def _clock(hour: float) -> str:
    minutes = round(hour * 60) % (24 * 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def shifted_day(requirements: Requirements, location: Mapping[str, Any], hours: float) -> ShiftedDay | None:
    """How far the location's working day must move towards the buyer's to overlap it ``hours`` a day, and the
    overlap that day gives, worked out by ``offset_overlap`` (the one computation, so the option never names a
    day that falls short); None when either clock is not known."""
    return _moved_day(requirements, location, lambda gap: max(0.0, gap - (WORKING_DAY_HOURS - hours)))


def year_round_day(
    requirements: Requirements, location: Mapping[str, Any], hours: float, limit: float
) -> ShiftedDay | None:
    """``shifted_day`` for ``hours`` of overlap in both seasons: where one clock moves in summer and the other does
    not, the gap is half an hour either side of the one measured (an hour, where the two move in opposite seasons:
    ``_swing``), so the day moves that much more, when that keeps the move within ``limit`` hours; otherwise the day
    giving the hours on the measured gap."""
    if swing := _swing(requirements, location):
        day = shifted_day(requirements, location, min(WORKING_DAY_HOURS, hours + swing))
        if day is not None and day.moved <= limit:
            return day
    return shifted_day(requirements, location, hours)


def day_gives(requirements: Requirements, location: Mapping[str, Any], day: ShiftedDay) -> str:
    """The overlap the moved ``day`` gives, in words, through the year: where one of the two clocks moves in summer
    and the other does not, the gap is half an hour either side of the one measured, so "6–7 h over the year" (an
    hour either side where they move in opposite seasons, "2–4 h over the year"); else "6.5 h"."""
    span = _year_range(requirements, location, day.moved)
    if span is None:
        return f"{day.overlap:g} h"
    low, high = span
    return f"{low:g} h" if low == high else f"{low:g}–{high:g} h over the year"


def _year_range(requirements: Requirements, location: Mapping[str, Any], moved: float) -> tuple[float, float] | None:
    """The least and the most overlap a day moved ``moved`` hours gives through the year, where the gap between the
    two clocks moves with the seasons (``_swing``); None where it does not, or the buyer's clock is not known."""
    buyer, swing = _buyer_offset(requirements), _swing(requirements, location)
    if buyer is None or not swing:
        return None
    low, high = sorted(offset_overlap(buyer + d, location, moved) or 0.0 for d in (-swing, swing))
    return low, high


def accepted_day(requirements: Requirements, location: Mapping[str, Any]) -> ShiftedDay | None:
    """The day the location's staff would work on the shifted hours the buyer accepts: moved towards the buyer's
    just enough for the overlap needed (``shifted_day``), or, with no hours needed, as far as ``overlap_at``
    measures it (the gap between the two days, at most ``Requirements.shift``). None when the buyer accepts no
    shift, either clock is not known, the plain day already gives the overlap needed, or the move needed is more
    than the shift accepted (the location then breaks the requirement)."""
    if not requirements.shift:
        return None
    need = requirements.get("overlap")
    if need is not None and isinstance(need.value, int | float):
        day = year_round_day(requirements, location, float(need.value), requirements.shift)
        if day is None or day.moved > requirements.shift:
            return None
    else:
        day = _moved_day(requirements, location, lambda gap: min(gap, requirements.shift))
    return day if day is not None and day.moved > 0 else None


def _moved_day(
    requirements: Requirements, location: Mapping[str, Any], move: Callable[[float], float]
) -> ShiftedDay | None:
    """The location's 09:00-17:00 day moved towards the buyer's by ``move(gap)`` hours, ``gap`` being the hours
    between the two days the nearer way round, with the overlap it gives; None when either clock is not known."""
    buyer, there = _buyer_offset(requirements), location_offset(location)
    if buyer is None or there is None:
        return None
    ahead = (buyer - there) % 24
    moved = move(min(ahead, 24 - ahead))
    later = ahead > 12  # the buyer's clock is behind: the location works later to meet it
    overlap = offset_overlap(buyer, location, moved)
    assert overlap is not None
    return ShiftedDay(moved, later, (9 + (moved if later else -moved)) % 24, overlap)


def _shifted_option(
    req: Requirement,
    requirements: Requirements,
    locations: Mapping[str, Mapping[str, Any]],
    codes: Sequence[str],
    triggers: tuple[str, ...],
) -> Option:
    unpriced = "any shift allowance and the effect on retention are not priced here (the product's assumption)"
    days = {c: _trade_off_day(requirements, locations[c], float(req.value)) for c in codes}
    if any(d is None for d in days.values()):
        place = ", ".join(_name(locations, c) for c in codes)
        return Option(
            f"Deliver from {place} on shifted hours to give {req.value:g} h of overlap",
            f"a working day moved later or earlier there; {unpriced}",
            triggers,
        )
    known = {c: d for c, d in days.items() if d is not None}
    parts = " or ".join(
        f"{_name(locations, c)} on a working day moved {d.moved:g} h {'later' if d.later else 'earlier'} "
        f"(about {d.hours} local time)"
        for c, d in known.items()
    )
    given = min(d.overlap for d in known.values())
    beyond = max(d.moved for d in known.values()) > SHIFT_HOURS
    priced = [words for c, d in known.items() if (words := night_premium_words(locations[c], d, _name(locations, c)))]
    if priced:
        unpriced = f"{'; '.join(priced)}; any other shift allowance and the effect on retention are not priced here"
    costs = (
        f"a day moved further than the {SHIFT_HOURS:g} h the product counts as workable (an evening or early-morning "
        f"shift): it runs into the night there, which the product does not assume; {unpriced}"
        + (
            ""
            if priced
            else "; where the law sets a premium for night work, the location's risks in the locations "
            "catalogue name it"
        )
        if beyond
        else f"an evening or early shift there; {unpriced}"
    )
    # A day moved half an hour more to hold in both seasons gives the hours needed all year, more in one season; one
    # that could not be moved so far within the workable shift gives them in one season only.
    gives = f"at least {req.value:g} h of overlap all year" if given > float(req.value) else f"{given:g} h of overlap"
    short = [c for c, d in known.items() if _swing(requirements, locations[c]) and d.overlap <= float(req.value)]
    if short:
        less = "half an hour" if _swing(requirements, locations[short[0]]) < 1 else "an hour"
        gives += f" ({less} less {_short_months(requirements, locations[short[0]], known[short[0]])})"
    return Option(f"Deliver from {parts} to give {gives}", costs, triggers)


def sources_naming(entry: Mapping[str, Any], figure: str) -> list[Mapping[str, Any]]:
    """The catalogue entry's sources that name ``figure`` in their ``figures`` list: the one reading of it for the
    cost's figures, the cost estimate and the trade-offs."""
    sources = [s for s in entry.get("sources", []) if isinstance(s, Mapping)]
    return [s for s in sources if figure in (s.get("figures") or ())]


def night_hours(location: Mapping[str, Any], day: ShiftedDay) -> float:
    """Hours of the moved day that fall in the night the location's law pays a premium for (its ``night_hours``,
    local, across midnight when the first is later than the last); 0 when it records none."""
    window = location.get("night_hours")
    if not _number(location.get("night_premium")) or not isinstance(window, list | tuple) or len(window) != 2:
        return 0.0
    first, last = (_number(h) for h in window)
    if first is None or last is None:
        return 0.0
    length = (last - first) % 24 or 24.0
    end = day.start + WORKING_DAY_HOURS
    return sum(max(0.0, min(end, base + length) - max(day.start, base)) for base in (first - 24, first, first + 24))


def night_premium_words(location: Mapping[str, Any], day: ShiftedDay, name: str) -> str:
    """The premium the location's law adds to the pay of the moved day's night hours, priced as a share of the day's
    pay and cited to the source the catalogue names for it; "" when the day has no such hours there."""
    hours = night_hours(location, day)
    premium = _number(location.get("night_premium"))
    if not hours or not premium:
        return ""
    first, last = (int(h) for h in location["night_hours"])
    cited = "; ".join(str(s.get("title", "")) for s in sources_naming(location, "night_premium"))
    share = premium * hours / WORKING_DAY_HOURS
    return (
        f"{hours:g} of the day's {WORKING_DAY_HOURS:g} hours in {name} fall between {first:02d}:00 and {last:02d}:00, "
        f"when the law there adds at least {premium:.0%} to the pay of each hour"
        + (f" ({cited})" if cited else "")
        + f": about {share:.0%} more on the team's pay, which a provider passes on in its rate and the cost above "
        "does not count"
    )


def _short_months(requirements: Requirements, location: Mapping[str, Any], day: ShiftedDay) -> str:
    """The months in which a day measured on the middle of the two clocks' gap gives half an hour less, where only
    one of them has summer time: summer moves that clock an hour ahead, so the buyer's day sits half an hour ahead of
    the middle when the buyer's is the one that moves, half an hour behind it when the location's is. A US Eastern
    buyer and India are closer in the US summer, so the day falls short in the US winter."""
    buyer = _buyer_offset(requirements)
    if buyer is None:
        return "in part of the year"
    if _swing(requirements, location) >= 1:  # opposite seasons: the buyer's summer widens or narrows the gap by an hour
        in_summer = offset_overlap(buyer + 1.0, location, day.moved) or 0.0
        in_winter = offset_overlap(buyer - 1.0, location, day.moved) or 0.0
        return "in your summer" if in_summer < in_winter else "in your winter"
    summer = 0.5 if requirements.market in SUMMER_TIME_MARKETS else -0.5
    in_summer = offset_overlap(buyer + summer, location, day.moved) or 0.0
    in_winter = offset_overlap(buyer - summer, location, day.moved) or 0.0
    if in_summer < in_winter:
        return "in the months when only one of the two clocks is on summer time"
    return "in the months when neither clock is on summer time"


def opposite_seasons(requirements: Requirements, location: Mapping[str, Any]) -> bool:
    """Whether the buyer's clock and the location's keep summer time in opposite seasons (``_swing`` of an hour)."""
    return _swing(requirements, location) >= 1


def _swing(requirements: Requirements, location: Mapping[str, Any]) -> float:
    """How far, in hours, the gap between the buyer's clock and the location's moves either side of the one measured
    on their midpoints through the year: 0 when both keep summer time in the same season or neither keeps it, 0.5
    when one of them does, 1 when they keep it in opposite seasons (``SOUTHERN_SUMMER_MARKETS``)."""
    buyer_moves, there_moves = requirements.market in SUMMER_TIME_MARKETS, bool(location.get("summer_time"))
    if buyer_moves != there_moves:
        return 0.5
    return 1.0 if buyer_moves and requirements.market in SOUTHERN_SUMMER_MARKETS else 0.0


def _trade_off_day(requirements: Requirements, location: Mapping[str, Any], hours: float) -> ShiftedDay | None:
    """The day a trade-off offers for ``hours`` of overlap: in both seasons (``year_round_day``) unless that would
    take a day within the workable ``SHIFT_HOURS`` beyond them (the trade-off then says it falls short in part of the
    year); a day already beyond them moves the extra half hour too."""
    plain = shifted_day(requirements, location, hours)
    if plain is None:
        return None
    return year_round_day(requirements, location, hours, SHIFT_HOURS if plain.moved <= SHIFT_HOURS else math.inf)


def _requirement_conflicts(
    requirements: Requirements, locations: Mapping[str, Mapping[str, Any]], broken: dict[str, set[str]]
) -> list[Conflict]:
    """No location meets every requirement: name each pair that no location meets together (while each
    alone is met somewhere), with the locations that meet one or the other."""
    codes = sorted({r for s in broken.values() for r in s})
    out = []
    for i, a in enumerate(codes):
        for b in codes[i + 1 :]:
            meets_a = [c for c in locations if a not in broken.get(c, set())]
            meets_b = [c for c in locations if b not in broken.get(c, set())]
            if meets_a and meets_b and not set(meets_a) & set(meets_b):
                ra, rb = requirements.get(a), requirements.get(b)
                assert ra is not None and rb is not None
                out.append(
                    Conflict(
                        f"{a}:{b}",
                        "requirements",
                        (a, b),
                        f"No location meets both “{ra.text}” and “{rb.text}”.",
                        tuple(
                            Option(
                                f"Keep “{r.text}” and deliver from {_name(locations, _cheapest(m, locations)[0])}",
                                f"gives up “{other.text}”",
                            )
                            for r, m, other in ((ra, meets_a, rb), (rb, meets_b, ra))
                        ),
                    )
                )
    if not out and codes:
        # A requirement no location meets on its own is named: it alone keeps the work onshore.
        alone = [
            r.text
            for c in codes
            if all(c in broken.get(loc, set()) for loc in locations) and (r := requirements.get(c))
        ]
        what = " nor ".join(f"“{text}”" for text in alone) if alone else "every requirement"
        out.append(
            Conflict(
                "onshore",
                "requirements",
                (codes[0], codes[-1]),
                # A buyer whose own country is a catalogue location has it ranked too: none of them fits either.
                f"No location, your own country included, meets {what}."
                if requirements.home in locations
                else f"No offshore location meets {what}.",
                (
                    Option(
                        "Keep the work onshore (in-house or an onshore provider)",
                        "the in-house cost; no offshore saving",
                    ),
                ),
            )
        )
    return out
