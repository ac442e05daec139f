"""One rule for hostile input, shared by every parser (query strings, forms, the three admin imports).

Refused with a 400 that lists every problem, before anything is written:

- control characters in text: NUL and the other C0 characters except tab, newline and carriage
  return. PostgreSQL refuses NUL in text and jsonb (a 500 if it gets that far), and the others are
  never typed by a person: they come from binary pasted by mistake, or from an attack;
- JSON values of the wrong type (a list where a code belongs, a number where a list belongs);
- numbers no real figure comes near (integers of more than ``MAX_DIGITS`` digits, NaN, infinity),
  which otherwise overflow when converted;
- dates outside ``FIRST_DAY``..``LAST_DAY`` (a day added to 9999-12-31 overflows);
- a query parameter given twice where one value is expected.

The request-level half is ``HostileInputMiddleware`` (any GET or POST key or value, so admin and every
form are covered at once; a form it cannot read at all, such as one not in UTF-8, is a 400 of its own);
the importers and filters call the helpers, so messages read the same everywhere.
"""

from __future__ import annotations

import logging
import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any, cast
from urllib.parse import unquote_to_bytes, urlsplit

from django import forms
from django.core.exceptions import (
    BadRequest,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
    ValidationError,
)
from django.db import models
from django.http import HttpRequest, HttpResponse, QueryDict, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme

logger = logging.getLogger(__name__)

# The C0 controls but tab and the line breaks, DEL, and the C1 controls (review 75: U+0085 and the CSI U+009B, which
# starts a terminal escape where a log or an export is read, had been stored).
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Removed from what people type (nothing they can see is lost):
# - the direction overrides, embeddings and isolates (U+202A-U+202E, U+2066-U+2069): invisible, and one left open in a
#   title reverses the text after it on any line that shows it ("… changed 3 answers in “title”"); the marks U+200E
#   and U+200F stay;
# - characters that draw nothing inside visible text (review 70): the zero-width space, the word joiner and the
#   invisible operators, the byte-order mark, the soft hyphen, the Mongolian vowel separator, the Hangul fillers, and
#   the tag characters (U+E0000-U+E007F), which can spell a hidden message after visible words. The zero-width joiner
#   and non-joiner stay: emoji and several scripts need them.
# (All but the Hangul fillers, which are letters by their category, are format characters: taken out with them below.)
FILLERS = frozenset("\u115f\u1160\u3164\uffa0")
# So is any other format character (Unicode category Cf: the deprecated format controls, the interlinear annotation
# marks, the Egyptian and musical format controls…) and any unassigned code point (Cn), but
# the zero-width joiner and non-joiner and the direction marks (U+200C-U+200F, U+061C), which emoji and several
# scripts need; a run of joiners keeps one; a character keeps one variation selector (a second says nothing, and a
# run of them can carry a hidden message, as the tag characters can: review 72); and a character keeps its first four
# combining marks (a longer stack draws over the lines around it).
KEPT_FORMAT = frozenset("\u200c\u200d\u200e\u200f\u061c")
JOINERS = frozenset("\u200c\u200d")
MAX_MARKS = 4


def _variation_selector(ch: str) -> bool:
    code = ord(ch)
    return 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF or 0x180B <= code <= 0x180D or code == 0x180F


MAX_DIGITS = 15  # no count, rate or price in a curated file comes near 10^15; longer is a typo or an attack
MAX_LISTED = 50  # a file with thousands of problems lists the first ones and counts the rest
FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2999, 12, 31)

# What each model field takes from a JSON file: (accepted types, words for the message).
_NUMBER: tuple[type, ...] = (int, float, Decimal)
_FIELD_TYPES: tuple[tuple[type[models.Field[Any, Any]], tuple[type, ...], str], ...] = (
    (models.BooleanField, (bool,), "true or false"),
    (models.IntegerField, (int,), "a whole number"),
    (models.DecimalField, _NUMBER, "a number"),
    (models.FloatField, _NUMBER, "a number"),
    (models.DateTimeField, (str,), "a date and time (YYYY-MM-DDTHH:MM)"),
    (models.DateField, (str,), "a date (YYYY-MM-DD)"),
    (models.CharField, (str,), "text"),
    (models.TextField, (str,), "text"),
)
TYPE_WORDS: dict[Any, str] = {
    str: "text",
    int: "a whole number",
    bool: "true or false",
    list: "a list",
    Mapping: "an object",
    dict: "an object",
    _NUMBER: "a number",
    type(None): "empty (null)",
}


def describe(value: Any) -> str:
    """What a JSON value is, in words: 'a list', 'text', 'a number' ..."""
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int):
        return "a whole number"
    if isinstance(value, _NUMBER):
        return "a number"
    for kind, words in TYPE_WORDS.items():
        if isinstance(kind, type) and isinstance(value, kind):
            return words
    return type(value).__name__


