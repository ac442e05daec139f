"""A curator publishes a new playbook version in admin while a buyer is half-way through an assessment."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from playwright.sync_api import expect

from apps.accounts.models import User
from apps.playbooks.models import Playbook
from apps.playbooks.services import start_draft
from apps.recommendations.models import Recommendation
from apps.tasks.worker import Worker, new_worker_id
from tests.e2e.browser import NARROW, WIDE, Browsing, run_axe
from tests.e2e.flow import HEDGE_FUND, complete_steps, golden_answers, start_in_browser


def _run_admin_action(page: Any, playbook: Playbook, action: str) -> None:
    page.goto("/admin/playbooks/playbook/")
    page.locator(f"input[name=_selected_action][value='{playbook.pk}']").check()
    page.locator("select[name=action]").select_option(label=action)
    page.locator("button[name=index]").click()


def test_publishing_a_new_version_leaves_a_buyer_in_flight_on_the_old_one(
    browsing: Browsing, buyer: User, curator: User, sign_in: Callable[[Any, str], None]
) -> None:
    answers = golden_answers(HEDGE_FUND)
    buyer_page = browsing.new_page(buyer)
    start_in_browser(buyer_page, "Started on version 1", answers["function"])
    complete_steps(buyer_page, answers, js=True, stop_at="data")

    admin = browsing.new_page()
    sign_in(admin, curator.email)
    version_1 = Playbook.objects.get(status=Playbook.Status.PUBLISHED)
    _run_admin_action(admin, version_1, "Start a new draft from the selected playbook")
    expect(admin.get_by_text(re.compile(r"^Started draft #\d+"))).to_be_visible()
    draft = Playbook.objects.get(status=Playbook.Status.DRAFT)
    _run_admin_action(admin, draft, "Publish the selected drafts")
    expect(admin.get_by_text(re.compile(r"^Published .*\(v2, published\)"))).to_be_visible()

    complete_steps(buyer_page, answers, js=True)
    buyer_page.get_by_role("button", name="Submit for a recommendation").click()
    expect(buyer_page.get_by_role("heading", level=2, name="KPO wins")).to_be_visible()
    expect(
        buyer_page.get_by_text(re.compile(r"version 1 · version [0-9.]+\+[0-9a-f]{8} of the product.s scoring code"))
    ).to_be_visible()
    assert Recommendation.objects.get().playbook == version_1

    buyer_page.goto("/assessments/new/")
    expect(buyer_page.get_by_text("You'll answer playbook version 2")).to_be_visible()


def test_the_impact_preview_shows_its_result_without_the_page_reloading_itself(
    browsing: Browsing, curator: User, sign_in: Callable[[Any, str], None], settings: Any
) -> None:
    # A page that reloads itself every 2 s loses a screen reader's place (axe: meta-refresh, WCAG 2.2.1); with
    # JavaScript the preview is checked in the background and put in place when the worker is done.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": settings.TASK_QUEUES}}
    draft = start_draft(playbook=Playbook.objects.get(status=Playbook.Status.PUBLISHED))
    page = browsing.new_page()
    sign_in(page, curator.email)
    page.goto(f"/admin/recommendations/recommendation/impact/{draft.pk}/")
    expect(page.get_by_role("status")).to_contain_text("checks again every 2 seconds")
    assert run_axe(page) == []
    page.evaluate("window.sameDocument = true")  # gone if the page reloads

    Worker(
        queue_names=["*"], interval=0, batch=True, max_tasks=None, backend_name="default",
        startup_delay=False, worker_id=new_worker_id(), excluded_queue_names=[],
    ).run()  # fmt: skip
    expect(page.get_by_role("rowheader", name="Recommendations re-scored")).to_be_visible()
    assert page.evaluate("window.sameDocument === true"), "the page reloaded itself"


def test_curation_pages_pass_axe_and_fit_a_phone(
    browsing: Browsing, curator: User, sign_in: Callable[[Any, str], None]
) -> None:
    # An autocomplete box (select2) was unnamed; list filters were 20 px targets; the golden cases widened the page.
    playbook = Playbook.objects.get(status=Playbook.Status.PUBLISHED)
    page = browsing.new_page()
    sign_in(page, curator.email)
    problems: list[str] = []
    for path in (
        "/admin/compliance/obligation/add/",
        "/admin/engagements/engagementmodel/",
        f"/admin/playbooks/playbook/{playbook.pk}/golden/",
    ):
        for viewport in (WIDE, NARROW):
            page.set_viewport_size(viewport)
            page.goto(path)
            problems += [f"{path} at {viewport['width']}px: {v}" for v in run_axe(page)]
            if page.evaluate("document.documentElement.scrollWidth") > viewport["width"]:
                problems.append(f"{path} scrolls sideways at {viewport['width']}px")
    assert not problems, "\n".join(problems)


def test_a_rate_row_refused_for_its_function_keeps_its_boxs_name(
    browsing: Browsing, curator: User, sign_in: Callable[[Any, str], None]
) -> None:
    # Review 174: a provider's rate row drawn again with its function refused left its select2 box unnamed (axe
    # aria-input-field-name, serious).
    from apps.vendors.models import VendorFunction

    vendor = VendorFunction.objects.values_list("vendor_id", flat=True).first()
    page = browsing.new_page()
    sign_in(page, curator.email)
    page.set_viewport_size(WIDE)
    page.goto(f"/admin/vendors/vendor/{vendor}/change/")
    # Clear the first rate's function, as a slip would, and save: the form comes back refused.
    page.evaluate(
        "() => { const s = document.getElementById('id_rates-0-function');"
        " s.innerHTML = '<option value=\"\" selected></option>'; }"
    )
    page.locator("input[name=_continue]").first.click()
    page.wait_for_load_state()
    assert "This field is required" in page.content()
    violations = [v for v in run_axe(page) if "aria-input-field-name" in v]
    assert not violations, violations
