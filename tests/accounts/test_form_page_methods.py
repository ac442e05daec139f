"""The sign-in and password pages answer GET, HEAD and POST, and 405 to anything else, as every other page does
(review 177: PUT read as an empty form with a 400, OPTIONS listed PUT, and a set-password page whose link was not valid
answered every method, TRACE included, with 200)."""

from __future__ import annotations

import html

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from apps.accounts.models import User
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db
OTHER = ("PUT", "PATCH", "DELETE", "OPTIONS", "TRACE")


def _pages(user: User) -> list[str]:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return [
        reverse("accounts:login"),
        reverse("accounts:password_reset"),
        reverse("accounts:password_reset_confirm", args=[uid, default_token_generator.make_token(user)]),
        reverse("accounts:password_reset_confirm", args=[uid, "no-such-token"]),
        reverse("accounts:password_reset_confirm", args=["bm9ib2R5", "set-password"]),
    ]


def test_any_method_but_get_head_and_post_is_405_with_what_is_allowed(client: Client, buyer: User) -> None:
    for url in _pages(buyer):
        for method in OTHER:
            response = client.generic(method, url, f"email={buyer.email}&password={PASSWORD}")
            assert response.status_code == 405, (method, url, response.status_code)
            assert response["Allow"] == "GET, HEAD, POST", (method, url)
        assert client.get(url).status_code in (200, 302), url
    signed_in = Client()
    signed_in.force_login(buyer)
    change = reverse("accounts:password_change")
    for method in OTHER:
        assert signed_in.generic(method, change).status_code == 405, method
    assert signed_in.get(change).status_code == 200


def test_signing_in_still_works(client: Client, buyer: User) -> None:
    response = client.post(reverse("accounts:login"), {"username": buyer.email, "password": PASSWORD})
    assert response.status_code == 302


@pytest.mark.parametrize(
    "password",
    [
        "aaaaaaaaaaaa",
        "xxxxxxxxxxxxxx",
        "AbAbAbAbAbAb",
        "1231231231",
        "abcdefghijkl",
        "9876543210",
        # Review 178: near-repeats, two runs, a repeated two-run unit (NIST's own example, doubled).
        "aaaaaaaaaaab",
        "aaaaaaaaaaa!",
        "123456abcdef",
        "1234abcd1234abcd",
        # Review 180: runs of repeats, a tail after a repeat, three runs, a common password said twice, few distinct.
        "aaaaabbbbbcccccddddd",
        "aaaaaaaaaab1",
        "abcd1234efgh",
        "password-password",
        "ab" * 300 + "c",
    ],
)
def test_a_repeated_pattern_or_a_run_is_refused_as_a_new_password(client: Client, buyer: User, password: str) -> None:
    # Review 177: "aaaaaaaaaaaa" was accepted, against NIST SP 800-63B 5.1.1.2 and the help's promise.
    uid = urlsafe_base64_encode(force_bytes(buyer.pk))
    set_url = client.get(
        reverse("accounts:password_reset_confirm", args=[uid, default_token_generator.make_token(buyer)])
    )["Location"]
    response = client.post(set_url, {"new_password1": password, "new_password2": password})
    assert response.status_code == 400
    assert "a repeated pattern, a run such as “abcd” or “1234”, or too few different characters" in html.unescape(
        response.content.decode()
    )
    buyer.refresh_from_db()
    assert buyer.check_password(PASSWORD)


def test_a_word_said_twice_or_a_passphrase_is_not_a_pattern() -> None:
    from apps.accounts.password_rules import PatternValidator

    for fine in ("harborharbor", "correct horse battery", "editor-kpo-2026", "curate-kpo-2026", "x9fQ2mLp0z"):
        PatternValidator().validate(fine)
    for named in (
        "kpoadvisor2026",
        "KPO-Advisor-2026!",
        "ＫＰＯａｄｖｉｓｏｒ２０２６!",
        "kpoadvisоr-2026",
        "Kp0Adv1sor-2026",
    ):
        with pytest.raises(ValidationError, match="the product's name"):
            PatternValidator().validate(named)


def test_the_pages_that_only_say_something_and_sign_out_answer_their_own_methods(buyer_client: Client) -> None:
    # Review 178: they answered OPTIONS with 200.
    for name in ("password_change_done", "password_reset_done", "password_reset_complete"):
        url = reverse(f"accounts:{name}")
        for method in ("OPTIONS", "POST", "PUT"):
            response = buyer_client.generic(method, url)
            assert (response.status_code, response["Allow"]) == (405, "GET, HEAD"), (name, method)
        assert buyer_client.get(url).status_code == 200
    logout = reverse("accounts:logout")
    for method in ("OPTIONS", "GET", "PUT"):
        response = buyer_client.generic(method, logout)
        assert (response.status_code, response["Allow"]) == (405, "POST"), method
    assert buyer_client.post(logout).status_code == 302


def test_a_very_long_password_is_checked_in_linear_time() -> None:
    from apps.accounts.password_rules import PatternValidator, _repeats_a_pattern

    assert _repeats_a_pattern("1234abcd1234abcd") and _repeats_a_pattern("abab" * 200 + "a")
    assert not _repeats_a_pattern("harborharbor") and not _repeats_a_pattern("x9fQ2mLp0z")
    PatternValidator().validate("harbor-" + "x9fQ2mLp0z" * 99)  # near the longest taken, one pass
    with pytest.raises(ValidationError, match="Use at most 1,000 characters"):
        PatternValidator().validate("x9fQ2mLp0z" * 104_000)  # review 180: a million characters held the server 34 s


def test_a_control_character_in_a_password_box_is_refused_by_the_boxes_label(buyer_client: Client) -> None:
    # Review 180: "The form field “new_password1” contains a control character".
    response = buyer_client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": "x9fQ\x002mLp0z", "new_password2": "x9fQ\x002mLp0z"},
    )
    page = html.unescape(response.content.decode())
    assert response.status_code == 400
    assert "The answer to “New password” contains a control character" in page and "new_password1" not in page
    assert "x9fQ" not in page


def test_the_admins_password_change_is_the_throttled_page(client: Client, buyer: User) -> None:
    # Review 181: /admin/password_change/ took 25 wrong current passwords with no pause.
    from tests.factories import UserFactory

    curator = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(curator)
    response = client.get("/admin/password_change/")
    assert (response.status_code, response["Location"]) == (302, reverse("accounts:password_change"))
    assert client.post("/admin/password_change/", {"old_password": "x"}).status_code == 405
    assert client.get(reverse("admin:password_change")).status_code == 302
    client.force_login(buyer)  # not staff: the admin's sign-in, as from every admin URL
    assert client.get("/admin/password_change/")["Location"].startswith("/admin/login/")


@pytest.mark.parametrize("password", ["Qwerty123456!", "P4ssw0rd!!2026", "Summer2026!", "!!letmein99"])
def test_a_common_password_with_digits_or_signs_added_is_refused(password: str) -> None:
    # Review 181: "Qwerty123456!" and "P@ssw0rd2026!" changed the password.
    from apps.accounts.password_rules import PatternValidator

    with pytest.raises(ValidationError, match="a common password with digits or signs added"):
        PatternValidator().validate(password)
