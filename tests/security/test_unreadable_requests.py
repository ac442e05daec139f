"""A form Django cannot read (not UTF-8, a broken multipart body) is a 400 saying so, never a 500: the hostile-input
check answers it, and the project's 400 page reads nothing from the request (Django's ran the CSRF check, which
read the form again and raised again). Logged as a warning, without a traceback."""

from __future__ import annotations

import logging

import pytest
from django.test import Client
from django.urls import reverse

from apps.accounts.models import User
from tests.security.conftest import World, client_for, snapshot

pytestmark = pytest.mark.django_db

TOKEN = "a" * 32  # any 32-character csrftoken cookie got the old 500
ENCODING = "This form was sent in an encoding KPO Advisor can&#x27;t read"


def _csrf_client(user: User | None = None) -> Client:
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    client.cookies["csrftoken"] = TOKEN
    return client


@pytest.mark.parametrize("charset", ["latin-1", "utf-16"])
def test_a_sign_in_form_not_in_utf8_is_a_400_saying_so_and_logged_as_a_warning(
    db: None, charset: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    response = _csrf_client().post(
        reverse("accounts:login"),
        f"username=é@b.test&password=x&csrfmiddlewaretoken={TOKEN}",  # the client encodes it in the charset
        content_type=f"application/x-www-form-urlencoded; charset={charset}",
    )
    assert response.status_code == 400
    assert ENCODING in response.content.decode() and "Nothing was saved" in response.content.decode()
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    [warning] = [r for r in caplog.records if r.name == "apps.common.hostile"]
    assert warning.levelno == logging.WARNING and warning.exc_info is None


def test_a_signed_in_form_not_in_utf8_stores_nothing(world: World) -> None:
    client = _csrf_client(world.owner)
    before = snapshot()
    response = client.post(
        reverse("questionnaire:start"),
        f"title=Plan é&function=legal&csrfmiddlewaretoken={TOKEN}",
        content_type="application/x-www-form-urlencoded; charset=latin-1",
    )
    assert response.status_code == 400 and ENCODING in response.content.decode()
    assert snapshot() == before


def test_a_multipart_body_that_does_not_parse_is_a_400(world: World) -> None:
    response = client_for(world.owner).post(
        reverse("questionnaire:start"), b"title=Plan", content_type="multipart/form-data; boundary="
    )
    assert response.status_code == 400
    assert "couldn&#x27;t read this form" in response.content.decode()


def test_djangos_own_refusals_get_the_products_400_page_without_reading_the_form(
    db: None, caplog: pytest.LogCaptureFixture
) -> None:
    # A Host the site does not answer to is refused before the hostile-input check; Django's own 400 page then
    # ran the CSRF check, which read this unreadable form and raised: a 500.
    response = _csrf_client().post(
        reverse("accounts:login"),
        "username=é",
        content_type="application/x-www-form-urlencoded; charset=latin-1",
        headers={"host": "attacker.test"},
    )
    assert response.status_code == 400
    assert "couldn't accept that request" in response.content.decode()


@pytest.mark.parametrize(
    ("body", "content_type", "words"),
    [
        ("annual_hours=12\x1b", "application/x-www-form-urlencoded", "contains a control character"),
        ("annual_hours=12é", "application/x-www-form-urlencoded; charset=latin-1", "in an encoding"),
    ],
)
def test_an_autosave_refused_before_its_view_gets_its_status_line_back_not_a_page(
    world: World, body: str, content_type: str, words: str
) -> None:
    """htmx swaps a 4xx into the status line it targets: a whole page there would replace the line (its id
    gone, so the question's next edit would have nowhere to go). The refusal is the line itself."""
    client = client_for(world.owner)
    response = client.post(
        "/assessments/1/answers/annual_hours/",
        body,
        content_type=content_type,
        headers={"HX-Request": "true", "HX-Target": "status-annual_hours"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert html.startswith('<p id="status-annual_hours"') and "data-save-status" in html
    assert "Nothing was saved:" in html and words in html and "<html" not in html
    # Without a plain target id (or without htmx) it is the whole page, as before.
    page = client.post(
        "/assessments/1/answers/annual_hours/", body, content_type=content_type, headers={"HX-Target": "x"}
    )
    assert page.status_code == 400 and "<html" in page.content.decode()
