"""The assessments list's order: a re-score or a saved what-if sits right under the assessment it was
copied from, so the list reads as originals with their copies, not as look-alike drafts."""

from __future__ import annotations

from typing import Any


def with_copies_under_originals(assessments: list[Any]) -> list[tuple[Any, Any | None]]:
    """``(assessment, original or None)`` pairs: each original in the given order, followed by its copies in
    the given order. A copy whose original is not in the list stays where it was, as its own row."""
    shown = {a.pk for a in assessments}
    copies: dict[int, list[Any]] = {}
    for a in assessments:
        if a.based_on_id in shown:
            copies.setdefault(a.based_on_id, []).append(a)
    ordered: list[tuple[Any, Any | None]] = []

    def place(a: Any, original: Any | None) -> None:
        ordered.append((a, original))
        for copy in copies.get(a.pk, []):
            place(copy, a)

    for a in assessments:
        if a.based_on_id not in shown:
            place(a, None)
    return ordered
