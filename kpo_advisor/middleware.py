from __future__ import annotations

import logging
import re
import sys
import time
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from typing import cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.sessions.exceptions import SessionInterrupted
from django.contrib.sessions.middleware import SessionMiddleware
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.handlers.exception import response_for_exception
from django.core.signals import got_request_exception
from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import http_date
from pghistory.middleware import HistoryMiddleware

from apps.accounts.security import SESSION_LOGIN_AT, security_event
from apps.common.hostile import SaidBadRequest, ascii_int, refusal
from kpo_advisor.outage import RETRY_AFTER_SECONDS, unavailable_response

logger = logging.getLogger(__name__)

Handler = Callable[[HttpRequest], HttpResponse]

# The current request's id, for log lines written anywhere while it is handled.
REQUEST_ID: ContextVar[str] = ContextVar("request_id", default="-")
_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{8,64}")


# Multipart framing around an admin import's file (boundaries, part headers, the CSRF field).
MULTIPART_ALLOWANCE = 64 * 1024


class LimitedRequest(HttpRequest):
    """A request that passed RequestBodyLimitMiddleware: ``body_limit`` is its route's limit (a type only)."""

    body_limit: int


class IdentifiedRequest(HttpRequest):
    """A request RequestIdMiddleware gave an ``id`` (a type only)."""

    id: str


def body_limit(request: HttpRequest) -> int:
    """The largest request body this route accepts, in bytes.

    Every form of the product fits DATA_UPLOAD_MAX_BYTES. The admin's JSON import pages (their URL
    names end in ``_import``) take one file up to the size apps/common/uploads.py allows, plus the
    multipart framing around it. Only a body already over the general limit pays for the URL lookup.
    """
    limit: int = settings.DATA_UPLOAD_MAX_BYTES
    declared = ascii_int(request.META.get("CONTENT_LENGTH", ""))
    if declared is not None and declared > limit:
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return limit
        if match.namespace == "admin" and (match.url_name or "").endswith("_import"):
            from apps.common.uploads import MAX_UPLOAD  # the import form's own limit, one home for it

            return max(limit, MAX_UPLOAD + MULTIPART_ALLOWANCE)
    return limit