def control_problem(text: str, where: str) -> str | None:
    """The message for the first control character in ``text``, or None when there is none."""
    match = CONTROL.search(text)
    if match is None:
        return None
    char = match.group()
    name = "a NUL byte" if char == "\x00" else f"the control character U+{ord(char):04X}"
    return f"{where}: contains {name}; remove it."


def without_unseen(text: str) -> str:
    """``text`` without the characters that draw nothing (above): format characters and unassigned code points, the
    Hangul fillers, a second joiner in a row, a character's second variation selector, and marks past the fourth on
    one character."""
    if text.isascii():
        return text
    kept: list[str] = []
    marks, selector = 0, False  # the current character's combining marks, and whether it has its selector
    for ch in text:
        category = unicodedata.category(ch)
        if (category == "Cf" and ch not in KEPT_FORMAT) or category == "Cn" or ch in FILLERS:
            continue
        if ch in JOINERS:
            if not (kept and kept[-1] in JOINERS):
                kept.append(ch)
            continue  # a joiner between marks does not start a new stack
        if ch in KEPT_FORMAT:
            # A direction mark draws nothing either: kept, once in a row, but no new character for marks and a
            # selector to pile on (review 77: U+200E between stacks had carried 80 accents and a hidden message).
            if not (kept and kept[-1] == ch):
                kept.append(ch)
            continue
        if _variation_selector(ch):
            # One for the character, wherever it stands among its marks (review 75: a selector between marks had
            # started a new count of them, and selectors between marks had carried a hidden message).
            if not selector:
                kept.append(ch)
                selector = True
            continue
        if category in ("Mn", "Me"):
            marks += 1
            if marks <= MAX_MARKS:
                kept.append(ch)
            continue
        marks, selector = 0, False
        kept.append(ch)
    return "".join(kept)


# Characters that draw nothing although they are not white space: the Hangul fillers (letters by their Unicode
# category) and the Braille blank. With the format characters (category Cf: zero-width space and joiners, the word
# joiner, the byte-order mark, the soft hyphen), a text made of them and spaces alone reads as empty.
INVISIBLE = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def draws(ch: str) -> bool:
    """Whether ``ch`` draws something: a letter, digit, punctuation or symbol (categories L, N, P, S) other than
    ``INVISIBLE``. Format characters, controls, unassigned code points and marks alone (the combining grapheme joiner,
    variation selectors, the Mongolian and Khmer ignorables: review 67) draw nothing."""
    return unicodedata.category(ch)[0] in "LNPS" and ch not in INVISIBLE


def looks_blank(text: str) -> bool:
    """Whether ``text`` shows nothing: white space and characters that draw nothing alone (review 65: a title of one
    zero-width space was stored, and listed as an empty link)."""
    return not any(draws(ch) for ch in text)


def visible_length(text: str) -> int:
    """How many characters of ``text`` a reader sees: those that draw, and the spaces between them (a minimum length
    of 10 had been met by one letter and nine zero-width spaces, review 67)."""
    return sum(1 for ch in text if draws(ch) or ch == " ")


def says_something(text: str) -> bool:
    """A reason someone can read: at least one letter or digit that draws (spaces, zero-width and other invisible
    characters alone say nothing)."""
    return any(ch.isalnum() and draws(ch) for ch in text)


# A line tab or a form feed: what a soft line break (Shift+Enter) in Word or PowerPoint pastes as, or a page
# break. In a form they are read as the new line they stand for, instead of refusing the whole form for a character
# nobody sees. A browser sends a text box's line break as CR LF, which a length counts as two where the box counted
# one (review 140: 2,000 characters with 20 line breaks refused as 2,020): each is read as the one new line it is.
LINE_BREAK_CONTROL = re.compile(r"\r\n?|[\x0b\x0c]")


def _typed(text: str) -> str:
    """What a person typed, as stored: soft line breaks and page breaks as new lines, ``without_unseen``."""
    return without_unseen(LINE_BREAK_CONTROL.sub("\n", text))


def _form_without_unseen(form: QueryDict) -> QueryDict | None:
    """A copy of ``form`` with every value but a password's ``without_unseen``, and soft line breaks and page breaks
    read as new lines (``LINE_BREAK_CONTROL``); None when no value has any."""
    if not any(
        LINE_BREAK_CONTROL.search(v) or without_unseen(v) != v
        for _, values in form.lists()
        for v in values
        if isinstance(v, str)
    ):
        return None
    cleaned = QueryDict(mutable=True)
    for key, values in form.lists():
        keep = "password" in key.lower()
        cleaned.setlist(key, [v if keep or not isinstance(v, str) else _typed(v) for v in values])
    cleaned._mutable = False
    return cleaned


