"""Organisation scoping: who the member is, and object lookups that 404 outside their organisation.

Every view that shows or changes an organisation's data resolves the member with
``member_required`` and fetches objects with ``get_for_member``; an id from another
organisation is indistinguishable from an id that does not exist.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from apps.accounts.models import Membership, Organisation

SESSION_KEY = "organisation_id"
M = TypeVar("M", bound=models.Model)


class MemberRequest(HttpRequest):
    membership: Membership
    organisation: Organisation


def user_memberships(request: HttpRequest) -> list[Membership]:
    """All the signed-in user's memberships (organisation included), read once per request: the header's
    organisation switcher and ``current_membership`` share the one query."""
    if not hasattr(request, "_memberships_cache"):
        found = list(Membership.objects.for_user(request.user)) if request.user.is_authenticated else []
        request._memberships_cache = found  # type: ignore[attr-defined]
    return request._memberships_cache  # type: ignore[attr-defined]


def current_membership(request: HttpRequest) -> Membership | None:
    """The signed-in user's membership in the organisation they are working in, cached per request.

    That is the one chosen in this session; otherwise the one they chose last (``last_chosen_at``,
    set by the switcher and by "accept and switch"); otherwise their oldest membership. Never the
    first by name: an organisation someone was invited to (or added to before invitations existed)
    must not become where their next assessment lands just because its name sorts first.
    """
    if hasattr(request, "_membership_cache"):
        return request._membership_cache
    memberships = user_memberships(request)
    chosen = request.session.get(SESSION_KEY) if memberships else None
    membership = next((m for m in memberships if m.organisation_id == chosen), None) if chosen else None
    if membership is None and memberships:
        membership = min(memberships, key=_fallback_order)
    request._membership_cache = membership  # type: ignore[attr-defined]
    return membership


def _fallback_order(membership: Membership) -> tuple[int, float, float, int]:
    # Most recently chosen first; never-chosen ones after, oldest first.
    chosen = membership.last_chosen_at
    if chosen is not None:
        return (0, -chosen.timestamp(), 0.0, 0)
    return (1, 0.0, membership.created_at.timestamp(), membership.pk)


def member_required(
    role: str = Membership.Role.VIEWER,
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Require a signed-in member of an organisation with at least ``role``; set request.membership."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            membership = current_membership(request)
            if membership is None:
                return render(request, "accounts/no_organisation.html", status=403)
            if not membership.has_role(role):
                raise PermissionDenied(f"This needs the {Membership.Role(role).label.lower()} role or higher.")
            request.membership = membership  # type: ignore[attr-defined]
            request.organisation = membership.organisation  # type: ignore[attr-defined]
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def get_for_member[M: models.Model](request: HttpRequest, queryset: type[M] | models.QuerySet[M], **lookup: Any) -> M:
    """Fetch one object of the member's organisation, or 404 (also for other organisations' ids)."""
    qs = queryset._default_manager.all() if isinstance(queryset, type) else queryset
    organisation = request.organisation  # type: ignore[attr-defined]
    return get_object_or_404(qs.filter(organisation=organisation), **lookup)
