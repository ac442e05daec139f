"""An autosave that meets an outage (a 503, or no network) never tells the buyer their answer was refused,
and never leaves an old "Saved" beside it: it says the answer is not confirmed and how to save it."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from playwright.sync_api import expect

from apps.accounts.models import User
from tests.e2e.browser import Browsing
from tests.e2e.flow import make_assessment


def _late(route: Any) -> None:
    """Sends a request on a second late, as a busy server would."""
    time.sleep(1)
    route.continue_()


@pytest.mark.parametrize("failure", ["503", "network"])
def test_an_autosave_during_an_outage_says_it_is_not_confirmed(browsing: Browsing, buyer: User, failure: str) -> None:
    assessment = make_assessment(buyer, "Outage", {"function": "equity-research"})
    page = browsing.new_page(buyer)
    page.goto(f"/assessments/{assessment.pk}/steps/the-work/")
    with page.expect_response(re.compile(r"/answers/")):
        page.locator("#input-work_nature").check()
    status = page.locator("#status-work_nature")
    expect(status).to_have_text("Saved")

    def outage(route: Any) -> None:
        if failure == "503":
            route.fulfill(status=503, body="Service unavailable", headers={"Retry-After": "10"})
        else:
            route.abort()

    page.route(re.compile(r"/answers/"), outage)
    browsing.console.allow(r"Failed to load resource")
    browsing.console.allow(r"htmx")
    page.locator("#input-work_nature-2").check()
    expect(status).to_contain_text("Not confirmed")
    expect(status).not_to_contain_text("Saved")
    expect(status).not_to_contain_text("refused")
    assert status.get_attribute("role") == "alert"


def test_an_autosave_refused_for_a_control_character_keeps_its_status_and_the_next_edit_is_saved(
    browsing: Browsing, buyer: User
) -> None:
    """An escape character (a terminal's colour code, pasted) is refused before the view: the refusal takes the
    status line's place, not a whole error page, so the question's next edit is still sent and saved. A vertical tab
    (Word's soft line break, pasted) is read as the new line it stands for, so that edit is saved."""
    from apps.questionnaire.models import Answer

    assessment = make_assessment(buyer, "Pasted text", {"function": "equity-research"})
    page = browsing.new_page(buyer)
    page.goto(f"/assessments/{assessment.pk}/steps/volume/")
    browsing.console.allow(r"Failed to load resource")
    hours = page.locator("#input-annual_hours")
    with page.expect_response(re.compile(r"/answers/")) as refused:
        hours.fill("12\x1b")
        hours.blur()
    assert refused.value.status == 400
    status = page.locator("#status-annual_hours")
    expect(status).to_contain_text("Nothing was saved")
    expect(page.locator("header.site-header")).to_have_count(1)
    with page.expect_response(re.compile(r"/answers/")):
        hours.fill("4321")
        hours.blur()
    expect(status).to_have_text("Saved")
    assert Answer.objects.get(assessment=assessment, question_code="annual_hours").value == 4321
    with page.expect_response(re.compile(r"/answers/")) as pasted:
        hours.fill("1234\x0b")
        hours.blur()
    assert pasted.value.status == 200
    expect(status).to_have_text("Saved")
    assert Answer.objects.get(assessment=assessment, question_code="annual_hours").value == 1234


def test_a_typed_answer_is_saved_when_typing_pauses_and_survives_a_reload(browsing: Browsing, buyer: User) -> None:
    """Review 41: a number typed and not yet left (no change event) was lost on reload. It is saved once typing
    pauses; leaving the box afterwards sends nothing more for the same value."""
    from apps.questionnaire.models import Answer

    assessment = make_assessment(buyer, "Typed, not left", {"function": "equity-research"})
    page = browsing.new_page(buyer)
    page.goto(f"/assessments/{assessment.pk}/steps/volume/")
    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" and "/answers/" in r.url else None)
    hours = page.locator("#input-annual_hours")
    with page.expect_response(re.compile(r"/answers/annual_hours/")):
        hours.press_sequentially("2400", delay=30)  # typed, and the box keeps the focus
    expect(page.locator("#status-annual_hours")).to_have_text("Saved")
    assert Answer.objects.get(assessment=assessment, question_code="annual_hours").value == 2400
    hours.blur()  # leaving the box with the value already saved
    page.wait_for_timeout(600)
    assert len(posts) == 1
    page.reload()
    expect(page.locator("#input-annual_hours")).to_have_value("2400")


def test_a_typed_answer_whose_save_failed_is_sent_again_when_the_box_is_left(browsing: Browsing, buyer: User) -> None:
    """Review 44: a value whose pause-save met a 503 was never sent again (leaving the box counted it as saved), so
    the server kept the earlier value while the box showed the new one."""
    from apps.questionnaire.models import Answer

    assessment = make_assessment(buyer, "Saved after an outage", {"function": "equity-research"})
    page = browsing.new_page(buyer)
    page.goto(f"/assessments/{assessment.pk}/steps/volume/")
    browsing.console.allow(r"Failed to load resource")
    browsing.console.allow(r"htmx")
    hours = page.locator("#input-annual_hours")
    with page.expect_response(re.compile(r"/answers/annual_hours/")):
        hours.press_sequentially("1500", delay=30)
    expect(page.locator("#status-annual_hours")).to_have_text("Saved")
    failing = {"left": 1}

    def once_503(route: Any) -> None:
        if failing["left"]:
            failing["left"] -= 1
            route.fulfill(status=503, body="Service unavailable", headers={"Retry-After": "10"})
        else:
            route.continue_()

    page.route(re.compile(r"/answers/annual_hours/"), once_503)
    with page.expect_response(re.compile(r"/answers/annual_hours/")) as failed:
        hours.press_sequentially("0", delay=30)  # 15000, saved when the typing pauses: the outage answers
    assert failed.value.status == 503
    expect(page.locator("#status-annual_hours")).to_contain_text("Not confirmed")
    with page.expect_response(re.compile(r"/answers/annual_hours/")) as again:
        hours.blur()  # leaving the box sends it again, the database back
    assert again.value.status == 200
    expect(page.locator("#status-annual_hours")).to_have_text("Saved")
    assert Answer.objects.get(assessment=assessment, question_code="annual_hours").value == 15000


def test_a_reload_right_after_typing_shows_and_keeps_what_was_typed(browsing: Browsing, buyer: User) -> None:
    """Review 45: a reload straight after typing raced its own save and drew the old value, which "Save and
    continue" then wrote back. What is typed is kept in the tab until the server confirms it, and put back."""
    from apps.questionnaire.models import Answer

    assessment = make_assessment(buyer, "Reloaded at once", {"function": "equity-research", "annual_hours": 2200})
    page = browsing.new_page(buyer)
    page.goto(f"/assessments/{assessment.pk}/steps/volume/")
    browsing.console.allow(r"Failed to load resource")
    browsing.console.allow(r"htmx")
    # Every save of the box is held back, as a reload would cut it off: only the kept value can survive.
    page.route(re.compile(r"/answers/annual_hours/"), lambda route: route.abort())
    hours = page.locator("#input-annual_hours")
    hours.fill("2500")  # typed, not left, and the page reloaded at once
    page.unroute(re.compile(r"/answers/annual_hours/"))
    with page.expect_response(re.compile(r"/answers/annual_hours/")) as saved:
        page.reload()
    assert saved.value.status == 200
    expect(page.locator("#input-annual_hours")).to_have_value("2500")
    assert Answer.objects.get(assessment=assessment, question_code="annual_hours").value == 2500
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("Save and continue")).click()
    assert Answer.objects.get(assessment=assessment, question_code="annual_hours").value == 2500


def test_a_step_sent_after_the_session_ended_gets_its_typed_answers_back_after_signing_in(
    browsing: Browsing, buyer: User
) -> None:
    """Review 66: typed answers were forgotten as the step was sent, so after signing in again the step came back
    empty. They are kept until the next page shows whether the step was taken, and put back and saved when the step
    is reached from the sign-in page."""
    from django.contrib.sessions.models import Session

    from apps.questionnaire.models import Answer
    from tests.factories import PASSWORD

    assessment = make_assessment(buyer, "Signed out mid-step", {"function": "equity-research", "annual_hours": 1000})
    page = browsing.new_page(buyer)
    page.goto(f"/assessments/{assessment.pk}/steps/volume/")
    browsing.console.allow(r"Failed to load resource")
    browsing.console.allow(r"htmx")
    page.route(re.compile(r"/answers/annual_hours/"), lambda route: route.abort())  # no autosave gets through
    page.locator("#input-annual_hours").fill("7500")
    Session.objects.all().delete()  # the session ends
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("Save and continue")).click()
    page.unroute(re.compile(r"/answers/annual_hours/"))
    expect(page.get_by_text("Your session had ended, so what you sent was not saved.")).to_be_visible()
    page.get_by_label("Email").fill(buyer.email)
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_response(re.compile(r"/answers/annual_hours/")) as saved:
        page.get_by_role("button", name=re.compile("Sign in")).click()
    assert saved.value.status == 200
    expect(page.locator("#input-annual_hours")).to_have_value("7500")
    assert Answer.objects.get(assessment=assessment, question_code="annual_hours").value == 7500
    # Sent again, the step is taken: nothing is kept to be put back later over a colleague's answer.
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("Save and continue")).click()
    kept = page.evaluate("() => Object.keys(sessionStorage).filter((k) => k.startsWith('kpo-'))")
    assert kept == []