def number_problem(value: Any, where: str) -> str | None:
    """The message for a number no real figure comes near (NaN, infinity, more than MAX_DIGITS digits)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        # Compared as an int: str() or float() of a 5,000-digit integer raises.
        return (
            f"{where}: the number is too large (more than {MAX_DIGITS} digits)."
            if abs(value) >= 10**MAX_DIGITS
            else None
        )
    if isinstance(value, float | Decimal):
        if not math.isfinite(value):
            return f"{where}: {value} is not a number; write the figure in full."
        if abs(value) >= 10**MAX_DIGITS:
            return f"{where}: the number is too large (more than {MAX_DIGITS} digits)."
    return None


def clean_text(value: Any, where: str) -> str:
    """``value`` if it is text without control characters; else a ValidationError saying which rule it breaks."""
    if not isinstance(value, str):
        raise ValidationError(f"{where} must be text, not {describe(value)}.")
    problem = control_problem(value, where)
    if problem:
        raise ValidationError(problem)
    return value


def expect_type(value: Any, kind: Any, where: str, problems: list[str], *, null: bool = False) -> bool:
    """True when ``value`` is of ``kind`` (a type or tuple of types; None allowed with ``null``); else
    append a message to ``problems`` and return False. True and false are never numbers."""
    if value is None and null:
        return True
    kinds = kind if isinstance(kind, tuple) else (kind,)
    is_bool_as_number = isinstance(value, bool) and bool not in kinds
    if isinstance(value, kinds) and not is_bool_as_number:
        return True
    words = TYPE_WORDS.get(kind) or " or ".join(TYPE_WORDS.get(k, k.__name__) for k in kinds)
    problems.append(f"{where} must be {words}{' or empty' if null else ''}, not {describe(value)}.")
    return False


def expect_codes(value: Any, where: str, problems: list[str]) -> bool:
    """True when ``value`` is a list of text codes; else one message in ``problems``."""
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return True
    problems.append(f"{where} must be a list of codes (text), not {describe(value)}.")
    return False


def document_problems(data: Any, where: str = "") -> list[str]:
    """Every control character in a string or key, and every NaN, infinite or overlong number, anywhere
    in a parsed JSON document; each named by its path (``sections[0].questions[2].prompt``)."""
    problems: list[str] = []
    stack: list[tuple[str, Any]] = [(where, data)]  # a loop, not recursion: JSON may nest to the parser's limit
    while stack:
        path, node = stack.pop()
        label = path or "the file"
        if isinstance(node, str):
            problem = control_problem(node, label)
        elif isinstance(node, Mapping):
            problem = None
            for key, child in reversed(list(node.items())):
                key_problem = control_problem(key, f"{label}: a key") if isinstance(key, str) else None
                if key_problem:
                    problems.append(key_problem)
                    continue
                stack.append((f"{path}.{key}" if path else str(key), child))
        elif isinstance(node, list):
            problem = None
            stack.extend((f"{path}[{i}]", child) for i, child in reversed(list(enumerate(node))))
        else:
            problem = number_problem(node, label)
        if problem:
            problems.append(problem)
    return listed(problems)


def listed(problems: list[str]) -> list[str]:
    """At most MAX_LISTED problems, then a count of the rest (a huge file must not give a huge page)."""
    if len(problems) <= MAX_LISTED:
        return problems
    return [*problems[:MAX_LISTED], f"... and {len(problems) - MAX_LISTED:,} more problems like these."]


def field_type_problems(model: type[models.Model], values: Mapping[str, Any], where: str) -> list[str]:
    """Each of ``values`` (model field name to a value read from JSON) that has the wrong JSON type for
    its field. Django's own cleaning would turn ``["x"]`` into the text "['x']"; a file is refused instead."""
    problems: list[str] = []
    for name, value in values.items():
        field = model._meta.get_field(name)
        if value is None:
            # Full-clean lets a null through where blank is allowed; the database column would refuse it.
            if not field.null:
                problems.append(f"{where}: {name} must not be empty (null).")
            continue
        for field_class, kinds, words in _FIELD_TYPES:
            if isinstance(field, field_class):
                if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
                    problems.append(f"{where}: {name} must be {words}, not {describe(value)}.")
                # A NaN reaching a model's clean() would raise on its first comparison (a 500), not refuse.
                elif (problem := number_problem(value, f"{where}: {name}")) is not None:
                    problems.append(problem)
                break
    return problems


