"""Form widgets with the markup Django's own give, written out in Python.

Django renders a select through a template per option (and one per option for its attributes), and an input
through three templates: the history's filter form (five selects, some 60 options, two dates) cost several
milliseconds on every history page. These give the same elements, attributes and escaping as Django's templates
(``django/forms/widgets/select.html``, ``select_option.html``, ``input.html``, ``attrs.html``; a test compares
them), without a template.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from django import forms
from django.forms.renderers import BaseRenderer
from django.utils.html import format_html
from django.utils.safestring import SafeData, SafeString, mark_safe


def _text(value: Any) -> Any:
    """The ``stringformat:'s'`` filter: the value as text, left unescaped when it is already safe."""
    return value if isinstance(value, SafeData) else str(value)


def _attrs(attrs: dict[str, Any]) -> SafeString:
    """``attrs.html``: ``name="value"`` for each attribute, the bare name for True, nothing for False."""
    return mark_safe(
        "".join(
            format_html(" {}", name) if value is True else format_html(' {}="{}"', name, _text(value))
            for name, value in attrs.items()
            if value is not False
        )
    )


class Select(forms.Select):
    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: BaseRenderer | None = None
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        html: list[str] = [format_html('<select name="{}"{}>', widget["name"], _attrs(widget["attrs"]))]
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                html.append(format_html('\n  <optgroup label="{}">', group_name))
            html.extend(
                format_html(
                    '\n  <option value="{}"{}>{}</option>',
                    _text(option["value"]),
                    _attrs(option["attrs"]),
                    option["label"],
                )
                for option in options
            )
            if group_name:
                html.append("\n  </optgroup>")
        html.append("\n</select>")
        return mark_safe("".join(html))


ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _valid_day(text: str) -> bool:
    if not ISO_DAY.fullmatch(text):
        return False
    try:
        datetime.date.fromisoformat(text)
    except ValueError:
        return False
    return True


class DateInput(forms.DateInput):
    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: BaseRenderer | None = None
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        text = None if widget["value"] is None else _text(widget["value"])
        if widget["type"] == "date" and text and not _valid_day(text):
            # A date box holds only a real day as YYYY-MM-DD (HTML's valid date string); any other text, 2026-13-45
            # too, is an invalid value the browser shows as blank, so it is left out, and the field's message says
            # it back (reviews 41 and 48).
            text = None
        shown = "" if text is None else format_html(' value="{}"', text)
        return format_html(
            '<input type="{}" name="{}"{}{}>', widget["type"], widget["name"], shown, _attrs(widget["attrs"])
        )
