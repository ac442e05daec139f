"""The one rule for a save from a page that says what it drew (apps/common/drawn.py)."""

from __future__ import annotations

import pytest

from apps.common.drawn import Since, since_drawn


@pytest.mark.parametrize(
    ("drawn", "sent", "now", "found"),
    [
        ("a", "a", "a", Since.KEEP),  # untouched
        ("a", "a", "b", Since.KEEP),  # left as drawn: a colleague's "b" since stays
        ("a", "c", "a", Since.TAKE),  # changed here only
        ("a", "c", "c", Since.TAKE),  # the same change made on both sides
        ("a", "c", "b", Since.CLASH),  # changed here and by someone else since
        (frozenset(), frozenset({"legal"}), frozenset({"security"}), Since.CLASH),
    ],
)
def test_each_field_is_kept_taken_or_refused(drawn: object, sent: object, now: object, found: Since) -> None:
    assert since_drawn(drawn, sent, now) is found
