"""Organisation scoping: who the member is, and object lookups that 404 outside their organisation.

Every view that shows or changes an organisation's data resolves the member with
``member_required`` and fetches objects with ``get_for_member``; an id from another
organisation is indistinguishable from an id that does not exist.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, Concatenate, TypeVar, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django_htmx.middleware import HtmxDetails

from apps.accounts.models import Membership, Organisation, User
from apps.common.hostile import SaidBadRequest, ascii_int
from apps.common.prepared import PreparedQuery

SESSION_KEY = "organisation_id"
M = TypeVar("M", bound=models.Model)

# Columns other apps add to the one memberships query, per name a function of the user giving an expression
# (discussion registers the header's unread count): every page's header then costs no query of its own, and
# accounts imports nothing of theirs.
MEMBERSHIP_ANNOTATIONS: dict[str, Callable[[Any], Any]] = {}


class SignedInRequest(HttpRequest):
    """The request a ``login_required`` view gets: its user is signed in, so a ``User`` (a type only)."""

    user: User


class MemberRequest(SignedInRequest):
    """The request a ``member_required`` view gets: a signed-in user, their membership and its organisation.

    Only a type: the request is Django's, with the two attributes the decorator sets."""

    membership: Membership
    organisation: Organisation


class HtmxMemberRequest(MemberRequest):
    """A member view's request that also reads ``request.htmx`` (set by django-htmx's middleware)."""

    htmx: HtmxDetails


class _CachingRequest(HttpRequest):
    """The per-request memo of the user's memberships (a type only, like ``MemberRequest``)."""

    _memberships_cache: list[Membership]
    _membership_cache: Membership | None


def user_memberships(request: HttpRequest) -> list[Membership]:
    """All the signed-in user's memberships (organisation included), read once per request: the header's
    organisation switcher and ``current_membership`` share the one query."""
    memo = cast(_CachingRequest, request)
    if not hasattr(memo, "_memberships_cache"):
        if not request.user.is_authenticated:
            memo._memberships_cache = []
            return memo._memberships_cache
        # The header's columns, unless the view draws no header (``member_required(header=False)``: it answers
        # with a redirect or a fragment); one that shows a page after all (a refusal) reads the header's count
        # with a query of its own (discussion.context_processors.inbox).
        query = _MEMBERSHIPS if getattr(request, _NO_HEADER, False) else _MEMBERSHIPS_FOR_HEADER
        memo._memberships_cache = query(user=request.user.pk)
    return memo._memberships_cache


def _memberships(user: int, header: bool) -> models.QuerySet[Membership]:
    memberships = Membership.objects.for_user(user)
    if header:
        # The annotations are registered in the apps' ``ready()``, before the first request compiles this.
        memberships = memberships.annotate(**{name: make(user) for name, make in MEMBERSHIP_ANNOTATIONS.items()})
    return memberships


# Every page reads them: compiled once per process (apps/common/prepared.py).
_MEMBERSHIPS = PreparedQuery(lambda user: _memberships(user, header=False))
_MEMBERSHIPS_FOR_HEADER = PreparedQuery(lambda user: _memberships(user, header=True))


def current_membership(request: HttpRequest) -> Membership | None:
    """The signed-in user's membership in the organisation they are working in, cached per request.

    That is the one chosen in this session; otherwise the one they chose last (``last_chosen_at``,
    set by the switcher and by "accept and switch"); otherwise their oldest membership. Never the
    first by name: an organisation someone was invited to (or added to before invitations existed)
    must not become where their next assessment lands just because its name sorts first.
    """
    memo = cast(_CachingRequest, request)
    if hasattr(memo, "_membership_cache"):
        return memo._membership_cache
    memberships = user_memberships(request)
    chosen = request.session.get(SESSION_KEY) if memberships else None
    membership = next((m for m in memberships if m.organisation_id == chosen), None) if chosen else None
    if membership is None and memberships:
        membership = min(memberships, key=_fallback_order)
    memo._membership_cache = membership
    return membership


# The organisation a form was drawn in: a field of every form (``{% drawn_in %}``) and a header of every htmx request
# (base.html).
DRAWN_IN = "drawn_in"
DRAWN_IN_HEADER = "X-KPO-Drawn-In"


