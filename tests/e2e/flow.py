"""Driving the buyer's flow in the browser, and setting up data for it through the services.

Answers come from the reference playbook's golden cases: a golden case's answers are a complete,
valid set for one situation, so answering every visible question from it walks a whole assessment.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

from apps.accounts.models import User
from apps.questionnaire import services as questionnaire
from apps.questionnaire.models import Assessment
from apps.recommendations import services as recommendations
from apps.recommendations.models import Recommendation

REFERENCE_PLAYBOOK = Path(__file__).resolve().parents[2] / "apps" / "playbooks" / "reference" / "playbook.json"
HEDGE_FUND = "US hedge fund"
CONSULTANCY = "Strategy consultancy"
PAST_STEP_BUTTON = re.compile(r"^Save and (continue|review)$")


@cache
def _golden_cases() -> dict[str, dict[str, Any]]:
    data = json.loads(REFERENCE_PLAYBOOK.read_text())
    return {case["name"]: case["answers"] for case in data["golden_cases"]}


def golden_answers(name_starts: str) -> dict[str, Any]:
    """The answers of the reference golden case whose name starts with ``name_starts``."""
    return dict(next(a for n, a in _golden_cases().items() if n.startswith(name_starts)))


# In the browser


def as_choices(value: Any) -> list[str]:
    """An answer as the option values a person ticks (yes/no for booleans)."""
    if isinstance(value, bool):
        return ["yes" if value else "no"]
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def answer_question(page: Any, code: str, value: Any, *, js: bool) -> None:
    """Give one answer as a person would; with JavaScript, wait for its autosave. No-op if already given."""
    fieldset = page.locator(f"#q-{code}")
    text = fieldset.locator("input[type=text]")
    if text.count():
        if text.input_value() == str(value):
            return
        text.fill(str(value))
        if js:
            with page.expect_response(_autosave_of(code)):
                text.press("Tab")  # a text answer is saved when the buyer leaves the field
            _settled(page)
        return
    wanted = set(as_choices(value))
    for box in fieldset.locator("input[type=radio], input[type=checkbox]").all():
        should = box.get_attribute("value") in wanted
        if box.is_checked() == should or (not should and box.get_attribute("type") == "radio"):
            continue
        if js:
            with page.expect_response(_autosave_of(code)):
                box.set_checked(should)
            _settled(page)
        else:
            box.set_checked(should)


# htmx marks the elements of a request in flight, and of its swap and settle, with these classes: an autosave's
# response arrives before the fragments it returns (a question it opens) are in the page.
HTMX_BUSY = ".htmx-request, .htmx-swapping, .htmx-settling, .htmx-added"


def _settled(page: Any) -> None:
    page.wait_for_function(f"() => !document.querySelector({HTMX_BUSY!r})")


def _autosave_of(code: str) -> Any:
    return lambda r: f"/answers/{code}/" in r.url and r.request.method == "POST" and r.status == 200


def visible_questions(page: Any) -> list[str]:
    ids = page.locator("fieldset[id^='q-']:not([hidden])").evaluate_all("els => els.map(e => e.id)")
    return [i.removeprefix("q-") for i in ids]


def answer_step(page: Any, answers: dict[str, Any], *, js: bool) -> None:
    """Answer every visible question of the step, including those that appear as the answers go in. A question
    the answers leave out (an optional one the case does not use, such as the buyer's own cost figures) is left
    blank, as a buyer would leave it; a required one left out shows up as missing on the review."""
    done: set[str] = set()
    while todo := [c for c in visible_questions(page) if c not in done]:
        if todo[0] in answers:
            answer_question(page, todo[0], answers[todo[0]], js=js)
        done.add(todo[0])


def current_section(page: Any) -> str | None:
    match = re.search(r"/steps/([\w-]+)/", page.url)
    return match.group(1) if match else None


def complete_steps(page: Any, answers: dict[str, Any], *, js: bool, stop_at: str | None = None) -> None:
    """From a step page, answer each step and move on, until the review (or the step ``stop_at``)."""
    while (section := current_section(page)) is not None and section != stop_at:
        answer_step(page, answers, js=js)
        with page.expect_navigation():
            page.get_by_role("button", name=PAST_STEP_BUTTON).click()


def start_in_browser(page: Any, title: str, function: str) -> int:
    """Start an assessment from the start page; returns its id (the browser is on its first step)."""
    page.goto("/assessments/new/")
    page.get_by_label("Title").fill(title)
    page.get_by_label("Knowledge function").select_option(function)
    with page.expect_navigation():
        page.get_by_role("button", name="Start").click()
    match = re.search(r"/assessments/(\d+)/steps/", page.url)
    assert match, f"expected a step page, got {page.url}"
    return int(match.group(1))


# Through the services, for tests that need data but are not about making it


def make_assessment(user: User, title: str, answers: dict[str, Any], *, leave_out: tuple[str, ...] = ()) -> Assessment:
    membership = user.memberships.select_related("organisation").get()
    assessment = questionnaire.start_assessment(
        organisation=membership.organisation, user=user, title=title, function=answers["function"]
    )
    given = {c: v for c, v in answers.items() if c not in leave_out and c != "function"}
    questionnaire.record_answers(assessment=assessment, values=given, strict_visibility=False)
    return assessment


def make_recommendation(user: User, title: str, answers: dict[str, Any]) -> Recommendation:
    return recommendations.submit_and_recommend(assessment=make_assessment(user, title, answers), user=user)
