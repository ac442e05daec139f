"""Writes that change who belongs to an organisation. Each runs in one transaction.

The last owner of an organisation can be neither demoted nor removed: owner rows are locked
while the count is checked, so two owners demoting each other at once cannot both succeed.
"""

from __future__ import annotations

from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from apps.accounts.models import Membership, Organisation, User


def add_member(
    *, organisation: Organisation, email: str, role: str, invited_by: User, base_url: str
) -> tuple[Membership, bool]:
    """Add the user with ``email`` (creating and inviting them if new). Returns (membership, invited)."""
    email = email.strip().lower()
    with transaction.atomic():
        user, created = User.objects.get_or_create(email=email, defaults={"is_active": True})
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        if Membership.objects.filter(organisation=organisation, user=user).exists():
            raise ValidationError(f"{email} is already a member of {organisation}.")
        membership = Membership.objects.create(organisation=organisation, user=user, role=role)
        if created:
            transaction.on_commit(lambda: _send_invitation(user, organisation, invited_by, base_url))
    return membership, created


def _send_invitation(user: User, organisation: Organisation, invited_by: User, base_url: str) -> None:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    link = base_url + reverse("accounts:password_reset_confirm", kwargs={"uidb64": uid, "token": token})
    body = render_to_string(
        "accounts/invitation_email.txt", {"organisation": organisation, "invited_by": invited_by, "link": link}
    )
    send_mail(f"You're invited to {organisation} on KPO Advisor", body, None, [user.email])


def _ensure_another_owner(membership: Membership) -> None:
    owners = list(Membership.objects.select_for_update().owners().filter(organisation_id=membership.organisation_id))
    if membership.role == Membership.Role.OWNER and len(owners) <= 1:
        raise ValidationError("An organisation needs at least one owner: make someone else an owner first.")


def change_role(*, membership: Membership, role: str) -> Membership:
    if role not in Membership.Role.values:
        raise ValidationError("Choose owner, editor or viewer.")
    with transaction.atomic():
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        if role != Membership.Role.OWNER:
            _ensure_another_owner(membership)
        membership.role = role
        membership.save(update_fields=["role"])
    return membership


def remove_member(*, membership: Membership) -> None:
    with transaction.atomic():
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        _ensure_another_owner(membership)
        membership.delete()
