"""Response headers (CSP with nonces, framing, referrer, cross-origin) and the production settings.

Production settings are read at import time from the environment, so those tests load them in a
subprocess with the documented production environment (docs/operations.md).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.security.conftest import World, client_for

ROOT = Path(__file__).resolve().parents[2]

# The minimum production environment, as docs/operations.md documents it.
PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "k8#Jq2!vR9@mZ4$wT7^nB1&cX6*pL3(hF5)dG0_sA-yE+uI=oPx",
    "ALLOWED_HOSTS": "kpo.example.com",
    "CSRF_TRUSTED_ORIGINS": "https://kpo.example.com",
    "MAIL_HOST": "smtp.example.com",
}


def run_production(args: list[str], extra: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    # Only the documented variables: nothing the test run itself sets (e.g. DJANGO_ALLOW_ASYNC_UNSAFE for
    # the browser tests) may leak into "production".
    drop = {"DEBUG", "SECRET_KEY", "SECRET_KEY_FILE", "ALLOWED_HOSTS", "DATABASE_URL", "MAIL_HOST"}
    env = {k: v for k, v in os.environ.items() if k not in drop and not k.startswith(("SECURE_", "DJANGO_"))}
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={**env, **PRODUCTION_ENV, **(extra or {})},
        capture_output=True,
        text=True,
        timeout=120,
    )


def csp(response: Any) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {d.split()[0]: d.split()[1:] for d in (part.strip() for part in header.split(";")) if d}


@pytest.mark.django_db
def test_pages_carry_a_strict_content_security_policy_with_a_fresh_nonce(client: Client) -> None:
    first, second = client.get(reverse("accounts:login")), client.get(reverse("accounts:login"))
    policy = csp(first)
    nonce = next(s for s in policy["script-src"] if s.startswith("'nonce-"))
    assert policy["script-src"] == ["'self'", nonce]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["default-src"] == ["'self'"]
    assert "unsafe-inline" not in first["Content-Security-Policy"]
    assert "unsafe-eval" not in first["Content-Security-Policy"]
    # The page's script carries this response's nonce, and the next response gets another one.
    assert f'nonce="{nonce[7:-1]}"' in first.content.decode()
    assert csp(second)["script-src"] != policy["script-src"]


@pytest.mark.django_db
def test_every_response_gets_the_other_security_headers(client: Client) -> None:
    response = client.get(reverse("accounts:login"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"


@pytest.mark.django_db
def test_no_page_has_inline_script_or_style_that_the_policy_would_block(world: World) -> None:
    client = client_for(world.owner)
    pages = [
        reverse("home"),
        reverse("questionnaire:list"),
        reverse("questionnaire:step", args=[world.draft.pk, "work"]),
        reverse("questionnaire:review", args=[world.draft.pk]),
        reverse("recommendations:detail", args=[world.recommendation.pk]),
        reverse("recommendations:history"),
        reverse("accounts:members"),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        nonce = next(s for s in csp(response)["script-src"] if s.startswith("'nonce-"))[7:-1]
        for tag in re.findall(r"<script\b[^>]*>", body):
            assert f'nonce="{nonce}"' in tag, f"{url}: {tag}"
        assert not re.search(r"<[^>]+\sstyle=", body), f"{url} has a style attribute"
        assert not re.search(r"\son[a-z]+=", body), f"{url} has an inline event handler"


PROBE = """
import json
import django
django.setup()
from django.conf import settings
from django.test import Client
from django.test.utils import override_settings

# No collected static files here: plain static storage, so pages render without a manifest.
with override_settings(STORAGES={**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}):
    client = Client()
    plain = client.get("/accounts/login/", headers={"host": "kpo.example.com"})
    secure = client.get("/accounts/login/", secure=True, headers={"host": "kpo.example.com"})
print(json.dumps({
    "plain": [plain.status_code, plain.get("Location", "")],
    "secure": [secure.status_code, dict(secure.headers)],
    "csrf_cookie": {k: v for k, v in secure.cookies["csrftoken"].items() if v},
    "settings": {name: getattr(settings, name) for name in (
        "SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE", "CSRF_COOKIE_SECURE",
        "CSRF_COOKIE_HTTPONLY", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_PROXY_SSL_HEADER", "SESSION_ENGINE", "DEBUG")},
}))
"""


@pytest.mark.slow
def test_production_settings_send_hsts_and_secure_cookies() -> None:
    result = run_production(["-c", PROBE], {"DJANGO_SETTINGS_MODULE": "kpo_advisor.settings"})
    assert result.returncode == 0, result.stderr[-3000:]
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out["plain"] == [301, "https://kpo.example.com/accounts/login/"]
    status, headers = out["secure"]
    assert status == 200
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert headers["Cross-Origin-Resource-Policy"] == "same-origin"
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert out["csrf_cookie"]["secure"] is True and out["csrf_cookie"]["httponly"] is True
    assert out["csrf_cookie"]["samesite"] == "Lax"
    assert out["settings"] == {
        "SESSION_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "CSRF_COOKIE_SECURE": True,
        "CSRF_COOKIE_HTTPONLY": True,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
        "SESSION_ENGINE": "apps.accounts.sessions",
        "DEBUG": False,
    }


@pytest.fixture
def collected_static(production_static: Path) -> dict[str, str]:
    """As a deployment does (docs/operations.md): static files collected (once per run), then checked."""
    return {"STATIC_ROOT": str(production_static)}


@pytest.mark.slow
def test_check_deploy_reports_nothing_with_the_documented_production_environment(
    collected_static: dict[str, str],
) -> None:
    result = run_production(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], collected_static)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.slow
def test_check_deploy_still_catches_a_weakened_production_setting(collected_static: dict[str, str]) -> None:
    weakened = {**collected_static, "SECURE_HSTS_SECONDS": "0"}
    result = run_production(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], weakened)
    assert result.returncode != 0
    assert "security.W004" in result.stdout + result.stderr


def test_the_production_environment_is_the_documented_one() -> None:
    doc = (ROOT / "docs" / "operations.md").read_text()
    for name in PRODUCTION_ENV:
        assert f"`{name}`" in doc, f"docs/operations.md does not document {name}"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "send",
    [
        pytest.param(lambda c: c.get(reverse("accounts:login"), {"next": "a\x00b"}), id="hostile input, 400"),
        pytest.param(
            lambda c: c.generic("POST", reverse("accounts:login"), b"x", HTTP_TRANSFER_ENCODING="chunked"),
            id="unsized body, 400",
        ),
        pytest.param(lambda c: c.get("/no-such-page/"), id="not found, 404"),
    ],
)
def test_refusals_made_before_any_view_carry_the_policy_and_frame_headers(client: Client, send: Any) -> None:
    # The middleware answering these runs before the views'; the header middleware wraps it all the same.
    response = send(client)
    assert response.status_code in (400, 404)
    assert response["X-Frame-Options"] == "DENY"
    assert csp(response)["frame-ancestors"] == ["'none'"]
    assert csp(response)["script-src"][0] == "'self'"


@pytest.mark.django_db
def test_an_api_problem_carries_the_policy_even_where_djangos_debug_page_switched_it_off(
    client: Client, settings: Any
) -> None:
    # Review 62: under DEBUG (make run) Django's technical 404 turns the policy off, and the problem that replaced it
    # kept that.
    settings.DEBUG = True
    response = Client().get("/api/v1/no-such-operation")
    assert response.status_code == 404 and response["Content-Type"].startswith("application/problem+json")
    assert csp(response)["frame-ancestors"] == ["'none'"]
