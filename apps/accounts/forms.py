from __future__ import annotations

import logging
import math
import re
from typing import Any

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm, SetPasswordForm
from django.core.exceptions import ValidationError
from django.utils import timezone

from apps.accounts import throttle
from apps.accounts.models import EMAIL_LENGTH, HOSTNAME, Membership, plain_email
from apps.accounts.security import client_ip, security_event
from apps.common.hostile import OneValueEach

_HOSTNAME = re.compile(HOSTNAME)  # the database's check on SsoDomain.domain


class LockoutMessageMixin(AuthenticationForm):
    """Say plainly that sign-in is locked (see apps/accounts/throttle.py) instead of "wrong password"."""

    def get_invalid_login_error(self) -> ValidationError:
        if getattr(self.request, "login_needs_sso", False):
            return ValidationError(
                "Your organisation signs in with single sign-on for this email address: use the single sign-on "
                "button below instead of a password.",
                code="sso_required",
            )
        until = getattr(self.request, "login_locked_until", None)
        if until is None:
            return super().get_invalid_login_error()
        if getattr(self.request, "login_locked_network", False):
            return ValidationError(
                "Too many failed sign-ins from your network, so signing in from it is paused "
                f"for {_paused_for(until)}. Try again then, or reset your password by email.",
                code="locked_out",
            )
        return ValidationError(
            "Too many failed sign-ins for this email address from your network, so signing in is paused "
            f"for {_paused_for(until)}. Try again then, or reset your password by email.",
            code="locked_out",
        )


def _paused_for(until: Any) -> str:
    minutes = max(1, math.ceil((until - timezone.now()).total_seconds() / 60))
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


class StrengthFirstMixin:
    """A new password's strength is checked on the box it is chosen in, whatever the confirming box holds. Django
    checks it on the second box, which a mismatch has already emptied, so "too short" came only once the two
    matched: a buyer fixed the mismatch, then was told the password was too short (review 58)."""

    def clean(self) -> dict[str, Any] | None:
        # Mixed before Django's SetPasswordForm, whose two checks it runs in this order; mypy sees neither.
        self.validate_passwords("new_password1", "new_password2")  # type: ignore[attr-defined]  # see above
        self.validate_password_for_user(self.user, "new_password1")  # type: ignore[attr-defined]  # see above
        return forms.Form.clean(self)  # type: ignore[arg-type]  # see above


# What makes a new password the checks take, said once, as the box's help: it replaces Django's list of the
# validators' own help, and a refusal shows only the checks that failed beside it (review 154: the 10 characters were
# said three times, by that list, the error and this sentence added to the error). Django's messages say what is
# wrong ("This password is too common."); this says what to do (review 76).
PASSWORD_HELP = (
    "At least 10 characters and 5 different ones, not only digits, not like your email address, not a common "
    "password (even with digits or signs added), not a repeated pattern or a run such as abcd or 1234, and not the "
    "product's name. A few unrelated words make one that is long and hard to guess."
)


