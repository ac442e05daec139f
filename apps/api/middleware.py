"""The API reads JSON bodies only: any other body under /api/v1/ is a 415 before anything reads it."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from apps.api.problems import API_PREFIX, problem
from apps.common.hostile import ascii_int

JSON = "application/json"
# application/json, or a JSON-based type named by its +json suffix (application/merge-patch+json, RFC 6839).
_JSON_TYPE = re.compile(r"application/(?:[a-z0-9!#$&^_.-]+\+)?json")
_WITH_BODY = frozenset({"POST", "PUT", "PATCH"})
_ACCEPT = {"POST": "Accept-Post", "PATCH": "Accept-Patch"}  # the headers that name what a method takes
# The documentation and its schema take no body at all: a body sent to them is answered by their 405, not told to be
# JSON (review 171: a PUT told to resend as JSON was then answered with the page).
_READ_ONLY = frozenset({API_PREFIX + "docs", API_PREFIX + "openapi.json"})


class JsonBodiesOnlyMiddleware:
    """Under /api/v1/, a POST, PUT or PATCH with a body that does not say it is JSON gets a 415 problem.

    Django-ninja reads ``request.body`` as JSON whatever the Content-Type says, so a JSON body labelled
    text/plain or form-urlencoded used to be taken, and a multipart one failed after Django's form parser
    (reading request.POST, as the hostile-input check does) had consumed the stream: a 500. Refusing here,
    after the body-size check and before anything parses the body, leaves the API one kind of body, read
    by one reader (which checks its own text for control characters). A request without a body (a submit)
    may say anything.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            not request.path.startswith(API_PREFIX)
            or request.path in _READ_ONLY
            or request.method not in _WITH_BODY
            or (ascii_int(request.META.get("CONTENT_LENGTH", "")) or 0) <= 0
        ):
            return self.get_response(request)
        if not _JSON_TYPE.fullmatch(request.content_type or ""):
            said = (request.content_type or "no Content-Type")[:80]
            return _refused(
                request, f"The API takes JSON bodies only: send the body as Content-Type: {JSON} (this one was {said})."
            )
        charset = (request.content_params or {}).get("charset", "utf-8").strip().lower()
        # A charset said twice is refused too: which one a reader takes is its own guess (review 44).
        if request.META.get("CONTENT_TYPE", "").lower().count("charset") > 1:
            charset = "given twice"
        if charset not in ("utf-8", "utf8"):
            # JSON is UTF-8 (RFC 8259 s. 8.1) and is read as such: a body said to be in another encoding is refused
            # rather than read as something it says it is not (review 42: charset=utf-16 was taken).
            said = charset[:40]
            return _refused(
                request, f"JSON bodies are UTF-8: send Content-Type: {JSON} with no other charset (not {said})."
            )
        return self.get_response(request)


def _refused(request: HttpRequest, detail: str) -> HttpResponse:
    response = problem(request, 415, detail)
    if request.method in _ACCEPT:
        response[_ACCEPT[request.method]] = JSON
    return response


class HeadAsGetMiddleware:
    """Under /api/v1/, HEAD is answered as GET with the body left off (RFC 9110 s. 9.3.2: HEAD wherever GET works),
    its Content-Length the GET's: the operations are declared for GET alone, so HEAD got a 405."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method != "HEAD" or not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        request.method = "GET"
        response = self.get_response(request)
        if not response.streaming:
            length = len(response.content)
            response.content = b""
            response["Content-Length"] = str(length)
        return response