class RequestBodyLimitMiddleware:
    """Refuse an oversized or unsized request body before anything reads it.

    Before any middleware that reads the request, so no parser sees the body: Django's
    DATA_UPLOAD_MAX_MEMORY_SIZE does not count file parts, and the CSRF check parses a multipart body
    (writing its files out) before any view could refuse it. Gunicorn has no body limit; the proxy's
    (docs/operations.md) is the first line, this the second, the upload handler (kpo_advisor/uploads.py) the third.

    - a declared Content-Length over the route's limit (``body_limit``): 413 with a short page;
    - a body without a declared length (``Transfer-Encoding``, e.g. chunked) or with a length that is
      not a number in ASCII digits (``²`` is a digit to Python, not to HTTP): 400, as no route takes
      one (under WSGI Django would read such a body as empty, so the request could only half work,
      e.g. an autosave would clear the answer).

    htmx requests get the message as a fragment for their target (an autosave's status line).
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        declared = request.META.get("CONTENT_LENGTH", "")
        length = ascii_int(declared)
        if "HTTP_TRANSFER_ENCODING" in request.META or (declared and length is None):
            return refusal(request, 400, "Nothing was saved", "the request's size was not declared (Content-Length).")
        limit = body_limit(request)
        if length is not None and length > limit:
            logger.warning(
                "body refused: %s %s declares %s bytes (limit %s)", request.method, request.path, declared, limit
            )
            return refusal(
                request,
                413,
                "Request too large",
                f"KPO Advisor accepts at most {limit:,} bytes here; nothing was saved.",
            )
        cast(LimitedRequest, request).body_limit = limit  # for the upload handler
        return self.get_response(request)


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
        cast(IdentifiedRequest, request).id = request_id
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


class LostDatabaseFilter(logging.Filter):
    """On django.request: a request that lost the database keeps its one line, without the stack trace.

    Django logs every exception it turns into a 5xx with its traceback; while the database is down that is
    every request, so the log would fill with identical stacks and hide what else happened. The outage is
    the news, and the line says it ("Service Unavailable: /path", or the 500 that the 503 replaces, with the
    exception's own message); the stack says nothing more."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if lost_database(exc):
            # One more argument for the %-format (django.request's "%s: %s"), so a "%" in the exception's own
            # text is never read as a placeholder.
            if record.args and isinstance(record.args, tuple):
                args = record.args
                # With DEBUG on, Django logs the 500 page it made before the 503 replaced it (review 49).
                if args and args[0] == "Internal Server Error":
                    args = ("Service Unavailable", *args[1:])
                record.msg, record.args = f"{record.msg} (database unavailable: %r)", (*args, exc)
            record.exc_info = None
            record.exc_text = None
            # A warning: the request was answered (503, Retry-After), and the outage's own line says so once
            # (``database_unavailable``); alerts counting errors see one per outage, not one per request.
            record.levelno, record.levelname = logging.WARNING, logging.getLevelName(logging.WARNING)
        return True


class RefusalFilter(logging.Filter):
    """On the log's handler: a request refused with a 4xx (a permission denied, a host not allowed: Django's
    django.request and django.security.* lines, which carry the response's status) keeps its one line, without the
    stack trace Django attaches (review 85: most tracebacks in the log were ordinary refusals, so watching for
    "Traceback" found mostly noise). A 5xx keeps its trace."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and status < 500:
            record.exc_info = None
            record.exc_text = None
            # A host not allowed is logged as an ERROR, though it was answered with a 400 (review 87).
            if record.levelno > logging.WARNING:
                record.levelno, record.levelname = logging.WARNING, logging.getLevelName(logging.WARNING)
        return True


class CrossOriginResourcePolicyMiddleware:
    """Other sites may not embed our pages, scripts, styles or exports (Cross-Origin-Resource-Policy)."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        return response


# The session key holding when the session's expiry was last pushed forward (epoch seconds).
SESSION_REFRESHED_AT = "refreshed_at"


class SessionLifetimeMiddleware:
    """Keep a signed-in session's idle timeout moving, and end it SESSION_MAX_AGE_SECONDS after sign-in.

    Sessions are saved only when they change (SESSION_SAVE_EVERY_REQUEST is off), so most requests
    write nothing and a request cannot fail after its work is done just because the session could
    not be saved. To keep the idle timeout (SESSION_COOKIE_AGE) meaningful, a busy session is marked
    changed at most once every SESSION_REFRESH_SECONDS, which saves it with a new expiry and cookie:
    the idle timeout is honoured to within that many seconds. Logging out deletes the session row,
    so the old cookie is worthless.
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
                request.ended_user_id = request.user.pk  # type: ignore[attr-defined]  # for _keep_sent_step
                logout(request)
                messages.info(request, "For your security, sessions end after a while: please sign in again.")
                return self.get_response(request)
            refreshed = request.session.get(SESSION_REFRESHED_AT)
            if not isinstance(refreshed, int) or now - refreshed >= settings.SESSION_REFRESH_SECONDS:
                request.session[SESSION_REFRESHED_AT] = now  # saved at the end: new expiry, new cookie
        return self.get_response(request)


class SecurityEventsMiddleware:
    """Log every permission denial; turn a sign-in refused by the throttle into a 429 with Retry-After."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        locked_until = getattr(request, "login_locked_until", None)
        if locked_until is not None:
            if response.status_code in (200, 400):  # the form refused (400 since review 165): the lock says why
                response.status_code = 429
            wait = int((locked_until - timezone.now()).total_seconds())
            response["Retry-After"] = str(max(1, wait))
        elif response.status_code == 403:
            security_event(request, "permission_denied", level=logging.WARNING, status=403)
        return response


# When this process last logged a lost database as an error (time.monotonic()); 0: never.
_OUTAGE_ERROR_AT = [0.0]


def database_unavailable(request: HttpRequest, exception: BaseException) -> HttpResponse:
    """The calm 503 page, with Retry-After, for a request that lost the database (kpo_advisor/outage.py)."""
    return log_outage(request, exception, unavailable_response(request, body_limit(request), type(exception).__name__))


def log_outage(request: HttpRequest, exception: BaseException, response: HttpResponse) -> HttpResponse:
    """``response``, a 503 for a lost database, logged as an error at most once per process every
    ``RETRY_AFTER_SECONDS`` and as a warning otherwise: an outage under load is hundreds of requests a second, and an
    alert counting errors should see the outage, not each request it answered (review 49: some 1,700 error lines in
    20 seconds). The response is marked so that Django's own line for it, at ERROR for any 5xx, is left out (reviews
    51 and 53), and so that the API's problem middleware logs its own as a warning."""
    response._has_been_logged = True  # type: ignore[attr-defined]  # read by Django's log_response
    response.database_unavailable = True  # type: ignore[attr-defined]  # read by the API's problem middleware
    now = time.monotonic()
    first = now - _OUTAGE_ERROR_AT[0] >= RETRY_AFTER_SECONDS
    if first:
        _OUTAGE_ERROR_AT[0] = now
    logger.log(
        logging.ERROR if first else logging.WARNING,
        "database unavailable: %s %s: %r",
        request.method,
        request.path,
        exception,
    )
    return response


def lost_database(exception: BaseException | None) -> bool:
    """Whether this exception, or one it was raised from or while handling, is a lost connection."""
    seen = 0
    while exception is not None and seen < 10:
        if isinstance(exception, OperationalError | InterfaceError):
            return True
        exception, seen = exception.__cause__ or exception.__context__, seen + 1
    return False


class DatabaseAwareSessionMiddleware(SessionMiddleware):
    """Django's session middleware, except that losing the database while saving the session is a 503.

    Django reports a failed session save as SessionInterrupted (400: "the session was deleted"),
    raised after the view has done its work, where DatabaseUnavailableMiddleware never sees it. An
    autosave committed just before the database went away would then tell its client the answer was
    refused. A save that fails because the connection is gone answers 503 with Retry-After instead;
    a session really deleted meanwhile (a sign-out in another tab) is still Django's 400.
    """

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        try:
            response = super().process_response(request, response)
        except (SessionInterrupted, DatabaseError) as exc:
            if not lost_database(exc):
                raise
            return database_unavailable(request, exc)
        _outlive_idling(response)
        return response


def _outlive_idling(response: HttpResponse) -> None:
    """The session cookie lives as long as a session may (``SESSION_MAX_AGE_SECONDS``), not only as long as it may idle:
    the server ends an idle session by its row's expiry whatever the cookie says, and a cookie still sent after that
    names whose session ended, so a questionnaire step sent without JavaScript is kept for its owner to sign in to
    (``_keep_sent_step``). Review 146: the browser dropped the cookie the moment the session idled out, so that step
    was lost and the sign-in page blamed another window or a password change."""
    cookie = response.cookies.get(settings.SESSION_COOKIE_NAME)
    if cookie is None or not cookie.value or not cookie["max-age"]:
        return  # no cookie set by this response, or one being deleted
    lifetime = max(int(cookie["max-age"]), settings.SESSION_MAX_AGE_SECONDS)
    cookie["max-age"] = lifetime
    cookie["expires"] = http_date(time.time() + lifetime)


class PrivatePagesMiddleware:
    """Signed-in pages, and pages that carry a CSRF token, go into no cache: ``Cache-Control: private, no-store``.

    Results, due diligence and the portfolio must not be kept by a shared proxy, nor come back from
    the browser's cache with the back button after sign-out. A page that embeds the CSRF token (the
    sign-in page, every page on base.html) is tied to its visitor's cookie: served from a shared
    cache to someone else it would only fail their form. A response that already says how it may be
    cached (``never_cache`` and the like) keeps its header. Static files never get here: whitenoise
    answers them earlier in MIDDLEWARE.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # A request with credentials of its own (the API's key in Authorization) answers for that key's
        # organisation alone: no cache keeps it, and one that did would have to tell keys apart.
        keyed = "HTTP_AUTHORIZATION" in request.META
        if keyed:
            patch_vary_headers(response, ("Authorization",))
        if "Cache-Control" not in response and (
            keyed or request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or _signed_in(request)
        ):
            patch_cache_control(response, private=True, no_store=True)
        return response


def _signed_in(request: HttpRequest) -> bool:
    try:
        return bool(request.user.is_authenticated)
    except DatabaseError:  # the session could not be read: treat it as private
        return True


class LostDatabaseRequest(HttpRequest):
    """A request during which the database connection was lost (a type only): ``lost_database`` is the exception."""

    lost_database: BaseException


def _note_lost_database(sender: object, request: HttpRequest | None = None, **kwargs: object) -> None:
    # got_request_exception is sent inside Django's except block, just before it makes the exception a 500.
    exception = sys.exc_info()[1]
    if request is not None and lost_database(exception):
        cast(LostDatabaseRequest, request).lost_database = cast(BaseException, exception)


class DatabaseUnavailableMiddleware:
    """Turn a lost database connection anywhere inside it into a calm 503 page instead of a traceback.

    A view's lost connection reaches ``process_exception``. One lost in a middleware further in (reading the
    session to know the user: the audit context, the session lifetime) does not: Django turns an exception
    into a response at the middleware that raised it (``convert_exception_to_response``), a 500 from
    ``handler500``, or with DEBUG on the technical page with settings and stack. So ``got_request_exception``,
    sent just before, notes a lost connection on the request, and a 500 coming back with one noted becomes
    the 503. Hence this sits outside every middleware that touches the database.

    Django closes a broken connection at the end of the request, and the next request opens a new
    one, so the app recovers by itself when the database is back.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response
        got_request_exception.connect(_note_lost_database, dispatch_uid="kpo_advisor.lost_database")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        lost = getattr(request, "lost_database", None)
        if lost is not None and response.status_code == 500:
            return database_unavailable(request, lost)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, ObjectDoesNotExist):
            # A row the view had found, gone before its service locked it: the other of two clicks on a removal
            # (review 70: deleting a draft, a shortlist entry or a member twice at once answered 500). What was asked
            # for is not there: the product's 404, as a second request after the first would get.
            logger.info("%s %s: %s gone under a concurrent request", request.method, request.path, exception)
            return response_for_exception(request, Http404("Gone under a concurrent request."))
        if not lost_database(exception):
            return None
        return database_unavailable(request, exception)


