from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable
from contextvars import ContextVar

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone

from apps.accounts.security import SESSION_LOGIN_AT, security_event

logger = logging.getLogger(__name__)

Handler = Callable[[HttpRequest], HttpResponse]

# The current request's id, for log lines written anywhere while it is handled.
REQUEST_ID: ContextVar[str] = ContextVar("request_id", default="-")
_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{8,64}")


class RequestIdMiddleware:
    """Give every request an id: the proxy's X-Request-ID when it looks sane, else a new uuid.

    The id is ``request.id``, the response's X-Request-ID header, and ``request_id`` on every log
    line written while the request is handled (RequestIdFilter), so one id ties a user's report,
    the proxy's access log and the app's security events together.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
        request.id = request_id  # type: ignore[attr-defined]
        token = REQUEST_ID.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            REQUEST_ID.reset(token)
        response["X-Request-ID"] = request_id
        return response


class RequestIdFilter(logging.Filter):
    """Put ``request_id`` on every record (the request's own when Django attached it, as django.request does)."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        record.request_id = getattr(request, "id", None) or REQUEST_ID.get()
        return True


class CrossOriginResourcePolicyMiddleware:
    """Other sites may not embed our pages, scripts, styles or exports (Cross-Origin-Resource-Policy)."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        return response


class SessionLifetimeMiddleware:
    """End a signed-in session SESSION_MAX_AGE_SECONDS after sign-in, however active it has been.

    The idle timeout is Django's own (SESSION_COOKIE_AGE, renewed per request); this is the absolute
    one. Logging out deletes the session row, so the old cookie is worthless.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            started = request.session.get(SESSION_LOGIN_AT)
            if not isinstance(started, int):
                request.session[SESSION_LOGIN_AT] = now  # signed in some other way (admin, tests)
            elif now - started > settings.SESSION_MAX_AGE_SECONDS:
                security_event(request, "session_expired", age_seconds=now - started)
                logout(request)
                messages.info(request, "For your security, sessions end after a while: please sign in again.")
        return self.get_response(request)


class SecurityEventsMiddleware:
    """Log every permission denial; turn a sign-in refused by the throttle into a 429 with Retry-After."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        locked_until = getattr(request, "login_locked_until", None)
        if locked_until is not None:
            if response.status_code == 200:
                response.status_code = 429
            wait = int((locked_until - timezone.now()).total_seconds())
            response["Retry-After"] = str(max(1, wait))
        elif response.status_code == 403:
            security_event(request, "permission_denied", level=logging.WARNING, status=403)
        return response


class DatabaseUnavailableMiddleware:
    """Turn a lost database connection into a calm 503 page instead of a traceback.

    Django closes a broken connection at the end of the request, and the next request opens a new
    one, so the app recovers by itself when the database is back.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.error("database unavailable: %s %s: %s", request.method, request.path, exception)
        body = render_to_string("503.html", {"request_path": request.path})
        response = HttpResponse(body, status=503)
        response["Retry-After"] = "10"
        return response
