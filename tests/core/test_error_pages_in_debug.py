"""With DEBUG on (`make run`), a page not found or a view that fails gets the product's own 404 and 500 pages, as in
production, not Django's technical pages (every URL pattern of the site; a traceback with the settings), which anyone
who can reach the server would read. DEBUG_PAGES=true gives a developer Django's pages back."""

from __future__ import annotations

from typing import Any

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import include, path

pytestmark = pytest.mark.django_db


def _boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a view that fails")


urlpatterns = [path("boom/", _boom), path("", include("kpo_advisor.urls"))]


def _get(url: str) -> Any:
    # A new client loads the middleware with the settings of the moment.
    return Client(raise_request_exception=False).get(url)


def test_with_debug_on_a_missing_page_and_a_failing_view_get_the_products_pages(settings: Any) -> None:
    settings.DEBUG = True
    settings.ROOT_URLCONF = __name__
    missing = _get("/no-such-page/")
    assert missing.status_code == 404
    body = missing.content.decode()
    assert "We can't find that page" in body and "URLconf" not in body and "boom/" not in body
    failed = _get("/boom/")
    assert failed.status_code == 500
    body = failed.content.decode()
    assert "Something went wrong on our side" in body and "RuntimeError" not in body and "Traceback" not in body
    # The request's id and caching as the middleware inside gave them, so a report matches the log (review 65).
    assert failed["X-Request-ID"] and missing["X-Request-ID"] and failed["X-Request-ID"] != missing["X-Request-ID"]
    # A Host the site does not serve is a suspicious request: Django's 400 page listed the settings and the
    # environment to anyone.
    host = Client(raise_request_exception=False).get("/accounts/login/", headers={"host": "evil.test"})
    assert host.status_code == 400
    body = host.content.decode()
    assert "DisallowedHost" not in body and "DATABASES" not in body and "Request refused" in body
    # The product's own refusals keep their words.
    refused = Client(raise_request_exception=False).get("/", {"q": "\x00"})
    assert refused.status_code == 400 and "contains a control character" in refused.content.decode()
    # The JSON API keeps its problem details.
    api = _get("/api/v1/no-such-thing")
    assert api.status_code == 404 and api["Content-Type"] == "application/problem+json"


def test_with_debug_on_a_refusal_in_the_products_words_keeps_them(
    settings: Any, buyer: Any, organisation: Any, other_organisation: Any
) -> None:
    # Review 137: under `make run`, a form naming two organisations read the generic 400, and a 403 lost its reason.
    settings.DEBUG = True
    client = Client(raise_request_exception=False)
    client.force_login(buyer)
    members = "/accounts/members/"
    sent = {"email": "x@acme.test", "role": "viewer", "drawn_in": [str(organisation.pk), str(organisation.pk)]}
    twice = client.post(members, sent)
    assert twice.status_code == 400 and "named the organisation its page was opened in twice" in twice.content.decode()
    foreign = client.post(members, {**sent, "drawn_in": str(other_organisation.pk)}, HTTP_ORIGIN="http://testserver")
    assert foreign.status_code == 403 and "an organisation you are not a member of now" in foreign.content.decode()


def test_debug_pages_gives_a_developer_djangos_technical_pages(settings: Any) -> None:
    settings.DEBUG = True
    settings.DEBUG_PAGES = True
    settings.ROOT_URLCONF = __name__
    assert "URLconf" in _get("/no-such-page/").content.decode()
    assert "RuntimeError" in _get("/boom/").content.decode()
    host = Client(raise_request_exception=False).get("/accounts/login/", headers={"host": "evil.test"})
    assert "DisallowedHost" in host.content.decode()
