"""Writes of comments, notifications, preferences and activity, each in one transaction.

Comments announce ``comment_posted`` and ``mentioned`` (apps/common/events.py) after they commit;
the receivers in ``receivers.py`` turn every event into inbox rows and timeline lines.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import Membership, Organisation, User
from apps.accounts.scoping import update_pinned
from apps.common import events
from apps.common.durability import without_waiting_for_disk
from apps.common.formatting import listed
from apps.common.key_share import held
from apps.discussion import sitting
from apps.discussion.mentions import find_mentions
from apps.discussion.models import (
    COMMENT_MAX,
    NOTIFIED_KINDS,
    Activity,
    Comment,
    Kind,
    MailPreference,
    Notification,
    OverdueNotice,
)
from apps.questionnaire.extensions import Joined
from apps.questionnaire.models import Assessment
from apps.recommendations.models import Recommendation
from apps.vendors.models import DiligenceItem

ONLY_AUTHOR = "Only its author can change or delete a comment."


class CommentError(ValidationError):
    """A refused comment, with the message to show beside the text box."""


class CommentsTooFast(CommentError):
    """Refused: the author has posted ``COMMENTS_PER_HOUR`` comments in the last hour (a 429), with the seconds until
    the earliest of them is an hour old (``retry_after``)."""

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


# Comments


def comment_url(comment: Comment) -> str:
    """Where a comment is read: its question's thread, or the result page's comments."""
    if comment.assessment_id is not None:
        path = reverse("discussion:question", args=[comment.assessment_id, comment.question_code])
    else:
        path = reverse("recommendations:detail", args=[comment.recommendation_id]) + "#comments"
    return f"{path.split('#')[0]}#comment-{comment.pk}"


def _subject_title(comment: Comment) -> str:
    subject = comment.assessment if comment.assessment_id is not None else comment.recommendation
    return str(getattr(subject, "title", ""))


def _clean_body(body: str) -> str:
    text = body.strip()
    if not text:
        raise CommentError("Write something first: an empty comment is not posted.")
    if len(text) > COMMENT_MAX:
        raise CommentError(f"Keep a comment to {COMMENT_MAX:,} characters or fewer (this one has {len(text):,}).")
    return text


def _mentioned(organisation: Organisation, text: str) -> list[User]:
    members = User.objects.filter(memberships__organisation=organisation)
    found = find_mentions(text, members)
    if found.unknown:
        names = ", ".join(f"@{name}" for name in found.unknown)
        raise CommentError(
            f"Only members of {organisation} can be mentioned; nobody there is {names}. "
            "Mention a member by @ and their email address or name."
        )
    return list(found.users)


# Advisory lock namespace for one author's comment posts (see apps/tasks/queue.py for the others in use).
COMMENT_LOCK = 7_202_631
# How long an identical comment by the same author in the same place counts as the same post sent twice.
REPEAT_WINDOW = datetime.timedelta(minutes=2)


@transaction.atomic
def post_comment(
    *,
    organisation: Organisation,
    author: User,
    body: str,
    assessment: Assessment | None = None,
    question_code: str = "",
    recommendation: Recommendation | None = None,
    parent: Comment | None = None,
) -> Comment:
    """A comment on a question of ``assessment`` or on ``recommendation``'s result, or a reply (``parent``).

    Callers pass objects already fetched in ``organisation``; the parent must be on the same thing."""
    text = _clean_body(body)
    subject = assessment if assessment is not None else recommendation
    if subject is None or subject.organisation_id != organisation.pk:
        raise ValueError("a comment is on an assessment's question or a recommendation of its organisation")
    if parent is not None:
        same = (
            parent.assessment_id == getattr(assessment, "pk", None)
            and parent.recommendation_id == getattr(recommendation, "pk", None)
            and parent.question_code == question_code
        )
        if not same:
            raise CommentError("That comment is not in this thread: reply to it where it was posted.")
        if parent.is_deleted:
            raise CommentError("That comment was deleted, so it can no longer be replied to.")
    if assessment is not None and not held(
        Assessment.objects.filter(organisation_id=organisation.pk, pk=assessment.pk)
    ):
        # Deleted since the page read it: the comment's key would fail at commit (review 116: a 500, the words lost).
        # The draft's pages answer this 404 with the 410 that names who deleted it and gives back what was sent.
        raise Http404("This draft was deleted while the comment was being posted.")
    mentioned = _mentioned(organisation, text)
    # A double click (or a resent form without JavaScript) posts the same words twice: the second lands on the
    # first. The author's lock makes two requests at the same moment take turns, so the second sees the first.
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [COMMENT_LOCK, author.pk])
    same_place = Q(assessment=assessment, question_code=question_code if assessment is not None else "")
    if assessment is None:
        same_place = Q(recommendation=recommendation)
    repeat = (
        Comment.objects.filter(same_place, organisation=organisation, author=author, parent=parent, body=text)
        .filter(deleted_at__isnull=True)
        .filter(created_at__gte=timezone.now() - REPEAT_WINDOW)
        .first()
    )
    if repeat is not None:
        return repeat
    # Each comment mails those it mentions and the author replied to, through the one background worker: a script
    # in a member's session had posted 60 in 5 s and queued 1,200 mails ahead of everyone's (review 55). Counted
    # under the author's lock, so requests at once cannot all pass the last place.
    limit = settings.COMMENTS_PER_HOUR
    since = timezone.now() - datetime.timedelta(hours=1)
    recent = Comment.objects.filter(organisation=organisation, author=author, created_at__gte=since)
    if limit and recent.count() >= limit:
        # A place frees when the earliest of the hour's comments is an hour old (review 103: no Retry-After, no time).
        earliest = recent.order_by("created_at").values_list("created_at", flat=True).first() or since
        wait = max(1, math.ceil((earliest - since).total_seconds()))
        minutes = math.ceil(wait / 60)
        raise CommentsTooFast(
            f"Not posted: you have posted {limit} comments in the last hour, the most an hour allows. Try again in "
            f"{'about a minute' if minutes == 1 else f'about {minutes} minutes'}; your comment is kept here.",
            retry_after=wait,
        )
    comment = Comment.objects.create(
        organisation=organisation,
        assessment=assessment,
        recommendation=recommendation,
        question_code=question_code if assessment is not None else "",
        parent=parent,
        author=author,
        body=text,
    )
    comment.mentions.set(mentioned)
    url = comment_url(comment)
    title = _subject_title(comment)
    replied_to = [parent.author] if parent is not None and parent.author is not None else []
    events.announce(
        events.comment_posted,
        sender=Comment,
        organisation=organisation,
        actor=author,
        recipients=replied_to,
        target=comment,
        url=url,
        summary=f"{author} commented on “{title}”",
    )
    _announce_mentions(comment, [u for u in mentioned if u.pk != author.pk], url, title)
    return comment


def _announce_mentions(comment: Comment, users: Sequence[User], url: str, title: str) -> None:
    if users:
        events.announce(
            events.mentioned,
            sender=Comment,
            organisation=comment.organisation,
            actor=comment.author,
            recipients=list(users),
            target=comment,
            url=url,
            summary=f"{comment.author} mentioned {_whom(users)} in a comment on “{title}”",
        )


def _whom(users: Sequence[User]) -> str:
    """Who a comment mentions, named in the line every member reads (review 91: "mentioned you" read as each
    reader): up to three by name, more as a count."""
    return listed([str(u) for u in users]) if len(users) <= 3 else f"{len(users)} members"


def _authored(comment: Comment, user: User) -> Comment:
    locked = (
        Comment.objects.select_for_update()
        .select_related("organisation")
        .get(organisation_id=comment.organisation_id, pk=comment.pk)
    )
    if locked.author_id != user.pk:
        raise PermissionDenied(ONLY_AUTHOR)
    if locked.is_deleted:
        raise CommentError("This comment was deleted.")
    return locked


@transaction.atomic
def edit_comment(*, comment: Comment, user: User, body: str) -> Comment:
    """Change the text of one's own comment; people newly mentioned in it are told, the others not again."""
    comment = _authored(comment, user)
    text = _clean_body(body)
    mentioned = _mentioned(comment.organisation, text)
    before = set(comment.mentions.values_list("pk", flat=True))
    update_pinned(comment, body=text, edited_at=timezone.now())
    comment.mentions.set(mentioned)
    new = [u for u in mentioned if u.pk not in before and u.pk != user.pk]
    url = comment_url(comment)
    if new:
        # Told once per comment: taking a mention out in one edit and back in the next had mailed everyone again, and
        # edits do not count towards COMMENTS_PER_HOUR (review 57: 220 mails from one comment and 20 edits).
        told = set(
            Notification.objects.filter(
                organisation_id=comment.organisation_id, recipient__in=new, kind=Kind.MENTIONED, url=url
            ).values_list("recipient_id", flat=True)
        )
        new = [u for u in new if u.pk not in told]
    # The comment was fetched without its subject: read the title for the message only when someone is told.
    _announce_mentions(comment, new, url, _subject_title(comment) if new else "")
    return comment


