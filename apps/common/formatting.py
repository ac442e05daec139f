"""Numbers and money the way the product writes them: one home for every formatter.

Pure Python (no Django), so the engine, the template tags, exports and commands all use the same
functions. Money is US dollars with a true minus sign; numbers are never written with an exponent.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

MISSING = "—"


def _decimal(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def usd(value: Any, *, cents: bool = True) -> str:
    """$1,234 and −$1,234: whole dollars, except cents on amounts under $100 that have them (rates),
    unless ``cents`` is False. None or "" is "—"."""
    if value is None or value == "":
        return MISSING
    amount = _decimal(value)
    sign = "−" if amount < 0 else ""
    amount = abs(amount)
    if not cents or amount == amount.to_integral() or amount >= 100:
        return f"{sign}${amount:,.0f}"
    return f"{sign}${amount:,.2f}"


# The home markets' currencies the cost is shown in, by ISO code.
CURRENCY_SYMBOLS = {"USD": "$", "GBP": "£", "EUR": "€"}


def money(value: Any, currency: str = "USD", *, cents: bool = False) -> str:
    """An amount in ``currency`` as people write it: £1,234, −€1,234, $1,234 (as ``usd``, whole units
    unless ``cents``). An unknown currency code is written after the figure (1,234 JPY)."""
    text = usd(value, cents=cents)
    symbol = CURRENCY_SYMBOLS.get(currency)
    if text == MISSING or symbol == "$":
        return text
    if symbol is None:
        return text.replace("$", "") + f" {currency}"
    return text.replace("$", symbol)


def significant(value: Any, digits: int) -> Any:
    """``value`` rounded to ``digits`` significant figures when it has more whole digits than that (1,234,567 to
    three is 1,230,000; 950 stays 950); unchanged when ``digits`` is 0, or the value is None or "". For amounts
    simulated from ranges far wider than a dollar, where the last digits would claim a precision they lack."""
    if not digits or value is None or value == "":
        return value
    amount = _decimal(value)
    if abs(amount) < 10**digits:
        return value
    exponent = abs(amount).adjusted() - digits + 1  # the power of ten of the last figure kept
    return float(amount.scaleb(-exponent).quantize(Decimal(1), rounding=ROUND_HALF_UP).scaleb(exponent))


def short_money(value: float, currency: str = "USD") -> str:
    """Money short enough to sit beside a chart's bar: $950, £84k, −€1.25m (an unknown currency code is
    written after the figure, as ``money`` does)."""
    symbol = CURRENCY_SYMBOLS.get(currency, "")
    sign, value = ("−" if value < 0 else ""), abs(value)
    if value >= 1_000_000:
        text = f"{value / 1_000_000:,.2f}m".replace(".00m", "m")
    elif value >= 1_000:
        text = f"{value / 1_000:,.0f}k"
    else:
        text = f"{value:,.0f}"
    return f"{sign}{symbol}{text}" + ("" if symbol else f" {currency}")


def usd_range(low: Any, likely: Any, high: Any, *, suffix: str = "", cents: bool = True) -> str:
    """'$30–$60/h (likely $45)'; "—" when neither end is known."""
    if low is None and high is None:
        return MISSING
    text = f"{usd(low, cents=cents)}–{usd(high, cents=cents)}{suffix}"
    if likely is not None:
        text += f" (likely {usd(likely, cents=cents)})"
    return text


def number(value: float | int | Decimal) -> str:
    """A number as people write it: 2,000,000 (never 2e+06), 0.5, 1,234.5."""
    if value == int(value):
        return f"{int(value):,}"
    return f"{_decimal(value):,f}".rstrip("0").rstrip(".")


def plain_number(value: float | int | Decimal) -> str:
    """A number as a form field reads it back: 2000000, 0.00001 (no grouping, never an exponent)."""
    return number(value).replace(",", "")


def amount(value: float | int | Decimal) -> str:
    """A figure with its cents when it has any: 1,234 or 1,234.50."""
    return f"{value:,.0f}" if value == int(value) else f"{value:,.2f}"


def hours(value: Any) -> str:
    """7.5 h; "—" when unknown."""
    if value is None:
        return MISSING
    return f"{_decimal(value).normalize():f} h"


def years(count: float | int | Decimal) -> str:
    """A horizon as people write it: 1 year, 3 years, 1.5 years."""
    return f"{number(count)} year{'' if count == 1 else 's'}"


def period(horizon_years: float | int | Decimal, weeks: int | None = None) -> str:
    """What a cost covers, as people write it: a piece of work's weeks when it has them ("10 weeks", "13 weeks
    (3 months)" when they make whole months of 52 ÷ 12 weeks), else the horizon's years ("3 years")."""
    if not weeks:
        return years(horizon_years)
    months = weeks * 12 / 52
    whole = f" ({number(months)} month{'' if months == 1 else 's'})" if months == int(months) else ""
    return f"{number(weeks)} week{'' if weeks == 1 else 's'}{whole}"


def chance(share: float | None) -> str:
    """A simulated chance (0..1) as a whole per cent, never a certainty: the simulation draws only the ranges
    the cost case lists, so a share that rounds to 100% is written "over 99%" and one that rounds to 0%
    "under 1%"; "—" when unknown."""
    if share is None:
        return MISSING
    whole = round(float(share) * 100)
    if whole >= 100:
        return "over 99%"
    if whole <= 0:
        return "under 1%"
    return f"{whole}%"


def json_number(value: Any) -> Any:
    """A Decimal as a JSON number (12 stays an integer, 12.50 is 12.5); anything else unchanged."""
    if isinstance(value, Decimal):
        return float(value) if value != value.to_integral() else int(value)
    return value


class NamedInText:
    """A place with a ``name`` for headings, table cells and lists, and a curated ``name_in_text`` for running text
    ("delivered from the Philippines"); blank or missing (a record made before it was curated) means the name."""

    name: str
    name_in_text: str | None

    @property
    def in_text(self) -> str:
        """The name as it reads inside a sentence."""
        return self.name_in_text or self.name


def listed(words: list[str], conjunction: str = "and") -> str:
    """Words as a sentence lists them: "A", "A and B", "A, B and C" (``conjunction``: "or" for alternatives)."""
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} {conjunction} {words[-1]}"


def sentence_start(text: str) -> str:
    """``text`` opening a sentence: its first letter a capital ("the Philippines ..." reads "The Philippines ...")."""
    return text[:1].upper() + text[1:]


def possessive(name: str) -> str:
    """A name's possessive as British usage writes it: "India's", but "the Philippines'" for a plural name."""
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th ... 11th, 12th, 13th, 21st."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