class ViewAnsweredMiddleware:
    """Innermost: notes on the request that its view answered without a refusal (``view_answered``). A form whose
    view answered, and whose change the database committed, was saved, whatever is lost after it: the session's save,
    the messages, the page that follows (review 112: an invitation and an API key stored, and the 503 page said
    "not saved" and offered "Try again", refused as a repeat). ``outage.unavailable_response`` reads it."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        request.view_answered = response.status_code < 400  # type: ignore[attr-defined]  # read by outage.py
        return response


class AuditContextMiddleware(HistoryMiddleware):
    """The audit trail's request context (who, from which URL) on the events of a staff member's writes.

    Only curated data is audited (``apps.common.audit``), and only staff (curators, operators, in the admin)
    can change it. pghistory's middleware sends its context in front of every write of every POST: two
    settings and a JSON encoding per statement, on each autosave and submit of every buyer, whose writes no
    audit trigger reads. A staff member's requests keep it, whatever they write."""

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_staff:
            return cast(HttpResponse, super().__call__(request))
        return self.get_response(request)


class ProductErrorPagesMiddleware:
    """With ``DEBUG`` on (``make run``), Django answers a page that is not found, a view that fails or a suspicious
    request (a Host it does not serve, an admin parameter it refuses: a 400) with its technical pages: every URL
    pattern of the site, or a traceback with the request, the settings and the environment, shown to whoever can reach
    the server. This answers with the product's own 400, 403, 404 and 500 pages instead, as production does; the
    traceback still goes to the server's log (Django's ``django.request`` logger). A technical page is known by the
    sentence all of Django's carry (``TECHNICAL``), so the product's own refusals, whatever their status, are left as
    they are. ``DEBUG_PAGES=true`` gives a developer Django's pages back. Off (not installed) whenever ``DEBUG`` is
    off: production has the product's pages already. The JSON API's errors are problem details either way
    (``ProblemDetailsMiddleware``)."""

    TECHNICAL = b"because you have <code>DEBUG = True</code>"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        from django.core.exceptions import MiddlewareNotUsed

        if not settings.DEBUG or settings.DEBUG_PAGES:
            raise MiddlewareNotUsed
        self.get_response = get_response

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        # Kept for the page drawn below, which says a refusal's own words (review 137: a ``SaidBadRequest`` read as
        # the generic 400 under ``make run``); Django's handler still answers first, with its technical page.
        request._raised = exception  # type: ignore[attr-defined]  # read in __call__, on this request only

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code < 400 or response.streaming or request.path.startswith("/api/"):
            return response
        if not response.get("Content-Type", "").startswith("text/html") or self.TECHNICAL not in response.content:
            return response
        from django.core.exceptions import PermissionDenied, SuspiciousOperation
        from django.http import Http404

        from kpo_advisor.views import bad_request, page_not_found, permission_denied, plain_page

        # The pages production answers with: the project's 404, 403 and 400 handlers (its
        # 500 handler reads the exception, which is gone here: a lost database is answered earlier, by
        # DatabaseUnavailableMiddleware, so its plain 500 page is the rest of it).
        status = response.status_code
        raised = getattr(request, "_raised", None)
        page: HttpResponse
        if status == 404:
            page = page_not_found(request, raised if isinstance(raised, Http404) else Http404())
        elif status == 403:
            page = permission_denied(request, raised if isinstance(raised, PermissionDenied) else PermissionDenied())
        elif status < 500:
            page = bad_request(request, raised if isinstance(raised, SaidBadRequest) else SuspiciousOperation())
        else:
            page = plain_page("500.html", 500, request)
        # What the middleware inside gave the technical page: the request's id (so a report matches the log line, as
        # in production; review 65) and its caching.
        for name in ("X-Request-ID", "Cache-Control"):
            if name in response:
                page[name] = response[name]
        return page