def parse_date_param(value: Any, where: str, first: date = FIRST_DAY, last: date = LAST_DAY) -> date:
    """An ISO date (YYYY-MM-DD) from ``first`` to ``last``, or a ValidationError saying why not."""
    text = clean_text(value, where).strip()
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
        # The text given is said back: a date box cannot show it (review 41: it looked lost).
        # Without invisible format characters (a right-to-left override would turn the echo around).
        shown = "".join(c for c in text[:40] if unicodedata.category(c) != "Cf")
        given = f" (you gave “{shown}”)" if shown else ""
        raise ValidationError(f"{where}: enter a date as YYYY-MM-DD, like 2026-03-31{given}.")
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise ValidationError(f"{where}: {text} is not a date in the calendar.") from None
    return within_days(day, where, first, last)


def within_days(day: date, where: str, first: date = FIRST_DAY, last: date = LAST_DAY) -> date:
    if not first <= day <= last:
        raise ValidationError(f"{where}: enter a date from {first.isoformat()} to {last.isoformat()}.")
    return day


def ascii_int(text: Any, *, max_digits: int = 18) -> int | None:
    """``text`` as a whole number when it is 1 to ``max_digits`` ASCII digits (0-9), else None.

    Ids, lengths and timestamps in a request are plain ASCII. ``str.isdigit()`` also says yes to '²' and
    the other Unicode digits, which ``int()`` then refuses (a 500) or reads ('١٢' is 12). Eighteen digits
    fit a bigint column, so a filter on an id never overflows."""
    if not isinstance(text, str) or not 0 < len(text) <= max_digits or not (text.isascii() and text.isdigit()):
        return None
    return int(text)


def single_param(query: QueryDict | Mapping[str, Any], name: str) -> Any:
    """The one value of ``name`` in a query string (None when absent), or a ValidationError when it is
    given more than once: ``?verdict=a&verdict=b`` asks two things of a filter that takes one."""
    values = query.getlist(name) if isinstance(query, QueryDict) else [query[name]] if name in query else []
    if len(values) > 1:
        raise ValidationError(f"{name}: give one value, not {len(values)}.")
    return values[0] if values else None


class OneValueEachMixin:
    """A form's field given twice (?outcome=approved&outcome=rejected) asks two things of one answer: refused on the
    field, where Django would quietly take the last (review 85: some forms took the last, others refused); a multiple
    choice takes as many as are ticked. Mixed into
    a Form or a ModelForm before it; fields are looked up with the form's prefix."""

    def clean(self) -> dict[str, Any]:
        form = cast(forms.BaseForm, self)
        data = super().clean() or {}  # type: ignore[misc]  # a mixin: the form class it is mixed into has clean()
        for name, field in form.fields.items():
            if isinstance(field, forms.MultipleChoiceField):  # ticked boxes: one value each, as many as ticked
                continue
            try:
                single_param(form.data, form.add_prefix(name))
            except forms.ValidationError:
                form.add_error(name, given_twice(form, name) or "Give one value, not 2.")
        return cast(dict[str, Any], data)


def given_twice(form: forms.BaseForm, name: str) -> str:
    """``OneValueEachMixin``'s refusal of the field ``name`` sent more than once ("Give one value, not 2."), or ""
    when it was sent once or not at all: for a view that says it in its own words."""
    data = form.data
    given = len(data.getlist(form.add_prefix(name))) if isinstance(data, QueryDict) else 0
    return f"Give one value, not {given}." if given > 1 else ""


class OneValueEach(OneValueEachMixin, forms.Form):
    """A plain form whose fields each take one value (``OneValueEachMixin``)."""


class DayField(forms.DateField):
    """A date filter: only YYYY-MM-DD, only days from ``first`` to ``last`` (by default the days the app can
    add a day to and store), which the date box is given as its ``min`` and ``max``."""

    def __init__(self, *args: Any, first: date = FIRST_DAY, last: date = LAST_DAY, **kwargs: Any) -> None:
        self.first, self.last = first, last
        super().__init__(*args, **kwargs)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        return {**super().widget_attrs(widget), "min": self.first.isoformat(), "max": self.last.isoformat()}

    def to_python(self, value: Any) -> date | None:
        if value in self.empty_values:
            return None
        label = str(self.label or "Date")
        try:
            if isinstance(value, date):
                return within_days(value, label, self.first, self.last)
            return parse_date_param(value, label, self.first, self.last)
        except ValidationError as exc:
            raise forms.ValidationError(exc.messages[0], code="invalid") from None


# The bodies Django parses into request.POST. Any other body (the API's JSON) is left unread here, for its
# own reader: reading request.POST of a multipart body consumes the stream, and request.body then raises.
FORM_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})

