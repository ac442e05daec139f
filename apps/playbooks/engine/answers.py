"""Validating and normalising answers against a question's kind, options and bounds.

The same checks serve the web form, the autosave endpoint and the command line, so an answer is
stored in exactly one shape: an option code (single), a list of codes in option order (multi), a
bool (yes/no), an int (whole number), or a float (money, percentage). ``None`` means "no answer".
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from apps.common.formatting import amount, number
from apps.playbooks.engine.types import INTEGER, MONEY, MULTI, PERCENT, SINGLE, YES_NO, Question

LIMIT = 1e12  # no knowledge-work figure comes near this; larger input is a typo or an attack
LARGEST = 999_999_999_999  # the largest figure accepted, as the message states it
_YES = {"yes", "true", "1", "on", "y"}
_NO = {"no", "false", "0", "off", "n"}


class AnswerError(ValueError):
    """An answer that does not fit its question; the message is written for the buyer."""

    def __init__(self, question: str, message: str) -> None:
        super().__init__(message)
        self.question = question
        self.message = message


def _blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and raw.strip() == "") or (isinstance(raw, list | tuple) and not raw)


# A number as people type it: digits grouped by one kind of separator (comma, space, no-break or
# narrow no-break space, thin space, apostrophe, underscore), a decimal point, a sign, and a currency
# or percent sign around it. "12,5" is refused rather than read as 125.
_SEPARATORS = ", \u00a0\u202f\u2009'_"
# Digits 0 to 9 only (re.ASCII): Python's \d also takes every script's digits, so "1٢" was stored as 12 and "1٠",
# which reads as "1.", as 10.
_NUMBER = re.compile(
    rf"(?P<sign>[+-]?)(?P<whole>\d+|\d{{1,3}}(?P<sep>[{_SEPARATORS}])\d{{3}}(?:(?P=sep)\d{{3}})*)?(?P<fraction>\.\d+)?",
    re.ASCII,
)
_EXPONENT = re.compile(r"[+-]?(\d[\d.,]*|\.\d+)[eE][+-]?\d+", re.ASCII)


format_number = number  # the name the engine's messages have long used


_DECIMAL_COMMA = re.compile(r"[+-]?\d+,\d{1,2}", re.ASCII)
_THOUSANDS_POINT = re.compile(r"[+-]?\d{1,3}(?:\.\d{3})+", re.ASCII)
# Signs a typed amount may carry around its number: the question's unit says which currency it is read in (a UK
# buyer's "£95,000" is read in pounds, as "$95,000" is in dollars where the unit is dollars).
_CURRENCY_SIGNS = ("$", "£", "€", "%")
_EXAMPLES = (100000, 2000, 500, 40, 10, 5, 3, 1)  # round figures a message's example is chosen from


def _example(q: Question) -> str:
    """A number to show in a message, within the question's own bounds (a percentage's is not 2000), and near the
    middle of them on a log scale: a team of 1 to 5,000 people is "like 40", not 2000, and a yearly cost of 1,000
    to 10,000,000 "like 100000", not 2000. A percentage's is the first that fits (40)."""
    fits = [c for c in _EXAMPLES if (q.min is None or c >= q.min) and (q.max is None or c <= q.max)]
    if not fits:
        return format_number(q.min if q.min is not None else 0)
    if q.kind == PERCENT:
        return str(fits[0])
    low = max(q.min if q.min is not None else 1, 1)
    centre = math.sqrt(low * (q.max if q.max is not None else low * 1_000_000))
    return str(min(fits, key=lambda c: (abs(math.log(c / centre)), -c)))


# Full-width currency signs (typed with an East Asian keyboard) read as the signs they stand for.
_WIDE_SIGNS = str.maketrans({"＄": "$", "￡": "£"})


# Words in a number question's unit that say it is an amount of money, so a currency sign belongs to it.
_MONEY_UNITS = ("USD", "GBP", "EUR", "dollar", "pound", "euro")


def _priced(q: Question) -> bool:
    """Whether a number question's unit names a currency (a yearly cost, a rate per 100 US dollars)."""
    return any(word in (q.unit or "") for word in _MONEY_UNITS)


