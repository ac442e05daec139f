"""Guessing through the password forms: the current password on the change form counts towards the
sign-in lock, and password-reset mails are capped per address and per client, with one answer for all."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.signals import request_finished
from django.db import close_old_connections, connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import RateLimit, User
from apps.accounts.views import PasswordResetView
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

SECURITY = "kpo_advisor.security"
RESET = "/accounts/password/reset/"
NEW = "a-new-long-passphrase-7"


def events(caplog: pytest.LogCaptureFixture, name: str) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == SECURITY and f"event={name} " in r.getMessage()]


def change(client: Client, old: str, ip: str = "203.0.113.7") -> Any:
    data = {"old_password": old, "new_password1": NEW, "new_password2": NEW}
    return client.post(reverse("accounts:password_change"), data, REMOTE_ADDR=ip)


def reset(email: str, ip: str = "203.0.113.7") -> Any:
    return Client().post(RESET, {"email": email}, REMOTE_ADDR=ip)


def close(response: Any) -> None:
    """What the server does once the answer is written (as the test client does it: keeping the
    test's database connection, which the closing signal would otherwise close)."""
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)


# The current password on the change form


def test_wrong_current_passwords_are_throttled_with_429_and_logged(
    buyer_client: Client, buyer: User, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger=SECURITY)
    for _ in range(9):
        assert change(buyer_client, "a-guess").status_code == 400
    tenth = change(buyer_client, "a-guess")
    assert tenth.status_code == 429
    assert 14 * 60 < int(tenth["Retry-After"]) <= 15 * 60
    assert "changing it is paused for 15 minutes" in tenth.content.decode()
    assert len(events(caplog, "password_change_failed")) == 10
    # While locked, even the right password is not checked, and nothing changes.
    assert change(buyer_client, PASSWORD).status_code == 429
    assert len(events(caplog, "password_change_refused_locked")) == 1
    buyer.refresh_from_db()
    assert buyer.check_password(PASSWORD) and not buyer.check_password(NEW)


def test_the_change_form_lock_is_per_client_address(buyer_client: Client, buyer: User) -> None:
    for _ in range(10):
        change(buyer_client, "a-guess")
    assert change(buyer_client, PASSWORD, ip="198.51.100.1").status_code == 302
    buyer.refresh_from_db()
    assert buyer.check_password(NEW)


def test_wrong_passwords_on_the_change_form_and_at_sign_in_share_one_budget(buyer_client: Client) -> None:
    for _ in range(5):
        change(buyer_client, "a-guess")
    for _ in range(5):
        response = Client().post(
            reverse("accounts:login"), {"username": "buyer@acme.test", "password": "x"}, REMOTE_ADDR="203.0.113.7"
        )
    assert response.status_code == 429


# Password reset mails


def test_reset_mails_are_capped_per_address_with_the_same_answer(buyer: User, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger=SECURITY)
    answers = [reset("buyer@acme.test", ip=f"203.0.113.{n}") for n in range(6)]
    assert len(mail.outbox) == 3
    assert {(r.status_code, r["Location"]) for r in answers} == {(302, reverse("accounts:password_reset_done"))}
    assert len(events(caplog, "password_reset_limited")) == 3
    # An hour later the address gets mail again.
    RateLimit.objects.update(window_started_at=timezone.now() - timedelta(hours=1, seconds=1))
    reset("buyer@acme.test")
    assert len(mail.outbox) == 4


def test_look_alike_spellings_of_an_address_share_its_cap(buyer: User) -> None:
    # Review 80: "buyer@acme.teſt" (a long s) reached buyer@acme.test's mailbox, and counted apart: three more mails an
    # hour for each look-alike spelling.
    for email in ("buyer@acme.test", "BUYER@ACME.TEST", "buyer@acme.teſt", "ｂuyer@acme.test", "buyer@acme.teſt"):
        reset(email, ip="203.0.113.9")
    assert [m.to for m in mail.outbox] == [["buyer@acme.test"]] * 3


def test_reset_mails_are_capped_per_client_address(buyer: User, colleague: User, viewer: User, settings: Any) -> None:
    settings.PASSWORD_RESET_MAILS_PER_CLIENT = 2
    answers = [reset(email) for email in ("buyer@acme.test", "colleague@acme.test", "viewer@acme.test")]
    assert [m.to for m in mail.outbox] == [["buyer@acme.test"], ["colleague@acme.test"]]
    assert len({(r.status_code, r["Location"]) for r in answers}) == 1
    reset("viewer@acme.test", ip="198.51.100.1")  # another client
    assert mail.outbox[-1].to == ["viewer@acme.test"]


def test_reset_does_the_same_work_for_known_unknown_and_limited_addresses_before_answering(
    buyer: User, colleague: User, settings: Any, django_assert_num_queries: Any
) -> None:
    """Finding the account and sending its mail happen after the answer has gone, so the answer's
    timing cannot tell whether the address has an account (query counts stand in for timing)."""

    def ask(email: str) -> tuple[Any, int]:
        request = RequestFactory().post(RESET, {"email": email}, REMOTE_ADDR="203.0.113.7")
        request._dont_enforce_csrf_checks = True  # type: ignore[attr-defined]
        with CaptureQueriesContext(connection) as queries:
            response = PasswordResetView.as_view()(request)
        return response, len(queries)

    close(ask("first@nowhere.test")[0])  # the client address's counter exists from here on
    known, known_queries = ask("buyer@acme.test")
    assert mail.outbox == []  # not yet: the answer is complete without it
    close(known)
    assert [m.to for m in mail.outbox] == [["buyer@acme.test"]]
    unknown, unknown_queries = ask("nobody@nowhere.test")
    assert known_queries == unknown_queries  # each address's first request: its counter is made

    # Asked again: allowed for the known address, used up for it, and the unknown one; all alike.
    again, again_queries = ask("buyer@acme.test")
    close(again)
    settings.PASSWORD_RESET_MAILS_PER_ADDRESS = 2
    limited, limited_queries = ask("buyer@acme.test")
    unknown_again, unknown_again_queries = ask("nobody@nowhere.test")
    assert again_queries == limited_queries == unknown_again_queries
    for response in (unknown, limited, unknown_again):
        close(response)
        assert (response.status_code, response["Location"]) == (known.status_code, known["Location"])
    assert len(mail.outbox) == 2  # the known address, twice; the third was over its limit
    # Through the whole stack (the mail's own account lookup included), the same count again.
    with CaptureQueriesContext(connection) as whole:
        reset("colleague@acme.test")
    with django_assert_num_queries(len(whole)):
        reset("someone@nowhere.test")
    assert len(mail.outbox) == 3


def test_a_reset_mail_that_fails_after_the_answer_is_logged_not_raised(
    buyer: User, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from django.contrib.auth.forms import PasswordResetForm

    def broken(*args: Any, **kwargs: Any) -> None:
        raise OSError("mail server away")

    monkeypatch.setattr(PasswordResetForm, "send_mail", broken)
    response = reset("buyer@acme.test")
    assert response.status_code == 302
    # The mail is sent by a task: its failure is logged (and retried by the worker), never raised.
    assert any("task send_password_reset_mail failed" in r.getMessage() for r in caplog.records)