# A form's page, for the addresses that only take a form sent from it: what a GET of the address links to on the
# product's 405 page. Only pages named here: going up one level had led to another address that takes only a form
# (review 63); an address whose page needs a lookup (a shortlist entry's) offers the home page.
_FORM_PAGES = (
    (re.compile(r"^/recommendations/assessment/(\d+)/submit/$"), "/assessments/{}/review/"),
    (re.compile(r"^/recommendations/(\d+)/what-if/save/$"), "/recommendations/{}/what-if/"),
    (re.compile(r"^/recommendations/(\d+)/rescore/$"), "/recommendations/{}/"),
    (re.compile(r"^/vendors/shortlist/(\d+)/add/$"), "/vendors/match/{}/"),
    (re.compile(r"^/accounts/members/\d+/(remove|role)/$"), "/accounts/members/"),
    (re.compile(r"^/accounts/sso/domains/\d+/remove/$"), "/accounts/sso/domains/"),
    (re.compile(r"^/api-keys/\d+/revoke/$"), "/api-keys/"),
    (re.compile(r"^/api-keys/webhooks/\d+/remove/$"), "/api-keys/webhooks/"),
)


class SignedOutAndMethodMiddleware:
    """What a browser gets when a page was left open, said in the product's words.

    - An htmx request (an autosave, a what-if round, a checklist item) made after the session ended is redirected to
      sign-in by its view; the browser follows the redirect unseen and htmx swapped the whole sign-in page into the
      form, while the typed answer was never saved (review 61). It gets a plain 401 with words and nothing to swap
      (``_signed_out``): what was typed stays in its box.
    - A form sent without htmx after the session ended goes to sign in with the page it was sent from as ``next``
      (``_back_to_the_form``), not the address it posts to.
    - A GET of an address that only takes a form (Django's ``require_POST``: an empty 405, which Chromium shows as
      its own "This page isn't working"): the product's 405 page, saying nothing was done, with a link to the page
      the form is on where it is known (``_FORM_PAGES``).
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith("/api/"):
            return response
        if response.status_code in (301, 302) and _to_sign_in(response) and not _signing_out(request):
            if request.headers.get("HX-Request") == "true":
                return _signed_out(request)
            if request.method == "POST":
                # Signing in again returns to the page the form was on, not to the address it posts to (which only
                # takes a form, so it had answered the 405; review 61).
                return _back_to_the_form(request, response)
        if response.status_code == 405 and request.method == "GET" and not response.content:
            from django.template.loader import render_to_string

            page = render_to_string("405.html", {"back": _form_page(request.path)})
            refused = HttpResponse(page, status=405)
            refused["Allow"] = response.get("Allow", "POST")
            return refused
        return response


def _signing_out(request: HttpRequest) -> bool:
    """Whether ``request`` is the sign-out, whose own redirect to sign-in is not a form the session ended under
    (review 95: signing out said "Your session had ended, so what you sent was not saved")."""
    from django.urls import reverse

    return request.path == reverse("accounts:logout")


def _to_sign_in(response: HttpResponse) -> bool:
    """Whether the redirect ``response`` goes to the sign-in page."""
    from django.shortcuts import resolve_url

    return response.get("Location", "").split("?", 1)[0] == resolve_url(settings.LOGIN_URL)


def _signed_out(request: HttpRequest) -> HttpResponse:
    """The 401 for an htmx request made after the session ended: words for static/js/request-status.js to show
    where the request's failure goes (the save's status, or a notice in its target), and nothing for htmx to swap,
    so the target keeps what it held (review 63: a checklist item had been replaced by the message). Signing in again
    gives the session a new form token, so the page must be reloaded before anything on it can be sent again."""
    done = "was not saved" if request.method == "POST" else "could not be opened"
    typed = " Copy what you typed first: the reloaded page shows what was saved." if request.method == "POST" else ""
    advice = f"Sign in again, then reload this page.{typed}"
    if request.method == "POST" and _ANSWER_PATH.match(request.path):
        # A step's form keeps what was typed and chosen when it is sent (static/js/typing-pause.js) and puts it back
        # after signing in; a reload keeps typed boxes only (review 83: the advice lost a choice).
        advice = (
            "Save the step with the button at its foot: you are asked to sign in, and what you typed or chose "
            "on it comes back and is saved."
        )
    response = HttpResponse(
        f"Signed out: your session has ended, so this {done}. {advice}",
        status=401,
        content_type="text/plain; charset=utf-8",
    )
    response["HX-Reswap"] = "none"
    response["X-Signed-Out"] = "1"
    return response


def _back_to_the_form(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """``response`` (a redirect to sign-in) with its ``next`` set to the page the form was sent from, when the form
    came from a page of this site; else as it was."""
    from urllib.parse import urlencode, urlsplit

    from django.shortcuts import resolve_url
    from django.utils.http import url_has_allowed_host_and_scheme

    login = resolve_url(settings.LOGIN_URL)
    referer = request.headers.get("Referer", "")
    if not referer or not url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()}):
        return response
    page = urlsplit(referer)
    back = page.path + (f"?{page.query}" if page.query else "")
    if not page.path.startswith("/") or page.path.startswith(login):
        return response
    # ``sent``: the sign-in page says the form was not saved (review 63: it said nothing without JavaScript), and for
    # a step sent without JavaScript whether what it held was kept (review 80: it promised a step it had not kept).
    kept = _keep_sent_step(request) if page.path == request.path else None
    sent = {True: "kept", False: "lost", None: "1"}[kept]
    response["Location"] = f"{login}?{urlencode({'next': back, 'sent': sent})}"
    return response


# A questionnaire step sent without JavaScript after the session ended: what it held is kept in the (new) session,
# which signing in keeps, until the step's page puts it back in its boxes (``apps.questionnaire.views``); with
# JavaScript the page keeps it itself (static/js/typing-pause.js). Kept only for the member whose session ended, known
# from that session (review 77: anyone could have a session made with 280 KB in it, and whoever signed in next on the
# browser was given what the last person typed), within SENT_STEP_BYTES of UTF-8, and put back only within the hour.
SENT_STEP_KEY = "sent-step"
SENT_STEP_BYTES = 16 * 1024
SENT_STEP_SECONDS = 60 * 60
_STEP_PATH = re.compile(r"^/assessments/\d+/steps/[-\w]+/$")
_ANSWER_PATH = re.compile(r"^/assessments/\d+/answers/[-\w]+/$")


def _keep_sent_step(request: HttpRequest) -> bool | None:
    """Keep a step sent without JavaScript (it carries the ``nojs`` field) for ``SENT_STEP_SECONDS``, when it fits in
    ``SENT_STEP_BYTES``; review 76: without JavaScript, signing in again had lost every answer on the step. True when
    kept; False when it could not be (a session ended by signing out or a password change is gone, so whose the step
    was is not known); None for anything but such a step."""
    if not _STEP_PATH.match(request.path) or request.POST.get("nojs") != "1":
        return None
    user = getattr(request, "ended_user_id", None) or _ended_session_user(request)
    if user is None:
        return False
    data = {k: request.POST.getlist(k) for k in request.POST if k != "csrfmiddlewaretoken"}
    size = sum(len(k.encode()) + sum(len(v.encode()) for v in values) for k, values in data.items())
    if size > SENT_STEP_BYTES:
        return False
    request.session[SENT_STEP_KEY] = {"path": request.path, "data": data, "at": time.time(), "user": str(user)}
    return True


def _ended_session_user(request: HttpRequest) -> str | None:
    """Whose session the request's cookie names, when it has ended by idling (its row is kept past its expiry until
    the sessions are cleared); None for no cookie, a session cleared or never signed in."""
    from django.contrib.sessions.models import Session

    key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    if not key or len(key) > 64:
        return None
    row = Session.objects.filter(session_key=key).only("session_data").first()
    if row is None:
        return None
    user = row.get_decoded().get("_auth_user_id")
    return str(user) if user else None


def _form_page(path: str) -> str:
    """The page a form sending to ``path`` is on, for the addresses ``_FORM_PAGES`` names; "" for any other (the
    405 page then offers the home page alone)."""
    for pattern, page in _FORM_PAGES:
        if found := pattern.match(path):
            return page.format(*(g for g in found.groups() if g and g.isdigit()))
    return ""


class AdminSelectionMiddleware:
    """An admin list's action sent with a selected id its model's key cannot read (``_selected_action=abc``, a digit
    of another script): a 400 saying so, before the action filters by it (review 134: a ValueError and a 500 from
    ``queryset.filter(pk__in=…)``, and an Arabic-Indic "١" taken for id 1). Nothing is done."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., HttpResponse], args: object, kwargs: object
    ) -> HttpResponse | None:
        model_admin = getattr(view_func, "model_admin", None)
        if request.method != "POST" or model_admin is None or "_selected_action" not in request.POST:
            return None
        key = model_admin.model._meta.pk
        integer = key.get_internal_type() in ("AutoField", "BigAutoField", "SmallAutoField", "IntegerField")
        for value in request.POST.getlist("_selected_action"):
            if integer and ascii_int(value) is not None:
                continue
            if not integer:
                try:
                    key.to_python(value)
                    continue
                except (ValidationError, ValueError, TypeError):
                    pass
            return refusal(
                request,
                400,
                "Nothing was done",
                "One of the selected rows is not an id of this list, so the action was not run: go back to the "
                "list, tick the rows again and choose the action.",
                back=("Back to the list", request.path),
            )
        # An action this list does not offer (a forged "delete_selected" where the list has no bulk delete): said in
        # words, where Django's list read "No action selected." (review 143).
        # Every action value sent: Django reads the one at ``index`` (review 149: a forged one beside an offered one).
        offered = model_admin.get_actions(request)
        if any(action and action not in offered for action in request.POST.getlist("action")):
            return refusal(
                request,
                400,
                "Nothing was done",
                "That action is not offered on this list, so nothing was done: go back to the list and choose one of "
                "the actions it offers.",
                back=("Back to the list", request.path),
            )
        return None
