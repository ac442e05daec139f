from __future__ import annotations

import pytest
from django.db import OperationalError
from django.test import Client


@pytest.mark.django_db
def test_healthz_is_ok_when_the_database_answers(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "up"}


@pytest.mark.django_db
def test_healthz_is_503_when_the_database_does_not_answer(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    from django.db import connection

    def refuse(*args: object, **kwargs: object) -> None:
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", refuse)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "down"


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
