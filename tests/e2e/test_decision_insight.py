"""Decision insight in the browser: what-if live (htmx) and without JavaScript, saving a what-if, and
downloading the decision memo. The change tried is the first one the engine says would flip the result."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from apps.accounts.models import User
from apps.playbooks.engine.counterfactuals import Flip, what_would_flip
from apps.playbooks.runtime import compiled_playbook
from apps.questionnaire.models import Answer, Assessment
from apps.recommendations.models import Recommendation
from apps.recommendations.whatif import original_answers
from tests.e2e.browser import NARROW, SCREENSHOTS, WIDE, Browsing, run_axe, screenshot
from tests.e2e.flow import HEDGE_FUND, as_choices, golden_answers, make_recommendation


def _first_flip(rec: Recommendation) -> Flip:
    compiled = compiled_playbook(rec.playbook)
    flips = what_would_flip(compiled, original_answers(rec, compiled))
    assert flips
    return flips[0]


def _stored() -> tuple[int, int, int]:
    return Recommendation.objects.count(), Assessment.objects.count(), Answer.objects.count()


def _change(page: Any, code: str, value: Any) -> None:
    """Open the question's step (a disclosure) and give the answer as a person would."""
    fieldset = page.locator(f"#q-{code}")
    section = page.locator(f"details.whatif-section:has(#q-{code})")
    if section.get_attribute("open") is None:
        section.locator("summary").click()
    text = fieldset.locator("input[type=text]")
    if text.count():
        text.fill(str(value))
        text.press("Tab")
        return
    wanted = set(as_choices(value))
    for box in fieldset.locator("input[type=radio], input[type=checkbox]").all():
        should = box.get_attribute("value") in wanted
        if box.is_checked() != should and (should or box.get_attribute("type") == "checkbox"):
            box.set_checked(should)


def test_what_if_updates_live_and_saving_it_makes_a_new_assessment(browsing: Browsing, buyer: User) -> None:
    rec = make_recommendation(buyer, "Equity research support", golden_answers(HEDGE_FUND))
    flip = _first_flip(rec)
    page = browsing.new_page(buyer)
    page.goto(f"/recommendations/{rec.pk}/")
    page.get_by_role("link", name="What if…").click()
    expect(page.get_by_role("heading", level=1, name="What if…")).to_be_visible()
    result = page.locator("#whatif-result")
    expect(result).to_contain_text("None yet: change an answer")
    before = _stored()

    for change in flip.changes:
        with page.expect_response(lambda r: "/what-if/" in r.url and r.request.method == "POST"):
            _change(page, change.question, change.value)
    expect(result).to_contain_text("This changes the recommendation.")
    expect(result).to_contain_text(flip.changes[0].prompt)
    assert _stored() == before, "what-if stored something"
    assert page.url.endswith(f"/recommendations/{rec.pk}/what-if/")  # no navigation: updated in place

    # On a phone the result is far above the answers (review 56): its gist stays at the foot of the screen beside
    # the answer changed, and links up to it. On a wide screen the result is beside the form, and it is not drawn.
    glance = page.locator("#whatif-glance")
    expect(glance).to_be_hidden()
    page.set_viewport_size(NARROW)
    page.locator(f"#q-{flip.changes[-1].question}").scroll_into_view_if_needed()
    expect(glance).to_be_visible()
    expect(glance).to_contain_text(f"fit {flip.fit_score}")
    box = glance.bounding_box()
    assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= NARROW["height"] + 1, box
    # Tabbing down the form, the control with the focus is scrolled clear of the bar, never under it (review 58).
    page.locator("details.whatif-section summary").first.focus()
    for _ in range(6):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => { const r = document.activeElement.getBoundingClientRect();"
            " const g = document.getElementById('whatif-glance').getBoundingClientRect();"
            " return [r.bottom, g.top]; }"
        )
        assert focused[0] <= focused[1] + 1, focused
    for viewport in (WIDE, NARROW):
        page.set_viewport_size(viewport)
        problems = run_axe(page)
        assert not problems, "\n".join(problems)
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        screenshot(page, f"what-if-{viewport['width']}.png")
    page.set_viewport_size(WIDE)

    page.get_by_label("Name for the new assessment").fill("Equity research, what if")
    with page.expect_navigation():
        page.get_by_role("button", name="Save as a new assessment").click()
    expect(page.get_by_text("Saved as a new assessment and scored.")).to_be_visible()
    expect(page.locator(".badge", has_text="changed").first).to_be_visible()
    new = Recommendation.objects.get(title="Equity research, what if")
    assert new.assessment.based_on_id == rec.assessment_id
    assert (new.verdict, new.fit_score, new.top_model) == (flip.verdict, flip.fit_score, flip.top_model or "")


