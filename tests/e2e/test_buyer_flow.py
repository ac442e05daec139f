"""A buyer's whole run in the browser: start, answer every step, review, submit, read and export."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from typing import Any

from playwright.sync_api import expect

from apps.accounts.models import User
from apps.questionnaire.models import Assessment
from apps.recommendations.models import Recommendation
from tests.e2e.browser import Browsing
from tests.e2e.flow import (
    CONSULTANCY,
    HEDGE_FUND,
    answer_question,
    answer_step,
    as_choices,
    complete_steps,
    current_section,
    golden_answers,
    make_assessment,
    start_in_browser,
    visible_questions,
)


def test_buyer_completes_an_assessment_with_javascript(
    browsing: Browsing, buyer: User, sign_in: Callable[[Any, str], None]
) -> None:
    answers = golden_answers(HEDGE_FUND)
    page = browsing.new_page()
    sign_in(page, buyer.email)
    page.get_by_role("link", name="Start an assessment").click()
    start_in_browser(page, "Equity research support", answers["function"])
    complete_steps(page, answers, js=True, stop_at="volume")

    # Seasonal demand asks for the peak share, live; steady demand takes the question away again.
    peak_share = page.locator("#q-peak_share")
    expect(peak_share).to_be_hidden()
    answer_question(page, "volume_pattern", "seasonal", js=True)
    expect(peak_share).to_be_visible()
    # The status line a screen reader announces names the question it opened (review 76).
    expect(page.locator("#status-volume_pattern")).to_have_text(
        "Saved. It opened a question below: “What share of the year's hours falls in the busiest three months?”"
    )
    answer_question(page, "volume_pattern", "steady", js=True)
    expect(peak_share).to_be_hidden()

    complete_steps(page, answers, js=True)
    expect(page).to_have_url(re.compile(r"/review/$"))
    expect(page.get_by_text(re.compile(r"^(\d+) of \1 required answers given$"))).to_be_visible()
    page.get_by_role("button", name="Submit for a recommendation").click()

    expect(page.get_by_role("heading", level=2, name="KPO wins")).to_be_visible()
    expect(
        page.get_by_text(re.compile(r"version 1 · version [0-9.]+\+[0-9a-f]{8} of the product.s scoring code"))
    ).to_be_visible()
    assert Recommendation.objects.get().snapshot["stored_answers"] == answers


def test_buyer_completes_an_assessment_without_javascript(browsing: Browsing, buyer: User) -> None:
    answers = golden_answers(CONSULTANCY)
    page = browsing.new_page(buyer, js=False)
    start_in_browser(page, "Market-sizing studies", answers["function"])
    complete_steps(page, answers, js=False, stop_at="volume")

    # Without JavaScript the step posts whole; an answer that opens a question brings the step back.
    answer_step(page, answers, js=False)
    expect(page.locator("#q-peak_share")).to_be_hidden()
    with page.expect_navigation():
        page.get_by_role("button", name="Save and continue").click()
    assert current_section(page) == "volume" and page.url.endswith("#q-peak_share")
    expect(page.get_by_text("Saved. Your answers opened a question on this step: “")).to_be_visible()
    expect(page.locator("#q-peak_share")).to_be_visible()

    complete_steps(page, answers, js=False)
    page.get_by_role("button", name="Submit for a recommendation").click()
    expect(page.get_by_role("heading", level=2, name="KPO wins")).to_be_visible()
    assert Recommendation.objects.get().snapshot["stored_answers"] == answers


def test_autosaved_answers_survive_closing_the_browser(
    browsing: Browsing, buyer: User, sign_in: Callable[[Any, str], None]
) -> None:
    answers = golden_answers(HEDGE_FUND)
    page = browsing.new_page()
    sign_in(page, buyer.email)
    pk = start_in_browser(page, "Closed mid-way", answers["function"])
    answer_step(page, answers, js=True)  # autosave only: the step is never posted
    for step, section in (("Who is buying", "buyer"), ("Strategic value", "strategy")):
        # Opened by its address, not the list of steps, whose buttons post the step's form: only autosave saves here.
        # Wait for the next step to load: answering straight after would find the old step's answers.
        page.goto(re.sub(r"/steps/[^/]+/(#.*)?$", f"/steps/{section}/", page.url))
        expect(page.get_by_role("heading", level=1, name=re.compile(rf"^{step}"))).to_be_visible()
        expect(page).to_have_url(re.compile(rf"/assessments/{pk}/steps/{section}/$"))
        answer_step(page, answers, js=True)
    page.context.close()

    page = browsing.new_page()
    sign_in(page, buyer.email)
    page.get_by_role("link", name="Your organisation's assessments").click()
    page.get_by_role("link", name="Closed mid-way").click()
    expect(page).to_have_url(re.compile(rf"/assessments/{pk}/steps/volume/$"))
    for section in ("the-work", "buyer", "strategy"):
        page.goto(f"/assessments/{pk}/steps/{section}/")
        for code in visible_questions(page):
            for choice in as_choices(answers[code]):
                expect(page.locator(f"#q-{code} input[value='{choice}']")).to_be_checked()


def test_submit_is_refused_until_the_missing_answer_is_given_then_exports_parse(
    browsing: Browsing, buyer: User
) -> None:
    answers = golden_answers(HEDGE_FUND)
    assessment = make_assessment(buyer, "One answer short", answers, leave_out=("overlap_hours",))
    # The refused submit answers 400, which Chromium logs; only that console error is expected.
    browsing.console.allow(r"/submit/: Failed to load resource: the server responded with a status of 400")
    page = browsing.new_page(buyer)
    page.goto(f"/assessments/{assessment.pk}/review/")
    expect(page.get_by_text("1 required answer missing.")).to_be_visible()
    page.get_by_role("button", name="Submit for a recommendation").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Not submitted yet.")
    expect(alert).to_contain_text("How many hours of live overlap")
    assert Assessment.objects.get().is_draft

    page.get_by_role("link", name=re.compile(r"^Answer it")).click()
    # The click does not wait for the step page: on a busy machine the answer would be looked for on the review
    # page still, or typed before htmx has bound the autosave. Wait for the step page and its scripts.
    page.wait_for_url(re.compile(r"/steps/"))
    page.wait_for_load_state("load")
    answer_question(page, "overlap_hours", answers["overlap_hours"], js=True)
    page.get_by_role("button", name="Review and submit").click()
    page.get_by_role("button", name="Submit for a recommendation").click()
    expect(page.get_by_role("heading", level=2, name="KPO wins")).to_be_visible()

    exported = json.loads(_download(page, "Download JSON"))
    assert exported["evaluation"]["verdict"] == "wins"
    obligations = list(csv.DictReader(io.StringIO(_download(page, "Obligations checklist (CSV)"))))
    assert obligations, "the obligations checklist has rows"
    page.get_by_role("link", name="Recommendations", exact=True).first.click()
    history = list(csv.DictReader(io.StringIO(_download(page, "Export CSV"))))
    assert [row for row in history if "One answer short" in row.values()]


def _download(page: Any, link: str) -> str:
    with page.expect_download() as info:
        page.get_by_role("link", name=link).click()
    path = info.value.path()
    return path.read_text(encoding="utf-8-sig")


def test_enter_in_a_field_saves_the_step_and_goes_on_to_the_next_one(browsing: Browsing, buyer: User) -> None:
    # The lists of steps are buttons submitting the step's form; they come after it in the page, so Enter presses
    # the step's own "Save and continue", with JavaScript and without.
    answers = golden_answers(HEDGE_FUND)
    for js in (False, True):
        assessment = make_assessment(buyer, f"Enter {js}", answers, leave_out=("team_size",))
        page = browsing.new_page(buyer, js=js)
        page.goto(f"/assessments/{assessment.pk}/steps/volume/")
        field = page.locator("#input-team_size")
        field.fill("6")
        with page.expect_navigation():
            field.press("Enter")
        # The step after "volume" (the reference playbook's order): not the first step, nor back to the one before.
        assert page.url.endswith(f"/assessments/{assessment.pk}/steps/readiness/"), page.url
        assessment.refresh_from_db()
        assert assessment.answers.get(question_code="team_size").value == 6
        page.context.close()


def test_back_after_a_step_refused_and_then_saved_reloads_the_step_instead_of_resending_the_form(
    browsing: Browsing, buyer: User
) -> None:
    # A step sent with a number that is not one comes back with its errors. Corrected and saved, it goes on; Back then
    # reloads the step as a plain visit, so the browser does not ask to send the form again (Chromium's "Confirm Form
    # Resubmission", ERR_CACHE_MISS). With JavaScript the refused page (a 400 drawn for the POST) has its history entry
    # made a GET; without it the refused POST redirects to a GET showing the typed values and the messages.
    browsing.console.allow(
        r"/(steps/volume|answers/team_size)/: Failed to load resource: the server responded with a status of 400"
    )
    answers = golden_answers(HEDGE_FUND)
    for js in (True, False):
        assessment = make_assessment(buyer, f"Back after an error {js}", answers, leave_out=("team_size",))
        page = browsing.new_page(buyer, js=js)
        documents: list[tuple[str, int]] = []
        page.on(
            "response",
            lambda r, seen=documents: (
                seen.append((r.request.method, r.status)) if r.request.resource_type == "document" else None
            ),
        )
        page.goto(f"/assessments/{assessment.pk}/steps/volume/")
        page.locator("#input-team_size").fill("abc")
        with page.expect_navigation():
            page.locator("#step-form button.button--primary").click()
        refused = [("POST", 400)] if js else [("POST", 302), ("GET", 400)]
        assert documents[-len(refused) :] == refused, (js, documents)
        expect(page.locator("#input-team_size")).to_have_value("abc")
        page.locator("#input-team_size").fill("6")
        with page.expect_navigation():
            page.locator("#step-form button.button--primary").click()
        assert page.url.endswith(f"/assessments/{assessment.pk}/steps/readiness/"), page.url
        page.go_back()
        page.wait_for_load_state()
        assert page.url.endswith(f"/assessments/{assessment.pk}/steps/volume/"), (js, page.url)
        assert documents[-1] == ("GET", 200), (js, documents)
        expect(page.locator("#input-team_size")).to_have_value("6")
        page.context.close()