@transaction.atomic
def delete_comment(*, comment: Comment, user: User) -> Comment:
    """Delete one's own comment. The row stays, without its text, so the replies keep their thread."""
    comment = _authored(comment, user)
    update_pinned(comment, body="", deleted_at=timezone.now())
    comment.mentions.clear()
    return comment


def thread(comments: Iterable[Comment]) -> list[tuple[Comment, int]]:
    """Comments in reading order: each followed by its replies (depth-first, oldest first), with its depth.

    Walked with a stack, not by recursion: a chain of replies to replies is as long as its members make it, and
    review 60's chain of 950 broke Python's recursion limit, so the result page answered 500 for everyone."""
    children: dict[int | None, list[Comment]] = {}
    for c in comments:
        children.setdefault(c.parent_id, []).append(c)
    ordered: list[tuple[Comment, int]] = []
    stack: list[tuple[Comment, int]] = [(c, 0) for c in reversed(children.get(None, []))]
    while stack:
        comment, depth = stack.pop()
        ordered.append((comment, depth))
        stack.extend((reply, depth + 1) for reply in reversed(children.get(comment.pk, [])))
    return ordered


# Notifications


def record_notifications(
    *, kind: str, organisation: Organisation, actor: User | None, recipients: Iterable[User], url: str, summary: str
) -> list[Notification]:
    """One inbox row per recipient who is a member of ``organisation`` (never the actor: they know)."""
    wanted = {u.pk for u in recipients if u is not None} - ({actor.pk} if actor is not None else set())
    if kind not in NOTIFIED_KINDS or not wanted:
        return []
    members = Membership.objects.filter(organisation=organisation, user_id__in=wanted).values_list("user_id", flat=True)
    rows = [
        Notification(
            organisation=organisation,
            recipient_id=user_id,
            actor=actor,
            kind=kind,
            summary=summary[: events.SUMMARY_LENGTH],
            url=url,
        )
        for user_id in sorted(members)
    ]
    return Notification.objects.bulk_create(rows)


