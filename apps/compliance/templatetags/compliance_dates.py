"""Dates of regimes and obligations, from the catalogue (dates) or a stored snapshot (ISO strings)."""

from __future__ import annotations

import datetime
import functools
from collections.abc import Iterable
from typing import Any

from django import template
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.translation import get_language

register = template.Library()


def _as_date(value: datetime.date | str | None) -> datetime.date | None:
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            return None
    return value if isinstance(value, datetime.date) else None


@register.filter
def day(value: datetime.date | str | None) -> str:
    """'17 Jan 2025' for a date or an ISO date string; '' for nothing or anything unreadable."""
    found = _as_date(value)
    return _formatted(found, get_language()) if found else ""


@functools.lru_cache(maxsize=4096)
def _formatted(value: datetime.date, language: str | None) -> str:
    """A result page prints a few hundred dates, most of them the same few: each is formatted once (per language,
    which names the month)."""
    return format_date(value, "j M Y")


def _started(effective: datetime.date | str | None) -> str:
    """'In force since 17 Jan 2025', or 'Applies from 13 May 2027' for a date still to come: a duty that has not
    started must not read as one that applies already. The page is drawn today, so today decides."""
    start = _as_date(effective)
    if start is not None and start > timezone.localdate():
        return f"Applies from {day(start)}"
    return f"In force since {day(start) or '(not recorded)'}"


def _changes(
    changes: datetime.date | str | None, reviewed: datetime.date | str | None, said: datetime.date | None = None
) -> str:
    """' · changes or ends on 1 Apr 2027' for a known change still to come (review 175: a guideline revoked four
    months into the engagement read only "In force since 2009"; review 178: "changes" undersold rules that stop
    applying that day); ' · changed or ended on 1 Apr 2027, after it was last reviewed: read the text in force' once it
    has passed unreviewed; '' for none, one a curator has reviewed since, or the day the line already names as when
    it applies (``said``: DPDP's duties "apply from 13 May 2027")."""
    when = _as_date(changes)
    if when is None or when == said:
        return ""
    text = known_change(when, reviewed)
    return f" · {text}" if text else ""


@register.simple_tag
def known_change(changes: datetime.date | str | None, reviewed: datetime.date | str | None) -> str:
    """'changes or ends on 1 Apr 2027' for a known change still to come; 'changed or ended on 1 Jul 2026, after it was
    last reviewed: read the text in force' once passed unreviewed; '' for none, or one reviewed since (review 178: a
    regime's page read "Known change 1 Jul 2026" five months after it)."""
    when = _as_date(changes)
    if when is None:
        return ""
    if when > timezone.localdate():
        return f"changes or ends on {day(when)}"
    seen = _as_date(reviewed)
    if seen is None or seen < when:
        return f"changed or ended on {day(when)}, after it was last reviewed: read the text in force"
    return ""


@register.simple_tag
def in_force(
    effective: datetime.date | str | None,
    reviewed: datetime.date | str | None,
    changes: datetime.date | str | None = None,
) -> str:
    """'In force since 17 Jan 2025 · last reviewed 30 Nov 2026' ('Applies from ...' for a date still to come;
    '(not recorded)', '(not yet)' for a missing date; a known change between them: ``_changes``).
    ``compliance/parts/dates.html`` prints it with the newline it has always written (a space on the page); the result
    page and the memo call it directly for each of their obligations, where rendering an include cost more than its
    text, inside brackets a trailing newline had spaced off (review 178: "last reviewed 8 Dec 2026 )")."""
    change = _changes(changes, reviewed, _as_date(effective))
    return f"{_started(effective)}{change} · last reviewed {day(reviewed) or '(not yet)'}"


def _obligation_starts(groups: Iterable[Any]) -> list[datetime.date]:
    """The start dates of a triggered regime's obligations, grouped by phase as ``(phase, label, items)``; an
    item is a stored snapshot's obligation or an evaluation's mapping."""
    starts = []
    for _phase, _label, items in groups:
        for item in items:
            value = item.get("effective_date") if isinstance(item, dict) else getattr(item, "effective_date", "")
            start = _as_date(value or None)
            if start is not None:
                starts.append(start)
    return starts


@register.simple_tag
def regime_in_force(regime: Any) -> str:
    """A triggered regime's dates, as ``in_force`` writes them, saying so when it comes into force in phases:
    when some of its obligations start later than the regime and have not started yet, 'In force in phases
    since 13 Nov 2025; the duties below apply from 13 May 2027 · last reviewed 30 Nov 2026' ('some duties below
    apply only from' when others have started; the latest such start; each obligation shows its own)."""
    start = _as_date(regime.effective_date or None)
    today = timezone.localdate()
    starts = _obligation_starts(regime.obligations)
    later = [s for s in starts if s > today and (start is None or s > start)]
    changes = getattr(regime, "next_change_date", "")
    if _as_date(changes) in starts:
        changes = ""  # the day some of its duties start, which they say (DPDP's 13 May 2027)
    if start is None or start > today or not later:
        return in_force(regime.effective_date, regime.last_reviewed, changes)
    which = "the duties below apply" if len(later) == len(starts) else "some duties below apply only"
    reviewed = day(regime.last_reviewed) or "(not yet)"
    change = _changes(changes, regime.last_reviewed, max(later))
    return f"In force in phases since {day(start)}; {which} from {day(max(later))}{change} · last reviewed {reviewed}"


@register.filter
def change_in(obligation: Any, regime: Any) -> str:
    """An obligation's known change as the result page and the obligations CSV give it (ISO, or ""): its own, else its
    regime's, unless that is the day the obligation starts (DPDP's duties apply from the day the regime's date
    names), or it has passed and been reviewed since (``known_change``; review 182: APRA's 1 July 2026, reviewed in
    November, had been on every CPS 230 row of the CSV; review 179: Solvency II's date, the regime's alone, on the page
    and not in the CSV)."""
    change = getattr(obligation, "next_change_date", "") or getattr(regime, "next_change_date", "")
    if not change or change == getattr(obligation, "effective_date", ""):
        return ""
    return str(change) if known_change(change, getattr(obligation, "last_reviewed", "")) else ""