def _parse(q: Question, raw: str) -> Decimal:
    text = raw.strip().translate(_WIDE_SIGNS)
    if "%" in text and q.kind != PERCENT:  # "%90000" had been read as 90,000 (review 92)
        raise AnswerError(q.code, f"Enter a number without a per cent sign, like {_example(q)}.")
    if q.kind != MONEY and not _priced(q) and any(sign in text for sign in "$£€"):
        # Hours, people or years with a currency sign: "€500" hours had been read as 500 (review 112).
        unit = f" of {q.unit}" if q.unit else ""
        raise AnswerError(q.code, f"Enter a number{unit} without a currency sign, like {_example(q)}.")
    if q.kind == MONEY and ("£" in text or "€" in text):
        # An amount the question asks in US dollars: a pound or euro figure would be read as dollars.
        raise AnswerError(q.code, "Enter the amount in US dollars: convert a pound or euro figure first.")
    for sign in _CURRENCY_SIGNS:
        text = text.replace(sign, "")
    text = text.strip()
    if any(c.isdigit() and not c.isascii() for c in text):
        raise AnswerError(q.code, f"Write the number with the digits 0 to 9, like {_example(q)}.")
    if text.endswith(".") and text[:-1][-1:].isdigit():
        text = text[:-1]  # "12." is 12
    if _EXPONENT.fullmatch(text):
        raise AnswerError(q.code, f"Write the number in full, like {_example(q)}.")
    if q.kind == INTEGER and _THOUSANDS_POINT.fullmatch(text):
        # "85.000" written with a point for thousands, as in much of Europe: read as 85, it was refused as too small
        # without saying why (review 93).
        grouped = text.replace(".", ",")
        raise AnswerError(q.code, f"Write {grouped} or {text.replace('.', '')}: a point marks decimals here.")
    if _DECIMAL_COMMA.fullmatch(text):
        if q.kind == INTEGER:  # no decimals at all: told so first, not to write them with a point (review 91)
            raise AnswerError(q.code, f"Enter a whole number, like {_example(q)}: {text} is not one.")
        whole, fraction = text.split(",")
        raise AnswerError(q.code, f"Use a point for decimals: {whole}.{fraction}, not {text}.")
    match = _NUMBER.fullmatch(text)
    if match is None or not (match["whole"] or match["fraction"]):
        if any(c.isalpha() for c in text) and any(c.isdigit() for c in text):  # "85000 USD", "GBP 85000"
            raise AnswerError(q.code, f"Enter the number alone, like {_example(q)}, without words or currency codes.")
        raise AnswerError(q.code, f"Enter a number, like {_example(q)}.")
    digits = (match["whole"] or "0").replace(match["sep"] or ",", "")
    return Decimal(f"{match['sign']}{digits}{match['fraction'] or ''}")  # exact, whatever its length


def _number(q: Question, raw: Any) -> Decimal:
    if isinstance(raw, bool):
        raise AnswerError(q.code, "Enter a number.")
    if isinstance(raw, int):
        # Never str() or float() a huge int (both raise); anything past the limit reads as just past it.
        value = Decimal(raw) if abs(raw) < LIMIT else Decimal(LARGEST + 1) * (1 if raw > 0 else -1)
    elif isinstance(raw, float):
        if not math.isfinite(raw):
            raise AnswerError(q.code, f"Enter a number, like {_example(q)}.")
        value = Decimal(str(raw))
    elif isinstance(raw, str):
        value = _parse(q, raw)
    else:
        raise AnswerError(q.code, "Enter a number.")
    # The question's bounds, within the engine's own limit whatever a curator set.
    highest = min(Decimal(str(q.max)), Decimal(LARGEST)) if q.max is not None else Decimal(LARGEST)
    lowest = max(Decimal(str(q.min)), -Decimal(LARGEST)) if q.min is not None else -Decimal(LARGEST)
    too_large = "That number is too large. " if abs(value) >= LIMIT else ""
    if value > highest:
        raise AnswerError(q.code, f"{too_large}Enter {format_number(highest)} or less.")
    if value < lowest:
        hundred = value * 100
        if "per 100" in (q.unit or "") and value < 1 and lowest <= hundred <= highest:
            # A rate typed per unit (0.79) where the question asks per hundred (79).
            raise AnswerError(
                q.code,
                f"Enter {format_number(lowest)} or more: the rate is {q.unit}, so {format_number(value)} is "
                f"{format_number(hundred)}.",
            )
        if "per 100" in (q.unit or "") and value >= 1 and lowest <= (inverse := round(100 / value)) <= highest:
            # A rate quoted the market's way round (1.27 US dollars to the pound) where the question asks how much
            # of the buyer's currency 100 US dollars buy (79): read as 127, it would price every dollar 60% dearer
            # (review 101: the message said "so 1.27 is 127").
            raise AnswerError(
                q.code,
                f"Enter {format_number(lowest)} or more, {q.unit}. {format_number(value)} looks like the rate quoted "
                f"the other way round (US dollars for one of your currency): 100 US dollars then buy about "
                f"{format_number(inverse)}, so enter {format_number(inverse)}.",
            )
        raise AnswerError(q.code, f"{too_large}Enter {format_number(lowest)} or more.")
    return value


