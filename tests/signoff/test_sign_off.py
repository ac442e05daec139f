"""Sign-off through the pages, then the database: asking, approving, rejecting, once each, immutably."""

from __future__ import annotations

import html
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import IntegrityError, InternalError, transaction
from django.dispatch import Signal
from django.test import Client
from django.urls import reverse

from apps.accounts.models import Membership, Organisation, User
from apps.common.events import approval_requested, decision_made
from apps.playbooks.models import Playbook
from apps.recommendations.models import Recommendation
from apps.recommendations.services import save_what_if
from apps.signoff.models import Decision, DecisionStatus, SignOff
from apps.signoff.status import sign_off_state
from tests.factories import AssessmentFactory, MembershipFactory
from tests.signoff.conftest import COMPLETE, decide, require_approval, stored

pytestmark = pytest.mark.django_db


@pytest.fixture
def heard() -> Iterator[list[dict[str, Any]]]:
    """What the team events announced (the notifications, activity and webhooks listen to the same)."""
    got: list[dict[str, Any]] = []

    def listen(signal: Signal, **kwargs: Any) -> None:
        got.append(kwargs)

    approval_requested.connect(listen, dispatch_uid="test-heard-approval")
    decision_made.connect(listen, dispatch_uid="test-heard-decision")
    yield got
    approval_requested.disconnect(dispatch_uid="test-heard-approval")
    decision_made.disconnect(dispatch_uid="test-heard-decision")


def test_without_a_policy_a_recommendation_needs_no_sign_off(
    buyer: User, organisation: Organisation, playbook: Playbook, buyer_client: Client
) -> None:
    rec = stored(organisation, buyer, playbook)
    assert sign_off_state(rec).status == DecisionStatus.NOT_REQUIRED
    assert not SignOff.objects.exists()
    assert 'id="sign-off"' not in buyer_client.get(reverse("recommendations:detail", args=[rec.pk])).content.decode()


