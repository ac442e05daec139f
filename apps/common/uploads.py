"""JSON file uploads in admin (playbooks, the catalogue, the vendor directory): one form, one reader,
one page. A file that cannot be read, or whose contents are refused, gets a 400 with every problem
listed, and nothing is written."""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

MAX_UPLOAD = 2_000_000


class JsonUploadForm(forms.Form):
    file = forms.FileField()


def read_json_upload(form: JsonUploadForm, *, decimals: bool) -> Any:
    """The uploaded JSON file, or a ValidationError saying why it cannot be read. Files with money in
    them read numbers as decimals (a rate of 12.6 stays 12.6); others as plain JSON numbers."""
    upload = form.cleaned_data["file"]
    if upload.size > MAX_UPLOAD:
        raise forms.ValidationError(f"The file is larger than {MAX_UPLOAD:,} bytes.")
    try:
        return json.loads(upload.read().decode("utf-8"), parse_float=Decimal if decimals else float)
    except (ValueError, RecursionError) as exc:  # bad UTF-8, bad JSON, absurd numbers or nesting
        raise forms.ValidationError(f"The file is not readable JSON: {exc}") from None


def upload_page(
    request: HttpRequest,
    admin: Any,
    *,
    template: str,
    opts: Any,
    title: str,
    help_text: str,
    accept: Callable[[Any], HttpResponse],
    decimals: bool = False,
) -> HttpResponse:
    """An upload form; ``accept(data)`` writes the file's contents and returns the response, or raises a
    ValidationError listing every problem (then nothing was written)."""
    form = JsonUploadForm(request.POST or None, request.FILES or None)
    form.fields["file"].help_text = help_text
    context = {**admin.admin_site.each_context(request), "opts": opts, "title": title, "form": form}
    if request.method != "POST":
        return render(request, template, context)
    if form.is_valid():
        try:
            return accept(read_json_upload(form, decimals=decimals))
        except forms.ValidationError as exc:
            context["problems"] = exc.messages
    return render(request, template, context, status=400)
