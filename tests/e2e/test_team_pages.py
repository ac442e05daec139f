"""The team pages, as test_pages.py walks the others: no WCAG 2.1 A/AA violation (axe-core), no sideways
scrolling at 375 and 1280 px, valid HTML, and (outside CI) a
screenshot of each at both widths in artifacts/screenshots/.
A file of its own so the two test workers share the page walk."""

from __future__ import annotations

import re

from apps.accounts.models import Membership, User
from tests.e2e.browser import Browsing, PageCheck
from tests.e2e.flow import HEDGE_FUND, golden_answers, make_assessment, make_recommendation
from tests.e2e.html_check import vnu_errors
from tests.factories import MembershipFactory


def test_team_pages_are_accessible_and_fit_narrow_screens(browsing: Browsing, check: PageCheck, buyer: User) -> None:
    page = browsing.new_page(buyer)
    answers = golden_answers(HEDGE_FUND)
    draft = make_assessment(buyer, "Credit research desk", answers, leave_out=("overlap_hours", "licensed_signoff"))
    recommendation = make_recommendation(buyer, "Equity research support", answers)
    # The team pages: comments, inbox, activity, contributors, sign-off, webhooks, single sign-on, bulk work.
    check.visit(page, "question-comments", f"/discussion/assessments/{draft.pk}/questions/function/")
    check.visit(page, "activity", f"/discussion/recommendations/{recommendation.pk}/activity/")
    check.visit(page, "inbox", "/discussion/inbox/")
    check.visit(page, "mail-preferences", "/discussion/inbox/preferences/")
    check.visit(page, "contributors", f"/team/assessments/{draft.pk}/")
    check.visit(page, "contributors-read-only", f"/team/assessments/{recommendation.assessment_id}/")
    check.visit(page, "stakeholder-roles", "/team/roles/")
    check.visit(page, "sign-off-settings", "/sign-off/settings/")
    check.visit(page, "webhooks", "/api-keys/webhooks/")
    check.visit(page, "sso-domains", "/accounts/sso/domains/")
    check.visit(page, "bulk-rescore", "/recommendations/rescore/")
    check.visit(page, "exports", "/recommendations/exports/")
    # The roles as a member who is not an owner reads them, with a long address (review 113: 461 px wide at 375 px).
    organisation = Membership.objects.get(user=buyer).organisation
    viewer = MembershipFactory(
        organisation=organisation, role=Membership.Role.VIEWER, user__email="newbie.buyer.long.address@example.test"
    ).user
    check.visit(browsing.new_page(viewer), "stakeholder-roles-read-only", "/team/roles/")

    # A comment posted lands on the page at it, with the focus on it, not on the page's start (review 117).
    page.goto(f"/discussion/assessments/{draft.pk}/questions/function/")
    page.get_by_label("Comment", exact=True).fill("Is legal review the right function for this desk?")
    page.get_by_role("button", name="Post comment").click()
    page.wait_for_url(re.compile(r"#comment-\d+$"))
    focused = page.evaluate("document.activeElement && document.activeElement.id")
    assert focused == page.url.rsplit("#", 1)[1], focused
    # So does an invitation sent, at its row, and a provider added to the long list, at its card (review 120).
    page.goto("/accounts/members/")
    page.get_by_label("Email").fill("new.colleague@example.test")
    page.get_by_role("button", name="Send invitation").click()
    page.wait_for_url(re.compile(r"#invitation-\d+$"))
    assert page.evaluate("document.activeElement.id") == page.url.rsplit("#", 1)[1]
    page.goto(f"/vendors/match/{recommendation.pk}/")
    page.locator("form.add-vendor button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"#vendor-[a-z0-9-]+$"))
    assert page.evaluate("document.activeElement.id") == page.url.rsplit("#", 1)[1]

    check.problems += vnu_errors(check.documents)
    assert not check.problems, "\n".join(check.problems)
