"""Mail sent by the background worker: invitations and password resets.

Each task reads what it needs by id when it runs, so a mail reflects the database after the commit
that asked for it. A mail is sent at least once: a worker that dies between the SMTP server's
acceptance and recording success sends it again on retry, which for these mails (a link, a notice)
is harmless, while a lost one is not.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from apps.accounts.models import Invitation, User
from apps.tasks.queue import URGENT

PASSWORD_RESET_TEMPLATE = "registration/password_reset_email.html"


@task(priority=URGENT)
def send_invitation_mail(*, invitation_id: int, base_url: str) -> bool:
    """The invitation's one email: the set-password mail for someone without a password yet, or a
    notice for an existing account. Nothing is sent for an invitation answered or withdrawn since."""
    invitation = Invitation.objects.select_related("organisation", "invited_by").filter(pk=invitation_id).first()
    user = User.objects.filter(email=invitation.email).first() if invitation is not None else None
    if invitation is None or user is None or not invitation.is_open:
        return False
    return _invitation_mail(invitation, user, base_url)


def _invitation_mail(invitation: Invitation, user: User, base_url: str) -> bool:
    if user.has_usable_password():
        # Only a link: whoever reads this mailbox learns nothing they could not see by signing in.
        body = render_to_string(
            "accounts/invitation_notice_email.txt", {"link": base_url + reverse("accounts:invitations")}
        )
        send_mail("You have an invitation on KPO Advisor", body, None, [user.email])
        return True
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    link = base_url + reverse("accounts:password_reset_confirm", kwargs={"uidb64": uid, "token": token})
    context = {
        "organisation": invitation.organisation,
        "invited_by": invitation.invited_by,
        "role": invitation.get_role_display().lower(),
        "link": link,
        "link_days": max(1, round(settings.PASSWORD_RESET_TIMEOUT / 86400)),
        "invitation_days": settings.INVITATION_DAYS,
        "new_link": base_url + reverse("accounts:password_reset"),
    }
    body = render_to_string("accounts/invitation_email.txt", context)
    send_mail(f"You're invited to {invitation.organisation} on KPO Advisor", body, None, [user.email])
    return True


@task(priority=URGENT)
def send_password_reset_mail(*, email: str, domain: str, use_https: bool, base_url: str = "") -> None:
    """Django's password-reset mail to every active account with a usable password at ``email``
    (none: nothing is sent). The lookup happens here, in the worker, so the request that asked does
    the same work whether or not the address has an account."""
    form = PasswordResetForm({"email": email})
    if form.is_valid():
        # ``base_url``: SITE_URL whole, its path included (review 75: a site served under /kpo lost it from the link).
        form.save(
            domain_override=domain,
            use_https=use_https,
            email_template_name=PASSWORD_RESET_TEMPLATE,
            extra_email_context={"base_url": base_url.rstrip("/")},
        )
    # Someone invited who has not set a password yet, whose set-password link has expired (it lasts
    # PASSWORD_RESET_TIMEOUT, the invitation INVITATION_DAYS): the invitation's mail again, with a fresh link
    # (review 76: they had been told a link was sent, and nothing was).
    # One query whatever the address (the invitation first), as the form's own lookup is one.
    invitations = Invitation.objects.live().for_email(email).select_related("organisation", "invited_by")
    latest = invitations.order_by("-created_at").first()
    if latest is None:
        return
    for user in User.objects.filter(email__iexact=latest.email, is_active=True):
        if not user.has_usable_password():
            _invitation_mail(latest, user, base_url.rstrip("/") or f"{'https' if use_https else 'http'}://{domain}")
