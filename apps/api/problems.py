"""Problem details (RFC 9457): every error the API gives is ``application/problem+json``.

Errors raised inside an operation are turned into problems by the handlers registered on the API
(``register``); responses made before or around the API (a URL that matches no operation, a method it
does not take, the body-size and hostile-input refusals, the 503 when the database is away, a 500)
are rewritten by ``ProblemDetailsMiddleware``, so a client parses one error format everywhere.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import DatabaseError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.csp import build_policy
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser

if TYPE_CHECKING:
    from ninja import NinjaAPI

CONTENT_TYPE = "application/problem+json"
API_PREFIX = "/api/v1/"
logger = logging.getLogger("kpo.api")


class ScopeDenied(PermissionDenied):
    def __init__(self, scope: str) -> None:
        super().__init__(f"This API key lacks the '{scope}' scope.")
        self.scope = scope


class RateLimited(Exception):
    def __init__(self, retry_after: int, detail: str = "") -> None:
        super().__init__("Too many requests")
        self.retry_after, self.detail = retry_after, detail


class Problem(Exception):
    """An error with a status and message, raised by operations (conflicts, refused input)."""

    def __init__(self, status: int, detail: str, *, errors: list[dict[str, str]] | None = None) -> None:
        super().__init__(detail)
        self.status, self.detail, self.errors = status, detail, errors


def form_errors(form: Any) -> list[dict[str, str]]:
    """A Django form's errors as problem ``errors`` (the page's own messages; "" for the whole form)."""
    return [
        {"field": "" if field == "__all__" else field, "message": str(message)}
        for field, messages in form.errors.items()
        for message in messages
    ]


def problem_body(status: int, detail: str, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"type": "about:blank", "title": HTTPStatus(status).phrase, "status": status}
    body["detail"] = detail
    body.update({k: v for k, v in extra.items() if v is not None})
    return body


def problem(request: HttpRequest, status: int, detail: str, **extra: Any) -> HttpResponse:
    body = problem_body(status, detail, instance=request.path, **extra)
    return HttpResponse(json.dumps(body), status=status, content_type=CONTENT_TYPE)


def _validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [
        {"field": ".".join(str(p) for p in e.get("loc", ()) if p not in ("body", "query", "path", "header")),
         "message": str(e.get("msg", "Invalid value."))}
        for e in exc.errors
    ]  # fmt: skip
    return problem(request, 422, "The request is not valid.", errors=errors)


def _rate_limited(request: HttpRequest, exc: RateLimited) -> HttpResponse:
    response = problem(request, 429, exc.detail or "This API key has made too many requests this minute; retry later.")
    response["Retry-After"] = str(exc.retry_after)
    return response


def _unauthenticated(request: HttpRequest, exc: Exception) -> HttpResponse:
    response = problem(
        request,
        401,
        "Send a valid, unrevoked API key as 'Authorization: Bearer kpo_...'. Owners make keys at /api-keys/.",
    )
    response["WWW-Authenticate"] = 'Bearer realm="kpo-advisor"'
    return response


def _problem(request: HttpRequest, exc: Problem) -> HttpResponse:
    return problem(request, exc.status, exc.detail, errors=exc.errors)


def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    cause = exc.__cause__
    if isinstance(cause, RepeatedKey):  # the body parsed, but says one key twice (``StrictJsonParser``)
        detail = "The request is not valid."
        return problem(request, 422, detail, errors=[{"field": cause.path, "message": "Given more than once."}])
    if isinstance(cause, HttpError):  # the parser's own refusal, in its words, not inside the framework's (review 132)
        return problem(request, cause.status_code, str(cause.message))
    # A body that is not JSON, said in the API's words rather than the parser's (review 125: "(maximum recursion depth
    # exceeded while decoding a JSON array from a unicode string)" with DEBUG on).
    if isinstance(cause, json.JSONDecodeError):
        if cause.msg.startswith("Unexpected UTF-8 BOM"):
            return problem(
                request, 400, "The body starts with a byte order mark: send JSON encoded as UTF-8 without one."
            )
        what = cause.msg.removesuffix(" at").lower()  # "Invalid control character at" read "at at" (review 129)
        return problem(
            request, 400, f"The body is not valid JSON: {what} at line {cause.lineno}, column {cause.colno}."
        )
    if isinstance(cause, RecursionError):
        return problem(request, 400, "The body is not valid JSON for this API: it nests arrays or objects too deeply.")
    if isinstance(cause, ValueError) and "digits" in str(cause):  # an integer past Python's conversion limit
        return problem(request, 400, "The body is not valid JSON for this API: a number in it has too many digits.")
    return problem(request, exc.status_code, str(exc.message))


class RepeatedKey(ValueError):
    """A JSON object in a request body with one key twice: which one counts is for the reader to guess (RFC 8259
    s. 4 leaves it open), and a proxy that reads the first would check a request the API does not run."""

    def __init__(self, path: str) -> None:
        super().__init__(f"{path} is given more than once")
        self.path = path


class StrictJsonParser(Parser):
    """Ninja's parser, refusing an object that repeats a key (``RepeatedKey``, answered as a 422 naming it, as a
    query parameter given twice is)."""

    def parse_body(self, request: HttpRequest) -> Any:
        # Read as UTF-8, strictly (RFC 8259 s. 8.1): given bytes, json.loads would guess UTF-16 or UTF-32 from a byte
        # order mark, so a body the API says it reads as UTF-8 was taken in another encoding (review 44).
        try:
            text = request.body.decode("utf-8")
        except UnicodeDecodeError:
            raise HttpError(400, "The body is not UTF-8 text: send JSON encoded as UTF-8.") from None
        if "\x00" in text:  # UTF-16 or UTF-32 read as UTF-8 (review 132: "expecting property name … column 2")
            raise HttpError(400, "The body is not UTF-8 text: send JSON encoded as UTF-8.")
        return json.loads(text, object_pairs_hook=_unique_pairs)


def _unique_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    made = dict(pairs)
    if len(made) != len(pairs):
        seen: set[str] = set()
        for key, _value in pairs:
            if key in seen:
                raise RepeatedKey(key)
            seen.add(key)
    return made


def _database(request: HttpRequest, exc: DatabaseError) -> HttpResponse:
    """The database lost while authenticating a key or running an operation: the 503 with Retry-After the pages
    answer (ninja hands every exception, the key lookup's too, to its own handlers, so the outer
    ``DatabaseUnavailableMiddleware`` never sees it). Any other database error goes on as the exception it is."""
    from kpo_advisor.middleware import database_unavailable, lost_database

    if not lost_database(exc):
        raise exc
    return database_unavailable(request, exc)


HANDLERS: dict[type[Exception], Callable[[HttpRequest, Any], HttpResponse]] = {
    DatabaseError: _database,
    ValidationError: _validation,
    AuthenticationError: _unauthenticated,
    RateLimited: _rate_limited,
    Problem: _problem,
    HttpError: _http_error,
    Http404: lambda request, exc: problem(request, 404, "Not found in your organisation."),
    ObjectDoesNotExist: lambda request, exc: problem(request, 404, "Not found in your organisation."),
    PermissionDenied: lambda request, exc: problem(request, 403, str(exc) or "Not allowed."),
}


def register(api: NinjaAPI) -> None:
    for exc_class, handler in HANDLERS.items():
        api.add_exception_handler(exc_class, handler)


class ProblemDetailsMiddleware:
    """Under /api/v1/, an error response that is not yet a problem becomes one (status and headers kept).

    First in MIDDLEWARE, so it also sees the refusals the body-limit and hostile-input middleware make
    before any view runs."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code < 400
            or not request.path.startswith(API_PREFIX)
            or response.get("Content-Type", "").startswith(CONTENT_TYPE)
            or getattr(response, "streaming", False)
        ):
            return response
        status = response.status_code
        extra: dict[str, Any] = {}
        if status == 400:
            # The hostile-input check's messages, kept on the request: reading the fields again could raise.
            problems = getattr(request, "input_problems", [])
            extra["errors"] = [{"field": "", "message": m} for m in problems] or None
        if status >= 500:
            # The database away is logged where it is answered (once an outage as an error); a warning here.
            level = logging.WARNING if getattr(response, "database_unavailable", False) else logging.ERROR
            logger.log(level, "API %s %s answered %s", request.method, request.path, status)
        body = problem_body(
            status, _DETAILS.get(status, HTTPStatus(status).description), instance=request.path, **extra
        )
        response.content = json.dumps(body).encode()
        if "Content-Length" in response:
            # CommonMiddleware measured the page this replaces; the old length would make a client wait for
            # bytes that never come (a 404's 2,571 against 159), or cut the problem short (a 405's).
            response["Content-Length"] = str(len(response.content))
        response["Content-Type"] = CONTENT_TYPE
        response.headers.pop("Content-Disposition", None)
        if "Content-Security-Policy" not in response and settings.SECURE_CSP:
            # The page this replaces may have switched the policy off (Django's technical 404 under DEBUG does): the
            # problem carries the site's policy like every other response (review 62).
            response["Content-Security-Policy"] = build_policy(settings.SECURE_CSP)  # type: ignore[arg-type]  # the settings dict as Django reads it
        return response


_DETAILS = {
    400: "The request has characters or parameters the API does not accept, or a body without a Content-Length.",
    404: "No such API operation, or not found in your organisation.",
    405: "This operation does not take that method; see the Allow header.",
    413: "The request body is larger than the API accepts.",
    500: "Something went wrong on our side; nothing was changed. Try again, and tell us if it persists.",
    503: "The service is briefly unavailable; retry after the time in Retry-After.",
}
