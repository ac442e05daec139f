"""What the pages say when a request meets an outage (a 503, or no network).

- A save with a status line of its own (a checklist item, like an answer in test_autosave_outage.py) says
  "Saving…" while it is on the way and, when it does not get through, that it is not confirmed: never an
  old "Saved".
- Any other htmx request that fails (the what-if result, a checklist item's "Update") puts a notice with
  "Try again" on that part of the page, and the what-if result is marked out of date until a score arrives.
- A whole step sent while the database is away gets a page that says it was not saved, and its "Try
  again" sends the same answers once the database is back.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import OperationalError
from django.utils import timezone
from playwright.sync_api import expect

from apps.accounts.models import User
from apps.questionnaire import services as questionnaire
from apps.questionnaire.models import Answer
from apps.vendors import services as vendors
from apps.vendors.models import ShortlistEntry, Vendor
from apps.vendors.queries import match_recommendation
from tests.e2e.browser import NARROW, WIDE, Browsing, run_axe
from tests.e2e.flow import HEDGE_FUND, golden_answers, make_assessment, make_recommendation
from tests.e2e.html_check import vnu_errors
from tests.e2e.test_decision_insight import _change, _first_flip

OUT_OF_DATE = "Out of date: KPO Advisor couldn't be reached to score your latest change"
NOT_UPDATED = "Couldn't reach KPO Advisor, so this part of the page was not updated"


def _short_listed(buyer: User) -> ShortlistEntry:
    rec = make_recommendation(buyer, "Coding with patient data", golden_answers("US hospital group"))
    best = match_recommendation(rec, today=timezone.localdate()).ranked[0]
    entry = vendors.add_vendor(recommendation=rec, vendor=Vendor.objects.get(code=best.vendor.code), user=buyer)
    entry = vendors.change_entry(entry=entry, status=ShortlistEntry.Status.SHORT_LIST, notes="")
    assert entry.diligence.count() > 1
    return entry


def _expect_fits(page: Any) -> None:
    for viewport in (WIDE, NARROW):
        page.set_viewport_size(viewport)
        problems = run_axe(page)
        assert not problems, "\n".join(problems)
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    page.set_viewport_size(WIDE)


def _allow_failed_loads(browsing: Browsing) -> None:
    browsing.console.allow(r"Failed to load resource")
    browsing.console.allow(r"htmx")


def test_a_checklist_save_during_an_outage_says_saving_then_not_confirmed(browsing: Browsing, buyer: User) -> None:
    entry = _short_listed(buyer)
    item = entry.diligence.order_by("pk").first()
    assert item is not None
    page = browsing.new_page(buyer)
    page.goto(f"/vendors/entries/{entry.pk}/diligence/?edit={item.pk}")
    # Opened as a page of its own, the item's form takes the focus as it does opened in place.
    expect(page.locator(f"#id_item-{item.pk}-status")).to_be_focused()
    evidence = page.get_by_label("Evidence notes")
    status = page.locator(f"#item-status-{item.pk}")
    evidence.fill("BAA draft received from legal.")
    page.get_by_role("button", name=re.compile(r"^Save")).click()
    expect(status).to_have_text("Saved")

    held: list[Any] = []
    hold = True

    def outage(route: Any) -> None:
        if route.request.method != "POST":
            route.continue_()
        elif hold:
            held.append(route)  # answered below, once "Saving…" has been seen
        else:
            route.fulfill(status=503, body="Service unavailable", headers={"Retry-After": "10"})

    page.route(re.compile(r"/vendors/diligence/\d+/"), outage)
    _allow_failed_loads(browsing)
    evidence.fill("BAA signed on 3 March; copy in the contracts folder.")
    page.get_by_role("button", name=re.compile(r"^Save")).click()
    expect(status).to_have_text("Saving…")
    hold = False
    for route in held:
        route.fulfill(status=503, body="Service unavailable", headers={"Retry-After": "10"})
    # A 503 is the server's answer that its database is out of reach (review 61: not "could not be reached").
    expect(status).to_contain_text(
        "Not confirmed: KPO Advisor can't reach its database right now, so these changes may not be saved yet."
    )
    expect(status).to_contain_text("press Save again")
    expect(status).not_to_contain_text("Saved")
    assert status.get_attribute("role") == "alert"
    expect(evidence).to_have_value("BAA signed on 3 March; copy in the contracts folder.")  # still there to save
    _expect_fits(page)

    # The service is back: Save again saves it, and says so.
    page.unroute(re.compile(r"/vendors/diligence/\d+/"))
    page.get_by_role("button", name=re.compile(r"^Save")).click()
    expect(status).to_have_text("Saved")
    item.refresh_from_db()
    assert item.evidence == "BAA signed on 3 March; copy in the contracts folder."


def test_every_save_status_in_the_product_is_marked(browsing: Browsing, buyer: User) -> None:
    """The script finds save statuses by data-save-status, never by their ids: each htmx save's target has it."""
    entry = _short_listed(buyer)
    item = entry.diligence.order_by("pk").first()
    assert item is not None
    assessment = make_assessment(buyer, "Marked", {"function": "equity-research"})
    page = browsing.new_page(buyer)
    for path in (
        f"/vendors/entries/{entry.pk}/diligence/?edit={item.pk}",
        f"/assessments/{assessment.pk}/steps/the-work/",
    ):
        page.goto(path)
        targets = page.locator("[data-hx-post]").evaluate_all("els => els.map(e => e.getAttribute('data-hx-target'))")
        assert targets, path
        for target in set(targets):
            assert page.locator(f"{target}[data-save-status]").count() == 1, f"{path}: {target} is not marked"


