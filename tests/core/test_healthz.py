from __future__ import annotations

import logging
from typing import Any

import pytest
from django.db import OperationalError
from django.test import Client


@pytest.mark.django_db
def test_healthz_is_ok_when_the_database_answers(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "up"}


@pytest.mark.django_db
def test_healthz_is_503_when_the_database_does_not_answer(
    client: Client, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from django.db import connection

    from kpo_advisor import middleware

    def refuse(*args: object, **kwargs: object) -> None:
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", refuse)
    monkeypatch.setattr(middleware, "_OUTAGE_ERROR_AT", [0.0])
    with caplog.at_level(logging.INFO):
        responses = [client.get("/healthz") for _ in range(4)]
    assert [r.status_code for r in responses] == [503] * 4
    assert responses[0].json()["database"] == "down"
    # Review 53: each probe during an outage logged an error; now the outage's one, then warnings.
    assert [r.levelno for r in caplog.records if r.levelno >= logging.WARNING] == [logging.ERROR] + [
        logging.WARNING
    ] * 3


@pytest.mark.django_db
def test_healthz_refuses_post(client: Client) -> None:
    assert client.post("/healthz").status_code == 405


@pytest.mark.django_db
def test_database_errors_in_views_become_a_calm_503(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    from kpo_advisor import views

    def broken(request: object) -> None:
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(views, "render", lambda *a, **k: broken(None))
    response = client.get("/")
    assert response.status_code == 503
    assert b"can't reach its database" in response.content
    assert response["Retry-After"] == "10"


def test_no_template_comment_leaks_into_a_page() -> None:
    """Django's {# #} comments end at the line's end: a comment over two lines shows up as text."""
    import re
    from pathlib import Path

    leaks = [
        str(path)
        for path in Path(__file__).resolve().parents[2].joinpath("templates").rglob("*.html")
        if any("\n" in m.group(1) for m in re.finditer(r"\{#(.*?)#\}", path.read_text(), re.S))
    ]
    assert not leaks, f"multi-line {{# #}} comments (use {{% comment %}}): {leaks}"


@pytest.mark.django_db
def test_healthz_answers_plain_http_when_everything_else_is_redirected_to_https(settings: Any) -> None:
    settings.SECURE_SSL_REDIRECT = True  # production's default
    client = Client()  # made after the setting: SecurityMiddleware reads it when the handler is built
    assert client.get("/healthz").status_code == 200
    assert client.get("/").status_code == 301
    for near in ("/healthz/", "/healthzz", "/x/healthz"):
        assert client.get(near).status_code == 301, near


def test_production_settings_exempt_healthz_from_the_https_redirect() -> None:
    import os
    import subprocess
    import sys
    from pathlib import Path

    code = "import kpo_advisor.settings as s; print(s.SECURE_SSL_REDIRECT, s.SECURE_REDIRECT_EXEMPT)"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=Path(__file__).resolve().parents[2],
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith("SECURE_")},
            "DEBUG": "false",
            "SECRET_KEY": "k" * 64,
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True ['^healthz$']"


@pytest.mark.django_db
def test_healthz_says_when_to_look_again_while_the_database_is_away(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Review 42: the pages' 503 carried Retry-After and the health check's did not.
    from django.db import connection

    def refuse(*args: object, **kwargs: object) -> None:
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", refuse)
    assert client.get("/healthz")["Retry-After"] == "10"


@pytest.mark.django_db
def test_healthz_answers_its_json_when_a_sessions_read_loses_the_database(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Review 145: a health check sent with a session cookie had the HTML outage page, the session's read having lost
    # the database before the view ran.
    from django.contrib.sessions.backends.base import SessionBase

    from tests.factories import UserFactory

    client.force_login(UserFactory())

    def lost(self: object, *args: object, **kwargs: object) -> None:
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(SessionBase, "_get_session", lost)
    response = client.get("/healthz")
    assert response.status_code == 503 and response["Retry-After"] == "10"
    assert response.json() == {"status": "unavailable", "database": "down", "error": "OperationalError"}
    page = client.get("/")  # a page still gets the calm page
    assert page.status_code == 503 and b"can't reach its database" in page.content
