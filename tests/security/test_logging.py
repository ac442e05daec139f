"""Request ids, and the security events logged with them: failed sign-ins, lockouts, permission denials."""

from __future__ import annotations

import logging
import re
import sys

import pytest
from django.db import OperationalError
from django.test import Client, RequestFactory
from django.urls import reverse

from apps.accounts.models import User
from kpo_advisor.middleware import LostDatabaseFilter

pytestmark = pytest.mark.django_db

SECURITY = "kpo_advisor.security"


def events(caplog: pytest.LogCaptureFixture, name: str) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == SECURITY and f"event={name} " in r.getMessage()]


def test_every_response_carries_a_request_id(client: Client) -> None:
    first, second = client.get("/healthz"), client.get("/no-such-page/")
    assert re.fullmatch(r"[0-9a-f]{32}", first["X-Request-ID"])
    assert second["X-Request-ID"] != first["X-Request-ID"]


def test_a_proxys_request_id_is_kept_and_a_hostile_one_replaced(client: Client) -> None:
    assert client.get("/healthz", headers={"X-Request-ID": "lb-7f3a9c21-0001"})["X-Request-ID"] == "lb-7f3a9c21-0001"
    for hostile in ("x\r\nevent=login_succeeded", "a" * 200, "<script>", "short"):
        assert client.get("/healthz", headers={"X-Request-ID": hostile})["X-Request-ID"] != hostile


def test_a_failed_sign_in_is_logged_with_the_request_id(
    client: Client, buyer: User, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger=SECURITY)
    response = client.post(
        reverse("accounts:login"), {"username": "buyer@acme.test", "password": "wrong"}, REMOTE_ADDR="203.0.113.5"
    )
    [record] = events(caplog, "login_failed")
    assert record.levelno == logging.WARNING
    assert record.request_id == response["X-Request-ID"]  # type: ignore[attr-defined]
    message = record.getMessage()
    assert "email=buyer@acme.test" in message and "ip=203.0.113.5" in message and "failures=1" in message
    assert "wrong" not in message  # never the password
    # The configured log line carries the id too.
    handler = next(h for h in logging.getLogger().handlers if h.get_name() == "stdout")
    assert f"request_id={response['X-Request-ID']}" in handler.format(record)


def test_a_lockout_is_logged(client: Client, buyer: User, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger=SECURITY)
    for _ in range(11):
        client.post(reverse("accounts:login"), {"username": "buyer@acme.test", "password": "wrong"})
    assert len(events(caplog, "login_failed")) == 10
    assert len(events(caplog, "login_locked")) == 1
    assert len(events(caplog, "login_refused_locked")) == 1


def test_a_permission_denial_is_logged_with_who_and_what(
    viewer_client: Client, viewer: User, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger=SECURITY)
    response = viewer_client.post(reverse("accounts:members"), {"email": "x@acme.test", "role": "owner"})
    assert response.status_code == 403
    [record] = events(caplog, "permission_denied")
    assert f"user={viewer.pk}" in record.getMessage()
    assert "path=/accounts/members/" in record.getMessage()
    assert record.request_id == response["X-Request-ID"]  # type: ignore[attr-defined]


def test_sign_in_and_out_are_logged(client: Client, buyer: User, caplog: pytest.LogCaptureFixture) -> None:
    from tests.factories import PASSWORD

    caplog.set_level(logging.INFO, logger=SECURITY)
    client.post(reverse("accounts:login"), {"username": "buyer@acme.test", "password": PASSWORD})
    client.post(reverse("accounts:logout"))
    assert events(caplog, "login_succeeded") and events(caplog, "logout")