def test_a_value_typed_while_signed_out_is_not_put_back_over_a_later_answer(
    browsing: Browsing, buyer: User, sign_in: Any
) -> None:
    """Review 68: 6000 typed while signed out (its save refused) was put back, and saved, over a colleague's later
    9999 when the step was opened again. A kept value carries the stamp of the answer it was typed over: when the
    answer has changed since, it is not put back, and the box says what was not saved."""
    from django.contrib.sessions.models import Session

    from apps.questionnaire.models import Answer

    assessment = make_assessment(buyer, "Changed since", {"function": "equity-research", "annual_hours": 1000})
    page = browsing.new_page(buyer)
    page.goto(f"/assessments/{assessment.pk}/steps/volume/")
    browsing.console.allow(r"Failed to load resource")
    browsing.console.allow(r"htmx")
    Session.objects.all().delete()  # the session ends
    with page.expect_response(re.compile(r"/answers/annual_hours/")) as refused:
        page.locator("#input-annual_hours").fill("6000")
        page.locator("#input-annual_hours").blur()
    assert refused.value.status == 401
    sign_in(page, buyer.email)  # signed in again from the sign-in page, not from the step
    Answer.objects.filter(assessment=assessment, question_code="annual_hours").update(value=9999)  # a colleague
    page.goto(f"/assessments/{assessment.pk}/steps/volume/")
    expect(page.locator("#status-annual_hours")).to_contain_text("Not put back: you had typed “6000” here")
    expect(page.locator("#input-annual_hours")).to_have_value("9999")
    page.wait_for_timeout(500)
    assert Answer.objects.get(assessment=assessment, question_code="annual_hours").value == 9999


