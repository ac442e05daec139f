"""Sign-off personas and helpers: approvers are ordinary members with the approver flag (any role)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from apps.accounts.models import Membership, Organisation, User
from apps.playbooks.models import Playbook
from apps.recommendations.models import Recommendation
from apps.recommendations.services import submit_and_recommend
from apps.signoff.models import SignOffPolicy
from tests.factories import AssessmentFactory, MembershipFactory

COMPLETE = {"function": "legal", "judgement": True, "hours": 4000, "data": ["none"]}


@pytest.fixture
def approver(organisation: Organisation) -> User:
    """A viewer who approves: approving is a flag beside the role, not a rank above it."""
    return MembershipFactory(
        organisation=organisation, role=Membership.Role.VIEWER, can_approve=True, user__email="cfo@acme.test"
    ).user


@pytest.fixture
def second_approver(organisation: Organisation) -> User:
    return MembershipFactory(
        organisation=organisation, role=Membership.Role.EDITOR, can_approve=True, user__email="legal@acme.test"
    ).user


@pytest.fixture
def approver_client(approver: User) -> Client:
    client = Client()
    client.force_login(approver)
    return client


@pytest.fixture
def second_approver_client(second_approver: User) -> Client:
    client = Client()
    client.force_login(second_approver)
    return client


def require_approval(organisation: Organisation, approvals: int = 1) -> SignOffPolicy:
    policy, _ = SignOffPolicy.objects.update_or_create(
        organisation=organisation, defaults={"required": True, "approvals_needed": approvals}
    )
    return policy


def stored(
    organisation: Organisation, user: User, playbook: Playbook, title: str = "Legal review 2027"
) -> Recommendation:
    assessment = AssessmentFactory(
        organisation=organisation, created_by=user, title=title, playbook=playbook, answers=COMPLETE
    )
    return submit_and_recommend(assessment=assessment, user=user)


def decide(client: Client, rec: Recommendation, outcome: str, reason: str = "") -> Any:
    from django.urls import reverse

    return client.post(reverse("signoff:decide", args=[rec.pk]), {"outcome": outcome, "reason": reason})
