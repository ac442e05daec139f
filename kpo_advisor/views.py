from __future__ import annotations

import sys

from django.contrib.auth.views import redirect_to_login
from django.db import DatabaseError, connection
from django.db.models import Case, When
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from apps.accounts.scoping import current_membership, removal_of
from apps.api.problems import API_PREFIX, problem
from apps.common.hostile import SaidBadRequest, same_site
from apps.playbooks.models import Playbook
from apps.questionnaire.gone import typed_fields_named
from apps.questionnaire.models import Assessment
from kpo_advisor.middleware import database_unavailable, log_outage, lost_database, refusal
from kpo_advisor.outage import RETRY_AFTER_SECONDS, health_unavailable


@require_safe
@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """200 when the database answers, 503 when it does not. Used by load balancers and `make run`."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        # Retry-After as the pages' 503 says when to look again; logged as the pages' outage is, once an outage as an
        # error (review 53: one error line a probe).
        return log_outage(request, exc, health_unavailable(type(exc).__name__))
    return JsonResponse({"status": "ok", "database": "up"})


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """The buyer's home; a curator (staff, in no organisation) gets the curation home instead, since the
    buyer's pages would answer 403; after signing out, the confirmation."""
    if not request.user.is_authenticated:
        # The header's sign-out form comes back here with ?signed-out=1 (any visitor may ask for the page).
        template = "registration/logged_out.html" if "signed-out" in request.GET else "home.html"
        return render(request, template)
    if request.user.is_staff and current_membership(request) is None:
        # Drafts sort first (no version yet): the playbook a curator most likely works on.
        playbook = Playbook.objects.only("pk", "title", "version", "status").first()
        return render(request, "curation_home.html", {"playbook": playbook})
    membership = current_membership(request)
    if membership is None:
        # Signed in with no organisation (removed from the only one, say): the page says so, not only the catalogue
        # (review 140: a removed member signing in landed on a home page with no word of it).
        return render(request, "home.html", {"no_organisation": True, "removal": removal_of(request.user)})
    drafts = []
    if membership is not None and membership.can_edit:
        # The drafts to come back to: the member's own first, then the organisation's most recently changed.
        drafts = list(
            Assessment.objects.filter(organisation_id=membership.organisation_id, status=Assessment.Status.DRAFT)
            .order_by(Case(When(created_by_id=request.user.pk, then=0), default=1), "-updated_at", "-pk")
            .select_related("created_by")
            .only("pk", "title", "updated_at", "created_by_id", "created_by__email")[:3]
        )
    # A colleague's draft is named as theirs, under a heading that does not say it waits for this member (review 86).
    theirs = any(d.created_by_id != request.user.pk for d in drafts)
    return render(request, "home.html", {"drafts": drafts, "colleagues_drafts": theirs})