def test_a_what_if_that_gets_a_503_marks_the_result_out_of_date_until_it_is_scored(
    browsing: Browsing, buyer: User
) -> None:
    rec = make_recommendation(buyer, "Equity research support", golden_answers(HEDGE_FUND))
    flip = _first_flip(rec)
    page = browsing.new_page(buyer)
    page.goto(f"/recommendations/{rec.pk}/what-if/")
    result = page.locator("#whatif-result")
    expect(result).to_contain_text("None yet: change an answer")

    page.route(
        re.compile(r"/what-if/$"),
        lambda route: (
            route.fulfill(status=503, body="Service unavailable", headers={"Retry-After": "10"})
            if route.request.method == "POST"
            else route.continue_()
        ),
    )
    _allow_failed_loads(browsing)
    change = flip.changes[0]
    _change(page, change.question, change.value)
    notice = result.get_by_role("alert")
    expect(notice).to_contain_text(OUT_OF_DATE)
    expect(result).to_have_class(re.compile(r"\bis-stale\b"))
    expect(result).to_contain_text("None yet: change an answer")  # the old figures, now labelled as such
    _expect_fits(page)

    # The service is back: "Try again" scores the answers on the form, and the marks go.
    page.unroute(re.compile(r"/what-if/$"))
    with page.expect_response(lambda r: "/what-if/" in r.url and r.request.method == "POST" and r.ok):
        notice.get_by_role("button", name="Try again").click()
    expect(result).not_to_contain_text("None yet: change an answer")
    expect(result).to_contain_text(change.prompt)
    expect(result).not_to_have_class(re.compile(r"\bis-stale\b"))
    expect(page.locator(".request-failed")).to_have_count(0)


def test_an_update_link_without_a_network_says_so_and_tries_again(browsing: Browsing, buyer: User) -> None:
    entry = _short_listed(buyer)
    item = entry.diligence.order_by("pk").first()
    assert item is not None
    page = browsing.new_page(buyer)
    page.goto(f"/vendors/entries/{entry.pk}/diligence/")
    card = page.locator(f"#item-{item.pk}")
    page.route(re.compile(rf"\?edit={item.pk}$"), lambda route: route.abort())
    _allow_failed_loads(browsing)
    card.get_by_role("link", name=re.compile(r"^Update")).click()
    notice = card.get_by_role("alert")
    expect(notice).to_contain_text(NOT_UPDATED)
    expect(page.locator(".dd-form")).to_have_count(0)
    _expect_fits(page)

    page.unroute(re.compile(rf"\?edit={item.pk}$"))
    notice.get_by_role("button", name="Try again").click()
    expect(page.locator(f"#item-{item.pk} .dd-form")).to_have_count(1)
    expect(page.locator(".request-failed")).to_have_count(0)


