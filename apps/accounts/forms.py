from __future__ import annotations

import math
from typing import Any

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils import timezone

from apps.accounts.models import Membership


class LockoutMessageMixin:
    """Say plainly that sign-in is locked (see apps/accounts/throttle.py) instead of "wrong password"."""

    request: Any

    def get_invalid_login_error(self) -> ValidationError:
        until = getattr(self.request, "login_locked_until", None)
        if until is None:
            return super().get_invalid_login_error()  # type: ignore[misc]
        minutes = max(1, math.ceil((until - timezone.now()).total_seconds() / 60))
        return ValidationError(
            "Too many failed sign-ins for this email address from your network, so signing in is paused "
            f"for {minutes} minute{'s' if minutes != 1 else ''}. Try again then, or reset your password by email.",
            code="locked_out",
        )


class EmailAuthenticationForm(LockoutMessageMixin, AuthenticationForm):
    username = forms.EmailField(
        label="Email", widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )

    def clean_username(self) -> str:
        return str(self.cleaned_data["username"]).strip().lower()


class AdminLoginForm(LockoutMessageMixin, AdminAuthenticationForm):
    """The admin's login form, with the same lockout message."""


class AddMemberForm(forms.Form):
    email = forms.EmailField(
        label="Email address", help_text="Someone new gets an email with a link to set their password."
    )
    role = forms.ChoiceField(choices=Membership.Role.choices, initial=Membership.Role.EDITOR)

    def clean_email(self) -> str:
        return str(self.cleaned_data["email"]).strip().lower()


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Membership.Role.choices)


class SwitchOrganisationForm(forms.Form):
    # Bounded: no id is larger (ids are 64-bit), so anything beyond is plainly not an organisation.
    organisation = forms.IntegerField(min_value=1, max_value=2**63 - 1)