def _where_drawn(request: HttpRequest, current: Membership) -> tuple[Membership, bool]:
    """The membership a request acts in, and whether the session should work there from now on.

    A form sent from a page drawn in another of the member's organisations than the one this session works in now
    (another tab switched since) acts where it was drawn (review 85: an owner's invitation went to the other
    organisation, and a step of the first one's draft was a 404 with what was typed lost). A whole page sent (no
    htmx) moves the session there too, so the page it leads to is that organisation's; an htmx request (an autosave,
    a poll) acts there for itself alone, so a tab working quietly in the background moves no other tab (review 87).
    Refused, with nothing done: a page drawn in an organisation the user is not a member of (left since, or forged),
    and a request naming two (the field twice, or field and header disagreeing) or what is no id (review 87: it had
    acted in the current organisation instead, and 5,000 digits were a 500)."""
    header = request.headers.get(DRAWN_IN_HEADER)
    fields: list[str] = []
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        try:
            fields = [str(v) for v in request.POST.getlist(DRAWN_IN)]
        except Exception:  # a body that does not parse: the view answers it as it would without the field
            fields = []
    given = [*([header] if header is not None else []), *fields]
    if not given:
        return current, False
    named = {ascii_int(value) for value in given}
    if len(fields) > 1 or len(named) != 1 or None in named:
        raise SaidBadRequest(
            "This form named the organisation its page was opened in twice, two different ones, or none, so nothing "
            "was done: reload the page and send it again."
        )
    (drawn,) = named
    if drawn == current.organisation_id:
        return current, False
    there = next((m for m in user_memberships(request) if m.organisation_id == drawn), None)
    if there is None:
        raise PermissionDenied(
            "This page was opened in an organisation you are not a member of now, so nothing was done: the home "
            "page opens the organisation you work in."
        )
    return there, not getattr(request, "htmx", False)


def removal_of(user: Any) -> Any:
    """The latest removal of ``user`` from an organisation by an owner (``accounts.services.remove_member`` remembers it
    by email), for "not in an organisation now", with the organisation and when (review 132: a removed person read
    "not in an organisation yet"); None when there is none. Only this account's: a removal of an earlier account with
    the same address (deleted, and the address signed up again) is not this person's to read (review 137)."""
    from apps.accounts.models import MemberRemoval

    email = str(getattr(user, "email", "")).strip().lower()
    joined = getattr(user, "date_joined", None)
    if not email or joined is None:
        return None
    found = MemberRemoval.objects.filter(email=email, removed_at__gte=joined).select_related("organisation")
    return found.order_by("-removed_at").first()


def _no_organisation(request: HttpRequest) -> HttpResponse:
    """The page for a signed-in person in no organisation; for a form they sent (removed from their only organisation
    since its page was opened, review 128: told "not in an organisation yet", with what they typed lost), that nothing
    was saved, and what it held, to copy: only for a form from this site whose CSRF check passed."""
    from apps.common.hostile import refusal, same_site
    from apps.questionnaire.gone import typed_fields_named

    if request.headers.get("HX-Request") == "true":
        # To an autosave, the words in its status's place (review 132: a whole page read as the service unreachable).
        said = (
            "this account is not a member of any organisation now: an owner may have removed it since the page was "
            "opened."
        )
        return refusal(request, 403, "Not saved" if request.method == "POST" else "Not shown", said)
    sent = []
    if request.method == "POST" and getattr(request, "csrf_processing_done", False) and same_site(request):
        sent = typed_fields_named(request)
    context = {"sent": sent, "posted": request.method == "POST", "removal": removal_of(request.user)}
    return render(request, "accounts/no_organisation.html", context, status=403)


def _fallback_order(membership: Membership) -> tuple[int, float, float, int]:
    # Most recently chosen first; never-chosen ones after, oldest first.
    chosen = membership.last_chosen_at
    if chosen is not None:
        return (0, -chosen.timestamp(), 0.0, 0)
    return (1, 0.0, membership.created_at.timestamp(), membership.pk)


_NO_HEADER = "_draws_no_header"
# What a member below a route's role is told (review 86: "the owner role or higher", where owner is the highest).
ROLE_NEEDED: dict[str, str] = {
    Membership.Role.EDITOR: "This needs the editor or owner role: ask an owner of your organisation to change yours.",
    Membership.Role.OWNER: "This needs the owner role: ask an owner of your organisation.",
}