@pytest.mark.parametrize("slow_script", [False, True])
def test_a_choice_made_after_the_session_ended_is_put_back_after_signing_in(
    browsing: Browsing, buyer: User, slow_script: bool
) -> None:
    """Review 71: typed numbers came back after signing in again, but choices were lost. With a later script of the
    page slow to arrive (a busy server), the put-back ran before htmx had set up the boxes' saves and nothing was
    saved: this test and its typed-answer sibling failed now and then under parallel load."""
    from django.contrib.sessions.models import Session

    from apps.questionnaire.models import Answer
    from tests.factories import PASSWORD

    assessment = make_assessment(
        buyer, "Chosen while signed out", {"function": "equity-research", "volume_pattern": "steady"}
    )
    page = browsing.new_page(buyer)
    if slow_script:
        page.route(re.compile(r"/js/focus-target"), _late)  # the last script of the step page
    page.goto(f"/assessments/{assessment.pk}/steps/volume/")
    browsing.console.allow(r"Failed to load resource")
    browsing.console.allow(r"htmx")
    page.route(re.compile(r"/answers/volume_pattern/"), lambda route: route.abort())  # no autosave gets through
    page.locator("input[name=volume_pattern][value=seasonal]").check()
    Session.objects.all().delete()  # the session ends
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("Save and continue")).click()
    page.unroute(re.compile(r"/answers/volume_pattern/"))
    expect(page.get_by_text("with JavaScript on, what you had typed or chosen is put back and saved")).to_be_visible()
    page.get_by_label("Email").fill(buyer.email)
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_response(re.compile(r"/answers/volume_pattern/")) as saved:
        page.get_by_role("button", name=re.compile("Sign in")).click()
    assert saved.value.status == 200
    expect(page.locator("input[name=volume_pattern][value=seasonal]")).to_be_checked()
    assert Answer.objects.get(assessment=assessment, question_code="volume_pattern").value == "seasonal"
    # Sent again, the step is taken, and nothing is kept.
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("Save and continue")).click()
    assert page.evaluate("() => Object.keys(sessionStorage).filter((k) => k.startsWith('kpo-'))") == []
