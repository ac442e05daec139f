"""Notification mail, sent by the background worker: one mail per notification, or one daily digest.

Mails carry links only: the kind of thing that happened and where to see it, never its summary,
answers or figures, so a forwarded or intercepted mail tells nothing a sign-in would not.
A notification is marked mailed before its mail is sent and unmarked if sending fails, so a retry
sends it and a second run of the digest does not.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.core.mail import send_mail
from django.db import transaction
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import User
from apps.discussion.models import MailPreference, Notification


def _claim(notifications: list[Notification]) -> list[Notification]:
    ids = [n.pk for n in notifications]
    with transaction.atomic():
        claimed = list(
            Notification.objects.select_for_update(skip_locked=True).filter(pk__in=ids, mailed_at__isnull=True)
        )
        Notification.objects.filter(pk__in=[n.pk for n in claimed]).update(mailed_at=timezone.now())
    return claimed


def _send(user: User, subject: str, template: str, context: Mapping[str, object], claimed: list[Notification]) -> None:
    try:
        send_mail(subject, render_to_string(template, dict(context)), None, [user.email])
    except Exception:
        Notification.objects.filter(pk__in=[n.pk for n in claimed]).update(mailed_at=None)
        raise


@task()
def send_notification_mail(*, notification_id: int, base_url: str) -> bool:
    """The mail for one notification; nothing for one read, mailed or deleted since."""
    found = (
        Notification.objects.select_related("recipient", "organisation", "actor")
        .filter(pk=notification_id, read_at__isnull=True)
        .first()
    )
    claimed = _claim([found]) if found is not None else []
    if not claimed or found is None:
        return False
    context = {
        "kind": found.get_kind_display(),
        # Where and from whom, so a member of several organisations knows what it is before signing in (review 113:
        # "An approval requested." alone); never the title, answers or figures, which stay behind the sign-in.
        "organisation": found.organisation.name,
        "actor": found.actor.email if found.actor is not None else "",
        "link": base_url.rstrip("/") + found.url,
        "preferences": base_url.rstrip("/") + reverse("discussion:preferences"),
    }
    _send(
        found.recipient,
        f"{found.get_kind_display()} on KPO Advisor",
        "discussion/notification_email.txt",
        context,
        claimed,
    )
    return True


@task()
def send_digest(*, user_id: int, base_url: str) -> int:
    """One mail listing the person's unread notifications not mailed yet (every organisation). Returns how many."""
    pref = MailPreference.objects.select_related("user").filter(user_id=user_id, daily_digest=True).first()
    if pref is None:
        return 0
    waiting = list(
        Notification.objects.filter(recipient_id=user_id, read_at__isnull=True, mailed_at__isnull=True)
        .select_related("organisation")
        .order_by("created_at", "pk")
    )
    claimed = _claim(waiting) if waiting else []
    if not claimed:
        return 0
    root = base_url.rstrip("/")
    context = {
        "lines": [(n.get_kind_display(), n.organisation.name, root + n.url) for n in claimed],
        "inbox": root + reverse("discussion:inbox"),
        "preferences": root + reverse("discussion:preferences"),
    }
    subject = f"{len(claimed)} unread notification{'s' if len(claimed) != 1 else ''} on KPO Advisor"
    _send(pref.user, subject, "discussion/digest_email.txt", context, claimed)
    return len(claimed)


@task()
def announce_overdue(*, today: str) -> int:
    """Announce the due-diligence items overdue on ``today`` (ISO date), each once per due date."""
    import datetime

    from apps.discussion.services import announce_overdue_items

    return announce_overdue_items(today=datetime.date.fromisoformat(today))
