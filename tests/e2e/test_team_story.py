"""The team story of issue 19, tried as a team would, with three people in three browser profiles.

The owner assigns three sections to a legal and a finance colleague; each answers in their own session;
the finance colleague's second opinion says the data is PHI where legal said privileged legal material;
the review shows that this brings HIPAA in and changes the top model; the owner settles it with a
reason and submits; legal, the approver, is told in the inbox and approves; the memo carries the decision.
The new pages are checked with axe-core on the way, and the review once at a phone's width.
"""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from apps.accounts.models import Membership, Organisation, User
from apps.questionnaire.models import Assessment
from apps.recommendations.models import Recommendation
from apps.signoff import services as signoff
from apps.teamwork import services as teamwork
from apps.teamwork.models import Settlement
from tests.e2e.browser import AXE_JS, Browsing, run_axe, screenshot
from tests.e2e.flow import answer_question, answer_step, golden_answers, make_assessment
from tests.factories import MembershipFactory

# A US law firm's seasonal contract review: privileged material keeps it from a shared pool (a project
# team instead); health data in place of it would bring HIPAA in and let the shared pool rank first.
LAW_FIRM = "Avoid when: privileged legal review"
DATA = ("client_jurisdictions", "data_categories", "data_onshore_only")
VOLUME = ("volume_pattern", "peak_share", "annual_hours", "team_size", "horizon")
COMPARISON = ("home_market", "vendor_assurance", "preferred_region")
SECOND_OPINION = {
    "client_jurisdictions": ["us"],
    "data_categories": ["phi"],
    "data_onshore_only": False,
    "hipaa_role": "business-associate",
    "medicaid_offshore": "none",
    "phi_deidentify": False,
}
PHONE = {"width": 390, "height": 844}
REASON = "The files are the hospital's patient claims: PHI, as finance says; counsel agrees."
APPROVAL = "Approved with the BAA signed before any file moves."


def _colleague(organisation: Organisation, email: str) -> Membership:
    return MembershipFactory(organisation=organisation, role=Membership.Role.EDITOR, user__email=email)


def _checked(page: Any, name: str, problems: list[str]) -> None:
    """axe-core's violations on the page as it is, noted under ``name``, and a screenshot of it."""
    problems += [f"{name} ({page.url}): {v}" for v in run_axe(page)]
    screenshot(page, f"team-{name}.png")


def _open_from_inbox(page: Any, summary: str) -> None:
    page.get_by_role("link", name=re.compile(r"^Inbox")).click()
    item = page.locator(".notification").filter(has_text=summary).first
    with page.expect_navigation():
        item.get_by_role("button", name="Open").click()


