"""A page left open: an htmx request after the session ended, and a GET of an address that only takes a form
(review 61)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from apps.accounts.models import Organisation, User
from apps.playbooks.models import Playbook
from apps.questionnaire.models import Answer
from tests.factories import AssessmentFactory

pytestmark = pytest.mark.django_db


def test_an_autosave_after_the_session_ended_says_so_in_its_status_and_saves_nothing(
    client: Client, organisation: Organisation, buyer: User, playbook: Playbook
) -> None:
    # Review 61: htmx followed the redirect to sign-in and swapped the whole sign-in page into the form.
    draft = AssessmentFactory(organisation=organisation, created_by=buyer, playbook=playbook, answers={"hours": 4000})
    url = reverse("questionnaire:answer", args=[draft.pk, "hours"])
    response = client.post(url, {"value": "7777"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="status-hours")
    assert response.status_code == 401
    body = response.content.decode()
    # Words for the page's script to show where the request's failure goes, and nothing for htmx to swap: the target
    # keeps what it held (review 63: a checklist item had been replaced by the message).
    assert response["HX-Reswap"] == "none" and response["X-Signed-Out"] == "1"
    assert response["Content-Type"].startswith("text/plain")
    assert body.startswith("Signed out: your session has ended, so this was not saved. Save the step with the button")
    assert "Sign in to KPO Advisor" not in body and "<" not in body
    # The step's form keeps what was typed and chosen and puts it back after signing in (static/js/typing-pause.js):
    # not "copy what you typed" (review 81), nor a reload that keeps typed boxes only (review 83).
    assert "what you typed or chose on it comes back and is saved" in body and "Copy what" not in body
    assert Answer.objects.get(assessment=draft, question_code="hours").value == 4000
    # Without htmx the browser is sent to sign in, as before.
    plain = client.post(url, {"value": "7777"})
    assert plain.status_code == 302 and plain["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize(
    ("path", "back"),
    [
        ("/recommendations/assessment/4/submit/", "/assessments/4/review/"),
        ("/vendors/shortlist/7/add/", "/vendors/match/7/"),
        ("/accounts/members/3/remove/", "/accounts/members/"),
        ("/api-keys/5/revoke/", "/api-keys/"),
        ("/api-keys/webhooks/5/remove/", "/api-keys/webhooks/"),
        ("/accounts/sso/domains/5/remove/", "/accounts/sso/domains/"),
        # Review 63: one level up had led to another address that only takes a form: none named, the home page.
        ("/vendors/entries/1/remove/", ""),
    ],
)
def test_a_form_address_opened_on_its_own_is_a_page_saying_nothing_was_done(
    buyer_client: Client, path: str, back: str
) -> None:
    # Review 61: an empty 405, which Chromium shows as "This page isn't working", after signing in again with it as
    # next.
    response = buyer_client.get(path)
    assert response.status_code == 405 and response["Allow"] == "POST"
    page = response.content.decode()
    assert "Nothing was saved, submitted or changed" in page
    if back:
        assert f'href="{back}">Back to the page with the form' in page
    else:
        assert "Back to the page with the form" not in page and 'href="/"' in page


def test_a_form_sent_after_the_session_ended_returns_to_its_page_after_signing_in(
    client: Client, organisation: Organisation, buyer: User, playbook: Playbook
) -> None:
    # Review 61: the sign-in's next was the address the form posts to, which only takes a form: a 405 after signing in.
    draft = AssessmentFactory(organisation=organisation, created_by=buyer, playbook=playbook)
    review = reverse("questionnaire:review", args=[draft.pk])
    submit = reverse("recommendations:submit", args=[draft.pk])
    response = client.post(submit, HTTP_REFERER=f"http://testserver{review}")
    login = reverse("accounts:login")
    assert response.status_code == 302 and response["Location"] == f"{login}?next={review.replace('/', '%2F')}&sent=1"
    # The sign-in page says what was sent was not saved (review 63: nothing was said without JavaScript).
    page = client.get(response["Location"]).content.decode()
    assert "Your session had ended, so what you sent was not saved" in page
    # From another site, or with no Referer, the next is left as Django made it.
    elsewhere = client.post(submit, HTTP_REFERER="https://evil.example/x")
    assert "evil" not in elsewhere["Location"] and elsewhere["Location"].endswith(submit)
    assert client.post(submit)["Location"].endswith(submit)


def _idled_out(client: Client, user: User) -> None:
    """Signed in, then the session idles out: its row kept past its expiry, as until the sessions are cleared."""
    from datetime import timedelta

    from django.contrib.sessions.models import Session
    from django.utils import timezone

    client.force_login(user)
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - timedelta(minutes=1)
    )


def test_a_step_sent_without_javascript_after_the_session_ended_is_back_in_its_boxes_after_signing_in(
    client: Client, organisation: Organisation, buyer: User, colleague: User, playbook: Playbook
) -> None:
    # Review 76: without JavaScript, signing in again returned to the step with every answer sent lost.
    from apps.questionnaire.services import drawn_digest

    draft = AssessmentFactory(
        organisation=organisation, created_by=buyer, playbook=playbook, answers={"hours": 4000, "budget": 100}
    )
    step = reverse("questionnaire:step", args=[draft.pk, "volume"])
    _idled_out(client, buyer)
    # Hours changed on the page; the budget sent as it was drawn (review 78: a box left alone had put an older value
    # back over a colleague's newer one).
    sent = {"hours": "7777", "budget": "100", "budget__loaded": f"x|{drawn_digest(100)}", "nojs": "1"}
    response = client.post(step, sent, HTTP_REFERER=f"http://testserver{step}")
    assert response.status_code == 302 and "sent=kept" in response["Location"]
    login_page = client.get(response["Location"]).content.decode()
    assert "what you had typed or chosen back in its boxes for you to save" in login_page
    assert Answer.objects.get(assessment=draft, question_code="hours").value == 4000  # nothing saved
    Answer.objects.filter(assessment=draft, question_code="budget").update(value=250)  # a colleague's change since
    client.force_login(buyer)  # signing in keeps what the signed-out session held
    page = client.get(step).content.decode()
    assert 'value="7777"' in page and "back in its boxes, not saved yet" in page
    assert 'value="250"' in page and 'value="100"' not in page
    assert Answer.objects.get(assessment=draft, question_code="hours").value == 4000
    # Put back once: the page drawn again shows what is stored.
    assert 'value="7777"' not in client.get(step).content.decode()


def test_a_kept_step_is_only_for_the_member_whose_session_ended(
    client: Client, organisation: Organisation, buyer: User, colleague: User, playbook: Playbook
) -> None:
    # Review 77: anyone could have a session made with what they sent in it, and whoever signed in next on the
    # browser was given what the last person typed.
    from django.contrib.sessions.models import Session

    draft = AssessmentFactory(organisation=organisation, created_by=buyer, playbook=playbook, answers={"hours": 4000})
    step = reverse("questionnaire:step", args=[draft.pk, "volume"])
    before = Session.objects.count()
    client.post(step, {"hours": "7777", "nojs": "1"}, HTTP_REFERER=f"http://testserver{step}")  # never signed in
    assert Session.objects.count() == before
    _idled_out(client, buyer)
    client.post(step, {"hours": "7777", "nojs": "1"}, HTTP_REFERER=f"http://testserver{step}")
    client.force_login(colleague)
    assert 'value="7777"' not in client.get(step).content.decode()
    # Bounded: a step too large to keep is not kept.
    _idled_out(client, buyer)
    client.post(step, {"hours": "7" * 20_000, "nojs": "1"}, HTTP_REFERER=f"http://testserver{step}")
    client.force_login(buyer)
    assert "back in its boxes" not in client.get(step).content.decode()


def test_a_step_sent_with_javascript_or_to_another_page_is_not_kept(
    client: Client, organisation: Organisation, buyer: User, playbook: Playbook
) -> None:
    draft = AssessmentFactory(organisation=organisation, created_by=buyer, playbook=playbook, answers={"hours": 4000})
    step = reverse("questionnaire:step", args=[draft.pk, "volume"])
    _idled_out(client, buyer)
    client.post(step, {"hours": "7777"}, HTTP_REFERER=f"http://testserver{step}")  # the page's script keeps it
    client.force_login(buyer)
    assert 'value="7777"' not in client.get(step).content.decode()


def test_a_step_sent_after_signing_out_elsewhere_is_not_promised_back(
    client: Client, organisation: Organisation, buyer: User, playbook: Playbook
) -> None:
    # Review 80: signed out from another window (the session's row deleted), the step sent could not be kept, since
    # whose it was is no longer known, while the sign-in page said it would be back in its boxes.
    from django.contrib.sessions.models import Session

    draft = AssessmentFactory(organisation=organisation, created_by=buyer, playbook=playbook, answers={"hours": 4000})
    step = reverse("questionnaire:step", args=[draft.pk, "volume"])
    client.force_login(buyer)
    Session.objects.all().delete()  # signed out elsewhere, or a password change
    response = client.post(step, {"hours": "7777", "nojs": "1"}, HTTP_REFERER=f"http://testserver{step}")
    assert response.status_code == 302 and "sent=lost" in response["Location"]
    page = client.get(response["Location"]).content.decode()
    assert "what it held could not be kept for you" in page and "back in its boxes" not in page
    client.force_login(buyer)
    assert 'value="7777"' not in client.get(step).content.decode()


def test_the_signed_out_page_does_not_promise_what_a_step_without_javascript_did_not_send(
    client: Client, buyer: User
) -> None:
    # Review 81: "Your answers were saved as you gave them, so nothing is lost", while a step open without JavaScript
    # in another window lost what was typed there.
    client.force_login(buyer)
    page = client.post(reverse("accounts:logout"), {"next": "/?signed-out=1"}, follow=True).content.decode()
    assert "so nothing is lost" not in page
    assert "anything typed on a step still open in another window and not yet sent is not kept" in page


def test_the_session_cookie_outlives_the_idle_timeout_so_an_ended_session_is_still_named(
    client: Client, buyer: User
) -> None:
    # Review 146: the cookie expired with the idle timeout, so a browser stopped sending it the moment the session
    # idled out, and a step sent without JavaScript then could not be kept for its owner. The row's expiry still ends
    # an idle session; the cookie lives as long as a session may.
    from datetime import timedelta

    from django.conf import settings
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    from tests.factories import PASSWORD

    response = client.post(reverse("accounts:login"), {"username": buyer.email, "password": PASSWORD})
    assert response.status_code == 302
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert int(cookie["max-age"]) == settings.SESSION_MAX_AGE_SECONDS > settings.SESSION_COOKIE_AGE
    row = Session.objects.get(session_key=cookie.value)
    idle = row.expire_date - timezone.now()
    assert timedelta(seconds=settings.SESSION_COOKIE_AGE - 60) < idle <= timedelta(seconds=settings.SESSION_COOKIE_AGE)
    # Signing out deletes the cookie as before.
    out = client.post(reverse("accounts:logout"))
    assert (
        out.cookies[settings.SESSION_COOKIE_NAME].value == ""
        and out.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == 0
    )
