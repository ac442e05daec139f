"""Keyboard-only use, visible focus, and errors that are announced and tied to their fields."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from apps.accounts.models import User
from tests.e2e.browser import NARROW, Browsing
from tests.e2e.flow import HEDGE_FUND, golden_answers, make_assessment

ACTIVE = """() => {
  const e = document.activeElement;
  const group = e.name ? document.querySelectorAll(`input[name="${e.name}"]:checked`).length : 0;
  return {tag: e.tagName, id: e.id, type: e.type || '', text: (e.textContent || '').trim(), answered: group > 0};
}"""
FOCUS_RING = """() => {
  const style = getComputedStyle(document.activeElement);
  return {style: style.outlineStyle, width: parseFloat(style.outlineWidth)};
}"""


def tab_to(page: Any, matches: Any, limit: int = 80) -> dict[str, Any]:
    """Press Tab until the focused element matches; returns what is focused."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        active = page.evaluate(ACTIVE)
        if matches(active):
            return dict(active)
    raise AssertionError(f"Tab never reached the element (last focused: {active})")


def assert_focus_is_visible(page: Any) -> None:
    ring = page.evaluate(FOCUS_RING)
    assert ring["style"] != "none" and ring["width"] >= 2, f"no visible focus ring: {ring}"


def test_a_step_is_answered_and_the_review_reached_with_the_keyboard_alone(browsing: Browsing, buyer: User) -> None:
    assessment = make_assessment(buyer, "Keyboard only", {"function": "equity-research"})
    page = browsing.new_page(buyer)
    page.goto(f"/assessments/{assessment.pk}/steps/the-work/")

    tab_to(page, lambda a: a["text"] == "Skip to main content")
    assert_focus_is_visible(page)
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"

    # Each unanswered question: Tab into its options, Space picks the first (and autosaves it).
    while True:
        active = tab_to(
            page, lambda a: (a["type"] == "radio" and not a["answered"]) or a["text"] == "Save and continue"
        )
        if active["type"] != "radio":
            break
        with page.expect_response(re.compile(r"/answers/")):
            page.keyboard.press("Space")
    assert_focus_is_visible(page)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1, name="Who is buying")).to_be_visible()

    tab_to(page, lambda a: a["text"] == "Review and submit")
    assert_focus_is_visible(page)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1, name="Review your answers")).to_be_visible()
    work = page.get_by_role("region", name="The work")
    expect(work.get_by_text("Mostly judgement: people analyse, interpret and recommend")).to_be_visible()
    expect(work.get_by_text("Missing")).to_have_count(0)


def test_form_errors_are_announced_and_tied_to_their_fields(browsing: Browsing, buyer: User) -> None:
    browsing.console.allow(r"/assessments/new/: Failed to load resource: the server responded with a status of 400")
    page = browsing.new_page(buyer)
    page.goto("/assessments/new/")
    tab_to(page, lambda a: a["text"] == "Start")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    title = page.get_by_label("Title")
    expect(title).to_have_attribute("aria-invalid", "true")
    error_id = "id_title_error"
    expect(title).to_have_attribute("aria-describedby", re.compile(rf"\b{error_id}\b"))
    expect(page.locator(f"#{error_id}")).to_have_attribute("role", "alert")
    expect(page.locator(f"#{error_id}")).to_have_text("Give the assessment a title.")


