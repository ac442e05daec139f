"""The team's events (apps/common/events.py) become inbox rows, mails queued for the worker, and timeline lines.

Events arrive after their transaction committed, so these run outside any request transaction; each
writes its rows in one statement and only queues mail (the worker sends it).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction

from apps.common import events
from apps.common.durability import wait_for_disk
from apps.discussion import services, tasks
from apps.discussion.models import NOTIFIED_KINDS, Kind


def notify(
    sender: Any, *, kind: str, organisation: Any, actor: Any, recipients: Any, url: str, summary: str, **_: Any
) -> None:
    if not recipients:  # most events (a recommendation stored) notify no one: no transaction to open
        return
    with transaction.atomic():
        wait_for_disk()  # an inbox row is never lost to a crash, whatever transaction it shares
        created = services.record_notifications(
            kind=kind, organisation=organisation, actor=actor, recipients=recipients, url=url, summary=summary
        )
        for notification in services.mailed_now(created) if created else []:
            tasks.send_notification_mail.enqueue(notification_id=notification.pk, base_url=settings.SITE_URL)


def record_activity(
    sender: Any,
    *,
    kind: str,
    organisation: Any,
    actor: Any,
    target: Any,
    url: str,
    summary: str,
    answers: int | None = None,
    line_written: bool = False,
    **_: Any,
) -> None:
    if line_written:  # an autosave's line, written in the save's own statement (sitting.py)
        return
    services.record_activity(
        kind=kind, organisation=organisation, actor=actor, target=target, url=url, summary=summary, answers=answers
    )


def settle_notices(
    sender: Any, *, kind: str, organisation: Any, actor: Any, target: Any, url: str, closed: bool = False, **_: Any
) -> None:
    """Notices that asked for something the event has done are marked read: an approver's request for approval once
    they decided it, and every approver's once the sign-off is complete (``closed``: review 78); on a recommendation
    stored, the assessment's notices to answer, give a second opinion or settle a difference (its draft can no longer
    change)."""
    if kind == events.KINDS[events.decision_made] and actor is not None:
        services.mark_done(
            organisation=organisation, kinds=[Kind.APPROVAL_REQUESTED], urls=[url], recipient=None if closed else actor
        )
    elif kind == events.KINDS[events.recommendation_stored]:
        assessment = getattr(target, "assessment_id", None)
        if assessment is not None:
            services.mark_done(
                organisation=organisation,
                kinds=[Kind.SECTION_ASSIGNED, Kind.SECOND_OPINION_REQUESTED, Kind.DIVERGENCE_TO_SETTLE],
                under=[f"/assessments/{assessment}/", f"/team/assessments/{assessment}/"],
            )


def settle_withdrawn(
    sender: Any,
    *,
    organisation: Any,
    kinds: list[str] | None,
    urls: tuple[str, ...],
    under: tuple[str, ...],
    recipient: Any,
    **_: Any,
) -> None:
    """What was asked no longer is (a second opinion withdrawn, a section given to someone else, a draft deleted):
    the notices that asked are marked read."""
    services.mark_done(organisation=organisation, kinds=kinds, urls=urls, under=under, recipient=recipient)


def connect() -> None:
    events.withdrawn.connect(settle_withdrawn, dispatch_uid="discussion.settle.withdrawn")
    events.decision_made.connect(settle_notices, dispatch_uid="discussion.settle.decision_made")
    events.recommendation_stored.connect(settle_notices, dispatch_uid="discussion.settle.recommendation_stored")
    for signal, kind in events.KINDS.items():
        signal.connect(record_activity, dispatch_uid=f"discussion.activity.{kind}")
        if kind in NOTIFIED_KINDS:
            signal.connect(notify, dispatch_uid=f"discussion.notify.{kind}")
