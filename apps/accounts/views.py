from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm, PasswordResetForm, SetPasswordForm
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from apps.accounts import services, tasks, throttle
from apps.accounts.forms import (
    AcceptInvitationForm,
    AddMemberForm,
    EmailAuthenticationForm,
    RoleForm,
    SsoDomainForm,
    StrengthFirstSetPasswordForm,
    SwitchOrganisationForm,
    ThrottledPasswordChangeForm,
)
from apps.accounts.models import Invitation, Membership, SsoDomain
from apps.accounts.responses import RedirectThen
from apps.accounts.scoping import SESSION_KEY, MemberRequest, SignedInRequest, get_for_member, member_required
from apps.accounts.security import SESSION_LOGIN_AT, client_ip, security_event
from apps.common.confirm import unconfirmed
from apps.common.hostile import bad_request, given_twice
from apps.common.refusals import refused_on


class RefusedIs400:
    """A sign-in or password form sent back with problems answers 400, as every other refused form of the product
    does, not Django's 200 (review 165: a refused new password read 200)."""

    def form_invalid(self, form: Any) -> HttpResponse:
        response: HttpResponse = super().form_invalid(form)  # type: ignore[misc]  # a mixin: the view's own method
        response.status_code = 400
        return response


class FormPageMethods:
    """A sign-in or password page answers the methods it lists (GET, HEAD and POST unless it says otherwise), and
    405 to anything else, as every other page of the product does, before any of its own work: Django's views read
    PUT as an empty form ("Email: This field is required."), list it under OPTIONS, and a set-password page whose
    link is not valid answered every method, TRACE included, with 200 (review 177)."""

    http_method_names: Sequence[str] = ("get", "head", "post")

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method is None or request.method.lower() not in self.http_method_names:
            # A mixin: the view's own methods, which mypy does not see here.
            return self.http_method_not_allowed(request, *args, **kwargs)  # type: ignore[attr-defined]  # see above
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]  # see above


class LoginView(FormPageMethods, RefusedIs400, auth_views.LoginView):
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        # The single sign-on button only when it is configured (settings.SSO_ENABLED).
        sso = getattr(settings, "OIDC_PROVIDER_NAME", "") if settings.SSO_ENABLED else ""
        return {**super().get_context_data(**kwargs), "sso_provider": sso}

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        # The absolute session lifetime counts from here (kpo_advisor.middleware.SessionLifetimeMiddleware).
        self.request.session[SESSION_LOGIN_AT] = int(time.time())
        security_event(self.request, "login_succeeded")
        return response


class LogoutView(FormPageMethods, auth_views.LogoutView):
    """Ends the session on the server: its row is deleted, not just the cookie. POST only (review 178: OPTIONS answered
    200)."""

    http_method_names = ("post",)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated:
            security_event(request, "logout")
        return super().post(request, *args, **kwargs)


class PasswordChangeView(FormPageMethods, RefusedIs400, auth_views.PasswordChangeView):
    """Wrong current passwords count towards the sign-in lock (forms.ThrottledPasswordChangeForm)."""

    form_class = ThrottledPasswordChangeForm
    success_url = reverse_lazy("accounts:password_change_done")

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "request": self.request}

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        throttle.clear(email=form.user.email, ip=client_ip(self.request))
        security_event(self.request, "password_changed")
        return super().form_valid(form)


class PasswordResetView(FormPageMethods, RefusedIs400, auth_views.PasswordResetView):
    """The same answer, after the same work, whether or not the address has an account or its mails
    are used up: the redirect to "check your email". The response path only counts the request
    against the per-address and per-client limits; finding the account and sending the mail happen
    once the response has gone (``RedirectThen``), by the worker (``tasks.send_password_reset_mail``), so
    the request's timing says nothing about the address."""

    success_url = reverse_lazy("accounts:password_reset_done")
    email_template_name = "registration/password_reset_email.html"

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        email, ip = form.cleaned_data["email"], client_ip(self.request)
        per_address = throttle.take(
            scope="reset_mail_address", key=email, limit=settings.PASSWORD_RESET_MAILS_PER_ADDRESS, seconds=3600
        )
        per_client = throttle.take(
            scope="reset_mail_client",
            key=throttle.client_key(ip),
            limit=settings.PASSWORD_RESET_MAILS_PER_CLIENT,
            seconds=3600,
        )
        if not (per_address and per_client):
            security_event(self.request, "password_reset_limited", level=logging.WARNING, email=email)
            return RedirectThen(str(self.get_success_url()))
        # The link is the site's own address (``SITE_URL``), as every other mail's is: the request's Host header,
        # port included, is the sender's to choose (review 70: Host: localhost:6666 put that in the link).
        site = urlsplit(settings.SITE_URL)
        mail = {
            "email": email,
            "domain": site.netloc,
            "use_https": site.scheme == "https",
            "base_url": settings.SITE_URL,
        }
        return RedirectThen(str(self.get_success_url()), then=lambda: tasks.send_password_reset_mail.enqueue(**mail))


