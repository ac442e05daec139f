"""Markup rules every template keeps, checked over the source (the e2e page walks see only the pages they visit)."""

from __future__ import annotations

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def test_every_sideways_scrolling_table_can_be_scrolled_from_the_keyboard_and_has_a_name() -> None:
    # A table wider than a phone scrolls inside its box; a box with no link or button inside cannot be
    # reached with the keyboard unless it is focusable itself (axe: scrollable-region-focusable), and a
    # focusable region needs a name to be announced.
    boxes = [
        (path.relative_to(TEMPLATES), tag.group(0))
        for path in TEMPLATES.rglob("*.html")
        for tag in re.finditer(r"<div [^>]*class=\"table-scroll[\" ][^>]*>", path.read_text())
    ]
    assert len(boxes) > 10
    missing = [
        f"{path}: {tag}"
        for path, tag in boxes
        if 'tabindex="0"' not in tag or 'role="region"' not in tag or "aria-label=" not in tag
    ]
    assert not missing, "\n".join(missing)


def test_htmx_attributes_are_written_as_data_attributes_so_the_html_validates() -> None:
    # The Nu HTML Checker refuses hx-get, hx-trigger ... on any element; htmx reads data-hx-* just the same.
    bare = [
        f"{path.relative_to(TEMPLATES)}: {attribute.group(1)}"
        for path in TEMPLATES.rglob("*.html")
        for attribute in re.finditer(r"\s(hx-[a-z-]+)=", path.read_text())
    ]
    assert not bare, "\n".join(bare)
