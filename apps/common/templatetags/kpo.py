"""Formatting figures the way the product shows them: US dollars, ranges, hours."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

register = template.Library()


@register.filter
def usd(value: Any) -> str:
    """$1,234 and −$1,234: whole dollars, except cents on small amounts that have them (rates)."""
    if value is None or value == "":
        return "—"
    amount = Decimal(str(value))
    sign = "−" if amount < 0 else ""
    amount = abs(amount)
    if amount == amount.to_integral() or amount >= 100:
        return f"{sign}${amount:,.0f}"
    return f"{sign}${amount:,.2f}"


@register.simple_tag
def money_range(obj: Any, prefix: str, suffix: str = "") -> str:
    """'$30–$60 (likely $45)' from obj.<prefix>_low/_likely/_high, or '—' when unknown."""
    low, likely, high = (getattr(obj, f"{prefix}_{part}", None) for part in ("low", "likely", "high"))
    if low is None and high is None:
        return "—"
    text = f"{usd(low)}–{usd(high)}{suffix}"
    if likely is not None:
        text += f" (likely {usd(likely)})"
    return text


@register.filter
def hours(value: Any) -> str:
    if value is None:
        return "—"
    amount = Decimal(str(value)).normalize()
    return f"{amount:f} h"


SECTION_PLACEHOLDER = "__section__"


@register.filter
def fill_section(url: str, code: str) -> str:
    """A step URL reversed once with the placeholder section, filled in per section (``reverse`` is the
    slow part of a page that links to every step). Section codes are slugs, safe in a path."""
    return url.replace(SECTION_PLACEHOLDER, str(code))
