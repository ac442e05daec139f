"""Invitations for the security walks (tests/security): one the world's owner may answer, one its owners may cancel."""

from __future__ import annotations

from dataclasses import dataclass

from apps.accounts.models import Invitation, Organisation, User
from tests.factories import InvitationFactory


@dataclass(frozen=True)
class InvitationWorld:
    # From the other organisation to the owner: only the owner may accept or decline it; the
    # organisation that sent it (the outsider) gets a 404 like everyone else.
    to_owner: Invitation
    # The organisation's own open invitation to someone new: only its owners may cancel it.
    from_organisation: Invitation


def invitation_world(
    *, organisation: Organisation, other_organisation: Organisation, owner: User, outsider: User
) -> InvitationWorld:
    return InvitationWorld(
        to_owner=InvitationFactory(
            organisation=other_organisation, email=owner.email, role="viewer", invited_by=outsider
        ),
        from_organisation=InvitationFactory(
            organisation=organisation, email="newcomer@example.test", role="editor", invited_by=owner
        ),
    )
