from __future__ import annotations

import time
from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm, SetPasswordForm
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from apps.accounts import services, throttle
from apps.accounts.forms import AddMemberForm, EmailAuthenticationForm, RoleForm, SwitchOrganisationForm
from apps.accounts.models import Membership
from apps.accounts.scoping import SESSION_KEY, get_for_member, member_required
from apps.accounts.security import SESSION_LOGIN_AT, security_event


class LoginView(auth_views.LoginView):
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        # The absolute session lifetime counts from here (kpo_advisor.middleware.SessionLifetimeMiddleware).
        self.request.session[SESSION_LOGIN_AT] = int(time.time())
        security_event(self.request, "login_succeeded")
        return response


class LogoutView(auth_views.LogoutView):
    """Ends the session on the server: its row is deleted, not just the cookie."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated:
            security_event(request, "logout")
        return super().post(request, *args, **kwargs)


class PasswordChangeView(auth_views.PasswordChangeView):
    success_url = reverse_lazy("accounts:password_change_done")


class PasswordResetView(auth_views.PasswordResetView):
    success_url = reverse_lazy("accounts:password_reset_done")
    email_template_name = "registration/password_reset_email.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form: SetPasswordForm) -> HttpResponse:
        # Whoever completes a reset controls the mailbox: lift any sign-in lock on the address.
        throttle.clear_email(email=form.user.email)
        return super().form_valid(form)


@require_POST
@login_required
def switch_organisation(request: HttpRequest) -> HttpResponse:
    form = SwitchOrganisationForm(request.POST)
    if not form.is_valid():
        raise Http404("No such organisation.")
    membership = get_object_or_404(
        Membership.objects.for_user(request.user), organisation_id=form.cleaned_data["organisation"]
    )
    request.session[SESSION_KEY] = membership.organisation_id
    messages.success(request, f"You are now working in {membership.organisation}.")
    # Only a path on this site; anything else (another host, a URL name, junk) goes home.
    next_url = request.POST.get("next", "")
    safe = next_url.startswith("/") and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return HttpResponseRedirect(next_url if safe else reverse("home"))


@require_http_methods(["GET", "POST"])
@member_required()
def members(request: HttpRequest) -> HttpResponse:
    form = AddMemberForm()
    if request.method == "POST":
        if not request.membership.is_owner:  # type: ignore[attr-defined]
            return render(request, "403.html", {"reason": "Only owners can add members."}, status=403)
        form = AddMemberForm(request.POST)
        if form.is_valid():
            try:
                membership, invited = services.add_member(
                    organisation=request.organisation,  # type: ignore[attr-defined]
                    email=form.cleaned_data["email"],
                    role=form.cleaned_data["role"],
                    invited_by=request.user,  # type: ignore[arg-type]
                    base_url=request.build_absolute_uri("/")[:-1],
                )
            except ValidationError as exc:
                form.add_error("email", exc)
            else:
                verb = "Invited" if invited else "Added"
                messages.success(request, f"{verb} {membership.user.email} as {membership.get_role_display()}.")
                return redirect("accounts:members")
    team = Membership.objects.filter(organisation=request.organisation).select_related("user")  # type: ignore[attr-defined]
    status = 400 if form.errors else 200
    return render(
        request, "accounts/members.html", {"team": team, "form": form, "roles": Membership.Role.choices}, status=status
    )


@require_POST
@member_required(Membership.Role.OWNER)
def change_role(request: HttpRequest, pk: int) -> HttpResponse:
    membership = get_for_member(request, Membership, pk=pk)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose owner, editor or viewer.")
        return redirect("accounts:members")
    try:
        services.change_role(membership=membership, role=form.cleaned_data["role"])
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return redirect("accounts:members")
    messages.success(request, f"{membership.user.email} is now {Membership.Role(form.cleaned_data['role']).label}.")
    return redirect("accounts:members")


@require_POST
@member_required(Membership.Role.OWNER)
def remove_member(request: HttpRequest, pk: int) -> HttpResponse:
    membership = get_for_member(request, Membership, pk=pk)
    try:
        services.remove_member(membership=membership)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return redirect("accounts:members")
    messages.success(request, f"Removed {membership.user.email}.")
    return redirect("accounts:members")