# What reading a request's fields can raise (Django 6.1): a form not in UTF-8 (BadRequest), a multipart body
# that does not parse, more fields or files than Django takes, more than it reads into memory, or a client
# that went away mid-body. Each is the sender's doing: a 4xx, never a 500.
UNREADABLE: tuple[type[Exception], ...] = (
    BadRequest,
    MultiPartParserError,
    TooManyFieldsSent,
    TooManyFilesSent,
    RequestDataTooBig,
    UnreadablePostError,
)


# A percent-escape of a byte above 0x7F: only then can the decoded text not be UTF-8.
_HIGH_ESCAPE = re.compile(rb"%[89a-fA-F][0-9a-fA-F]")
_RAW_HIGH = re.compile(rb"[\x80-\xff]")


def not_utf8(request: HttpRequest) -> bool:
    """Whether the query string or a url-encoded form is not UTF-8 once its escapes are decoded, or carries a byte
    above 0x7F as it is (a browser escapes every one; Django reads such a byte as Latin-1). Django reads bytes that
    are not UTF-8 as U+FFFD and stores that in place of what was sent ("Caf\ufffd" for Latin-1 "Caf%E9"); every
    browser sends UTF-8 to a UTF-8 page, so such a request is a client's mistake or an attack, and is refused as a
    form in another declared encoding is (``unreadable``). A multipart form is read by Django's own parser: a
    value it could not decode is refused after parsing (``_undecodable``)."""
    raw = [request.META.get("QUERY_STRING", "").encode("latin-1", "replace")]
    if request.method == "POST" and request.content_type == "application/x-www-form-urlencoded":
        raw.append(request.body)
    for part in raw:
        if _RAW_HIGH.search(part):
            return True
        if _HIGH_ESCAPE.search(part):
            try:
                unquote_to_bytes(part.replace(b"+", b" ")).decode("utf-8")
            except UnicodeDecodeError:
                return True
    return False


def _undecodable(form: QueryDict) -> bool:
    """Whether a multipart form's key or value holds U+FFFD, Django's mark for bytes it could not decode as UTF-8."""
    return any("\ufffd" in key or any("\ufffd" in str(v) for v in values) for key, values in form.lists())


class CheckedRequest(HttpRequest):
    """A request HostileInputMiddleware refused: ``input_problems`` are its messages (a type only), which the
    API's problem details list without reading the request's fields again."""

    input_problems: list[str]


# How a form's field is named in words, by the apps that draw the forms (``questionnaire.gone.field_in_words``,
# registered when the app is ready): (label, its values in words), or None for a field it does not know (review 135:
# "The form field 'annual_hours'", and "function / financial-analysis" to copy).
FIELD_NAMERS: list[Callable[[str, list[str]], tuple[str, str] | None]] = []


def field_words(name: str, values: list[str]) -> tuple[str, str] | None:
    """``name`` and its ``values`` as the page that drew the form says them, or None when no app knows the field."""
    for namer in FIELD_NAMERS:
        if (found := namer(name, values)) is not None:
            return found
    return None


def request_problems(request: HttpRequest) -> list[str]:
    """Every GET or POST field whose name or value holds a control character (file contents excepted).

    Raises one of UNREADABLE when the query or the form cannot be read at all."""
    problems: list[str] = []
    form = request.POST if request.method == "POST" and request.content_type in FORM_TYPES else QueryDict()
    for source, query in (("query", request.GET), ("form", form)):
        for key, values in query.lists():
            shown = CONTROL.sub("?", key)[:60]
            if CONTROL.search(key):
                problems.append(f"The {source} field name {shown!r} contains a control character (like a NUL byte).")
            elif any(CONTROL.search(v) for v in values if isinstance(v, str)):
                named = field_words(key, []) if source == "form" else None
                label = named[0] if named else ""
                # A label holding quotes of its own is not quoted again (review 139: "“Who answers “The work””").
                what = (f"The answer to {label}" if "“" in label else f"The answer to “{label}”") if named else ""
                what = what or (
                    f"The form field “{without_unseen(shown)}”" if source == "form" else f"The {source} field {shown!r}"
                )
                problems.append(f"{what} contains a control character (like a NUL byte).")
            elif source == "query" and _REFUSED_LOOKUPS & set(key.split("__")[1:]):
                # A pattern PostgreSQL cannot compile, or a function of an extension not installed, was a 500 in the
                # admin's lists (review 100); no page of the product filters by them.
                problems.append(f"The query field {shown!r} uses a kind of filter this site does not take.")
            elif source == "query" and (found := _YEAR_LOOKUPS & set(key.split("__")[1:])):
                last = _LAST_ISO_YEAR if "iso_year" in found else _LAST_YEAR
                if not all(_a_year(v, last) for v in values):
                    # A date filter's year beyond what Python's dates hold was a 500 in the admin's lists (review 95).
                    problems.append(f"The query field {shown!r} takes a year from 1 to {last}.")
    return listed(problems)