NONE_OPTION = "none"  # a multiple-choice option with this code excludes every other option of its question


def clean_answer(question: Question, raw: Any) -> Any:
    """Return the stored form of ``raw`` for ``question``, None for a blank, or raise AnswerError."""
    q = question
    if _blank(raw):
        return None
    if q.kind == SINGLE:
        if isinstance(raw, list | tuple) and len(raw) == 1:
            raw = raw[0]
        if not isinstance(raw, str) or raw not in q.option_codes:
            raise AnswerError(q.code, "Choose one of the options shown.")
        return raw
    if q.kind == MULTI:
        items = [raw] if isinstance(raw, str) else raw
        if not isinstance(items, list | tuple) or not all(isinstance(i, str) for i in items):
            raise AnswerError(q.code, "Choose from the options shown.")
        unknown = set(items) - q.option_codes
        if unknown:
            raise AnswerError(q.code, "Choose from the options shown.")
        chosen = set(items)
        if NONE_OPTION in chosen and len(chosen) > 1:
            # An option coded "none" means none of the others: ticked with them, the answer contradicts itself.
            none = next(o.label for o in q.options if o.code == NONE_OPTION)
            raise AnswerError(q.code, f"“{none}” cannot be ticked with other answers: untick it or untick the others.")
        return [o.code for o in q.options if o.code in chosen]
    if q.kind == YES_NO:
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, str) and raw.strip().lower() in _YES | _NO:
            return raw.strip().lower() in _YES
        raise AnswerError(q.code, "Answer yes or no.")
    if q.kind == INTEGER:
        value = _number(q, raw)
        if value != value.to_integral_value():
            raise AnswerError(q.code, f"Enter a whole number, like {_example(q)}.")
        return int(value)
    if q.kind in (MONEY, PERCENT):
        value = _number(q, raw)
        if q.kind == PERCENT and not 0 <= value <= 100:
            raise AnswerError(q.code, "Enter a percentage from 0 to 100.")
        return round(float(value), 2)
    raise AnswerError(q.code, "This question cannot be answered.")  # pragma: no cover - kinds are validated


def clean_answers(
    questions: Mapping[str, Question], raw: Mapping[str, Any], *, ignore_unknown: bool = False
) -> tuple[dict[str, Any], dict[str, str]]:
    """Clean a whole answers mapping. Returns (answers, problems by question code)."""
    answers: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for code, value in raw.items():
        question = questions.get(code) if isinstance(code, str) else None
        if question is None:
            if not ignore_unknown:
                problems[str(code)] = "There is no question with this code in the playbook."
            continue
        try:
            cleaned = clean_answer(question, value)
        except AnswerError as exc:
            problems[code] = exc.message
            continue
        if cleaned is not None:
            answers[code] = cleaned
    return answers, problems


def missing(required: Iterable[str], answers: Mapping[str, Any]) -> list[str]:
    return [code for code in required if answers.get(code) is None]


# The buyer's own in-house cost is read in the currency of the in-house costs they chose (the ``home_market`` role's
# answer), converted to US dollars when their costs are elsewhere: a sign typed with it must be that currency's, and
# the answer is shown in it (review 91: "$85000" under the UK was saved as £85,000, shown as "85,000 a year (USD,
# GBP or EUR)").
OWN_COST_ROLE = "own_inhouse_cost"
HOURS_ROLE = "annual_hours"  # the hours of a year, or of a whole piece of work done once (``answer_text``)
MARKET_ROLE = "home_market"
MARKET_CURRENCY = {"us": ("$", "US dollars"), "uk": ("£", "pounds"), "eu": ("€", "euros")}
_ELSEWHERE_CURRENCY = ("$", "US dollars")


