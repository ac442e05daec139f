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
