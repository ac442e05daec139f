"""Answers that are each valid but disagree with one another, named so the buyer corrects one of them.

Every answer is checked on its own when it is given (``answers.clean_answer``); these checks read two
answers together. They never refuse a save, nor a submit for an unusual answer that may be right (overtime, a
team shared across several pieces of work), but a cost built on a slip would mislead, so the review page lists
them before submitting and the result's cost section says them again beside the figures they move. Only hours no
one can work (more than ``MOST_POSSIBLE_A_WEEK`` a week each), or so few that no one can be said to do the work
(less than ``LEAST_POSSIBLE_EACH`` each), hold the submit back until corrected.

One home: the review page passes the answers by role (``checks_for_answers``), the result page the figures
its stored cost was built on (``answer_checks``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from apps.common.formatting import number
from apps.playbooks.engine.requirements import ONE_OFF
from apps.playbooks.engine.tco.types import (
    CURRENCIES,
    ELSEWHERE,
    FTE_HOURS,
    MAX_ONCE_WEEKS,
    MAX_WEEKS,
    MAX_YEARS,
    WEEKS_A_YEAR,
    once_weeks,
)

# The loaded cost of one person doing knowledge work a year, all in, lies between these in US dollars, pounds or
# euros: the product's bounds, wide of the catalogue's benchmarks (a US actuary's or lawyer's loaded year is a few
# hundred thousand dollars; an offshore analyst's, where a buyer elsewhere employs one, a few thousand). Outside them
# the figure is most likely in another currency (¥9,000,000 read as dollars) or has a digit too many or too few.
OWN_COST_BOUNDS = (3_000.0, 1_000_000.0)
HOME_CURRENCY_WORDS = {"us": "US dollars", "uk": "pounds", "eu": "euros"}
# Steady work whose people would each work from half (for a team of ``WHOLE_TEAM`` or more, from a few hours a week)
# to this share of a full-time year: a dedicated team priced at every seat and in-house at the hours differ by more
# than a tenth (the product's thresholds).
PART_TIME_SHARE = 0.9
PART_TIME_FLOOR = 0.5
WHOLE_TEAM = 10
# A person works at most a full-time year and a quarter (2,500 hours, overtime included) on one piece of work:
# more hours per person than that means the hours or the number of people is a slip.
MOST_HOURS_PER_PERSON = FTE_HOURS * 1.25


@dataclass(frozen=True)
class AnswerCheck:
    """One disagreement: what is wrong and why it matters, and the roles of the answers to look at again."""

    text: str
    roles: tuple[str, ...]
    # More hours per person than anyone can work (``MOST_POSSIBLE_A_WEEK``), or less than an hour each
    # (``LEAST_POSSIBLE_EACH``): not an unusual answer but a slip, and a result built on it would compare figures the
    # product itself calls not like for like. Submitting waits for it
    # to be corrected (review 79: 40,000 hours a year for 2 people stored "KPO wins" with a 47% saving).
    impossible: bool = False


def _people(count: float) -> str:
    return f"{number(count)} {'person' if count == 1 else 'people'}"


def _positive(value: Any) -> float | None:
    try:
        found = float(value)
    except (TypeError, ValueError):
        return None
    return found if found > 0 else None


# A dedicated team is paid for every seat full-time: people who each work about two hours a week or less on the work
# (a twentieth of a full-time year, 100 hours) are almost wholly idle in the team's cost, so the hours or the number
# of people is likely a slip. Part-time shares above it are common (a one-off study, a season) and not named.
FEWEST_HOURS_PER_PERSON = FTE_HOURS / 20

# Less than an hour each, over the year or the weeks asked, is no one's share of a team's work: 5,000 people for 100
# hours a year (review 107) is a slip, and a result built on it would price a team of thousands for minutes' work.
LEAST_POSSIBLE_EACH = 1.0

# The busiest three months are 13 of a year's 52 weeks.
PEAK_WEEKS = 13


def _a_week(hours: float) -> str:
    """Hours a week in words: "about 3 hours a week", or "less than an hour a week"."""
    if hours < 0.5:
        return "less than an hour a week"
    rounded = round(hours)
    return f"about {number(rounded)} hour{'' if rounded == 1 else 's'} a week"


def _each_under(hours: float, people: float, weeks: float) -> int | None:
    """The hours each of two or more ``people`` would work, rounded, when ``hours`` over ``weeks`` are less than
    ``FEWEST_HOURS_PER_PERSON`` a year each; None when they are not."""
    if people >= 2 and hours / people < FEWEST_HOURS_PER_PERSON * weeks / WEEKS_A_YEAR:
        return round(hours / people)
    return None


# How in-house is set against the options, opening a check's second sentence: priced, or, for a buyer whose in-house pay
# has no benchmark, the level at which the two cost the same.
PRICED_IN_HOUSE = "In-house is priced at"
LEVEL_IN_HOUSE = "The level with in-house is worked out at"


def _part_time(hours: float, people: float, inhouse: str = PRICED_IN_HOUSE) -> AnswerCheck | None:
    """Steady work whose people would each work most of a year but clearly less than all of it (from
    ``PART_TIME_FLOOR`` to ``PART_TIME_SHARE`` of a full-time year), as a full team answered with hours a tenth short
    reads: in-house is priced at the full-time equivalents the hours need, a dedicated team at every one of the people
    full-time, so the two differ by more than the work. A few people who each give this work less than half a year
    do other work beside it, which the cost section says (in-house priced at the hours, the saving a floor); but ten
    or more who each do (``WHOLE_TEAM``) are most likely a department's headcount answered for the people this work
    needs, and the gap grows with them (review 109: 10,000 hours for 60 people said nothing, beside "$19,400,000
    more"), so for them every share from a few hours a week (``FEWEST_HOURS_PER_PERSON``) up is named; fewer hours
    each are ``_few_hours``'s."""
    each = hours / people
    floor = FEWEST_HOURS_PER_PERSON if people >= WHOLE_TEAM else FTE_HOURS * PART_TIME_FLOOR
    if people < 2 or each < floor or each >= FTE_HOURS * PART_TIME_SHARE:
        return None
    fte = hours / FTE_HOURS
    return AnswerCheck(
        f"{number(hours)} hours a year for {_people(people)} is {number(round(each))} hours each, less than a "
        f"full-time year (about {number(FTE_HOURS)} hours). {inhouse} the {number(round(fte, 2))} "
        f"full-time equivalents the hours need, a dedicated team at all {_people(people)} full-time, so the two are "
        f"not like for like: if the {_people(people)} do this work full-time, answer the hours they work "
        f"({number(round(people * FTE_HOURS))}); if the hours are right, a provider would staff about "
        f"{number(math.ceil(fte))}.",
        ("annual_hours", "team_size"),
    )


def _weeks(count: float) -> str:
    return f"{number(count)} week{'' if count == 1 else 's'}"


def _hours(count: float) -> str:
    return f"{number(count)} hour{'' if count == 1 else 's'}"


def _few_hours(hours: float, people: float, weeks: float | None, inhouse: str = PRICED_IN_HOUSE) -> AnswerCheck | None:
    """People who would each do little of the work: a dedicated team priced at every seat against in-house priced
    at the hours (``Case.inhouse_fte``) is not like for like."""
    span = weeks or WEEKS_A_YEAR
    each = _each_under(hours, people, span)
    if each is None:
        return None
    full_time = round(hours / (FTE_HOURS * span / WEEKS_A_YEAR), 1)
    period = f"in {number(span)} weeks" if weeks else "a year"
    share = f"{_hours(each)} each" if each >= 1 else "less than an hour each"
    needed = (
        "less than one full-time person"
        if full_time < 1
        else f"{number(full_time)} full-time {'person' if full_time == 1 else 'people'}"
    )
    return AnswerCheck(
        f"{_hours(hours)} of work {period} for {_people(people)} is {share}, {_a_week(hours / people / span)}. "
        f"{inhouse} the hours ({needed}), a dedicated team at all {_people(people)} full-time, so the team "
        "will look far dearer than the work needs: correct the hours or the number of people, or, if each does this "
        "work beside other work, answer the people the hours need.",
        ("annual_hours", "team_size"),
        impossible=hours / people < LEAST_POSSIBLE_EACH,
    )


# Less work than a working day's, a year or in all: too little to contract a provider for (review 170: an hour a
# year read "KPO wins" with a managed service at over a hundred times the in-house cost, and a trial "before
# committing to the year's volume").
WORKING_DAY = 8.0


def _less_than_a_day(hours: float, once: bool) -> AnswerCheck:
    return AnswerCheck(
        f"{_hours(hours)} of work {'in all' if once else 'a year'} is less than a working day: check the hours. A "
        "provider seldom takes on so little on its own, and contracting and handing over even a small piece of work "
        "can cost more than it saves: the cost here caps contracting at a quarter of the fees, which for so small a "
        "job may be too little.",
        ("annual_hours",),
    )


# With even demand a quarter of the year's hours falls in any three months: seasonal work puts more in its busiest.
EVEN_PEAK_SHARE = 25.0


def _peak_below_even(share: float) -> AnswerCheck | None:
    """A busiest-three-months share of even demand's 25% or less, which prices the work as even (no season at all):
    most likely a fraction typed for a percentage (0.4 for 40%) or a slip (review 109: 0.4 and 10 were saved without
    a word, and the season dropped from the cost)."""
    if share > EVEN_PEAK_SHARE:
        return None
    meant = f" If you meant {number(round(share * 100))}%, type {number(round(share * 100))}." if share <= 1 else ""
    return AnswerCheck(
        f"{number(share)}% of the year's hours in the busiest three months is no more than even demand puts in any "
        f"three months (about {number(EVEN_PEAK_SHARE)}%), so the work is priced as even, with no season.{meant} "
        "Answer the busiest three months' share as a percentage, above 25% for seasonal work, or answer the demand "
        "as steady.",
        ("peak_share",),
    )


# Hours a week no one can keep up over the weeks asked (every day of the week, near twelve hours a day): beyond them the
# hours or the number of people is a slip, whatever the overtime or the shifts.
MOST_POSSIBLE_A_WEEK = 80


def _impossible(hours: float, people: float, weeks: float) -> bool:
    return hours / people / weeks > MOST_POSSIBLE_A_WEEK


def _each_beyond(hours: float, people: float, weeks: float) -> int | None:
    """The hours each of ``people`` would work, rounded, when ``hours`` over ``weeks`` are more than one person
    works in that many weeks (``MOST_HOURS_PER_PERSON`` a year); None when they are not."""
    if hours / people > MOST_HOURS_PER_PERSON * weeks / WEEKS_A_YEAR:
        return round(hours / people)
    return None


def _own_cost(own_cost: Any, market: Any) -> AnswerCheck | None:
    """The buyer's loaded cost of one in-house person a year, when it is beyond anyone's pay for knowledge work in
    the currency it is read in (``OWN_COST_BOUNDS``): most likely a figure in another currency (yen, rupees) or
    with a digit too many or too few."""
    cost = _positive(own_cost)
    if cost is None:
        return None
    low, high = OWN_COST_BOUNDS
    if low <= cost <= high:
        return None
    currency = HOME_CURRENCY_WORDS.get(str(market or "us"), "US dollars")
    side = "more" if cost > high else "less"
    bound = number(high if cost > high else low)
    convert = (
        "if it is in your own currency, convert it to US dollars at today's rate"
        if currency == "US dollars" and market not in (None, "", "us")
        else "check it is a year's cost of one person, in the currency asked for"
    )
    return AnswerCheck(
        f"{number(cost)} {currency} a year for one person, all in, is {side} than {bound}: {side} than anyone doing "
        f"knowledge work costs a year. Every in-house figure is priced from it as {currency}, so {convert}.",
        ("own_inhouse_cost", "home_market"),
    )


def once_longer_check(demand: Any, annual_hours: Any, team_size: Any) -> AnswerCheck | None:
    """Work done once, its weeks not answered, whose hours would take its people longer at full time than the
    ``MAX_ONCE_WEEKS`` a piece of work is costed over (``MAX_YEARS``): more than anyone can work in that time, a slip
    that holds the submit back, in the answer's own terms (review 174: it had been said to be costed as work that
    goes on, beside "50,000 hours a year", which the buyer never said). None otherwise."""
    hours, people = _positive(annual_hours), _positive(team_size)
    if demand != ONE_OFF or not hours or not people or once_weeks(demand, hours, people):
        return None  # not work done once, or costed as one piece
    needed = math.ceil(hours / (people * FTE_HOURS / WEEKS_A_YEAR) - 1e-9)
    return AnswerCheck(
        f"This work is done once, but {_hours(hours)} would take {_people(people)} about {number(needed)} weeks at "
        f"full time, more than the {number(MAX_YEARS)} years a piece of work done once is costed over: correct the "
        "hours or the people.",
        ("annual_hours", "team_size"),
        impossible=True,
    )


def answer_checks(
    *,
    annual_hours: Any,
    team_size: Any,
    displaced: Any = None,
    weeks: Any = None,
    peak_share: Any = None,
    own_cost: Any = None,
    market: Any = None,
    demand: Any = None,
) -> tuple[AnswerCheck, ...]:
    """The disagreements among the hours a year (or, for a piece of work of ``weeks``, its hours), the people
    doing the work, the staff displaced and seasonal work's share of the hours in its busiest three months (a
    percentage); and the buyer's own loaded cost of one person a year read in the home ``market``'s currency."""
    hours, people, gone, span = _positive(annual_hours), _positive(team_size), _positive(displaced), _positive(weeks)
    # A buyer whose in-house pay has no benchmark has no in-house cost, but a level worked out on the same basis
    # (review 164: its checks were not shown, though the level rested on them).
    inhouse = LEVEL_IN_HOUSE if market == ELSEWHERE else PRICED_IN_HOUSE
    share = _positive(peak_share)
    found = [check] if (check := _own_cost(own_cost, market)) else []
    if not span and (span := once_weeks(demand, hours, people)):
        # Work done once with no length answered is costed over the weeks its hours take its people (review 159):
        # said here, since the weeks decide how the work is contracted and that it is not repeated every year.
        # Hours that fill a year may be a year's of a programme that goes on (review 162): the way to say so.
        yearly = (
            " If they are a year's hours of work that goes on for years, answer that demand is steady instead."
            if span >= WEEKS_A_YEAR
            else ""
        )
        # The weeks question takes up to ``MAX_WEEKS``: a longer piece of work is asked for its hours and people instead
        # (review 174: "Answer the weeks" for 130 weeks, then "Enter 104 or less").
        fix = (
            "Answer the weeks to cost it as planned."
            if span <= MAX_WEEKS
            else f"If that is not how long it takes, correct the hours or the people (the weeks are asked up to "
            f"{MAX_WEEKS})."
        )
        found.append(
            AnswerCheck(
                f"This work is done once, but how many weeks it lasts is not answered: it is costed as done in about "
                f"{_weeks(span)}, the time its hours take the people at full time, whatever the horizon. {fix}{yearly}",
                (("duration_weeks",) if span <= MAX_WEEKS else ("annual_hours", "team_size"))
                + (("demand_pattern",) if yearly else ()),
            )
        )
    longer = None if span else once_longer_check(demand, hours, people)
    if longer:  # the hours of a year's check below would call the whole piece's hours a year's
        found.append(longer)
    if hours and people and span and span <= MAX_ONCE_WEEKS:
        if each := _each_beyond(hours, people, span):
            found.append(
                AnswerCheck(
                    f"{number(hours)} hours of work in {number(span)} weeks for {_people(people)} is {number(each)} "
                    f"hours each, about {number(round(each / span))} hours a week. {inhouse} the "
                    f"{_people(people)} for those weeks, the options priced by the hour at all {number(hours)} hours, "
                    "so the two are not like for like: correct the hours, the people or the weeks.",
                    ("annual_hours", "team_size", "duration_weeks"),
                    impossible=_impossible(hours, people, span),
                )
            )
    elif hours and people and not longer and (each := _each_beyond(hours, people, WEEKS_A_YEAR)):
        found.append(
            AnswerCheck(
                f"{number(hours)} hours a year for {_people(people)} is {number(each)} hours each, more than one "
                f"person works in a year (a full-time year is about {number(FTE_HOURS)} hours). {inhouse} "
                f"the {_people(people)}, the options priced by the hour at all {number(hours)} hours, so "
                "the two are not like for like: correct the hours or the number of people.",
                ("annual_hours", "team_size"),
                impossible=_impossible(hours, people, WEEKS_A_YEAR),
            )
        )
    if hours and hours < WORKING_DAY and (not people or people < 2):  # two or more: ``_few_hours`` names it
        found.append(_less_than_a_day(hours, bool(span)))
    if hours and people and (not span or span <= MAX_ONCE_WEEKS) and (few := _few_hours(hours, people, span, inhouse)):
        found.append(few)
    elif hours and people and not span and not share and (part := _part_time(hours, people, inhouse)):
        found.append(part)
    if share and not span and (low := _peak_below_even(share)):
        found.append(low)
    if hours and people and share and not span and share <= 100:
        peak = hours * share / 100
        if each := _each_beyond(peak, people, PEAK_WEEKS):
            found.append(
                AnswerCheck(
                    f"{number(share)}% of {number(hours)} hours in the busiest three months is {number(round(peak))} "
                    f"hours, {number(each)} each for {_people(people)}: about {number(round(each / PEAK_WEEKS))} hours "
                    "a week. A dedicated team of that size cannot do the peak, while the options priced by the hour "
                    "are priced at all the hours: correct the share, the hours or the people, or count the people "
                    "the peak needs.",
                    ("peak_share", "annual_hours", "team_size"),
                    # The people are asked at the peak for seasonal work (the question says so): more than anyone
                    # can work a week through it is a slip too (review 82: 308 hours a week each was stored).
                    impossible=_impossible(peak, people, PEAK_WEEKS),
                )
            )
    if gone and people and gone > people:
        found.append(
            AnswerCheck(
                f"{number(gone)} of your staff displaced is more than the {_people(people)} who do this work; "
                "severance is priced for each person displaced, so check the number.",
                ("displaced_staff", "team_size"),
            )
        )
    return tuple(found)


# A budget rate outside the catalogue's band for the dated reference rate by more than this share either way: most
# likely a rate quoted the other way round (US dollars per 100 pounds) or a slip, not a finance team's view.
BUDGET_RATE_SLACK = 0.25
HOME_UNIT_WORDS = {"uk": "pound", "eu": "euro"}


def budget_rate_check(assumptions: Mapping[str, Any], rate: Any, market: Any) -> AnswerCheck | None:
    """The buyer's budget exchange rate (its currency per 100 US dollars) far outside the band the cost catalogue
    allows around its dated reference rate: said before submitting, since every provider price is converted at it
    (review 101: 127 pounds per 100 dollars, where the reference is about 79, saved without a word)."""
    given, currency = _positive(rate), CURRENCIES.get(str(market))
    held = (assumptions.get("exchange_rates") or {}).get(currency) if currency else None  # none for US dollars
    if given is None or not isinstance(held, Mapping) or str(market) not in HOME_UNIT_WORDS:
        return None
    try:
        low, likely, high = float(held["low"]), float(held["likely"]), float(held["high"])
    except (KeyError, TypeError, ValueError):
        return None
    per_dollar = given / 100
    if low * (1 - BUDGET_RATE_SLACK) <= per_dollar <= high * (1 + BUDGET_RATE_SLACK):
        return None
    words, unit = HOME_CURRENCY_WORDS[str(market)], HOME_UNIT_WORDS[str(market)]
    dated = (held.get("source") or {}).get("date") or ""
    return AnswerCheck(
        f"Your budget rate, {number(given)} {words} per 100 US dollars, lies far outside the band the cost "
        f"catalogue allows around its reference rate (about {number(round(likely * 100))}"
        f"{f', dated {dated}' if dated else ''}; {number(round(low * 100))} to {number(round(high * 100))}). Every "
        f"provider price is converted at it: check it is {words} for 100 US dollars, not US dollars for 100 "
        f"{unit}s (which would be about {number(round(10_000 / given))}).",
        ("budget_fx",),
    )


def checks_for_answers(
    roles: Mapping[str, str], answers: Mapping[str, Any], assumptions: Mapping[str, Any] | None = None
) -> tuple[AnswerCheck, ...]:
    """``answer_checks`` on the answers of the questions with those roles (``roles``: role to question code); with the
    playbook's cost ``assumptions``, the budget exchange rate against its reference rate too (``budget_rate_check``)."""

    def by_role(role: str) -> Any:
        code = roles.get(role)
        return answers.get(code) if code else None

    found = answer_checks(
        annual_hours=by_role("annual_hours"),
        team_size=by_role("team_size"),
        displaced=by_role("displaced_staff"),
        weeks=by_role("duration_weeks"),
        peak_share=by_role("peak_share"),
        own_cost=by_role("own_inhouse_cost"),
        market=by_role("home_market"),
        demand=by_role("demand_pattern"),
    )
    rate = budget_rate_check(assumptions, by_role("budget_fx"), by_role("home_market")) if assumptions else None
    return (*found, rate) if rate else found