class PasswordChangeDoneView(FormPageMethods, auth_views.PasswordChangeDoneView):
    http_method_names = ("get", "head")  # pages that only say something (review 178: OPTIONS answered 200)


class PasswordResetDoneView(FormPageMethods, auth_views.PasswordResetDoneView):
    http_method_names = ("get", "head")


class PasswordResetCompleteView(FormPageMethods, auth_views.PasswordResetCompleteView):
    http_method_names = ("get", "head")


class PasswordResetConfirmView(FormPageMethods, RefusedIs400, auth_views.PasswordResetConfirmView):
    success_url = reverse_lazy("accounts:password_reset_complete")
    form_class = StrengthFirstSetPasswordForm

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        """Someone invited who has never had a password is setting their first one to join: the page says so
        (review 66: "Choose a new password" read as a reset of a password they never had)."""
        context = super().get_context_data(**kwargs)
        user = getattr(self, "user", None)
        if context.get("validlink") and user is not None and not user.has_usable_password():
            context["invited_to"] = [
                (i.organisation.name, i.get_role_display().lower())
                for i in Invitation.objects.open().filter(email=user.email).select_related("organisation")
            ]
        return context

    def form_valid(self, form: SetPasswordForm) -> HttpResponse:
        # Whoever completes a reset controls the mailbox: lift any sign-in lock on the address.
        throttle.clear_email(email=form.user.email)
        return super().form_valid(form)


@require_POST
@login_required
def switch_organisation(request: HttpRequest) -> HttpResponse:
    form = SwitchOrganisationForm(request.POST)
    if not form.is_valid():
        if twice := given_twice(form, "organisation"):  # two organisations named (review 92: "can't find that page")
            return bad_request([f"Organisation: {twice} Choose one organisation to work in."], request)
        raise Http404("No such organisation.")
    membership = get_object_or_404(
        Membership.objects.for_user(request.user), organisation_id=form.cleaned_data["organisation"]
    )
    services.choose_organisation(membership=membership)
    request.session[SESSION_KEY] = membership.organisation_id
    messages.success(request, f"You are now working in {membership.organisation}.")
    # Only a path on this site; anything else (another host, a URL name, junk) goes home.
    next_url = request.POST.get("next", "")
    safe = next_url.startswith("/") and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return HttpResponseRedirect(next_url if safe else reverse("home"))


@require_http_methods(["GET", "HEAD", "POST"])
@member_required()
def members(request: MemberRequest) -> HttpResponse:
    form = AddMemberForm()
    if request.method == "POST":
        if not request.membership.is_owner:
            return render(request, "403.html", {"reason": "Only owners can add members."}, status=403)
        form = AddMemberForm(request.POST)
        if form.is_valid():
            try:
                invitation = services.invite_member(
                    organisation=request.organisation,
                    email=form.cleaned_data["email"],
                    role=form.cleaned_data["role"],
                    invited_by=request.user,
                    base_url=settings.SITE_URL,  # not the request's Host header (review 72), as the reset mail
                )
            except ValidationError as exc:
                form.add_error("email", exc)
            else:
                security_event(request, "invitation_sent", invitation=invitation.pk, role=invitation.role)
                # The same words whether or not the email has an account.
                messages.success(request, f"Invitation sent to {invitation.email}. They join when they accept.")
                # At the new invitation's row, where the page puts the focus (review 120: it landed on the page).
                return redirect(f"{reverse('accounts:members')}#invitation-{invitation.pk}")
    organisation = request.organisation
    team = Membership.objects.filter(organisation=organisation).select_related("user")
    is_owner = request.membership.is_owner
    pending = Invitation.objects.open().filter(organisation=organisation) if is_owner else Invitation.objects.none()
    context = {
        "team": team,
        "pending": pending,
        "form": form,
        "roles": Membership.Role.choices,
        "link_days": max(1, round(settings.PASSWORD_RESET_TIMEOUT / 86400)),
    }
    return render(request, "accounts/members.html", context, status=400 if form.errors else 200)


