"""A stored recommendation is announced in its own transaction (review 108): its webhook deliveries, its timeline line
and its approvers' notices commit with it or not at all. Before, they were written after the commit, and a database
stopped in between left recommendations stored that no webhook, timeline or approver ever heard of, while a retry
of the submit found them stored and announced nothing."""

from __future__ import annotations

import pytest
from django.db import connection, transaction

from apps.accounts.models import Membership, Organisation, User
from apps.api.models import WebhookDelivery, WebhookEndpoint
from apps.discussion.models import Notification
from apps.playbooks.models import Playbook
from apps.recommendations.models import Recommendation
from apps.recommendations.services import submit_and_recommend
from apps.signoff.models import SignOffPolicy
from tests.factories import AssessmentFactory, MembershipFactory

pytestmark = pytest.mark.django_db
COMPLETE = {"function": "legal", "judgement": True, "hours": 4000, "data": ["none"]}


def _endpoint(organisation: Organisation, user: User) -> WebhookEndpoint:
    # Made as a row: adding one through the service checks its host, which a test has no network to resolve.
    return WebhookEndpoint.objects.create(
        organisation=organisation,
        url="https://hooks.example.com/kpo",
        events=["recommendation.stored"],
        secret="s" * 40,
        created_by=user,
    )


def test_the_deliveries_and_the_approvers_notice_are_written_before_the_recommendation_commits(
    organisation: Organisation, buyer: User, playbook: Playbook
) -> None:
    _endpoint(organisation, buyer)
    approver = MembershipFactory(organisation=organisation, role=Membership.Role.EDITOR, can_approve=True).user
    SignOffPolicy.objects.create(organisation=organisation, required=True, approvals_needed=1)
    draft = AssessmentFactory(organisation=organisation, created_by=buyer, playbook=playbook, answers=COMPLETE)
    with transaction.atomic():
        rec = submit_and_recommend(assessment=draft, user=buyer)
        # Still inside the transaction that stores it: nothing waits for a commit to be announced.
        assert connection.in_atomic_block
        delivery = WebhookDelivery.objects.get(organisation=organisation)
        assert delivery.event == "recommendation.stored" and delivery.payload["data"]["recommendation"]["id"] == rec.pk
        assert Notification.objects.filter(recipient=approver, kind="approval_requested").exists()
    assert Recommendation.objects.filter(pk=rec.pk).exists()


def test_a_submit_rolled_back_leaves_neither_the_recommendation_nor_its_announcements(
    organisation: Organisation, buyer: User, playbook: Playbook
) -> None:
    _endpoint(organisation, buyer)
    draft = AssessmentFactory(organisation=organisation, created_by=buyer, playbook=playbook, answers=COMPLETE)
    with pytest.raises(RuntimeError), transaction.atomic():
        submit_and_recommend(assessment=draft, user=buyer)
        raise RuntimeError("the database went away before the commit")
    assert not Recommendation.objects.exists() and not WebhookDelivery.objects.exists()


def test_a_decision_and_a_mention_are_announced_in_their_own_transactions(
    organisation: Organisation, buyer: User, playbook: Playbook
) -> None:
    # Review 112: a decision committed, the database stopped before its announcement, and its decision.made delivery
    # and approvers' notices were lost for good; comments' mentions went the same way.
    from apps.discussion.services import post_comment
    from apps.signoff.services import decide

    endpoint = _endpoint(organisation, buyer)
    endpoint.events = ["decision.made"]
    endpoint.save()
    approver = MembershipFactory(organisation=organisation, role=Membership.Role.EDITOR, can_approve=True)
    SignOffPolicy.objects.create(organisation=organisation, required=True, approvals_needed=1)
    draft = AssessmentFactory(organisation=organisation, created_by=buyer, playbook=playbook, answers=COMPLETE)
    rec = submit_and_recommend(assessment=draft, user=buyer)
    with transaction.atomic():
        decide(recommendation=rec, membership=approver, outcome="approved", reason="Fits the budget.")
        assert connection.in_atomic_block
        assert WebhookDelivery.objects.filter(organisation=organisation, event="decision.made").exists()
        assert Notification.objects.filter(recipient=buyer, kind="decision_made").exists()
    with transaction.atomic():
        post_comment(
            organisation=organisation, author=approver.user, body=f"@{buyer.email} see this", recommendation=rec
        )
        assert Notification.objects.filter(recipient=buyer, kind="mentioned").exists()
    with pytest.raises(RuntimeError), transaction.atomic():
        post_comment(organisation=organisation, author=approver.user, body=f"@{buyer.email} again", recommendation=rec)
        raise RuntimeError("the database went away before the commit")
    assert Notification.objects.filter(recipient=buyer, kind="mentioned").count() == 1
