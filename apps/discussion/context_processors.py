from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from apps.accounts.scoping import current_membership
from apps.discussion.models import Notification


def inbox(request: HttpRequest) -> dict[str, Any]:
    """The header's unread count in the current organisation: one query, and only on pages that show it
    (a callable the template resolves once, like the organisation switcher's values)."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {"unread_notifications": 0}

    def count() -> int:
        membership = current_membership(request)
        if membership is None:
            return 0
        return Notification.objects.for_member(request.user, membership.organisation_id).unread().count()

    return {"unread_notifications": count}