def test_hostile_values_cannot_forge_log_lines(caplog: pytest.LogCaptureFixture) -> None:
    from django.contrib.auth.models import AnonymousUser
    from django.test import RequestFactory

    from apps.accounts.security import security_event

    caplog.set_level(logging.INFO, logger=SECURITY)
    request = RequestFactory().get("/a path/with spaces")
    request.user = AnonymousUser()
    security_event(request, "login_failed", email="a@b.test\nevent=login_succeeded user=1")
    [record] = caplog.records
    message = record.getMessage()
    assert "\n" not in message
    assert 'email="a@b.test\\nevent=login_succeeded user=1"' in message
    assert 'path="/a path/with spaces"' in message


def test_a_lost_database_keeps_one_line_whatever_its_message_holds() -> None:
    """The 5xx line of a lost database loses its stack, not its sense, even when the error text holds a "%"."""
    try:
        raise OperationalError("disk 100% full; %s and %(x)s are text here")
    except OperationalError:
        record = logging.LogRecord(
            "django.request", logging.ERROR, __file__, 1, "%s: %s", ("Service Unavailable", "/x/"), sys.exc_info()
        )
    assert LostDatabaseFilter().filter(record)
    assert record.exc_info is None
    assert record.getMessage().startswith("Service Unavailable: /x/ (database unavailable: OperationalError(")
    assert "100% full; %s and %(x)s" in record.getMessage()


def test_a_lost_database_is_one_error_per_outage_and_a_warning_for_each_request_after(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Review 49: a 20 s outage under load logged some 1,700 lines at ERROR, each request twice (Django's line read
    "Internal Server Error" with DEBUG on, for the 500 page the 503 replaced)."""
    from kpo_advisor import middleware

    monkeypatch.setattr(middleware, "_OUTAGE_ERROR_AT", [0.0])
    caplog.set_level(logging.INFO, logger="kpo_advisor.middleware")
    request = RequestFactory().post("/assessments/1/answers/hours/")
    lost = OperationalError("terminating connection due to administrator command")
    for _ in range(5):
        assert middleware.database_unavailable(request, lost).status_code == 503
    assert [r.levelno for r in caplog.records] == [logging.ERROR] + [logging.WARNING] * 4
    try:
        raise lost
    except OperationalError:
        record = logging.LogRecord(
            "django.request", logging.ERROR, __file__, 1, "%s: %s", ("Internal Server Error", "/x/"), sys.exc_info()
        )
    assert LostDatabaseFilter().filter(record)
    assert record.levelno == logging.WARNING and record.levelname == "WARNING"
    assert record.getMessage().startswith("Service Unavailable: /x/ (database unavailable: OperationalError(")


def test_djangos_lines_are_printed_once_not_also_by_its_own_console_handler() -> None:
    # Review 55: under DEBUG (`make run`) Django's console handler on the "django" logger printed each django.* line a
    # second time beside the root's: an outage's 503s were logged three times each.
    django = logging.getLogger("django")
    assert django.handlers == [] and django.propagate


def test_a_refusal_is_one_line_without_a_stack_trace_and_a_500_keeps_its(caplog: pytest.LogCaptureFixture) -> None:
    # Review 85: every 403 and DisallowedHost was logged with a full traceback; alerts on "Traceback" found noise.
    from django.core.exceptions import PermissionDenied

    handler = next(h for h in logging.getLogger().handlers if h.get_name() == "stdout")

    def logged(name: str, status: int, level: int = logging.WARNING) -> str:
        try:
            raise PermissionDenied("Only owners may.")
        except PermissionDenied:
            record = logging.getLogger(name).makeRecord(
                name,
                logging.WARNING,
                __file__,
                1,
                "Forbidden: %s",
                ("/x/",),
                sys.exc_info(),
                extra={"status_code": status},
            )
        return handler.format(record) if handler.filter(record) else ""

    assert "Traceback" not in logged("django.request", 403) and "Forbidden: /x/" in logged("django.request", 403)
    assert "Traceback" not in logged("django.security.DisallowedHost", 400)
    assert " WARNING django.security.DisallowedHost " in logged("django.security.DisallowedHost", 400, logging.ERROR)
    assert "Traceback" in logged("django.request", 500)