def mailed_now(notifications: Sequence[Notification]) -> list[Notification]:
    """Those of ``notifications`` whose recipients want this kind by email at once (not in a digest)."""
    prefs = {p.user_id: p for p in MailPreference.objects.filter(user_id__in={n.recipient_id for n in notifications})}
    chosen = []
    for n in notifications:
        pref = prefs.get(n.recipient_id)
        kinds = pref.kinds if pref is not None else MailPreference.DEFAULT_KINDS
        if n.kind in kinds and not (pref is not None and pref.daily_digest):
            chosen.append(n)
    return chosen


def mark_read(*, notification: Notification) -> None:
    Notification.objects.filter(
        organisation_id=notification.organisation_id, pk=notification.pk, read_at__isnull=True
    ).update(read_at=timezone.now())


def mark_done(
    *,
    organisation: Organisation | int,
    kinds: Iterable[str] | None,
    urls: Iterable[str] = (),
    under: Iterable[str] = (),
    recipient: User | int | None = None,
) -> int:
    """Mark read the unread notices of ``kinds`` that asked for something now done: those linking to one of ``urls``
    or to a page under one of the paths ``under``, of ``recipient`` alone when given (review 76: an approval asked
    for, decided, and a difference to settle, submitted, stayed unread in the inbox). ``kinds`` None: every kind."""
    where = Q()
    for url in urls:
        where |= Q(url=url)
    for path in under:
        where |= Q(url__startswith=path)
    if not where:
        return 0
    found = Notification.objects.filter(where, organisation_id=getattr(organisation, "pk", organisation), read_at=None)
    if kinds is not None:
        found = found.filter(kind__in=list(kinds))
    if recipient is not None:
        found = found.filter(recipient_id=getattr(recipient, "pk", recipient))
    return found.update(read_at=timezone.now())


