"""Dates of regimes and obligations, from the catalogue (dates) or a stored snapshot (ISO strings)."""

from __future__ import annotations

import datetime

from django import template
from django.utils.dateformat import format as format_date

register = template.Library()


@register.filter
def day(value: datetime.date | str | None) -> str:
    """'17 Jan 2025' for a date or an ISO date string; '' for nothing or anything unreadable."""
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value)
        except ValueError:
            return ""
    return format_date(value, "j M Y") if isinstance(value, datetime.date) else ""


@register.simple_tag
def in_force(effective: datetime.date | str | None, reviewed: datetime.date | str | None) -> str:
    """'In force since 17 Jan 2025 · last reviewed 30 Nov 2026' ('(not recorded)', '(not yet)' for a missing
    date), ended by the newline ``compliance/parts/dates.html`` has always written (a space on the page). That
    include prints this tag; the result page and the memo call it directly for each of their obligations, where
    rendering an include cost more than its text."""
    return f"In force since {day(effective) or '(not recorded)'} · last reviewed {day(reviewed) or '(not yet)'}\n"
