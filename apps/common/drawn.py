"""The one rule for a save from a page that says what it drew: each field is compared three ways, as the page drew
it, as sent and as stored now. Left as drawn, what is stored now stays (a colleague's change since is kept); changed
here while what is stored still reads as drawn (or already reads as sent), what was sent is taken; changed here and
by someone else since, to something else, it clashes (a 409: nothing of it saved, what was typed kept).

The shortlist's notes and status, a checklist item's fields, and the contributors and stakeholder roles pages read
it (reviews 100, 103 and 105)."""

from __future__ import annotations

from enum import Enum
from typing import Any


class Since(Enum):
    KEEP = "keep"  # left as drawn: what is stored now stays
    TAKE = "take"  # changed here only: what was sent is stored
    CLASH = "clash"  # changed here and by someone else since


def since_drawn(drawn: Any, sent: Any, now: Any) -> Since:
    """What to do with one field, each value in the same form (a digest, an id, a set of roles)."""
    if sent == drawn:
        return Since.KEEP
    if now in (drawn, sent):
        return Since.TAKE
    return Since.CLASH
