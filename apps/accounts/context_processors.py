from __future__ import annotations

from functools import cache
from typing import Any

from django.http import HttpRequest

from apps.accounts.models import Membership
from apps.accounts.scoping import current_membership


def organisation(request: HttpRequest) -> dict[str, Any]:
    """The current membership and the others, for the header's organisation switcher (lazily)."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {"current_membership": None, "memberships": []}

    @cache
    def memberships() -> list[Membership]:
        return list(Membership.objects.for_user(request.user))

    return {"current_membership": lambda: current_membership(request), "memberships": memberships}