def test_a_step_sent_while_the_database_is_away_says_not_saved_and_sends_it_again(
    browsing: Browsing, buyer: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    assessment = make_assessment(buyer, "Outage", {"function": "equity-research"})
    page = browsing.new_page(buyer)
    page.goto(f"/assessments/{assessment.pk}/steps/the-work/")
    chosen = page.locator("#input-work_nature-2")
    value = chosen.get_attribute("value")
    assert value

    def lost(*args: Any, **kwargs: Any) -> None:
        raise OperationalError("server closed the connection unexpectedly")

    _allow_failed_loads(browsing)
    with monkeypatch.context() as patch:
        patch.setattr(questionnaire, "record_answers", lost)  # the live server runs in this process
        chosen.check()
        expect(page.locator("#status-work_nature")).to_contain_text("Not confirmed")
        with page.expect_navigation() as sent:
            page.get_by_role("button", name="Save and continue").click()
        assert sent.value.status == 503
        expect(page.get_by_role("heading", level=1)).to_have_text("KPO Advisor is temporarily unavailable")
        expect(page.get_by_text("What you just sent was not saved.")).to_be_visible()
        assert not Answer.objects.filter(assessment=assessment, question_code="work_nature").exists()
        _expect_fits(page)
        errors = vnu_errors({"503-after-post": sent.value.text()})
        assert not errors, "\n".join(errors)

    # The database is back: "Try again" sends the same answers, and they are saved.
    with page.expect_navigation():
        page.get_by_role("button", name="Try again").click()
    assert "/steps/" in page.url
    stored = Answer.objects.get(assessment=assessment, question_code="work_nature")
    assert stored.value == value


def test_after_the_session_ends_a_save_says_so_and_an_opened_item_keeps_its_content(
    browsing: Browsing, buyer: User
) -> None:
    # Review 61: htmx swapped the whole sign-in page into the form. Review 63: a checklist item's Update then replaced
    # the item with the message, a <p> in the <ol>.
    from django.contrib.sessions.models import Session

    entry = _short_listed(buyer)
    item = entry.diligence.order_by("pk").first()
    assert item is not None
    page = browsing.new_page(buyer)
    page.goto(f"/vendors/entries/{entry.pk}/diligence/?edit={item.pk}")
    evidence = page.get_by_label("Evidence notes")
    Session.objects.all().delete()  # signed out elsewhere, or timed out
    _allow_failed_loads(browsing)
    evidence.fill("BAA draft received from legal.")
    page.get_by_role("button", name=re.compile(r"^Save")).click()
    status = page.locator(f"#item-status-{item.pk}")
    expect(status).to_contain_text("Signed out: your session has ended, so this was not saved.")
    expect(evidence).to_have_value("BAA draft received from legal.")
    assert page.locator("#id_username").count() == 0  # nothing of the sign-in page
    other = entry.diligence.order_by("pk")[1]
    page.locator(f"#item-{other.pk}").get_by_role("link", name=re.compile(r"^Update")).press("Enter")
    notice = page.locator(f"#item-{other.pk} .request-failed")
    expect(notice).to_contain_text("Signed out: your session has ended, so this could not be opened.")
    expect(page.locator(f"#item-{other.pk} h3")).to_have_text(other.title)  # the item is still there
    _expect_fits(page)
    item.refresh_from_db()
    assert item.evidence != "BAA draft received from legal."


def test_checklist_evidence_is_saved_when_typing_pauses(browsing: Browsing, buyer: User) -> None:
    # Review 71: evidence typed and left by the browser's Back button was lost; it saved only when its box was left.
    entry = _short_listed(buyer)
    item = entry.diligence.order_by("pk").first()
    assert item is not None
    page = browsing.new_page(buyer)
    page.goto(f"/vendors/entries/{entry.pk}/diligence/?edit={item.pk}")
    page.get_by_label("Evidence notes").press_sequentially("Signed BAA on file", delay=20)
    expect(page.locator(f"#item-status-{item.pk}")).to_have_text("Saved", timeout=5000)
    page.go_back()
    item.refresh_from_db()
    assert item.evidence == "Signed BAA on file"


def test_checklist_evidence_typed_just_before_leaving_is_saved(browsing: Browsing, buyer: User) -> None:
    # Review 73: typed and left by Back within the pause (1.2 s), the evidence was lost.
    entry = _short_listed(buyer)
    item = entry.diligence.order_by("pk").first()
    assert item is not None
    page = browsing.new_page(buyer)
    page.goto(f"/vendors/entries/{entry.pk}/diligence/?edit={item.pk}")
    page.get_by_label("Evidence notes").fill("Left at once")
    page.goto("/")  # away before the pause is over
    for _ in range(50):
        item.refresh_from_db()
        if item.evidence:
            break
        page.wait_for_timeout(100)
    assert item.evidence == "Left at once"