def mark_all_read(*, user: User, organisation: Organisation) -> int:
    return Notification.objects.for_member(user, organisation).unread().update(read_at=timezone.now())


def preferences_for(user: User) -> MailPreference:
    """The person's mail preferences (the defaults, unsaved, until they change them)."""
    return MailPreference.objects.filter(user=user).first() or MailPreference(user=user)


def save_preferences(*, user: User, kinds: Iterable[str], daily_digest: bool) -> MailPreference:
    chosen = [k for k in NOTIFIED_KINDS if k in set(kinds)]
    pref, _ = MailPreference.objects.update_or_create(
        user=user, defaults={"kinds": chosen, "daily_digest": daily_digest}
    )
    return pref


# Activity


def _subjects(target: Any) -> tuple[Assessment | None, Recommendation | None]:
    """The assessment and recommendation an event's target belongs to (a diligence item's is its shortlist's)."""
    if isinstance(target, Assessment):
        return target, None
    if isinstance(target, Recommendation):
        return None, target
    if isinstance(target, DiligenceItem):
        return None, target.entry.shortlist.recommendation
    for name in ("recommendation", "assessment", "shortlist", "entry"):
        found = getattr(target, name, None) if target is not None else None
        if found is not None:
            return _subjects(found)
    return None, None


# Answers one person saves in one sitting are one timeline line: a save within this long of their last,
# with nothing else on the assessment's timeline in between, adds its count to that line.
ANSWERS_SITTING = datetime.timedelta(minutes=30)


def record_activity(
    *,
    kind: str,
    organisation: Organisation,
    actor: User | None,
    target: Any,
    url: str,
    summary: str,
    answers: int | None = None,
) -> Activity | None:
    """A timeline line for the assessment or recommendation the event is about (none when it is about neither).

    ``answers``: an ``answers_changed`` save's count (None when it replaced a colleague's answers). Every
    autosave is such an event, so a questionnaire answered in one sitting would fill the timeline with "changed
    1 answer" lines: a save is added to its author's line of the last ``ANSWERS_SITTING`` when that line is
    the assessment's latest, which then reads "changed 14 answers" at the time of the last save."""
    assessment, recommendation = _subjects(target)
    if assessment is None and recommendation is None:
        return None
    if assessment is not None and actor is not None and answers and kind == Kind.ANSWERS_CHANGED:
        # Every autosave comes here: one statement, committing without waiting for the disk (sitting.py); the
        # locked path below only when that statement leaves the decision to it.
        now = timezone.now()
        line = sitting.save_answers_line(
            assessment=assessment,
            actor=actor,
            answers=answers,
            summary=summary,
            url=url,
            now=now,
            since=now - ANSWERS_SITTING,
        )
        if line is not None:
            return line
    # A timeline line, written after the event's own commit: not worth a wait for the disk (common/durability.py).
    with without_waiting_for_disk():
        if kind == Kind.ANSWERS_CHANGED and answers and actor is not None and assessment is not None:
            gathered = _gather_answers(organisation, assessment, actor, answers, url)
            if gathered is not None:
                return gathered
        return Activity.objects.create(
            organisation=organisation,
            assessment=assessment,
            recommendation=recommendation,
            actor=actor,
            kind=kind,
            summary=summary[: events.SUMMARY_LENGTH],
            url=url[:500],
        )


