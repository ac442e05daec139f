"""Single sign-on with OpenID Connect (mozilla-django-oidc), on when OIDC_RP_CLIENT_ID is set.

mozilla-django-oidc runs the code flow: the start view stores a random state and nonce in the session,
the callback refuses a state it did not issue and an ID token whose nonce or signature is wrong, and the
backend fetches the user's claims. This module decides who may come in: the email must be present, one
plain well-formed address (``claimed_email``), verified by the provider (``email_verified`` true), and its
domain registered by an organisation (``SsoDomain``). Then the user is found by email, or made on first
sign-in with a membership as editor in that organisation (services.join_by_single_sign_on); a refusal is a
page saying why, never a 500. No other claim is read or stored: names and ``sub`` may be anything.
"""

from __future__ import annotations

import logging
import time
from typing import Any, cast

import requests
from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from apps.accounts import services
from apps.accounts.models import SsoDomain, User, plain_email
from apps.accounts.scoping import SESSION_KEY
from apps.accounts.security import SESSION_LOGIN_AT, SignInRequest, security_event

# The session key holding why the last sign-in was refused, for the refusal page.
SESSION_REFUSAL = "sso_refusal"

REFUSALS = {
    "no_email": "Your identity provider did not tell us your email address, so we can't tell which organisation "
    "you belong to. Ask your administrator to release the email claim to KPO Advisor.",
    "invalid_email": "The email address your identity provider sent is not one email address we can use (one @, "
    "at most 254 characters, no quotes or control characters). Ask your administrator to check the address your "
    "provider holds for you.",
    "unverified": "Your identity provider has not verified your email address, so we can't use it to place you "
    "in an organisation. Verify it with your provider, then sign in again.",
    "unknown_domain": "No organisation on KPO Advisor uses single sign-on for your email's domain. Ask an owner "
    "of your organisation to register it on the members page, or sign in with your password.",
    "inactive": "This account is switched off. Ask an owner of your organisation.",
    "removed": "An owner of your organisation removed you from it on KPO Advisor, so single sign-on no longer "
    "adds you. Ask an owner to invite you again.",
    "member_elsewhere": "Your account belongs to another organisation on KPO Advisor, not to the one that uses single "
    "sign-on for your email's domain, so single sign-on does not add you to it. Sign in with your password, or ask "
    "an owner of that organisation to invite you.",
    "state": "This sign-in link has expired or was already used. Start again from the sign-in page.",
    "provider": "We couldn't complete the sign-in with your identity provider. Try again in a minute.",
    "cancelled": "Single sign-on did not complete. Start again from the sign-in page.",
}


def _refuse(request: HttpRequest, reason: str, **fields: Any) -> None:
    request.session[SESSION_REFUSAL] = reason
    security_event(request, "sso_refused", level=logging.WARNING, reason=reason, **fields)


def claimed_email(claims: dict[str, Any]) -> str | None:
    """The ``email`` claim as the address to sign in with (trimmed, lower case), or None when it is not one
    plain, well-formed address (``plain_email``, the rule an owner's invitation follows too)."""
    email = claims.get("email")
    return plain_email(email) if isinstance(email, str) else None


def _registration(email: str) -> SsoDomain | None:
    return SsoDomain.objects.for_email(email).select_related("organisation").first()


def _verified_email(claims: dict[str, Any]) -> str:
    email = claimed_email(claims)
    assert email is not None  # verify_claims refused anything else
    return email