def member_required[R: HttpRequest, **P](
    role: str = Membership.Role.VIEWER, *, header: bool = True, of: type[models.Model] | None = None
) -> Callable[[Callable[Concatenate[R, P], HttpResponse]], Callable[Concatenate[HttpRequest, P], HttpResponse]]:
    """Require a signed-in member of an organisation with at least ``role``. The view takes a ``MemberRequest``
    (``HtmxMemberRequest`` if it reads ``request.htmx``): ``request.membership`` and ``request.organisation``
    are set, ``request.user`` is the signed-in ``User``. ``header=False``: the view answers with a redirect or a
    fragment, so the memberships are read without the header's columns (the unread count).

    ``of``: the model whose ``pk`` the URL names. A member below ``role`` is told 404, not 403, when the id is not
    one of their organisation's: another organisation's id answers as one that does not exist, whatever the role
    (review 75). The lookup is made only on the refusal."""

    def decorator(
        view: Callable[Concatenate[R, P], HttpResponse],
    ) -> Callable[Concatenate[HttpRequest, P], HttpResponse]:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
            if not header:
                setattr(request, _NO_HEADER, True)
            membership = current_membership(request)
            if membership is None:
                return _no_organisation(request)
            current = membership
            membership, move = _where_drawn(request, current)
            if not membership.has_role(role):
                if of is not None and not _ours(of, membership.organisation_id, kwargs.get("pk")):
                    raise Http404(f"No {of._meta.verbose_name} matches the given query.")
                raise PermissionDenied(
                    ROLE_NEEDED.get(role, f"This needs the {Membership.Role(role).label.lower()} role.")
                )
            if membership is not current:
                # Acting where the page was drawn, its role checked first.
                cast(_CachingRequest, request)._membership_cache = membership
            member = cast(MemberRequest, request)  # login_required ran: the user is signed in
            member.membership = membership
            member.organisation = membership.organisation
            # The view's own request type: MemberRequest, or a subclass adding what middleware sets (htmx).
            response = view(cast(R, member), *args, **kwargs)
            if move and response.status_code < 400:  # ``move``: drawn in another of the member's organisations
                # Only once the view took what was sent: a refused request moves nothing (review 87).
                request.session[SESSION_KEY] = membership.organisation_id
                name = membership.organisation.name
                messages.info(
                    request,
                    f"That page was opened in {name}, so what you sent went there and you are working in {name} "
                    f"again (another tab had switched to {current.organisation.name}).",
                )
            return response

        return wrapped

    return decorator


def _ours(model: type[models.Model], organisation_id: int, pk: object) -> bool:
    return pk is not None and model._default_manager.filter(organisation_id=organisation_id, pk=pk).exists()


def get_for_member[M: models.Model](request: HttpRequest, queryset: type[M] | models.QuerySet[M], **lookup: Any) -> M:
    """Fetch one object of the member's organisation, or 404 (also for other organisations' ids).

    ``request`` is a ``MemberRequest`` (a ``member_required`` view's) or an API request, whose key's
    authentication sets the organisation the same way; typed as Django's until every caller is typed."""
    qs = queryset._default_manager.all() if isinstance(queryset, type) else queryset
    organisation = cast(MemberRequest, request).organisation
    return get_object_or_404(pin_to_organisation(qs, organisation), **lookup)


def pin_to_organisation[M: models.Model](
    queryset: models.QuerySet[M], organisation: Organisation | int
) -> models.QuerySet[M]:
    """``queryset`` filtered by ``organisation``, and so is every other tenant table it joins by
    ``select_related``: on a distributed PostgreSQL (Citus, docs/scaling.md) a join reaches one node only
    when each of its tables is filtered by the organisation, not when one is and the rest follow by id.
    ``organisation``: the organisation or its id."""
    qs = queryset.filter(organisation=organisation)
    related = qs.query.select_related
    for path, nullable in _tenant_joins(qs.model, related if isinstance(related, dict) else {}):
        pinned = models.Q(**{f"{path}__organisation": organisation})
        # A nullable key stays a LEFT JOIN: rows without the related object are kept.
        qs = qs.filter(pinned | models.Q(**{f"{path}__isnull": True}) if nullable else pinned)
    return qs


def _tenant_joins(model: type[models.Model], related: dict[str, Any], prefix: str = "") -> list[tuple[str, bool]]:
    joins = []
    for name, deeper in related.items():
        field = model._meta.get_field(name)
        target = field.related_model
        if not isinstance(target, type) or field.many_to_many or field.one_to_many:
            continue
        path = f"{prefix}{name}"
        if any(f.name == "organisation" and f.related_model is Organisation for f in target._meta.get_fields()):
            # A reverse one-to-one (``field.concrete`` false) is a LEFT JOIN like a nullable key.
            joins.append((path, bool(field.null) or not field.concrete))
        joins += _tenant_joins(target, deeper, f"{path}__")
    return joins


def update_pinned(row: Any, **values: Any) -> None:
    """Write ``values`` to ``row`` with one UPDATE by its organisation and id, where ``save()`` would name the
    id alone (on Citus the statement then reaches the one node holding the row, docs/scaling.md); the row in
    hand gets the same values. ``row``: any tenant row (they all carry ``organisation``)."""
    type(row)._default_manager.filter(organisation_id=row.organisation_id, pk=row.pk).update(**values)
    for name, value in values.items():
        setattr(row, name, value)