def market_currency(market: Any) -> tuple[str, str]:
    """(sign, name) of the currency the buyer's own in-house cost is read in for ``market`` (unanswered: the US)."""
    if market is None:
        return MARKET_CURRENCY["us"]
    return MARKET_CURRENCY.get(str(market), _ELSEWHERE_CURRENCY)


def currency_refusal(question: Question, raw: Any, market: Any) -> str:
    """Why an own in-house cost typed with another currency's sign is refused ("" when it is not): read in the
    market's currency, "$85,000" under the UK would be stored as £85,000."""
    if question.role != OWN_COST_ROLE or not isinstance(raw, str):
        return ""
    signs = {sign for sign in ("$", "£", "€") if sign in raw.translate(_WIDE_SIGNS)}
    sign, name = market_currency(market)
    if not signs or signs == {sign}:
        return ""
    if market is None:  # nothing chosen yet (review 92: the message named a choice "above" that had not been made)
        return (
            f"Enter the amount in US dollars: with no country chosen for the in-house costs above, it is read in US "
            f"dollars. Choose the United Kingdom or the euro area there first to give it in pounds or euros; "
            f"“{raw.strip()}” is in another currency."
        )
    elsewhere = "" if str(market) in MARKET_CURRENCY else ", converted at today's rate"
    return (
        f"Enter the amount in {name}, the currency of the in-house costs chosen above{elsewhere}: "
        f"“{raw.strip()}” is in another currency."
    )


def currency_problems(
    questions: Mapping[str, Question],
    roles: Mapping[str, str],
    sent: Mapping[str, Any],
    cleaned: Mapping[str, Any],
    known: Any,
) -> dict[str, str]:
    """``currency_refusal`` for the own in-house cost among the answers ``sent`` (raw) and ``cleaned``: the market is
    the one sent with it, else the one ``known()`` returns (the answers already stored, read only when a sign was
    typed). Returns {code: why} for a refused one, else {}."""
    code = roles.get(OWN_COST_ROLE, "")
    raw = sent.get(code)
    if code not in cleaned or not isinstance(raw, str) or not any(s in raw.translate(_WIDE_SIGNS) for s in "$£€"):
        return {}
    market_code = roles.get(MARKET_ROLE, "")
    market = cleaned[market_code] if market_code in cleaned else known().get(market_code)
    why = currency_refusal(questions[code], raw, market)
    return {code: why} if why else {}


def answer_text(
    question: Question, value: Any, *, market: Any = None, priced: bool = False, whole_piece: bool = False
) -> str:
    """A stored answer as words: option labels, Yes/No, $12,500, 40%, 2,000 hours a year. With ``priced`` (the
    caller knows the answers' ``home_market``, given as ``market``), the buyer's own in-house cost is shown in the
    currency it is read in: "£85,000 a year". With ``whole_piece`` (``tco.types.whole_piece``), the hours of a piece
    of work done once read "1,500 hours of work", as the cost reads them, not "a year"."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    labels = question.option_labels
    if isinstance(value, list):
        return ", ".join(str(labels.get(v, v)) for v in value)
    if isinstance(value, str):
        return str(labels.get(value, value))
    figure = amount(value)
    if priced and question.role == OWN_COST_ROLE:
        return f"{market_currency(market)[0]}{figure} a year"
    if question.kind == "money":
        return f"${figure}"
    if question.kind == "percent":
        return f"{figure}%"
    if whole_piece and question.role == HOURS_ROLE:
        return f"{figure} {unit_for('hours', value)} of work"
    return f"{figure} {unit_for(question.unit, value)}" if question.unit else figure


# Units are curated in the plural ("years", "people", "hours per person per week"); one of them reads
# in the singular: "1 year", "1 person", "1 hour per person per week".
_SINGULAR = {"people": "person", "persons": "person", "children": "child"}


def unit_for(unit: str, value: float) -> str:
    """``unit`` (curated in the plural) agreeing with ``value``: "1 year", "2 years", "1 person"."""
    if value != 1 or not unit:
        return unit
    first, _, rest = unit.partition(" ")
    if first in _SINGULAR:
        first = _SINGULAR[first]
    elif first.endswith("s") and not first.endswith("ss") and len(first) > 2:
        first = first[:-1]
    return f"{first} {rest}" if rest else first
