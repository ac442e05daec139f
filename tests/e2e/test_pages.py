"""Every page type: no WCAG 2.1 A/AA violation (axe-core), no sideways scrolling at 375 and 1280 px,
and a screenshot of each at both widths in artifacts/screenshots/ for a person to look at."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest
from django.template.loader import render_to_string
from playwright.sync_api import expect

from apps.accounts.models import User
from tests.e2e.browser import AXE_JS, NARROW, SCREENSHOTS, WIDE, Browsing, run_axe
from tests.e2e.flow import HEDGE_FUND, golden_answers, make_assessment, make_recommendation

BROKEN = "/__e2e__/server-error/"  # answered by the browser with the 500 page (no view can be made to fail)


@dataclass
class PageCheck:
    """Visits pages and notes every accessibility violation and sideways scroll, to report them all at once."""

    problems: list[str]

    def visit(self, page: Any, name: str, path: str, status: int = 200) -> None:
        page.set_viewport_size(WIDE)
        response = page.goto(path)
        assert response is not None and response.status == status, (
            f"{name}: {path} answered {response and response.status}"
        )
        title = page.title()
        if not re.fullmatch(r"\S.* · KPO Advisor", title):
            self.problems.append(f"{name} ({path}) has no page title of its own: {title!r}")
        for viewport in (WIDE, NARROW):
            page.set_viewport_size(viewport)
            for violation in run_axe(page):
                self.problems.append(f"{name} ({path}) at {viewport['width']}px: {violation}")
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > viewport["width"]:
                self.problems.append(f"{name} ({path}) scrolls sideways at {viewport['width']}px: {width}px wide")
            page.screenshot(path=SCREENSHOTS / f"{name}-{viewport['width']}.png", full_page=True)


@pytest.fixture
def check() -> PageCheck:
    if not AXE_JS.exists():
        pytest.fail(f"{AXE_JS} is missing: run `npm ci` in the repository (package.json pins axe-core)")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return PageCheck(problems=[])


def test_every_page_is_accessible_fits_narrow_screens_and_is_screenshotted(
    browsing: Browsing, check: PageCheck, buyer: User, viewer: User
) -> None:
    page = browsing.new_page()
    check.visit(page, "home-signed-out", "/")
    icon = page.locator("link[rel=icon]").get_attribute("href")
    assert icon and page.request.get(icon).ok, f"the favicon {icon} does not load"
    check.visit(page, "login", "/accounts/login/")
    check.visit(page, "password-reset", "/accounts/password/reset/")
    page.route(
        f"**{BROKEN}",
        lambda route: route.fulfill(status=500, body=render_to_string("500.html"), content_type="text/html"),
    )
    # The fulfilled 500 is logged by Chromium like any failed load; it is the point of this page.
    browsing.console.allow(rf"{BROKEN}: Failed to load resource: the server responded with a status of 500")
    check.visit(page, "500", BROKEN, status=500)

    page = browsing.new_page(buyer)
    check.visit(page, "home", "/")
    check.visit(page, "assessments-empty", "/assessments/")
    check.visit(page, "recommendations-empty", "/recommendations/")
    check.visit(page, "start", "/assessments/new/")
    check.visit(page, "models", "/catalogue/models/")
    check.visit(page, "functions", "/catalogue/functions/")
    check.visit(page, "locations", "/catalogue/locations/")
    check.visit(page, "regimes", "/regimes/")
    check.visit(page, "regime", "/regimes/gdpr/")
    check.visit(page, "members", "/accounts/members/")
    check.visit(page, "password-change", "/accounts/password/")
    browsing.console.allow(r"/no-such-page/: Failed to load resource: the server responded with a status of 404")
    check.visit(page, "404", "/no-such-page/", status=404)

    answers = golden_answers(HEDGE_FUND)
    draft = make_assessment(buyer, "Credit research desk", answers, leave_out=("overlap_hours", "licensed_signoff"))
    recommendation = make_recommendation(buyer, "Equity research support", answers)
    check.visit(page, "assessments", "/assessments/")
    check.visit(page, "step", f"/assessments/{draft.pk}/steps/volume/")
    check.visit(page, "review-missing", f"/assessments/{draft.pk}/review/")
    check.visit(page, "result", f"/recommendations/{recommendation.pk}/")
    check.visit(page, "recommendations", "/recommendations/")
    check.visit(page, "portfolio", "/recommendations/portfolio/")
    check.visit(page, "what-would-flip", f"/recommendations/{recommendation.pk}/what-would-flip/")

    page.emulate_media(media="print")
    page.set_viewport_size(WIDE)
    page.goto(f"/recommendations/{recommendation.pk}/")
    expect(page.get_by_role("navigation", name="Main")).to_be_hidden()
    expect(page.get_by_role("link", name="Download JSON")).to_be_hidden()
    expect(page.get_by_role("heading", level=3, name="In-house")).to_be_visible()  # disclosures print open
    page.screenshot(path=SCREENSHOTS / "result-print.png", full_page=True)
    page.pdf(path=SCREENSHOTS.parent / "result.pdf")

    page = browsing.new_page(viewer)
    browsing.console.allow(r"/assessments/new/: Failed to load resource: the server responded with a status of 403")
    check.visit(page, "403", "/assessments/new/", status=403)

    assert not check.problems, "\n".join(check.problems)