class DomainOIDCBackend(OIDCAuthenticationBackend):
    """Users come in by a verified email at a registered domain; the first sign-in makes the account."""

    request: HttpRequest

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        claim = claims.get("email")
        if not isinstance(claim, str) or not claim.strip():
            _refuse(self.request, "no_email")
            return False
        email = claimed_email(claims)
        if email is None:
            _refuse(self.request, "invalid_email", email=claim)  # quoted in the log line, cut to 200 characters
            return False
        # Only a JSON true counts: a provider that leaves the claim out has not verified the address.
        if claims.get("email_verified") is not True:
            _refuse(self.request, "unverified", email=email)
            return False
        registration = _registration(email)
        if registration is None:
            _refuse(self.request, "unknown_domain", email=email)
            return False
        if services.removed_by_owner(email=email, organisation=registration.organisation):
            _refuse(self.request, "removed", email=email, organisation=registration.organisation_id)
            return False
        if services.member_elsewhere_only(email=email, organisation=registration.organisation):
            # Review 55: an owner at a shared domain registered it, and a member of another organisation there
            # would have been made an editor of theirs by signing in.
            _refuse(self.request, "member_elsewhere", email=email, organisation=registration.organisation_id)
            return False
        return True

    def filter_users_by_claims(self, claims: dict[str, Any]) -> Any:
        return User.objects.filter(email=_verified_email(claims))

    def create_user(self, claims: dict[str, Any]) -> User:
        return self._join(claims)

    def update_user(self, user: User, claims: dict[str, Any]) -> User:
        return self._join(claims)

    def _join(self, claims: dict[str, Any]) -> User:
        email = _verified_email(claims)
        registration = _registration(email)
        assert registration is not None  # verify_claims checked it
        user, membership, created = services.join_by_single_sign_on(email=email, organisation=registration.organisation)
        if created:
            security_event(self.request, "sso_joined", user=user.pk, organisation=registration.organisation_id)
        # Django's request; SignInRequest only names the mark login_success reads back.
        cast(SignInRequest, self.request).sso_organisation_id = membership.organisation_id
        return user


class CallbackView(OIDCAuthenticationCallbackView):
    """The provider's redirect back. A forged or replayed state, a bad nonce and an unreachable provider
    are refusals with a reason, like a refused email."""

    def get(self, request: HttpRequest) -> HttpResponse:
        if request.GET.get("error"):
            _refuse(request, "cancelled", error=request.GET["error"][:50])
        try:
            return super().get(request)
        except SuspiciousOperation as exc:
            _refuse(request, "state", detail=str(exc)[:80])
            return refused(request, status=400)
        except requests.RequestException as exc:
            _refuse(request, "provider", error=type(exc).__name__)
            return refused(request, status=502)

    def login_success(self) -> HttpResponse:
        response = super().login_success()
        session = self.request.session
        session[SESSION_LOGIN_AT] = int(time.time())
        organisation_id = getattr(self.request, "sso_organisation_id", None)
        if organisation_id is not None:
            session[SESSION_KEY] = organisation_id
        security_event(self.request, "sso_login_succeeded", organisation=organisation_id or "-")
        return response

    def login_failure(self) -> HttpResponse:
        if self.request.user.is_authenticated:
            return super().login_failure()
        user = getattr(self, "user", None)
        if SESSION_REFUSAL not in self.request.session and user is not None and not user.is_active:
            _refuse(self.request, "inactive", user=user.pk)
        return refused(self.request)


def _enabled() -> None:
    if not settings.SSO_ENABLED:
        raise Http404("Single sign-on is not set up here.")


@require_safe
def start(request: HttpRequest) -> HttpResponse:
    """Off (404) unless single sign-on is configured; otherwise off to the provider with a fresh state and nonce."""
    _enabled()
    return OIDCAuthenticationRequestView.as_view()(request)


@require_safe
def callback(request: HttpRequest) -> HttpResponse:
    _enabled()
    return CallbackView.as_view()(request)


def refused(request: HttpRequest, status: int = 403) -> HttpResponse:
    reason = request.session.pop(SESSION_REFUSAL, "cancelled")
    message = REFUSALS.get(reason, REFUSALS["cancelled"])
    return render(request, "accounts/sso_refused.html", {"message": message}, status=status)


@require_safe
def refused_page(request: HttpRequest) -> HttpResponse:
    _enabled()
    return refused(request)