# Filters on a date's year (the admin's lists take them on any date field, with a comparison after them too:
# ``__year__gte``), and the years a date can hold: an ISO year's last day is found from the next year's first week,
# so 9999's lies beyond what a date holds (review 100).
_YEAR_LOOKUPS = frozenset({"year", "iso_year"})
_LAST_YEAR, _LAST_ISO_YEAR = 9999, 9998
# Lookups the admin's lists would otherwise take on any text field: regular expressions (PostgreSQL refuses one that
# does not compile) and the functions of PostgreSQL extensions the database does not have.
_REFUSED_LOOKUPS = frozenset(
    {"regex", "iregex", "unaccent", "trigram_similar", "trigram_word_similar", "trigram_strict_word_similar", "search"}
)


def _a_year(value: str, last: int = _LAST_YEAR) -> bool:
    year = ascii_int(value, max_digits=4)
    return year is not None and 1 <= year <= last


_ELEMENT_ID = re.compile(r"[A-Za-z][\w-]{0,100}")


def _htmx_target(request: HttpRequest) -> str:
    """The id of the element an htmx request will swap its answer into, when it is a plain id; else ''."""
    target = request.headers.get("HX-Target", "")
    return target if request.headers.get("HX-Request") == "true" and _ELEMENT_ID.fullmatch(target) else ""


class SaidBadRequest(BadRequest):
    """A 400 whose message is the product's own words, never the request's, which the 400 page shows (review 134: a
    form naming two organisations read only "The request arrived in a form KPO Advisor can't read")."""


def refusal(
    request: HttpRequest, status: int, title: str, message: str, *, back: tuple[str, str] | None = None
) -> HttpResponse:
    """A short refusal page; for an htmx request, the message alone in its target's place (an autosave's status).
    ``back``: the page's way out, (label, url), in place of the home page (an admin page's list, say)."""
    target = _htmx_target(request)
    if target:
        # htmx swaps a 4xx into its target (an autosave's status line): the message alone, in its place,
        # still marked as a save status (static/js/request-status.js) for the next save's "Saving…".
        body = format_html(
            '<p id="{}" class="saved-indicator is-error field__error" role="alert" data-save-status>{} {}</p>',
            target,
            title + ":",
            message,
        )
    else:
        context = {"status": status, "title": title, "message": message}
        if back is not None:
            context["back_label"], context["back_url"] = back
        body = render_to_string("body_refused.html", context)
    # The body is never read. Gunicorn drains at most 64 KiB of an unread body before it closes
    # the connection, so a huge one is not received either.
    return HttpResponse(body, status=status)


class HostileInputMiddleware:
    """Refuse any request with a control character in a GET or POST key or value: a 400 naming the
    fields, before any view runs (so before anything reaches PostgreSQL, which refuses NUL in text)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            if not_utf8(request):
                raise BadRequest("The query string or form is not UTF-8.")
            if (
                request.method == "POST"
                and request.content_type == "multipart/form-data"
                and _undecodable(request.POST)
            ):
                raise BadRequest("The form is not UTF-8.")
            if request.method == "POST" and request.content_type in FORM_TYPES:
                # Cleaned before the check, so a soft line break pasted into a comment is a new line, not a 400.
                cleaned = _form_without_unseen(request.POST)
                if cleaned is not None:
                    request.POST = cleaned  # type: ignore[assignment]  # a read-only copy, as Django makes it
            problems = request_problems(request)
        except UNREADABLE as exc:
            return unreadable(request, exc)
        if problems:
            cast(CheckedRequest, request).input_problems = problems
            return bad_request(problems, request)
        return self.get_response(request)


def bad_request(problems: Iterable[str], request: HttpRequest | None = None) -> HttpResponse:
    """The 400 naming the fields refused; to an htmx request (an autosave), the first problem alone in its
    target's place, so the save status it replaces keeps its id and the next edit is still sent."""
    problems = list(problems)
    if request is not None and _htmx_target(request):
        return refusal(request, 400, "Nothing was saved", problems[0] if problems else _UNREADABLE_MESSAGE)
    # Standalone page (no request context): it may be answered before sessions or sign-in are read.
    context = {"problems": problems, "sent": _sent_text(request), "back": _came_from(request)}
    body = render_to_string("bad_input.html", context)
    return HttpResponse(body, status=400)


