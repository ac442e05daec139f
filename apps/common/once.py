"""A form that makes something once: reloading the page that answered it (the browser sends the same POST again)
makes nothing more.

Some pages answer their POST directly instead of redirecting, because the answer shows a secret once (a new API
key, a webhook's signing secret) that must never be kept in the session. Each such form carries a random token
(``FIELD``); the session remembers the tokens it has made something for, with the id of what was made, and a
POST that brings one again is told so instead of making a second key. Only the token and an id are kept, never
a secret. Two sends of one token at once (a double click, a script) are told apart by a row per token taken under
its lock (``first_use``, the throttle's table), so only the first makes anything.
"""

from __future__ import annotations

import secrets
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.http import HttpRequest

FIELD = "once"
_SESSION_KEY = "forms-sent-once"
_KEPT = 20  # the newest tokens remembered: enough for any reloading, little enough for a session
ONCE_SCOPE = "form-once"  # the throttle table's scope of the tokens taken


class OnceField(forms.CharField):
    """The hidden token (not required: a form without one, from an old page, still works as before)."""

    def __init__(self) -> None:
        super().__init__(required=False, max_length=64, widget=forms.HiddenInput)


def new_token() -> str:
    return secrets.token_urlsafe(16)


def first_use(request: HttpRequest, token: str) -> bool:
    """Whether this is the first time this user sends the form with ``token`` (always, without a token): counted
    in the database under a row lock, so of sends at once exactly one is first (review 37: three at once made three
    keys)."""
    if not token:
        return True
    from apps.accounts import throttle  # the accounts app's table of counted uses

    return throttle.take(scope=ONCE_SCOPE, key=f"{request.user.pk}:{token}", limit=1, seconds=86400)


def refused(request: HttpRequest, token: str) -> None:
    """The send that took ``token`` made nothing (the service refused it, at a limit say): the token is given back, so
    the same form sent again is refused as this send was, not told it made something (review 165: a double click at
    the limit of 10 keys read "This form was already sent: its key is listed below", with no key made)."""
    if not token:
        return
    from apps.accounts import throttle

    throttle.give_back(scope=ONCE_SCOPE, key=f"{request.user.pk}:{token}")


def sent_before(request: HttpRequest, token: str, made_in: QuerySet[Any]) -> tuple[bool, Any]:
    """(False, None) the first time this form's token is sent (``first_use``); else (True, what it made, found in
    ``made_in``, the organisation's own rows; None when a send at once is still making it)."""
    if first_use(request, token):
        return False, None
    made = made_before(request, token)
    return True, (made_in.filter(pk=made).first() if made else None)


def made_before(request: HttpRequest, token: str) -> int | None:
    """The id of what this form's token already made in this session, or None."""
    if not token:
        return None
    made = request.session.get(_SESSION_KEY, {}).get(token)
    return made if isinstance(made, int) else None


def remember(request: HttpRequest, token: str, made: int) -> None:
    if not token:
        return
    kept = dict(request.session.get(_SESSION_KEY, {}))
    kept[token] = made
    request.session[_SESSION_KEY] = dict(list(kept.items())[-_KEPT:])
