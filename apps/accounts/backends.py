"""The model backend behind the login throttle (apps/accounts/throttle.py).

Sitting in the backend, the throttle covers every sign-in form: the buyer's login page and the
curators' admin login alike. A locked pair is refused before any password is checked; the view
turns ``request.login_locked_until`` into a clear message and a 429.
"""

from __future__ import annotations

import logging
from typing import Any, cast

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models.query import MAX_GET_RESULTS
from django.http import HttpRequest

from apps.accounts import throttle
from apps.accounts.models import Membership, SsoDomain, User
from apps.accounts.security import SignInRequest, client_ip, security_event
from apps.common.prepared import PreparedQuery

# Every signed-in request reads its user (ModelBackend.get_user): the query its get(pk=...) makes, unordered and
# at most MAX_GET_RESULTS, compiled once per process (apps/common/prepared.py).
_USER = PreparedQuery(lambda pk: User._default_manager.filter(pk=pk).order_by()[:MAX_GET_RESULTS])


def _sso_required(email: str) -> bool:
    """True when ``email``'s domain must sign in through single sign-on (and it is switched on). Staff keep
    their password: an operator must be able to reach admin while the identity provider is down."""
    if not settings.SSO_ENABLED:
        return False
    email = email.strip().lower()
    registration = SsoDomain.objects.for_email(email).filter(sso_required=True).first()
    if registration is None or User.objects.filter(email=email, is_staff=True).exists():
        return False
    # Only the registering organisation's own members: a member of another organisation at a shared domain had been
    # locked out of password sign-in by an organisation they do not belong to (review 55).
    return Membership.objects.filter(organisation_id=registration.organisation_id, user__email=email).exists()


class ThrottledModelBackend(ModelBackend):
    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> User | None:
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if request is None or not username or password is None:
            # No client to throttle (management commands), or nothing to check.
            return super().authenticate(request, username=username, password=password, **kwargs)
        email, ip = str(username), client_ip(request)
        # Django's request; SignInRequest only names the marks set on it below.
        marked = cast(SignInRequest, request)
        if _sso_required(email):
            # No password is checked, and none counts as a failure: the organisation has moved these emails
            # to its identity provider. The form says to use single sign-on.
            marked.login_needs_sso = True
            security_event(request, "login_refused_sso_required", level=logging.WARNING, email=email)
            return None
        network = throttle.client_locked_until(ip=ip)
        until = network or throttle.locked_until(email=email, ip=ip)
        if until is not None:
            marked.login_locked_until, marked.login_locked_network = until, network is not None
            security_event(request, "login_refused_locked", level=logging.WARNING, email=email, until=until.isoformat())
            return None
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None:
            throttle.clear(email=email, ip=ip)
            return user
        failures, until = throttle.record_failure(email=email, ip=ip)
        network = throttle.record_client_failure(ip=ip)
        security_event(request, "login_failed", level=logging.WARNING, email=email, failures=failures)
        if until is not None or network is not None:
            marked.login_locked_until = max(t for t in (until, network) if t is not None)
            marked.login_locked_network = until is None
            security_event(
                request, "login_locked", level=logging.WARNING, email=email,
                until=marked.login_locked_until.isoformat(), network=until is None,
            )  # fmt: skip
        return None

    def get_user(self, user_id: Any) -> User | None:
        if type(user_id) is not int:  # the session's key as the user model reads it: always an int here
            return cast(User | None, super().get_user(user_id))
        found = _USER(pk=user_id)
        user = found[0] if found else None  # one at most: by primary key
        return user if user is not None and self.user_can_authenticate(user) else None

    async def aauthenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> User | None:
        # The throttle's queries are synchronous; async sign-ins take the same path.
        return await sync_to_async(self.authenticate)(request, username=username, password=password, **kwargs)
