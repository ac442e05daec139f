"""Request bodies are bounded before anything reads them: 413 over the limit, 400 without a length,
and uploaded files stay in memory within the limit (never on disk)."""

from __future__ import annotations

import runpy
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, RequestFactory
from django.urls import reverse

from apps.accounts.models import User
from apps.common.uploads import MAX_UPLOAD
from apps.playbooks.models import Playbook
from kpo_advisor.uploads import BoundedMemoryUploadHandler
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]
MIB = 1024 * 1024


def test_the_limit_is_one_mib_by_default() -> None:
    assert settings.DATA_UPLOAD_MAX_BYTES == MIB
    # Only the API's problem-details rewrite and the two header middlewares wrap it, and none of them reads
    # the request's body: they act on the response once it exists.
    assert settings.MIDDLEWARE[:4] == [
        "apps.api.problems.ProblemDetailsMiddleware",
        "django.middleware.clickjacking.XFrameOptionsMiddleware",
        "django.middleware.csp.ContentSecurityPolicyMiddleware",
        "kpo_advisor.middleware.RequestBodyLimitMiddleware",
    ]


@pytest.mark.django_db
def test_an_anonymous_multipart_post_over_the_limit_is_refused_with_413_unparsed(
    client: Client, parsed: list[str]
) -> None:
    upload = SimpleUploadedFile("big.bin", b"x" * (3 * MIB))  # over Django's 2.5 MB in-memory size too
    response = client.post(reverse("accounts:login"), {"username": "a@b.test", "password": "x", "file": upload})
    assert response.status_code == 413
    assert "Request too large" in response.content.decode()
    assert "1,048,576 bytes" in response.content.decode()
    assert parsed == []


@pytest.mark.django_db
def test_a_urlencoded_body_just_over_the_limit_is_refused_too(client: Client) -> None:
    response = client.post(
        reverse("accounts:login"), "a=" + "x" * MIB, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 413


@pytest.mark.django_db
def test_a_body_without_a_length_is_refused_unparsed(client: Client, parsed: list[str]) -> None:
    upload = SimpleUploadedFile("small.bin", b"x" * 100)
    response = client.post(
        reverse("accounts:login"), {"username": "a@b.test", "file": upload}, headers={"transfer-encoding": "chunked"}
    )
    assert response.status_code == 400
    assert "Content-Length" in response.content.decode()
    assert parsed == []


@pytest.mark.django_db
def test_a_content_length_that_is_not_a_number_is_a_400(client: Client) -> None:
    for declared in ("12x", "²", "١٢", "9" * 40):  # "²".isdigit() is true, and int("²") raises
        response = client.generic("POST", reverse("accounts:login"), b"a=1", CONTENT_LENGTH=declared)
        assert response.status_code == 400, declared
        assert "Content-Length" in response.content.decode()


@pytest.mark.django_db
def test_htmx_gets_the_refusal_as_its_status_line(client: Client) -> None:
    headers = {"HX-Request": "true", "HX-Target": "status-hours"}
    response = client.post("/assessments/1/answers/hours/", {"hours": "x" * MIB}, headers=headers)
    assert response.status_code == 413
    body = response.content.decode()
    assert body.startswith('<p id="status-hours"') and "nothing was saved" in body and "<html" not in body
    hostile = client.post("/", {"a": "x" * MIB}, headers={**headers, "HX-Target": '"><script>'})
    assert hostile.status_code == 413 and "<script>" not in hostile.content.decode()


@pytest.mark.django_db
def test_an_ordinary_sign_in_post_is_untouched(client: Client) -> None:
    user = UserFactory(email="plain@acme.test", password="a-long-enough-passphrase")
    response = client.post(reverse("accounts:login"), {"username": user.email, "password": "a-long-enough-passphrase"})
    assert response.status_code == 302


def _import(client: Client, size: int) -> Any:
    upload = SimpleUploadedFile("playbook.json", b" " * (size - 2) + b"{}", content_type="application/json")
    return client.post(reverse("admin:playbooks_playbook_import"), {"file": upload})


@pytest.mark.django_db
def test_admin_import_takes_a_file_up_to_its_own_limit_in_memory(
    client: Client, curator: User, parsed: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    client.force_login(curator)
    files: list[Any] = []
    real = BoundedMemoryUploadHandler.file_complete
    monkeypatch.setattr(
        BoundedMemoryUploadHandler, "file_complete", lambda self, size: files.append(real(self, size)) or files[-1]
    )
    before = Playbook.objects.count()
    response = _import(client, MAX_UPLOAD - 1000)  # bigger than the general limit, within the import's
    assert response.status_code == 400  # read and checked: "{}" is not a playbook
    assert "nothing was written" in response.content.decode()
    assert parsed == [reverse("admin:playbooks_playbook_import")]
    assert [type(f).__name__ for f in files] == ["InMemoryUploadedFile"]
    assert Playbook.objects.count() == before


@pytest.mark.django_db
def test_admin_import_refuses_a_file_far_over_its_limit_unparsed(
    client: Client, curator: User, parsed: list[str]
) -> None:
    client.force_login(curator)
    response = _import(client, MAX_UPLOAD + 200 * 1024)
    assert response.status_code == 413
    assert parsed == []


@pytest.mark.django_db
def test_the_import_limit_belongs_to_import_pages_only(client: Client, curator: User) -> None:
    client.force_login(curator)
    upload = SimpleUploadedFile("playbook.json", b" " * (MIB + 10))
    assert client.post(reverse("admin:playbooks_playbook_add"), {"file": upload}).status_code == 413


def test_uploads_are_never_spooled_to_disk() -> None:
    assert settings.FILE_UPLOAD_HANDLERS == ["kpo_advisor.uploads.BoundedMemoryUploadHandler"]


def test_the_upload_handler_stops_reading_past_the_requests_limit() -> None:
    request = RequestFactory().post("/")
    request.body_limit = 100  # type: ignore[attr-defined]
    handler = BoundedMemoryUploadHandler(request)
    handler.new_file("file", "a.json", "application/json", 0)
    handler.receive_data_chunk(b"x" * 60, 0)
    with pytest.raises(RequestDataTooBig):
        handler.receive_data_chunk(b"x" * 60, 60)


def test_gunicorn_config_bounds_request_lines_and_headers_and_binds_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GUNICORN_BIND", "0.0.0.0:9000")
    monkeypatch.setenv("GUNICORN_WORKERS", "5")
    config = runpy.run_path(str(ROOT / "kpo_advisor" / "gunicorn.conf.py"))
    assert config["bind"] == ["0.0.0.0:9000"]
    assert config["workers"] == 5 and config["threads"] == 4 and config["worker_class"] == "gthread"
    assert config["timeout"] == 60
    assert config["limit_request_line"] == 4094
    assert config["limit_request_fields"] == 50
    assert config["limit_request_field_size"] == 8190
    monkeypatch.setenv("GUNICORN_WORKERS", "many")
    with pytest.raises(SystemExit, match="GUNICORN_WORKERS"):
        runpy.run_path(str(ROOT / "kpo_advisor" / "gunicorn.conf.py"))
