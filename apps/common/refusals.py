"""A form refused after it was checked (a race lost, a rule of the organisation's): the page it was sent from, drawn
again with the reason above it, answered with a 4xx instead of a redirect (review 80: a redirect is a 302 however
clear its message, and the promise is a 4xx for every refusal)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse


def refused_on(
    request: HttpRequest,
    message: str,
    page: Callable[..., HttpResponse],
    *,
    address: str,
    status: int = 409,
    **kwargs: Any,
) -> HttpResponse:
    """``page`` (a view that shows the form, by GET, at ``address``) drawn for ``request`` with ``message`` as its
    error, with ``status``; a page that answers other than 200 (a 404: the object went meanwhile) keeps its own status.
    The browser's history entry becomes ``address`` (static/js/request-status.js), so reloading or going Back loads
    the page, not the address that only takes the form (review 83)."""
    messages.error(request, message)
    request.refused_address = address  # type: ignore[attr-defined]  # read by base.html
    request.method = "GET"  # the page as it reads now; nothing more is sent
    response = page(request, **kwargs)
    if response.status_code == 200:
        response.status_code = status
    return response
