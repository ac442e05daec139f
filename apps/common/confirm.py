"""One step before a removal that cannot be undone: a POST without ``confirm=yes`` gets a page saying what goes and
what follows, whose button sends the same request again with it (no JavaScript needed)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def unconfirmed(request: HttpRequest, *, heading: str, consequence: str, button: str, back: str) -> HttpResponse | None:
    """None when the request confirms the removal; otherwise the confirmation page to answer it with."""
    if request.POST.get("confirm") == "yes":
        return None
    # ``page_address``: the history entry becomes the page it was asked from, so Back after "Keep it" does not load the
    # form's address, which only takes the form (review 68: the 405 page).
    context = {
        "heading": heading,
        "consequence": consequence,
        "button": button,
        "back": back,
        "action": request.path,
        "page_address": back,
    }
    return render(request, "confirm_removal.html", context)