def test_an_autosave_refusal_is_announced_and_tied_to_its_question(browsing: Browsing, buyer: User) -> None:
    browsing.console.allow(
        r"/answers/annual_hours/: Failed to load resource: the server responded with a status of 400"
    )
    answers = golden_answers(HEDGE_FUND)
    assessment = make_assessment(buyer, "A typo", {"function": answers["function"]})
    page = browsing.new_page(buyer)
    page.goto(f"/assessments/{assessment.pk}/steps/volume/")
    hours = page.locator("#input-annual_hours")
    hours.fill("lots")
    with page.expect_response(re.compile(r"/answers/annual_hours/")):
        hours.press("Tab")

    status = page.locator("#status-annual_hours")
    expect(status).to_have_attribute("role", "alert")
    expect(status).not_to_be_empty()
    expect(page.locator("#q-annual_hours")).to_have_attribute(
        "aria-describedby", re.compile(r"\bstatus-annual_hours\b")
    )
    expect(hours).to_have_attribute("aria-describedby", re.compile(r"\bstatus-annual_hours\b"))
    # The field itself is marked invalid, as a whole-step submit marks it, until a save of it succeeds.
    expect(hours).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#q-annual_hours")).to_have_class(re.compile(r"\bfield--invalid\b"))
    hours.fill("2000")
    with page.expect_response(re.compile(r"/answers/annual_hours/")):
        hours.press("Tab")
    expect(status).to_have_text(re.compile("Saved"))
    expect(hours).not_to_have_attribute("aria-invalid", "true")
    expect(page.locator("#q-annual_hours")).not_to_have_class(re.compile(r"\bfield--invalid\b"))


def test_the_error_summary_follows_an_answer_refused_or_saved_as_it_is_typed(browsing: Browsing, buyer: User) -> None:
    """Review 39: after the step was sent with a bad number, typing another bad one changed the field's message but
    the summary kept the first; a good one now also takes its line (and the summary, with its last line) away."""
    browsing.console.allow(r"Failed to load resource: the server responded with a status of 400")
    answers = golden_answers(HEDGE_FUND)
    assessment = make_assessment(buyer, "A typo", {"function": answers["function"]})
    page = browsing.new_page(buyer)
    page.goto(f"/assessments/{assessment.pk}/steps/volume/")
    hours = page.locator("#input-annual_hours")
    hours.fill("-5")
    page.locator("main form button[type=submit]:not([name])").first.click()
    line = page.locator('#error-summary a[href="#input-annual_hours"]')
    expect(line).to_be_visible()
    first = line.inner_text()
    hours = page.locator("#input-annual_hours")
    hours.fill("lots")
    with page.expect_response(re.compile(r"/answers/annual_hours/")):
        hours.press("Tab")
    status = page.locator("#status-annual_hours")
    expect(status).not_to_be_empty()
    expect(line).not_to_have_text(first)
    assert status.inner_text().strip() in line.inner_text()
    hours.fill("2000")
    with page.expect_response(re.compile(r"/answers/annual_hours/")):
        hours.press("Tab")
    expect(status).to_have_text(re.compile("Saved"))
    expect(line).to_have_count(0)


def test_escape_closes_the_narrow_screens_menu_and_returns_to_its_button(browsing: Browsing, buyer: User) -> None:
    page = browsing.new_page(buyer, viewport=NARROW)
    page.goto("/")
    toggle = page.locator("details.site-menu > summary")
    toggle.focus()
    page.keyboard.press("Enter")
    expect(page.locator("details.site-menu")).to_have_attribute("open", "")
    page.keyboard.press("Tab")
    page.keyboard.press("Escape")
    expect(page.locator("details.site-menu")).not_to_have_attribute("open", "")
    assert page.evaluate("document.activeElement.classList.contains('site-menu__toggle')")


def test_a_link_to_a_question_puts_the_focus_in_its_answer(browsing: Browsing, buyer: User) -> None:
    # Review 172: "Answer it" on the review page scrolled to the question and left the focus on the page.
    assessment = make_assessment(buyer, "Answer it", {"function": "equity-research"})
    page = browsing.new_page(buyer)
    page.goto(f"/assessments/{assessment.pk}/steps/the-work/#q-work_nature")
    for _ in range(100):  # the script runs once the page has loaded (deferred)
        if page.evaluate("() => document.activeElement !== document.body"):
            break
        page.wait_for_timeout(50)
    assert page.evaluate("() => document.activeElement.id") == "q-work_nature"
    page.keyboard.press("Tab")
    active = page.evaluate(ACTIVE)
    assert active["tag"] == "INPUT" and active["id"] == "input-work_nature", active
