from __future__ import annotations

import functools
from typing import Any

from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest

from apps.accounts.scoping import current_membership
from apps.discussion.models import Notification


def inbox(request: HttpRequest) -> dict[str, Any]:
    """The header's unread count in the current organisation, only on pages that show it (a callable the
    template resolves once, like the organisation switcher's values): read with the memberships, so no query
    of its own; one query when the membership was read without it."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {"unread_notifications": 0}

    @functools.cache
    def count() -> int:
        # Cached for the page: the header reads it twice (the folded menu's badge and the inbox link).
        membership = current_membership(request)
        if membership is None:
            return 0
        known = getattr(membership, UNREAD, None)  # read with the memberships (``unread_per_membership``)
        if known is not None:
            return int(known)
        return Notification.objects.for_member(request.user, membership.organisation_id).unread().count()

    return {"unread_notifications": count}


UNREAD = "unread_notifications"


def unread_per_membership(user: Any) -> Coalesce:
    """The user's unread count in each membership's organisation, as a column of the memberships query
    (registered in ``accounts.scoping.MEMBERSHIP_ANNOTATIONS`` by ``DiscussionConfig.ready``)."""
    unread = (
        Notification.objects.filter(recipient=user, organisation=OuterRef("organisation_id"))  # for_member's rows
        .unread()
        .order_by()
        .values("organisation")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(unread), 0)