def same_site(request: HttpRequest) -> bool:
    """The request came from one of this site's own pages: its Origin is this site, or, with no Origin, the browser
    says so (Sec-Fetch-Site) or its Referer is this site's."""
    origin = str(request.META.get("HTTP_ORIGIN", ""))
    try:
        host = request.get_host()
    except Exception:  # a Host header the site does not serve
        return False
    if origin and origin != "null":
        return urlsplit(origin).netloc == host
    fetch_site = str(request.META.get("HTTP_SEC_FETCH_SITE", ""))
    if fetch_site:
        return fetch_site in ("same-origin", "none")
    return bool(_came_from(request))


def _came_from(request: HttpRequest | None) -> str:
    """The page on this site the refused form was sent from (its Referer's path), to go back to with what was typed
    (review 122: the refusal's one way on was the home page); "" when not known or not this site's."""
    if request is None:
        return ""
    referer = str(request.META.get("HTTP_REFERER", ""))
    if not referer or len(referer) > 2000 or CONTROL.search(referer):  # too long: not cut to another address
        return ""
    if not url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return ""
    parts = urlsplit(referer)
    # A path only, and one that cannot read as another host ("//evil.example/x" is one to a browser).
    if not parts.path.startswith("/") or parts.path.startswith("//") or "\\" in parts.path:
        return ""
    return parts.path + (f"?{parts.query}" if parts.query else "")


# A form's own machinery, not typed: left out of what a refused form is given back as (here, and on the pages saying
# a form was not saved, ``questionnaire.gone.typed_fields``).
NOT_TYPED = frozenset(
    {
        "csrfmiddlewaretoken",
        "drawn_in",
        "start_once",
        "confirm",
        "confirmed",
        "next",
        "nojs",
        "goto",
        "review",
        "back",
        "answers_shown",
        "answers_digest",
        "shown",
        "seen",  # a settle form's stamp of what its page showed (review 122: listed as "Seen none:29df…")
        "once",  # the API key and webhook forms' one-time token (review 129: listed on a 403)
    }
)
NOT_TYPED_ENDINGS = ("__present", "__loaded", "_drawn")


# A field a refusal page never gives back: one named as a password, key, token, session, cookie or authorisation is (the
# 503 page's replay judges names the same way: kpo_advisor.outage.SECRET_NAME), or one whose text has the shape of
# this product's own secrets, an API key ("kpo_" and its prefix) or a webhook's signing secret ("whsec_"); review 134:
# "Api key kpo_…" and "Secret whsec_…" were listed back.
SESSION_NAME = re.compile(
    r"session|cookie|authori[sz]ation|bearer|passcode|(^|[\W_])(auth|sid|jwt)($|[\W_])", re.IGNORECASE
)
# A camel-cased key, token or secret ("accessKey", "apiToken"), case as written: "monkey" is no key.
CAMEL_SECRET = re.compile(r"[a-z](Key|Token|Secret)s?($|[\W_A-Z])")
SECRET_VALUE = re.compile(
    r"(^|[^a-z0-9])(kpo_[0-9a-f]{6,}|whsec_[a-z0-9_-]{6,})"
    # A bearer or other token written out: a string of a token's length with a digit in it, so "bearer bonds" and "a
    # token contribution" stay words (reviews 139 and 142).
    r"|bearer[\s:]*(?=[a-z._~+/-]*\d)[a-z0-9._~+/-]{16,}"
    r"|\b(access_|refresh_|api_)?token[\s:=]+(?=[a-z._~+/-]*\d)[a-z0-9._~+/-]{12,}"
    # A session cookie, or a password written out with a digit or a symbol in it.
    r"|\b(sessionid|csrftoken)\s*[:=]\s*\S{6,}"
    r"|\b(password|passwd|pwd)\s*(?:[:=]|\bis\b)\s*(?=\S*[\d!@#$%^&*])\S{6,}",
    re.IGNORECASE,
)
# Letters of other scripts that look like Latin ones, folded so a name spelt with them is judged as it reads.
LOOKALIKES = str.maketrans(
    "аеорсухіјѕкмтвнАЕОРСУХІЈЅКМТВНαορτυνκιΑΟΡΤΥΝΚΙ", "aeopcyxijskmtbhAEOPCYXIJSKMTBHaoptvvkiAOPTYNKI"
)


def _bare(text: str) -> str:
    """``text`` as it reads: compatibility forms folded (full-width letters), every character that draws nothing or
    only marks another taken out (format characters, joiners, combining marks, variation selectors, controls), and
    letters of other scripts that look like Latin ones read as those (review 139: "passw\u200dord", "p\u0430ssword"
    and a key split by a joiner were listed)."""
    folded = unicodedata.normalize("NFKC", text).translate(LOOKALIKES)
    return "".join(
        ch
        for ch in folded
        if unicodedata.category(ch) not in ("Cf", "Cc", "Mn", "Me")
        and not _variation_selector(ch)
        and ch not in BLANKS  # review 142: a blank braille cell inside a key
    )


