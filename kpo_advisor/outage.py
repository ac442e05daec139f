"""The 503 page for a request that lost the database, and what it offers a form that was sent.

A page reached by GET only needs "try again in a minute". A form that was sent (a step's "Save and
continue", a checklist item) was not saved, and the buyer's typing is not on any page any more:
steps are drawn from the stored answers, inputs have autocomplete off and pages are not cached.
So the page says plainly that nothing was saved and, where it safely can, carries the posted
fields in a "Try again" form that sends them once more, with a fresh CSRF token: the token lives
in a cookie (CSRF_USE_SESSIONS is off), so it needs no database.

It replays only what the buyer's own page sent: a post that fails Django's CSRF check (a
cross-site form) is not turned into a form with a valid token. Passwords and other secrets are
never written into a page, so a form that carried one is not replayed (it would only fail);
neither is one that carried files, or one that would not fit the body limit once re-encoded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlencode

from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, HttpResponse, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.http.request import RawPostDataException
from django.middleware.csrf import CsrfViewMiddleware, get_token
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
FORM_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})
CSRF_FIELD = "csrfmiddlewaretoken"
# Field names that carry a secret: never written into a page (Django's auth forms: password, old_password,
# new_password1, ...).
# Also the short names other forms use (pass, pwd, pin, otp, api_key), as whole words of the name, so
# "opinion" is not a pin. A name wrongly taken for a secret only costs the replay.
SECRET_NAME = re.compile(
    r"pass(word|wd|phrase)|secret|token|credential|(^|[\W_])(pass|pwd|pin|otp|totp|mfa|(api_?)?key)s?($|[\W_])",
    re.IGNORECASE,
)
# The replay posts back to the path it came from: a path on this site, never "//host" or "/\host".
LOCAL_PATH = re.compile(r"/(?![/\\])")

NOT_GENUINE = "Go back to the page and send it again in a minute."
HAS_SECRET = (
    "This page never keeps passwords or other secrets, so it cannot send the form again for you: "
    "go back, enter them again and send the form in a minute."
)
HAS_FILES = "Files are not kept on this page: go back, choose the file again and send the form in a minute."
TOO_LARGE = "What you sent is too long to keep on this page: go back and send it again in a minute."


@dataclass(frozen=True)
class Replay:
    """A "Try again" form: where it posts, its fresh CSRF token, and the fields as they were sent."""

    action: str
    csrf_token: str
    fields: list[tuple[str, str]]


class _CsrfCheck(CsrfViewMiddleware):
    """Django's CSRF check, for a request the database failed before (or in) its view."""

    def _reject(self, request: HttpRequest, reason: str) -> HttpResponse:
        # Not Django's failure view, which renders a page (and may want the database): only the verdict.
        return HttpResponse(status=403)


def _genuine(request: HttpRequest) -> bool:
    """Whether the post passes Django's CSRF check (the same check the view would have had)."""
    check = _CsrfCheck(_no_view)
    check.process_request(request)  # the cookie's secret, for get_token, if the middleware has not run yet
    return check.process_view(request, _no_view, (), {}) is None


def _no_view(request: HttpRequest) -> HttpResponse:
    """Stands for the view the check is made for: one that is not csrf_exempt (every form's)."""
    return HttpResponse()


def replay_for(request: HttpRequest, limit: int) -> Replay | str:
    """The "Try again" form for this post, or why there is none (a sentence for the buyer)."""
    action = request.get_full_path()
    if not LOCAL_PATH.match(action) or request.content_type not in FORM_TYPES:
        return NOT_GENUINE
    try:
        if not _genuine(request):
            return NOT_GENUINE
        posted, files = request.POST, request.FILES
    except (RawPostDataException, SuspiciousOperation, UnreadablePostError, MultiPartParserError):
        return NOT_GENUINE  # the body was read already, or is too big or broken to read again
    if files:
        return HAS_FILES
    fields = [(name, value) for name, values in posted.lists() if name != CSRF_FIELD for value in values]
    if any(SECRET_NAME.search(name) for name, _ in fields):
        return HAS_SECRET
    token = get_token(request)
    if len(urlencode([*fields, (CSRF_FIELD, token)])) > limit:
        return TOO_LARGE
    return Replay(action=action, csrf_token=token, fields=fields)


# How long a client is asked to wait before trying again while the database is away (the 503's Retry-After).
RETRY_AFTER_SECONDS = 10


HEALTH_PATH = "/healthz"


def health_unavailable(error: str) -> HttpResponse:
    """The health check's answer while the database is away: JSON with Retry-After, as docs/operations.md says, from
    the view or, when a signed-in session's read lost the database before the view ran, from the middleware (review
    145: the HTML outage page answered a health check sent with a session cookie)."""
    from django.http import JsonResponse

    response = JsonResponse({"status": "unavailable", "database": "down", "error": error}, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def unavailable_response(request: HttpRequest, limit: int, error: str = "") -> HttpResponse:
    """The calm 503 page, with Retry-After (the health check's JSON for ``HEALTH_PATH``). ``limit``: the largest body
    this route accepts; ``error``: the exception's class name, which the health check's JSON gives.

    Rendered without context processors or a request: it must work without the database. A form
    that was sent (not by htmx, whose status line says it is not saved) gets the not-saved message
    and, where possible, the "Try again" form; the page then holds what was typed, so it is not stored.
    """
    if request.path == HEALTH_PATH:
        return health_unavailable(error or "OperationalError")
    context: dict[str, object] = {"request_path": request.path}
    sent = request.method not in SAFE_METHODS and request.headers.get("HX-Request") != "true"
    if sent:
        from kpo_advisor.postgres.base import commit_outcome_unknown, committed_in_request

        replay = replay_for(request, limit)
        if committed_in_request() and getattr(request, "view_answered", False):
            # Stored before the database went: no "Try again", which would make it twice or be refused as a repeat.
            context.update(sent=True, saved=True)
        elif commit_outcome_unknown():
            # The database stopped answering as the change was committed: it may be stored, so no "Try again"
            # (review 77: sending it again made a second draft).
            context.update(sent=True, unknown=True)
        elif isinstance(replay, Replay):
            context.update(sent=True, replay=replay)
        else:
            context.update(sent=True, no_replay=replay)
    response = HttpResponse(render_to_string("503.html", context), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    if sent:
        patch_cache_control(response, private=True, no_store=True)
    return response