class StrengthFirstSetPasswordForm(StrengthFirstMixin, SetPasswordForm):
    """The form a reset link's page sets the password with, its boxes named as the page labels them (review 76: the
    error summary said "New password confirmation" for the box labelled "Confirm new password")."""

    error_messages = {
        **SetPasswordForm.error_messages,
        "password_mismatch": "The two new passwords are not the same: type the new one again in both boxes.",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        plain = {
            "new_password1": ("New password", "Choose a new password."),
            "new_password2": ("Confirm new password", "Type the new password again."),
        }
        for name, (label, required) in plain.items():
            self.fields[name].label = label
            self.fields[name].error_messages["required"] = required
        self.fields["new_password1"].help_text = PASSWORD_HELP


class ThrottledPasswordChangeForm(StrengthFirstMixin, PasswordChangeForm):
    """The change-password form, with the current password counted by the sign-in throttle.

    A stolen session must not become a way to guess the password: wrong current passwords count
    towards the same (email, client address) lock as wrong sign-ins, and while the pair is locked
    the password is not even checked. The view answers 429 while ``request.login_locked_until`` is set
    (kpo_advisor.middleware.SecurityEventsMiddleware adds Retry-After).
    """

    error_messages = {
        **PasswordChangeForm.error_messages,
        "password_mismatch": "The two new passwords are not the same: type the new one again in both boxes.",
        "password_incorrect": "That is not your current password: type it again.",
    }

    def __init__(self, user: Any, *args: Any, request: Any, **kwargs: Any) -> None:
        self.request = request
        super().__init__(user, *args, **kwargs)
        plain = {
            "old_password": ("Current password", "Enter your current password."),
            "new_password1": ("New password", "Choose a new password."),
            "new_password2": ("Confirm new password", "Type the new password again."),
        }
        for name, (label, required) in plain.items():
            self.fields[name].label = label
            self.fields[name].error_messages["required"] = required
        self.fields["new_password1"].help_text = PASSWORD_HELP
        if self.is_bound:  # a form sent back opens on its error summary, which takes the focus (one autofocus)
            self.fields["old_password"].widget.attrs.pop("autofocus", None)

    def clean_old_password(self) -> str:
        email, ip = self.user.email, client_ip(self.request)
        until = throttle.locked_until(email=email, ip=ip)
        if until is None:
            try:
                return str(super().clean_old_password())
            except ValidationError:
                failures, until = throttle.record_failure(email=email, ip=ip)
                security_event(self.request, "password_change_failed", level=logging.WARNING, failures=failures)
                if until is None:
                    raise
                security_event(
                    self.request, "login_locked", level=logging.WARNING, email=email, until=until.isoformat()
                )
        else:
            security_event(self.request, "password_change_refused_locked", level=logging.WARNING)
        self.request.login_locked_until = until
        raise ValidationError(
            f"Too many wrong passwords, so changing it is paused for {_paused_for(until)}. Try again then, "
            "or sign out and reset your password by email.",
            code="locked_out",
        )


class EmailAuthenticationForm(LockoutMessageMixin, AuthenticationForm):
    # Plain words, and no "may be case-sensitive": the email is not (review 71).
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "That email and password do not match. Check them and try again, or reset your password by "
        "email.",
    }
    username = forms.EmailField(
        label="Email", widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )

    def clean_username(self) -> str:
        return str(self.cleaned_data["username"]).strip().lower()


class AdminLoginForm(LockoutMessageMixin, AdminAuthenticationForm):
    """The admin's login form, with the same lockout message."""


class AddMemberForm(OneValueEach):
    email = forms.EmailField(
        label="Email address",
        max_length=EMAIL_LENGTH,
        help_text="They get an email and join when they accept; someone new first sets a password.",
        error_messages={
            "required": "Enter the email address of the person to invite.",
            "invalid": "Enter an email address like name@example.com.",
            "max_length": f"An email address has at most {EMAIL_LENGTH} characters.",
        },
    )
    role = forms.ChoiceField(
        choices=Membership.Role.choices,
        initial=Membership.Role.EDITOR,
        error_messages={
            "required": "Choose owner, editor or viewer.",
            "invalid_choice": "Choose owner, editor or viewer.",
        },
    )

    def clean_email(self) -> str:
        # The rule single sign-on's addresses follow: no quoted local part, no IP address for a domain, nothing
        # that passes for another address. Such an address would get an account and a mail (review 35).
        email = plain_email(str(self.cleaned_data["email"]))
        if email is None:
            raise ValidationError("Enter a plain email address like name@example.com, with a domain name after the @.")
        return email


class RoleForm(OneValueEach):
    role = forms.ChoiceField(choices=Membership.Role.choices)


class SwitchOrganisationForm(OneValueEach):
    # Bounded: no id is larger (ids are 64-bit), so anything beyond is plainly not an organisation.
    organisation = forms.IntegerField(min_value=1, max_value=2**63 - 1)


class AcceptInvitationForm(OneValueEach):
    # Unticked, joining leaves the current organisation as it is: the person chooses where to work.
    switch = forms.BooleanField(required=False)


class SsoDomainForm(OneValueEach):
    domain = forms.CharField(max_length=253, help_text="The part of your colleagues' email addresses after the @.")
    sso_required = forms.BooleanField(required=False, label="Require single sign-on for this domain")

    def clean_domain(self) -> str:
        domain = str(self.cleaned_data["domain"]).strip().lower().removeprefix("@")
        if not _HOSTNAME.fullmatch(domain):
            raise ValidationError("Enter a domain such as example.com.")
        return domain


# The sign-in and password boxes as their pages label them, for a refusal that knows no form (the control-character
# 400: review 180 read "The form field “new_password1”"); what was typed in them is never repeated.
AUTH_LABELS = {
    "username": "Email",
    "email": "Email address",
    "password": "Password",
    "old_password": "Current password",
    "new_password1": "New password",
    "new_password2": "Confirm new password",
}


def auth_field_words(name: str, values: list[str]) -> tuple[str, str] | None:
    """``hostile.FIELD_NAMERS``: a sign-in or password box by its label, its value left out."""
    label = AUTH_LABELS.get(name)
    return (label, "") if label is not None else None
