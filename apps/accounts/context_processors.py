from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from apps.accounts.models import Invitation
from apps.accounts.scoping import current_membership, user_memberships


def organisation(request: HttpRequest) -> dict[str, Any]:
    """The current membership and the others, for the header's organisation switcher, and how many
    invitations wait for an answer (lazily: only the pages that show it pay its query)."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {"current_membership": None, "memberships": [], "pending_invitations": 0}

    return {
        "current_membership": lambda: current_membership(request),
        "memberships": lambda: user_memberships(request),
        "pending_invitations": lambda: Invitation.objects.live().for_email(request.user.email).count(),
    }
