"""The baseline for the request benchmark: one query, one small template, through the same stack.

The template is rendered without the request, so no context processor adds queries: this is the
floor every page pays (WSGI, middleware, one round trip to the database, one template).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

from apps.accounts.models import Organisation


def baseline(request: HttpRequest) -> HttpResponse:
    name = Organisation.objects.order_by("pk").values_list("name", flat=True).first()
    return HttpResponse(render_to_string("bench/baseline.html", {"name": name}))