# Letters and signs that draw a blank where a character stands: the Hangul fillers and the blank braille cell.
BLANKS = FILLERS | {"\u2800"}


def holds_secret(name: str, values: Iterable[str]) -> bool:
    """Whether a field sent is one a refusal page never gives back, judged on its name and text as sent and as they
    read (``_bare``; review 137: "kpo_ae75\x0137d7…" and "passw\u200bord" were listed, cleaned, under what they are)."""
    from kpo_advisor.outage import SECRET_NAME

    for said in {name, _bare(name)}:
        # A name holding a key's or secret's text counts as one (review 142: "kpo_0a1b…" as a field's name).
        if (
            SECRET_NAME.search(said)
            or SESSION_NAME.search(said)
            or CAMEL_SECRET.search(said)
            or SECRET_VALUE.search(said)
        ):
            return True
    texts = [v for v in values if isinstance(v, str)]
    return any(SECRET_VALUE.search(t) or SECRET_VALUE.search(_bare(t)) for t in texts)


def secrets_left_out(count: int) -> tuple[str, str]:
    """The line a listing ends with when it left ``count`` fields out as secrets."""
    return ("…", f"{count} field{'' if count == 1 else 's'} holding a password, key or token, never listed here")


def _sent_text(request: HttpRequest | None, most: int = 30, longest: int = 20_000) -> list[tuple[str, str]]:
    """What a form refused for its control characters held, each field's text with them taken out: given back on
    the refusal, to copy, so nothing typed is lost (review 119: a comment with one pasted control character was
    refused and its text shown nowhere). Passwords and the form's own machinery are left out."""
    if request is None or request.method != "POST" or request.content_type not in FORM_TYPES:
        return []
    if not same_site(request):
        # Sent from another site: shown back, it would let that site put its own words on this one's page (review
        # 123), so nothing is echoed.
        return []
    out: list[tuple[str, str]] = []
    more = secret = 0
    for key, values in request.POST.lists():
        name = without_unseen(CONTROL.sub("", key))[:60]
        if name in NOT_TYPED or name.endswith(NOT_TYPED_ENDINGS) or name.startswith("was-"):
            continue
        kept = [CONTROL.sub("", v) for v in values if isinstance(v, str) and v.strip()]
        text = "\n".join(kept)
        if text.strip() and holds_secret(key, values):
            secret += 1
        elif text.strip():
            if len(out) == most:
                more += 1  # counted, and said (review 129: fields past the 30th went without a word)
            else:
                label, text = field_words(name, kept) or (name, text)
                out.append((label, cut_text(text, longest)))
    if more:
        out.append(("…", f"{more} more field{'' if more == 1 else 's'} with text, not listed here"))
    if secret:
        out.append(secrets_left_out(secret))
    return out


def cut_text(text: str, longest: int = 20_000) -> str:
    """``text`` given back on a refusal, cut at ``longest`` characters and said to be (review 125: 100,000 characters
    came back as 20,000 with no word of the rest)."""
    if len(text) <= longest:
        return text
    return f"{text[:longest]}\n… (cut here: the first {longest:,} of its {len(text):,} characters)"


def unreadable(request: HttpRequest, exc: Exception) -> HttpResponse:
    """The 400 (413 for a form too large to read) for a request whose query or form could not be read.

    Answered here rather than raised: Django's own 400 page runs the CSRF check, which reads request.POST
    again, raises again, and so turned a bad form into a 500. The sender's mistake, so a warning line and no
    traceback."""
    logger.warning("unreadable request: %s %s: %s", request.method, request.path, exc)
    status, message = 400, _UNREADABLE_MESSAGE
    if isinstance(exc, BadRequest):  # the only BadRequest reading fields gives: a form not in UTF-8
        message = (
            "This form was sent in an encoding KPO Advisor can't read: it takes UTF-8, which every browser uses"
            " for its pages. Go back, reload the page and send the form again."
        )
    elif isinstance(exc, TooManyFieldsSent | TooManyFilesSent):
        message = "This request has more fields or files than any page of KPO Advisor takes."
    elif isinstance(exc, RequestDataTooBig):
        status, message = 413, "This form is larger than KPO Advisor accepts."
    cast(CheckedRequest, request).input_problems = [message]
    title = "Nothing was saved"
    if _htmx_target(request):
        return refusal(request, status, title, message)
    body = render_to_string("body_refused.html", {"status": status, "title": title, "message": message})
    return HttpResponse(body, status=status)


_UNREADABLE_MESSAGE = (
    "KPO Advisor couldn't read this form: it arrived incomplete or malformed. Reload the page and send it again."
)
