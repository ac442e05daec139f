"""One step before a removal that cannot be undone: a POST without ``confirm=yes`` gets a page saying what goes and
what follows, whose button sends the same request again with it (no JavaScript needed). A confirmation can carry what
it counted (``shown``): sent back when what would go has grown since (a colleague's work on it), it is asked again,
with a 409, rather than deleting more than it said (review 108)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def unconfirmed(
    request: HttpRequest, *, heading: str, consequence: str, button: str, back: str, shown: str = ""
) -> HttpResponse | None:
    """None when the request confirms the removal; otherwise the confirmation page to answer it with. ``shown``: what
    the consequence counted, in a word; a confirmation sent with another is asked again, saying so."""
    # Sent twice, it says nothing one can trust: asked again (review 110: the last of two values was taken).
    values = request.POST.getlist("shown")
    sent = values[0] if len(values) == 1 else ("" if values else None)
    changed = request.POST.get("confirm") == "yes" and bool(shown) and sent is not None and sent != shown
    if request.POST.get("confirm") == "yes" and not changed:
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
        "shown": shown,
        "changed": changed,
    }
    return render(request, "confirm_removal.html", context, status=409 if changed else 200)
