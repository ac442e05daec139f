"""CSV for spreadsheets, one home for the guards against formula injection. A spreadsheet starts a formula at a cell
beginning with "=", "+", "-" or "@" (or their full-width forms), and which cells there are depends on the separator
it splits on: "," here, ";" in much of Europe, where "Q3;=cmd|' /C calc'!A0;" read as one quoted cell by a ","
reader is three cells, the second a formula, since a quote counts only at the start of a cell (review 51). So an
apostrophe goes before any such character that begins the text or follows a separator (",", ";", a tab or a line
break, with any spaces or quotes between), and every cell is quoted besides."""

from __future__ import annotations

import csv
import re
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
# Where a cell may begin under some separator: the text's start, or after one of them; then spaces or quotes.
_CELL_START = re.compile(r'(^|[,;\t\r\n])([ "]*)(?=[=+\-@\t\r\uff1d\uff0b\uff0d\uff20])')


def safe_cell(text: Any) -> str:
    """``text`` as a cell no spreadsheet runs, whatever it splits on: an apostrophe before each character that would
    start a formula where a cell could begin."""
    return _CELL_START.sub(lambda m: f"{m.group(1)}{m.group(2)}'", str(text))


# UTF-8's byte order mark, first in every file: Excel reads a CSV without it in the computer's legacy code page, so
# "Québec", "€" and a buyer's accented or emoji title came out garbled (reviews 48 and 52); a CSV reader that knows
# UTF-8 reads it with "utf-8-sig" (Python) or skips it, as most do.
BOM = "\ufeff"


def csv_writer(out: Any) -> Any:
    """A writer that quotes every cell (numbers too: spreadsheets still read a quoted number as a number), after
    the byte order mark written first."""
    out.write(BOM)
    return csv.writer(out, quoting=csv.QUOTE_ALL)