@require_POST
@member_required(Membership.Role.OWNER, of=Invitation)
def cancel_invitation(request: MemberRequest, pk: int) -> HttpResponse:
    invitation = get_for_member(request, Invitation, pk=pk)
    if not invitation.is_open:  # answered or withdrawn since the page was drawn: said so, not a 404 (review 82)
        return refused_on(
            request,
            "This invitation has already been answered or withdrawn.",
            members,
            address=reverse("accounts:members"),
        )
    try:
        services.cancel_invitation(invitation=invitation, by=request.user)
    except ValidationError as exc:  # answered a moment ago
        return refused_on(request, exc.messages[0], members, address=reverse("accounts:members"))
    security_event(request, "invitation_cancelled", invitation=invitation.pk)
    messages.success(request, f"Cancelled the invitation to {invitation.email}.")
    return redirect("accounts:members")


def _own_invitation(request: SignedInRequest, pk: int) -> Invitation:
    """One of the signed-in user's invitations, or 404: an invitation belongs to the invited email, so the inviting
    organisation's owners get a 404 here like everyone else. One no longer open is found too, for the service to
    refuse with why (answered, withdrawn or expired: a 409 on the invitations page, not a 404; review 82)."""
    return get_object_or_404(Invitation.objects.for_email(request.user.email), pk=pk)


@require_safe
@login_required
def invitations(request: SignedInRequest) -> HttpResponse:
    pending = Invitation.objects.live().for_email(request.user.email).select_related("organisation", "invited_by")
    return render(request, "accounts/invitations.html", {"pending": pending})


@require_POST
@login_required
def accept_invitation(request: SignedInRequest, pk: int) -> HttpResponse:
    invitation = _own_invitation(request, pk)
    switch = AcceptInvitationForm(request.POST)
    if not switch.is_valid():  # the box sent twice, ticked and not (review 92: joined anyway, the box's answer guessed)
        return bad_request([f"Switch: {e}" for e in switch.errors.get("switch", [])], request)
    switch_now = switch.cleaned_data["switch"]
    try:
        membership = services.accept_invitation(invitation=invitation, user=request.user, switch=switch_now)
    except ValidationError as exc:  # cancelled or answered a moment ago
        return refused_on(request, exc.messages[0], invitations, address=reverse("accounts:invitations"))
    security_event(request, "invitation_accepted", invitation=invitation.pk, organisation=membership.organisation_id)
    # Their only organisation is the one they work in, whatever the box said: the header has no switcher to point
    # to (review 56: a new user was told to "switch to it from the header").
    only = not Membership.objects.filter(user_id=request.user.pk).exclude(pk=membership.pk).exists()
    if switch_now or only:
        request.session[SESSION_KEY] = membership.organisation_id
        messages.success(request, f"You joined {invitation.organisation} and are now working in it.")
    else:
        messages.success(
            request, f"You joined {invitation.organisation}. Switch to it from the header when you need it."
        )
    return redirect("home")


@require_POST
@login_required
def decline_invitation(request: SignedInRequest, pk: int) -> HttpResponse:
    invitation = _own_invitation(request, pk)
    try:
        services.decline_invitation(invitation=invitation, user=request.user)
    except ValidationError as exc:
        return refused_on(request, exc.messages[0], invitations, address=reverse("accounts:invitations"))
    security_event(request, "invitation_declined", invitation=invitation.pk)
    messages.success(request, f"You declined the invitation to {invitation.organisation}.")
    return redirect("accounts:invitations")


MEMBER_GONE = (
    "That member is not in this organisation now: removed since this page was opened, or never in it. Nothing was "
    "changed; the list below shows the members now."
)


def member_or_gone(request: MemberRequest, pk: int) -> Membership | HttpResponse:
    """The organisation's member ``pk``, or the members page saying they are not there (review 119: a colleague's
    removal, then a change of role, an approver mark or a second removal on the page drawn before it, read the site's
    "can't find that page"). A 404 still, so another organisation's id says no more than that."""
    membership = Membership.objects.filter(organisation=request.organisation, pk=pk).select_related("user").first()
    if membership is None:
        return refused_on(request, MEMBER_GONE, members, address=reverse("accounts:members"), status=404)
    return membership


@require_POST
@member_required(Membership.Role.OWNER, of=Membership)
def change_role(request: MemberRequest, pk: int) -> HttpResponse:
    membership = member_or_gone(request, pk)
    if isinstance(membership, HttpResponse):
        return membership
    form = RoleForm(request.POST)
    if not form.is_valid():
        # Whose role it was, as the page lists every member (review 83: "Choose owner, editor or viewer." alone).
        choose = f"Choose owner, editor or viewer for {membership.user.email}; their role is unchanged."
        if twice := given_twice(form, "role"):  # the role sent twice (review 90): said as such
            choose = f"{twice} {choose}"
        return refused_on(request, choose, members, address=reverse("accounts:members"), status=400)
    try:
        ended = services.change_role(membership=membership, role=form.cleaned_data["role"], by=request.user)
    except ValidationError as exc:
        return refused_on(request, exc.messages[0], members, address=reverse("accounts:members"))
    role = Membership.Role(form.cleaned_data["role"]).label
    messages.success(request, f"{membership.user.email} is now {role}. {ended}".strip())
    membership.role = form.cleaned_data["role"]
    if notes := services.role_change_notes(membership):
        messages.warning(request, notes)
    return redirect("accounts:members")