def test_when_approval_is_required_a_submitted_recommendation_awaits_it_and_the_approvers_are_asked(
    buyer: User,
    approver: User,
    colleague: User,
    organisation: Organisation,
    playbook: Playbook,
    buyer_client: Client,
    heard: list[dict[str, Any]],
    django_capture_on_commit_callbacks: Any,
) -> None:
    response = buyer_client.post(reverse("signoff:policy"), {"required": "on", "approvals_needed": "1"})
    assert response.status_code == 302
    assessment = AssessmentFactory(
        organisation=organisation, created_by=buyer, title="Fund research", playbook=playbook, answers=COMPLETE
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = buyer_client.post(reverse("recommendations:submit", args=[assessment.pk]))
    rec = Recommendation.objects.get(assessment=assessment)
    assert SignOff.objects.get(recommendation=rec).approvals_needed == 1
    page = buyer_client.get(response["Location"]).content.decode()
    assert "Awaiting approval" in page and "needs 1 approval" in page
    # A member who may not decide is told why, and gets no form.
    assert "Only approvers can approve or reject" in page and 'action="/sign-off/' not in page
    [asked] = heard
    assert asked["kind"] == "approval_requested" and asked["target"] == rec
    assert asked["recipients"] == [approver] and asked["actor"] == buyer
    assert asked["url"] == f"/recommendations/{rec.pk}/"


def test_an_approver_approves_with_an_optional_reason_and_the_author_is_told(
    buyer: User,
    approver: User,
    organisation: Organisation,
    playbook: Playbook,
    approver_client: Client,
    heard: list[dict[str, Any]],
    django_capture_on_commit_callbacks: Any,
) -> None:
    require_approval(organisation)
    rec = stored(organisation, buyer, playbook)
    page = approver_client.get(reverse("recommendations:detail", args=[rec.pk])).content.decode()
    assert f'action="/sign-off/recommendations/{rec.pk}/decide/"' in page  # the approver gets the form
    with django_capture_on_commit_callbacks(execute=True):
        response = decide(approver_client, rec, "approved")
    assert response.status_code == 302 and response["Location"] == f"/recommendations/{rec.pk}/"
    decision = Decision.objects.get()
    assert (decision.recommendation, decision.approver, decision.outcome, decision.reason) == (
        rec,
        approver,
        "approved",
        "",
    )
    assert sign_off_state(rec).status == DecisionStatus.APPROVED
    page = approver_client.get(reverse("recommendations:detail", args=[rec.pk])).content.decode()
    assert "Approved by 1 approver" in page and "cfo@acme.test</strong> approved it" in page
    told = [e for e in heard if e["kind"] == "decision_made"]
    assert [e["recipients"] for e in told] == [[buyer]]
    assert "approved" in told[0]["summary"] and told[0]["target"] == rec


def test_a_rejection_needs_a_reason_and_nothing_is_stored_without_one(
    buyer: User, approver: User, organisation: Organisation, playbook: Playbook, approver_client: Client
) -> None:
    require_approval(organisation)
    rec = stored(organisation, buyer, playbook)
    for reason in ("", "   \n  "):
        response = decide(approver_client, rec, "rejected", reason)
        assert response.status_code == 400
        assert "Say why you reject it" in response.content.decode()
    assert not Decision.objects.exists()
    assert decide(approver_client, rec, "rejected", "  The PHI answer is wrong.  ").status_code == 302
    assert Decision.objects.get().reason == "The PHI answer is wrong."
    assert sign_off_state(rec).status == DecisionStatus.REJECTED


def test_an_approver_decides_once_and_the_first_decision_stands(
    buyer: User, approver: User, organisation: Organisation, playbook: Playbook, approver_client: Client
) -> None:
    require_approval(organisation, approvals=1)
    rec = stored(organisation, buyer, playbook)
    assert decide(approver_client, rec, "approved").status_code == 302
    response = decide(approver_client, rec, "rejected", "Changed my mind")
    assert response.status_code == 409
    assert "You already approved this recommendation" in response.content.decode()
    assert list(Decision.objects.values_list("outcome", flat=True)) == ["approved"]


def test_a_decision_after_the_sign_off_ended_names_who_decided_and_gives_back_the_reason(
    buyer: User,
    approver: User,
    second_approver: User,
    organisation: Organisation,
    playbook: Playbook,
    approver_client: Client,
    second_approver_client: Client,
) -> None:
    # Review 135: "This recommendation is already approved" with the reason typed lost and no word of who approved.
    require_approval(organisation, approvals=1)
    rec = stored(organisation, buyer, playbook)
    assert decide(approver_client, rec, "approved").status_code == 302
    response = decide(second_approver_client, rec, "rejected", "Budget figure unclear: which one do we fund?")
    page = html.unescape(response.content.decode())
    assert response.status_code == 409
    assert "This recommendation is already approved (approved by cfo@acme.test on " in page
    assert "<dt><strong>Decision</strong></dt><dd>Rejected</dd>" in page
    assert "Budget figure unclear: which one do we fund?" in page
    assert list(Decision.objects.values_list("outcome", flat=True)) == ["approved"]


def test_a_reason_of_2000_characters_with_line_breaks_is_taken(
    buyer: User, approver: User, organisation: Organisation, playbook: Playbook, approver_client: Client
) -> None:
    # Review 140: the box counted 2,000 characters with its line breaks, the server 2,019 (each sent as CR LF).
    require_approval(organisation, approvals=1)
    rec = stored(organisation, buyer, playbook)
    reason = "\r\n".join(["r" * 99] * 20)  # 1,980 characters and 19 line breaks: 1,999 as typed
    assert decide(approver_client, rec, "rejected", reason).status_code == 302
    assert Decision.objects.get().reason == reason.replace("\r\n", "\n")


def test_two_approvals_needed_it_awaits_the_second_and_a_rejection_by_anyone_ends_it(
    buyer: User,
    approver: User,
    second_approver: User,
    colleague: User,
    organisation: Organisation,
    playbook: Playbook,
    approver_client: Client,
    second_approver_client: Client,
) -> None:
    require_approval(organisation, approvals=2)
    rec = stored(organisation, buyer, playbook)
    assert decide(approver_client, rec, "approved").status_code == 302
    state = sign_off_state(rec)
    assert (state.status, state.approvals, state.approvals_needed) == (DecisionStatus.AWAITING, 1, 2)
    assert decide(second_approver_client, rec, "approved").status_code == 302
    assert sign_off_state(rec).status == DecisionStatus.APPROVED

    other = stored(organisation, buyer, playbook, "Second")
    assert decide(second_approver_client, other, "rejected", "Too risky for the pilot").status_code == 302
    response = decide(approver_client, other, "approved")
    assert response.status_code == 409 and "already rejected" in response.content.decode()
    assert sign_off_state(other).status == DecisionStatus.REJECTED
    assert Decision.objects.filter(recommendation=other).count() == 1


def test_a_member_who_is_not_an_approver_gets_403_with_the_reason(
    buyer: User,
    approver: User,
    organisation: Organisation,
    playbook: Playbook,
    buyer_client: Client,
    colleague_client: Client,
    viewer_client: Client,
) -> None:
    require_approval(organisation)
    rec = stored(organisation, buyer, playbook)
    for client in (colleague_client, viewer_client):
        response = decide(client, rec, "approved")
        assert response.status_code == 403
        assert "Only approvers can approve or reject" in response.content.decode()
        assert client.get(reverse("signoff:decide", args=[rec.pk])).status_code == 403
    assert not Decision.objects.exists()


def test_the_member_who_stored_it_cannot_approve_it_even_as_an_approver(
    buyer: User, approver: User, organisation: Organisation, playbook: Playbook, approver_client: Client
) -> None:
    require_approval(organisation)
    rec = stored(organisation, approver, playbook)
    response = decide(approver_client, rec, "approved")
    assert response.status_code == 403 and "another approver must decide it" in response.content.decode()
    assert not Decision.objects.exists()


def test_an_outsider_gets_404_and_decides_nothing(
    buyer: User, organisation: Organisation, playbook: Playbook, outsider: User, outsider_client: Client
) -> None:
    require_approval(organisation)
    rec = stored(organisation, buyer, playbook)
    outsider.memberships.update(can_approve=True)  # an approver elsewhere is nobody here
    assert decide(outsider_client, rec, "approved").status_code == 404
    assert outsider_client.get(reverse("signoff:decide", args=[rec.pk])).status_code == 404
    assert not Decision.objects.exists()


def test_a_recommendation_that_needs_no_sign_off_cannot_be_decided(
    buyer: User, approver: User, organisation: Organisation, playbook: Playbook, approver_client: Client
) -> None:
    rec = stored(organisation, buyer, playbook)
    response = decide(approver_client, rec, "approved")
    assert response.status_code == 409 and "needs no sign-off" in response.content.decode()
    assert not Decision.objects.exists()


def test_a_decision_cannot_be_changed_or_deleted_even_in_the_database(
    buyer: User, approver: User, organisation: Organisation, playbook: Playbook, approver_client: Client
) -> None:
    require_approval(organisation)
    rec = stored(organisation, buyer, playbook)
    decide(approver_client, rec, "rejected", "Wrong data class")
    decision = Decision.objects.get()
    for change in (
        lambda: Decision.objects.filter(pk=decision.pk).update(outcome="approved"),
        lambda: Decision.objects.filter(pk=decision.pk).delete(),
        lambda: SignOff.objects.filter(recommendation=rec).update(approvals_needed=5),
        lambda: SignOff.objects.filter(recommendation=rec).delete(),
    ):
        with pytest.raises((IntegrityError, InternalError), match="immutable"), transaction.atomic():
            change()
    with pytest.raises(RuntimeError, match="immutable"):
        decision.save()
    assert Decision.objects.get().outcome == "rejected"
    assert sign_off_state(rec).status == DecisionStatus.REJECTED


def test_a_what_if_copy_or_a_rescore_is_a_new_recommendation_that_needs_its_own_approval(
    buyer: User, approver: User, organisation: Organisation, playbook: Playbook, approver_client: Client
) -> None:
    require_approval(organisation)
    rec = stored(organisation, buyer, playbook)
    decide(approver_client, rec, "approved")
    copy = save_what_if(recommendation=rec, answers={**COMPLETE, "judgement": False}, title="What if", user=buyer)
    assert copy.recommendation is not None and copy.recommendation.pk != rec.pk
    assert sign_off_state(copy.recommendation).status == DecisionStatus.AWAITING
    assert sign_off_state(rec).status == DecisionStatus.APPROVED


def test_changing_the_policy_later_keeps_what_earlier_recommendations_needed(
    buyer: User,
    approver: User,
    second_approver: User,
    organisation: Organisation,
    playbook: Playbook,
    buyer_client: Client,
) -> None:
    require_approval(organisation, approvals=2)
    before = stored(organisation, buyer, playbook, "Before")
    assert buyer_client.post(reverse("signoff:policy"), {"approvals_needed": "1"}).status_code == 302
    after = stored(organisation, buyer, playbook, "After")
    assert sign_off_state(before).status == DecisionStatus.AWAITING
    assert sign_off_state(before).approvals_needed == 2
    assert sign_off_state(after).status == DecisionStatus.NOT_REQUIRED


def test_an_approvers_own_recommendation_that_can_no_longer_reach_its_approvals_says_so(
    buyer: User,
    approver: User,
    second_approver: User,
    organisation: Organisation,
    playbook: Playbook,
    approver_client: Client,
    second_approver_client: Client,
) -> None:
    # Review 55: two approvals needed, two approvers, one of whom stored it: it "waited for the other approvers", none.
    require_approval(organisation, approvals=2)
    rec = stored(organisation, second_approver, playbook)
    url = reverse("recommendations:detail", args=[rec.pk])
    assert "It cannot be approved as things stand" in second_approver_client.get(url).content.decode()
    assert decide(approver_client, rec, "approved").status_code == 302
    page = second_approver_client.get(url).content.decode()
    assert "It cannot be approved as things stand:</strong> it needs 1 more approval than" in page
    # One stored by a member who is no approver can still gather both approvals: nothing of the kind is said.
    theirs = stored(organisation, buyer, playbook, "Theirs")
    page = second_approver_client.get(reverse("recommendations:detail", args=[theirs.pk])).content.decode()
    assert "Record my decision" in page and "cannot be approved" not in page


def test_a_member_no_longer_an_owner_cannot_change_the_policy_or_the_approvers(
    organisation: Organisation, colleague: User, approver: User
) -> None:
    # Review 57: a demoted owner's request in flight still changed them (checked now under the owner's row lock).
    from django.core.exceptions import PermissionDenied

    from apps.accounts.models import Membership
    from apps.signoff import services

    for act in (
        lambda: services.set_policy(organisation=organisation, required=True, approvals_needed=1, user=colleague),
        lambda: services.set_approver(
            membership=Membership.objects.get(user=approver), can_approve=False, by=colleague
        ),
    ):
        with pytest.raises(PermissionDenied):
            act()
    assert Membership.objects.get(user=approver).can_approve


def test_a_reason_ending_its_own_sentence_gets_no_second_stop(
    buyer: User, approver: User, organisation: Organisation, playbook: Playbook, approver_client: Client
) -> None:
    # Review 140: "“Within budget; pilot first.”." on the result page.
    require_approval(organisation, approvals=1)
    rec = stored(organisation, buyer, playbook)
    assert decide(approver_client, rec, "approved", "Within budget; pilot first.").status_code == 302
    page = html.unescape(approver_client.get(reverse("recommendations:detail", args=[rec.pk])).content.decode())
    assert "“Within budget; pilot first.”</li>" in page and "first.”." not in page
    # Its line breaks kept (review 143: a reason in 20 lines ran as one).
    other = stored(organisation, buyer, playbook)
    assert decide(approver_client, other, "approved", "Line one\r\nLine two").status_code == 302
    page = approver_client.get(reverse("recommendations:detail", args=[other.pk])).content.decode()
    assert "Line one<br>Line two" in page


def test_an_awaiting_sign_off_names_the_approvers_who_may_still_decide_it(
    buyer: User,
    approver: User,
    second_approver: User,
    organisation: Organisation,
    playbook: Playbook,
    approver_client: Client,
) -> None:
    # Review 143: the page said it waited for approvals and named no one who could give them.
    require_approval(organisation, approvals=2)
    rec = stored(organisation, buyer, playbook)
    page = html.unescape(approver_client.get(reverse("recommendations:detail", args=[rec.pk])).content.decode())
    assert "The approvers who may still decide it: cfo@acme.test, legal@acme.test." in page
    assert decide(approver_client, rec, "approved").status_code == 302
    page = html.unescape(approver_client.get(reverse("recommendations:detail", args=[rec.pk])).content.decode())
    assert "The approver who may still decide it: legal@acme.test." in page and "cfo@acme.test, " not in page
    assert sign_off_state(rec).approvals == 1


def test_the_decision_page_says_when_no_decision_can_be_recorded_before_drawing_a_form(
    buyer: User, approver: User, organisation: Organisation, playbook: Playbook, approver_client: Client
) -> None:
    # Review 146: the form was drawn and checked ("Choose approve or reject", "Say why you reject it") for a
    # recommendation needing no sign-off, then the right entry refused with a 409.
    rec = stored(organisation, buyer, playbook)
    page = approver_client.get(reverse("signoff:decide", args=[rec.pk]))
    text = html.unescape(page.content.decode())
    assert page.status_code == 200 and "needs no sign-off" in text and "Record my decision" not in text
    assert f"<title>No decision to record: {rec.title}" in text and "<h1>No decision to record on" in text
    # Whoever stored it reads the same, not "another approver must decide it" (review 149).
    creator = Client()
    creator.force_login(buyer)
    theirs = html.unescape(creator.get(reverse("signoff:decide", args=[rec.pk])).content.decode())
    assert "needs no sign-off" in theirs and "another approver must decide it" not in theirs
    refused = approver_client.post(reverse("signoff:decide", args=[rec.pk]), {"outcome": "", "reason": "Kept words"})
    assert refused.status_code == 409 and "needs no sign-off" in refused.content.decode()
    assert "Kept words" in refused.content.decode() and "Choose approve or reject" not in refused.content.decode()
    # Decided already: the page names the decision and draws no form.
    require_approval(organisation)
    other = stored(organisation, buyer, playbook, "Second")
    assert decide(approver_client, other, "approved").status_code == 302
    again = html.unescape(approver_client.get(reverse("signoff:decide", args=[other.pk])).content.decode())
    assert "You already approved this recommendation" in again and "Record my decision" not in again
    assert Decision.objects.filter(recommendation=other).count() == 1


def test_an_owner_who_is_not_an_approver_is_told_it_can_mark_itself(
    buyer: User, organisation: Organisation, playbook: Playbook, buyer_client: Client, colleague_client: Client
) -> None:
    # Review 146: an owner read "an owner can make you one on the members page".
    require_approval(organisation)
    rec = stored(organisation, buyer, playbook)
    other_owner = MembershipFactory(organisation=organisation, role=Membership.Role.OWNER).user
    client = Client()
    client.force_login(other_owner)
    owner_page = html.unescape(client.get(reverse("signoff:decide", args=[rec.pk])).content.decode())
    assert "as an owner, you can mark yourself one on the members page" in owner_page
    editor_page = html.unescape(colleague_client.get(reverse("signoff:decide", args=[rec.pk])).content.decode())
    assert "an owner can make you one on the members page" in editor_page