def test_a_what_if_number_typed_wrong_says_why_once_typing_pauses_without_leaving_the_box(
    browsing: Browsing, buyer: User
) -> None:
    # Review 52: a pasted bad number showed no message until the box was left, since the form scores on change.
    browsing.console.allow(r"status of 400")  # the answers as typed are refused, as they should be
    rec = make_recommendation(buyer, "Equity research support", golden_answers(HEDGE_FUND))
    page = browsing.new_page(buyer)
    page.goto(f"/recommendations/{rec.pk}/what-if/")
    section = page.locator("details.whatif-section:has(#q-annual_hours)")
    section.locator("summary").click()
    box = page.locator("#q-annual_hours input[type=text]")
    box.click()
    box.fill("")
    with page.expect_response(lambda r: "/what-if/" in r.url and r.request.method == "POST"):
        box.press_sequentially("12,5k")
    expect(page.locator("#status-annual_hours")).to_contain_text("Enter the number alone")
    expect(box).to_be_focused()
    expect(box).to_have_attribute("aria-invalid", "true")  # marked, as a step's box is (review 58)
    expect(page.locator("#error-summary")).to_be_visible()
    # Leaving the box scores nothing again: the same answers were just scored.
    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    box.press("Tab")
    page.wait_for_timeout(600)
    assert posts == []


def test_what_if_works_without_javascript(browsing: Browsing, buyer: User) -> None:
    rec = make_recommendation(buyer, "Equity research support", golden_answers(HEDGE_FUND))
    flip = _first_flip(rec)
    page = browsing.new_page(buyer, js=False)
    page.goto(f"/recommendations/{rec.pk}/what-if/")
    before = _stored()
    for change in flip.changes:
        _change(page, change.question, change.value)
    with page.expect_navigation():
        page.get_by_role("button", name="Score these answers").click()
    expect(page.locator("#whatif-result")).to_contain_text("This changes the recommendation.")
    # The changed answer is still chosen on the page that came back.
    code = flip.changes[0].question
    for value in as_choices(flip.changes[0].value):
        box = page.locator(f"#q-{code} input[value='{value}']")
        if box.count():
            expect(box).to_be_checked()
    assert _stored() == before


def test_the_decision_memo_downloads_as_a_pdf_named_after_the_assessment(browsing: Browsing, buyer: User) -> None:
    rec = make_recommendation(buyer, "Equity research support", golden_answers(HEDGE_FUND))
    page = browsing.new_page(buyer)
    page.goto(f"/recommendations/{rec.pk}/")
    with page.expect_download() as info:
        page.get_by_role("link", name="Decision memo (PDF)").click()
    download = info.value
    assert download.suggested_filename == f"equity-research-support-decision-memo-{rec.created_at:%Y-%m-%d}.pdf"
    path = SCREENSHOTS.parent / download.suggested_filename
    download.save_as(path)
    assert path.read_bytes().startswith(b"%PDF-")


def test_the_memos_own_page_waits_without_reloading_and_then_downloads(
    browsing: Browsing, buyer: User, settings: Any
) -> None:
    # Opened directly (a bookmark, a new tab), the memo's status page polls its fragment instead of reloading
    # itself (axe: meta-refresh) and still starts the download once the worker has drawn the memo.
    from apps.tasks.worker import Worker, new_worker_id

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": settings.TASK_QUEUES}}
    rec = make_recommendation(buyer, "Equity research support", golden_answers(HEDGE_FUND))
    page = browsing.new_page(buyer)
    page.goto(f"/recommendations/{rec.pk}/memo.pdf")
    expect(page.get_by_role("heading", level=1)).to_have_text("Drawing the decision memo")
    assert run_axe(page) == []
    page.evaluate("window.sameDocument = true")  # gone if the page reloads
    with page.expect_download(timeout=60_000) as info:
        Worker(
            queue_names=["*"], interval=0, batch=True, max_tasks=None, backend_name="default",
            startup_delay=False, worker_id=new_worker_id(), excluded_queue_names=[],
        ).run()  # fmt: skip
    assert info.value.suggested_filename.endswith(".pdf")
    assert page.evaluate("window.sameDocument === true"), "the page reloaded itself"
