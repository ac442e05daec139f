"""CSV for spreadsheets, one home for its two guards against formula injection: a cell a spreadsheet would read as a
formula gets a leading apostrophe, and every cell is quoted, so a reader that splits on another separator (Excel
set to ";" in much of Europe) keeps "Q3;=cmd…" one cell instead of starting a new one at the formula."""

from __future__ import annotations

import csv
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(text: Any) -> str:
    """``text`` as a cell no spreadsheet runs: a leading apostrophe where it would start a formula."""
    text = str(text)
    return "'" + text if text[:1] in FORMULA_STARTS else text


def csv_writer(out: Any) -> Any:
    """A writer that quotes every cell (numbers too: spreadsheets still read a quoted number as a number)."""
    return csv.writer(out, quoting=csv.QUOTE_ALL)