class AnswersTimeline:
    """An autosave's line written by the save's own statement (``questionnaire.extensions.Timeline``): the line
    ``record_activity`` would write for its event, gathered into the author's line of the sitting as there."""

    def answers_line(
        self, *, assessment: Assessment, actor: User, answers: int, summary: str, url: str, now: datetime.datetime
    ) -> Joined | None:
        return sitting.answers_line_in_save(
            assessment=assessment,
            actor=actor,
            answers=answers,
            summary=summary,
            url=url,
            now=now,
            since=now - ANSWERS_SITTING,
        )


def _gather_answers(
    organisation: Organisation, assessment: Assessment, actor: User, answers: int, url: str
) -> Activity | None:
    """Add ``answers`` to ``actor``'s line of this sitting, when it is the assessment's latest line; else None."""
    # In ``record_activity``'s transaction (``without_waiting_for_disk`` opens one): the lock lasts to its commit,
    # and a savepoint would only add two statements to every autosave, since a failure here fails that whole
    # transaction anyway (nothing in it catches one).
    with transaction.atomic(savepoint=False):
        latest = (
            Activity.objects.select_for_update()
            .filter(organisation=organisation, assessment=assessment)
            .order_by("-created_at", "-pk")
            .first()
        )
        if latest is None or latest.kind != Kind.ANSWERS_CHANGED or latest.actor_id != actor.pk:
            return None
        before = events.answers_changed_count(latest.summary)
        now = timezone.now()
        if before is None or now - latest.created_at > ANSWERS_SITTING:
            return None
        latest.summary = events.answers_changed_summary(actor.email, before + answers, assessment.title)
        latest.created_at, latest.url = now, url[:500]
        latest.save(update_fields=["summary", "created_at", "url"])
        return latest


def activity_for_recommendation(recommendation: Recommendation) -> Any:
    """Its own lines and those of the assessment it scored (answers, assignments, comments on questions)."""
    return Activity.objects.filter(
        Q(recommendation=recommendation) | Q(assessment_id=recommendation.assessment_id),
        organisation_id=recommendation.organisation_id,
    ).select_related("actor")


# Due diligence


@transaction.atomic
def announce_overdue_items(*, today: datetime.date) -> int:
    """Announce every open item with an owner whose due date has passed, once per due date. Returns how many."""
    due = (
        DiligenceItem.objects.filter(
            due_date__lt=today,
            owner__isnull=False,
            status__in=[DiligenceItem.Status.OPEN, DiligenceItem.Status.IN_PROGRESS],
        )
        .exclude(Exists(OverdueNotice.objects.filter(item=OuterRef("pk"), due_date=OuterRef("due_date"))))
        .select_related("owner", "entry__vendor", "entry__shortlist__organisation", "entry__shortlist__recommendation")
        .select_for_update(of=("self",))
    )
    count = 0
    for item in due:
        if item.due_date is None:  # excluded by the query; says so to the type checker
            continue
        _, created = OverdueNotice.objects.get_or_create(
            organisation_id=item.organisation_id, item=item, due_date=item.due_date
        )
        if not created:
            continue
        count += 1
        events.announce(
            events.diligence_overdue,
            sender=DiligenceItem,
            organisation=item.entry.shortlist.organisation,
            actor=None,
            recipients=[item.owner],
            target=item,
            url=reverse("vendors:diligence", args=[item.entry_id]),
            summary=f"“{item.title}” for {item.entry.vendor.name} is overdue",
        )
    return count
