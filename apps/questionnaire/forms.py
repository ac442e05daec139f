from __future__ import annotations

import re
import secrets
from collections.abc import Iterable, Mapping
from typing import Any

from django import forms
from django.http import QueryDict

from apps.common.hostile import OneValueEach, looks_blank, without_unseen

START_KEY = re.compile(r"[A-Za-z0-9_-]{16,40}")


class StartAssessmentForm(OneValueEach):
    title = forms.CharField(
        max_length=200,
        help_text="Name the piece of work, e.g. “Equity research support for 2027” (up to 200 characters).",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        error_messages={
            "required": "Give the assessment a title.",
            "max_length": "Keep the title to 200 characters or fewer (this one has %(show_value)s).",
        },
    )
    function = forms.ChoiceField(
        label="Knowledge function",
        help_text="The kind of work you are thinking of outsourcing.",
        error_messages={"required": "Choose the kind of work you are thinking of outsourcing."},
    )

    # Drawn with the page, once: the same form sent twice (a double click without JavaScript) starts one draft. Not
    # named "…_key": a field so named is taken for a secret, and the outage page would not offer the form again
    # (review 90).
    start_once = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, functions: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["function"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "Choose…"), *functions]
        # No maxlength in the page: a browser counts UTF-16 units and would cut a pasted title short without a word
        # (100 emoji), where the server counts characters and refuses a longer one, saying so (review 90).
        self.fields["title"].widget.attrs.pop("maxlength", None)
        if not self.is_bound:
            self.initial.setdefault("start_once", secrets.token_urlsafe(18))

    def clean_start_once(self) -> str:
        """The key as drawn; anything else (edited, too long) is no key: the start goes ahead, unguarded."""
        key = str(self.cleaned_data.get("start_once") or "")
        return key if START_KEY.fullmatch(key) else ""

    def clean_title(self) -> str:
        title = " ".join(without_unseen(str(self.cleaned_data["title"])).split())  # the API's titles too
        if looks_blank(title):  # spaces, or characters that draw nothing (a zero-width space)
            raise forms.ValidationError("Give the assessment a title.")
        return title


def posted_answers(data: QueryDict, kinds: Mapping[str, str]) -> dict[str, Any]:
    """The raw answers a step-style form posted, by question code (``kinds``: code to question kind).

    A question counts as posted when its field or its ``<code>__present`` marker is in the data, so an
    untouched radio group or an emptied set of checkboxes reads as a cleared answer. Several values for a
    question that takes one are passed on as they came, for ``clean_answer`` to refuse, not cut to the last.
    """
    return {
        code: _posted(data, code, kind) for code, kind in kinds.items() if code in data or f"{code}__present" in data
    }


def _posted(data: QueryDict, code: str, kind: str) -> Any:
    values = data.getlist(code)
    if kind == "multi" or len(values) > 1:
        return values
    return values[0] if values else ""


def posted_loaded(data: QueryDict, codes: Iterable[str]) -> dict[str, str]:
    """Per question code, the ``answered_at`` stamp the page was drawn with (``<code>__loaded``, before any "|"),
    when posted."""
    return {code: str(data.get(f"{code}__loaded", "")).partition("|")[0] for code in codes if f"{code}__loaded" in data}


def posted_drawn(data: QueryDict, codes: Iterable[str]) -> dict[str, str]:
    """Per question code, the digest of the answer the page drew (``<code>__loaded``, after the "|";
    ``services.drawn_digest``), when posted with one: a page drawn before it was sent posts the stamp alone."""
    out = {}
    for code in codes:
        stamp, bar, digest = str(data.get(f"{code}__loaded", "")).partition("|")
        if bar:
            out[code] = digest
    return out