@require_safe
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico on pages that name no icon (admin). The static file's name is
    looked up per request (it carries a content hash in production), and the redirect is temporary."""
    return redirect(static("favicon.svg"))


def plain_page(template: str, status: int, request: HttpRequest) -> HttpResponse:
    # Rendered without context processors: these pages must work when the database does not.
    response = HttpResponse(render_to_string(template, {"request_path": request.path}), status=status)
    if status == 503:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The 400 page for a request Django refused (a SuspiciousOperation such as a Host not allowed, a BadRequest).

    Django's own handler runs the CSRF check to offer a token, and that check reads request.POST: for a form
    that cannot be read (not UTF-8, a broken multipart body) it raised again, and the 400 became a 500. This
    page reads nothing from the request but its path; a refusal in the product's own words (``SaidBadRequest``) says
    them, and to an htmx request in its target's place."""
    if isinstance(exception, SaidBadRequest):
        if request.headers.get("HX-Request") == "true":
            return refusal(request, 400, "Nothing was done", str(exception))
        # What the form held, to copy, as the 403s list it (review 139: reloading lost the typed title).
        signed_in = request.user.is_authenticated if hasattr(request, "user") else False
        checked = getattr(request, "csrf_processing_done", False)
        sent = typed_fields_named(request) if signed_in and checked and same_site(request) else []
        return render(request, "400_said.html", {"message": str(exception), "sent": sent}, status=400)
    return plain_page("400.html", 400, request)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The 403 page; to an htmx request (an autosave, a checklist item), the reason alone in its target's place, where
    a whole page had been dropped by static/js/request-status.js and the save said the service could not be reached
    (review 95: an editor made a viewer while the step was open)."""
    if request.headers.get("HX-Request") == "true" and not request.path.startswith(API_PREFIX):
        said = str(exception) or "your role does not allow this"
        title = "Not saved" if request.method == "POST" else "Not shown"
        return refusal(request, 403, title, said)
    if request.path.startswith(API_PREFIX) or request.method != "POST":
        return defaults.permission_denied(request, exception)
    # A form refused for the member's role or organisation (left since the page was opened, review 125): what it held,
    # listed to copy, as the 404 lists it; only for a signed-in member's form whose CSRF check passed.
    # Never for a form from another site (review 129), which could put its own words on this site's page.
    signed_in = request.user.is_authenticated if hasattr(request, "user") else False
    checked = getattr(request, "csrf_processing_done", False)
    sent = typed_fields_named(request) if signed_in and checked and same_site(request) else []
    return render(request, "403.html", {"exception": str(exception), "sent": sent}, status=403)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The 404 page; for a form sent to something that is not there (removed since the page was opened, say), what
    it held, listed to copy (review 95: a checklist item's evidence typed for a provider taken off the list since)."""
    if request.path.startswith(API_PREFIX):
        return defaults.page_not_found(request, exception)
    if request.headers.get("HX-Request") == "true":
        # To an htmx request (an autosave, a checklist item), the words in its target's place, where a whole page had
        # been dropped and the save said the service could not be reached (review 97).
        title = "Not saved" if request.method == "POST" else "Not found"
        return refusal(request, 404, title, "this is no longer here, or not in this organisation: reload the page.")
    # Listed only for a signed-in member's form whose CSRF check passed: never what another site posts to an address
    # that does not resolve, and never a password (review 97).
    signed_in = request.user.is_authenticated if hasattr(request, "user") else False
    checked = getattr(request, "csrf_processing_done", False)
    sent = typed_fields_named(request) if signed_in and checked and same_site(request) else []  # as the 403s (132)
    context = {"request_path": request.path, "sent": sent}
    return render(request, "404.html", context, status=404)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form whose CSRF check failed (CSRF_FAILURE_VIEW): most often a page left open past a sign-in or
    sign-out elsewhere, or one opened before the session expired. Says so in the product's words, with the
    way back; Django's reason goes to its own log line ("Forbidden (CSRF ...)"), not to the visitor."""
    if request.path.startswith(API_PREFIX):
        detail = "The request failed the cross-site request check; the API takes an API key (Authorization: Bearer)."
        return problem(request, 403, detail)
    if request.headers.get("HX-Request") == "true":
        return refusal(request, 403, "Not saved", "this page expired; reload it and give the answer again.")
    referer = request.headers.get("Referer", "")
    own = url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return render(request, "403_csrf.html", {"back": referer if own else None}, status=403)


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 page; the 503 page (kpo_advisor/outage.py: for a form that was sent, that it was not saved) when
    the exception is, or was raised from, a lost database connection. Rendered without context processors:
    these pages must work when the database does not."""
    lost = sys.exc_info()[1]
    if lost is not None and lost_database(lost):
        # Logged there (the outage once as an error, each request after as a warning); Django's own line is not.
        return database_unavailable(request, lost)
    return plain_page("500.html", 500, request)


def admin_password_change(request: HttpRequest, done: bool = False) -> HttpResponse:
    """The admin's password change, sent to the product's page, which counts wrong current passwords towards the
    sign-in lock (review 181: the admin's own took 25 wrong ones with no pause). Like every admin URL, it sends anyone
    who is not staff to the admin's sign-in; a staff member's GET goes to the product's page, anything else is 405."""
    if not (request.user.is_active and request.user.is_staff):
        return redirect_to_login(request.get_full_path(), reverse("admin:login"))
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    return redirect("accounts:password_change_done" if done else "accounts:password_change")