def test_a_team_answers_disagrees_settles_submits_and_signs_off(
    browsing: Browsing, buyer: User, organisation: Organisation
) -> None:
    if not AXE_JS.exists():
        pytest.fail(f"{AXE_JS} is missing: run `npm ci` in the repository (package.json pins axe-core)")
    problems: list[str] = []
    legal = _colleague(organisation, "legal@acme.test")
    finance = _colleague(organisation, "finance@acme.test")
    teamwork.set_stakeholder_roles(roles={legal: ["legal"], finance: ["finance"]})
    signoff.set_approver(membership=legal, can_approve=True)
    signoff.set_policy(organisation=organisation, required=True, approvals_needed=1, user=buyer)
    answers = golden_answers(LAW_FIRM)
    draft = make_assessment(
        buyer, "Contract review for a hospital client", answers, leave_out=DATA + VOLUME + COMPARISON
    )

    # 1. The owner assigns the data to whoever is legal, volume and cost to finance, and asks finance for a
    # second opinion on the data.
    owner = browsing.new_page(buyer)
    owner.goto(f"/team/assessments/{draft.pk}/")
    owner.get_by_label("Data, clients and regulation", exact=True).select_option(label="Whoever is legal")
    owner.get_by_label("Volume, team size and horizon", exact=True).select_option(label="finance@acme.test")
    owner.get_by_label("Cost comparison and assurance", exact=True).select_option(label="finance@acme.test")
    owner.get_by_label("Second opinion on Data, clients and regulation").select_option(label="finance@acme.test")
    owner.get_by_role("button", name="Save").click()
    expect(owner.get_by_text("Saved who answers each section.")).to_be_visible()
    _checked(owner, "contributors", problems)

    # 2. Legal is told, opens the section from the inbox and answers it (autosaved).
    lawyer = browsing.new_page(legal.user)
    lawyer.goto("/")
    expect(lawyer.get_by_role("link", name=re.compile(r"^Inbox 1 unread"))).to_be_visible()
    _open_from_inbox(lawyer, "Data, clients and regulation")
    expect(lawyer).to_have_url(re.compile(rf"/assessments/{draft.pk}/steps/data/$"))
    answer_step(lawyer, answers, js=True)

    # 3. Finance answers volume and cost, then gives the second opinion without seeing legal's answers;
    # saying PHI brings in the HIPAA questions, which the page asks next.
    accountant = browsing.new_page(finance.user)
    accountant.goto("/discussion/inbox/")
    expect(accountant.locator(".notification--unread")).to_have_count(3)
    _checked(accountant, "inbox", problems)
    _open_from_inbox(accountant, "Volume, team size and horizon")
    answer_step(accountant, answers, js=True)
    # Seasonal work is asked how many deliverables a year it would buy, a step on: finance answers it too.
    accountant.goto(f"/assessments/{draft.pk}/steps/readiness/")
    answer_question(accountant, "deliverables", answers["deliverables"], js=True)
    accountant.goto(f"/assessments/{draft.pk}/steps/comparison/")
    answer_step(accountant, answers, js=True)
    accountant.goto(f"/team/assessments/{draft.pk}/opinion/data/")
    expect(accountant.locator("#q-data_categories input:checked")).to_have_count(0)
    for code in DATA:
        answer_question(accountant, code, SECOND_OPINION[code], js=False)
    accountant.get_by_role("button", name="Give my opinion").click()
    expect(accountant.get_by_text("Your answers bring in more questions")).to_be_visible()
    _checked(accountant, "opinion", problems)
    # Given now: what it answered is drawn as given, and the questions it brought in are added to it.
    for code in ("hipaa_role", "medicaid_offshore", "phi_deidentify"):
        answer_question(accountant, code, SECOND_OPINION[code], js=False)
    accountant.get_by_role("button", name="Add to my opinion").click()
    expect(accountant).to_have_url(re.compile(rf"/assessments/{draft.pk}/review/$"))

    # 4. The owner's review shows the difference, who gave each answer, and what each does: HIPAA comes in
    # and the top model changes. Checked at a phone's width too.
    owner.goto(f"/assessments/{draft.pk}/review/")
    difference = owner.locator("#divergence-data_categories")
    rows = difference.get_by_role("row")
    expect(rows.nth(1)).to_contain_text("Privileged or confidential legal material")
    expect(rows.nth(1)).to_contain_text("legal@acme.test")
    expect(rows.nth(1)).to_contain_text("Project-based engagement")
    expect(rows.nth(2)).to_contain_text("finance@acme.test (second opinion)")
    expect(rows.nth(2)).to_contain_text("Shared pool / pay-per-use")
    expect(difference).to_contain_text("The second opinion would bring in HIPAA")
    expect(difference).to_contain_text("Business associate of a covered entity")
    expect(owner.locator("[id^=divergence-]")).to_have_count(1)  # the HIPAA questions go with the data
    _checked(owner, "review-divergence", problems)
    owner.set_viewport_size(PHONE)
    assert owner.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], "the review scrolls sideways"
    box = difference.get_by_role("button", name=re.compile(r"^Settle")).bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], "Settle is cut off at 390 px"
    _checked(owner, "review-divergence-390", problems)

    browsing.console.allow(r"settle/.*400 \(Bad Request\)")
    # 5. A settle sent with too short a reason comes back beside its difference, the choice kept and the reason box
    #    focused (review 88: focus had been left on the page); then the owner takes the second opinion, and submits.
    difference.get_by_role("radio", name=re.compile(r"Take")).check()
    difference.get_by_role("textbox", name=re.compile(r"Why")).fill("short")
    difference.get_by_role("button", name=re.compile(r"^Settle")).click()
    expect(owner.locator("[id^=settle-error-]")).to_contain_text("at least 10 characters")
    expect(difference.get_by_role("radio", name=re.compile(r"Take"))).to_be_checked()
    assert owner.evaluate("document.activeElement && document.activeElement.name") == "reason", owner.evaluate(
        "[document.activeElement.tagName, document.activeElement.id, document.querySelectorAll('[autofocus]').length,"
        " Array.from(document.querySelectorAll('[autofocus]')).map(e => e.tagName + '#' + e.id).join(',')]"
    )
    difference.get_by_role("radio", name=re.compile(r"Take")).check()
    difference.get_by_role("textbox", name=re.compile(r"Why")).fill(REASON)
    difference.get_by_role("button", name=re.compile(r"^Settle")).click()
    expect(owner.get_by_text("Settled, with your reason recorded.")).to_be_visible()
    expect(owner.locator("[id^=divergence-]")).to_have_count(0)
    owner.get_by_role("button", name="Submit for a recommendation").click()
    expect(owner.get_by_role("heading", level=2, name=re.compile(r"^Sign-off"))).to_contain_text("Awaiting")

    rec = Recommendation.objects.get()
    assert Settlement.objects.get().reason == REASON
    assert rec.snapshot["stored_answers"]["hipaa_role"] == "business-associate"
    assert Assessment.objects.get(pk=draft.pk).status == Assessment.Status.SUBMITTED

    # 6. Legal, the approver, is told and approves from the result page.
    lawyer.goto("/")
    _open_from_inbox(lawyer, "approv")
    expect(lawyer).to_have_url(re.compile(rf"/recommendations/{rec.pk}/$"))
    _checked(lawyer, "sign-off", problems)
    lawyer.get_by_label("Approved").check()
    lawyer.get_by_label("Reason").fill(APPROVAL)
    lawyer.get_by_role("button", name="Record my decision").click()
    expect(lawyer.get_by_text("Recorded: you approved this recommendation.")).to_be_visible()

    # 7. The owner's memo carries the decision.
    owner.set_viewport_size({"width": 1280, "height": 900})
    owner.goto(f"/recommendations/{rec.pk}/")
    with owner.expect_download(timeout=180_000) as info:  # the worker draws it: slow on a busy machine
        owner.get_by_role("link", name="Decision memo (PDF)").click()
    memo = PdfReader(io.BytesIO(info.value.path().read_bytes()))
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in memo.pages)
    assert "Sign-off: Approved" in text and "legal@acme.test" in text and APPROVAL in text

    assert not problems, "\n".join(problems)
