from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from apps.accounts.scoping import current_membership, user_memberships


def organisation(request: HttpRequest) -> dict[str, Any]:
    """The current membership and the others, for the header's organisation switcher (lazily)."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {"current_membership": None, "memberships": []}

    return {
        "current_membership": lambda: current_membership(request),
        "memberships": lambda: user_memberships(request),
    }