@require_POST
@member_required(Membership.Role.OWNER, of=Membership)
def remove_member(request: MemberRequest, pk: int) -> HttpResponse:
    membership = member_or_gone(request, pk)
    if isinstance(membership, HttpResponse):
        return membership
    if refused := services.removal_refused(membership):
        return refused_on(request, refused, members, address=reverse("accounts:members"))
    ask = unconfirmed(
        request,
        heading=f"Remove {membership.user.email} from {request.organisation.name}?",
        consequence="They lose access to its assessments, recommendations and comments at once; what they answered "
        "and wrote stays. To have them back, invite them again.",
        button=f"Remove {membership.user.email}",
        back=reverse("accounts:members"),
    )
    if ask is not None:
        return ask
    try:
        ended = services.remove_member(membership=membership, by=request.user)
    except ValidationError as exc:
        return refused_on(request, exc.messages[0], members, address=reverse("accounts:members"))
    messages.success(request, f"Removed {membership.user.email}. {ended}".strip())
    return redirect("accounts:members")


@require_http_methods(["GET", "HEAD", "POST"])
@member_required(Membership.Role.OWNER)
def sso_domains(request: MemberRequest) -> HttpResponse:
    """Owners register the email domains whose people sign in here through single sign-on (apps/accounts/sso.py)."""
    form = SsoDomainForm(request.POST or None)
    clash = ""
    if request.method == "POST" and form.is_valid():
        try:
            registration = services.register_sso_domain(
                organisation=request.organisation,
                added_by=request.user,
                drawn=_sso_drawn(request.POST.getlist("sso_drawn")),
                **form.cleaned_data,
            )
        except services.SsoDomainChanged as exc:
            clash = exc.messages[0]
        except ValidationError as exc:
            form.add_error("domain", exc)
        else:
            security_event(request, "sso_domain_saved", domain=registration.domain, required=registration.sso_required)
            messages.success(request, f"Saved {registration.domain} for single sign-on.")
            return redirect("accounts:sso_domains")
    domains = list(SsoDomain.objects.filter(organisation=request.organisation))
    context = {
        "form": form,
        "domains": domains,
        "sso_enabled": settings.SSO_ENABLED,
        "clash": clash,
        # What this page shows of each registered domain, sent back with the form: a page drawn before a colleague
        # required single sign-on no longer switches it off unseen (review 112).
        "sso_drawn": ",".join(f"{d.domain}={int(d.sso_required)}" for d in domains),
    }
    return render(request, "accounts/sso_domains.html", context, status=409 if clash else 400 if form.errors else 200)


def _sso_drawn(values: list[str]) -> dict[str, bool] | None:
    """The registered domains the page showed, each with whether single sign-on was required (``sso_drawn``), or
    None when the form sent none (an older page: what it sends is taken). Sent twice, or unreadable: {} (the page
    showed nothing it could name, so a domain registered now is a change since)."""
    if not values:
        return None
    if len(values) > 1 or len(values[0]) > 20_000:
        return {}
    drawn: dict[str, bool] = {}
    for part in str(values[0]).split(","):
        domain, sep, flag = part.partition("=")
        if sep and flag in ("0", "1") and domain:
            drawn[domain.strip().lower()] = flag == "1"
    return drawn


@require_POST
@member_required(Membership.Role.OWNER, of=SsoDomain)
def remove_sso_domain(request: MemberRequest, pk: int) -> HttpResponse:
    registration = get_for_member(request, SsoDomain, pk=pk)
    ask = unconfirmed(
        request,
        heading=f"Stop single sign-on for {registration.domain}?",
        consequence=f"People at {registration.domain} then sign in with a password, or reset one by email if they "
        "have none; nobody is removed from the organisation.",
        button=f"Stop single sign-on for {registration.domain}",
        back=reverse("accounts:sso_domains"),
    )
    if ask is not None:
        return ask
    services.remove_sso_domain(registration=registration)
    security_event(request, "sso_domain_removed", domain=registration.domain)
    messages.success(request, f"{registration.domain} no longer signs in here through single sign-on.")
    return redirect("accounts:sso_domains")
