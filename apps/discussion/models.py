"""Comments on questions and results, each member's notifications, and the activity timeline.

Everything here belongs to one organisation and is read through it: a comment through the
assessment or recommendation it is on, a notification through its recipient and organisation.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q

from apps.accounts.models import Organisation
from apps.common import events
from apps.questionnaire.models import Assessment
from apps.recommendations.models import Recommendation
from apps.vendors.models import DiligenceItem

COMMENT_MAX = 4000


class Kind(models.TextChoices):
    """The events' kinds (``apps.common.events.KINDS``), as people read them."""

    SECTION_ASSIGNED = "section_assigned", "A section assigned to you"
    MENTIONED = "mentioned", "A mention"
    SECOND_OPINION_REQUESTED = "second_opinion_requested", "A second opinion requested"
    DIVERGENCE_TO_SETTLE = "divergence_to_settle", "A divergence to settle"
    APPROVAL_REQUESTED = "approval_requested", "An approval requested"
    DECISION_MADE = "decision_made", "A decision made"
    DILIGENCE_ASSIGNED = "diligence_assigned", "A due-diligence item assigned to you"
    DILIGENCE_OVERDUE = "diligence_overdue", "A due-diligence item overdue"
    COMMENT_POSTED = "comment_posted", "A comment"
    ANSWERS_CHANGED = "answers_changed", "Answers changed"
    RECOMMENDATION_STORED = "recommendation_stored", "A recommendation stored"


# Kinds that reach the inbox, and those mailed unless the person says not. A comment is activity only (its
# mentions are their own kind); changed answers reach the inbox only of the recipients the event names, the
# colleagues whose answers a later save replaced (apps/questionnaire/services.py), never everyone's.
NOTIFIED_KINDS = tuple(k for k in Kind.values if k != Kind.COMMENT_POSTED)
MAILED_BY_DEFAULT = (
    Kind.SECTION_ASSIGNED.value,
    Kind.DILIGENCE_ASSIGNED.value,
    Kind.MENTIONED.value,
    Kind.APPROVAL_REQUESTED.value,
    Kind.DECISION_MADE.value,
)


def _mailed_by_default() -> list[str]:
    return list(MAILED_BY_DEFAULT)


class CommentQuerySet(models.QuerySet["Comment"]):
    def on_assessment(self, assessment: Assessment) -> CommentQuerySet:
        return self.on_assessment_id(assessment.organisation_id, assessment.pk)

    def on_assessment_id(self, organisation: int, assessment: int) -> CommentQuerySet:
        return (
            self.filter(organisation_id=organisation, assessment_id=assessment)
            .select_related("author")
            .order_by("created_at", "pk")
        )

    def on_recommendation(self, recommendation: Recommendation) -> CommentQuerySet:
        return (
            self.filter(organisation_id=recommendation.organisation_id, recommendation=recommendation)
            .select_related("author")
            .order_by("created_at", "pk")
        )


class Comment(models.Model):
    """A member's comment on one question of an assessment, or on a recommendation's result; a reply
    has a ``parent`` on the same thing. Deleting keeps the row (its replies stay in their thread) and
    drops the text."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    # The database deletes these rows with their assessment (ON DELETE CASCADE, migration 0004;
    # apps/common/on_delete.py).
    assessment = models.ForeignKey(
        Assessment, null=True, blank=True, on_delete=models.DO_NOTHING, related_name="comments"
    )
    recommendation = models.ForeignKey(
        Recommendation, null=True, blank=True, on_delete=models.CASCADE, related_name="comments"
    )
    question_code = models.CharField(max_length=60, blank=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    body = models.TextField(blank=True)
    mentions = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["assessment", "question_code", "created_at"], name="comment_assessment_idx"),
            models.Index(fields=["recommendation", "created_at"], name="comment_recommendation_idx"),
        ]
        constraints = [
            # On a question of an assessment, or on a recommendation's result: never both, never neither.
            models.CheckConstraint(
                condition=(
                    Q(assessment__isnull=False, recommendation__isnull=True) & ~Q(question_code="")
                    | Q(assessment__isnull=True, recommendation__isnull=False, question_code="")
                ),
                name="comment_on_one_question_or_result",
            ),
            # A deleted comment keeps no text; a live one has some.
            models.CheckConstraint(
                condition=Q(deleted_at__isnull=True) & ~Q(body="") | Q(deleted_at__isnull=False, body=""),
                name="comment_text_unless_deleted",
            ),
        ]

    def __str__(self) -> str:
        return f"Comment {self.pk} by {self.author}"

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class NotificationQuerySet(models.QuerySet["Notification"]):
    def for_member(self, user: object, organisation: Organisation | int) -> NotificationQuerySet:
        return self.filter(recipient=user, organisation=organisation)

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """One thing one member should know about, in the organisation it happened in."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(max_length=40, choices=Kind.choices)
    summary = models.CharField(max_length=events.SUMMARY_LENGTH)
    url = models.CharField(max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # Set when its mail (alone or in a digest) went out, so a retry or the next digest never sends it twice.
    mailed_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["recipient", "organisation"], condition=Q(read_at__isnull=True), name="notification_unread_idx"
            ),
            models.Index(fields=["recipient", "organisation", "-created_at"], name="notification_inbox_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=NOTIFIED_KINDS), name="notification_kind_valid"),
            # A path on this site, never another host: the inbox and the mails link to it.
            models.CheckConstraint(
                condition=Q(url__startswith="/") & ~Q(url__startswith="//"), name="notification_url_local_path"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.recipient}"


class MailPreference(models.Model):
    """Which notifications reach a person by email, and whether as one daily digest instead."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mail_preference")
    kinds = ArrayField(models.CharField(max_length=40), default=_mailed_by_default, blank=True)
    daily_digest = models.BooleanField(default=False)

    DEFAULT_KINDS: ClassVar[tuple[str, ...]] = MAILED_BY_DEFAULT

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(kinds__contained_by=list(NOTIFIED_KINDS)), name="mailpreference_kinds_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"Mail for {self.user}"


class Activity(models.Model):
    """One line of an assessment's or recommendation's timeline: who did what, when."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    # The database deletes these rows with their assessment (ON DELETE CASCADE, migration 0004;
    # apps/common/on_delete.py).
    assessment = models.ForeignKey(Assessment, null=True, blank=True, on_delete=models.DO_NOTHING, related_name="+")
    recommendation = models.ForeignKey(
        Recommendation, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(max_length=40, choices=Kind.choices)
    summary = models.CharField(max_length=events.SUMMARY_LENGTH)
    url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "activities"
        indexes = [
            models.Index(fields=["assessment", "-created_at"], name="activity_assessment_idx"),
            models.Index(fields=["recommendation", "-created_at"], name="activity_recommendation_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(assessment__isnull=False) | Q(recommendation__isnull=False), name="activity_has_subject"
            ),
        ]

    def __str__(self) -> str:
        return self.summary


class OverdueNotice(models.Model):
    """An overdue due-diligence item announced, for the due date it missed: announced once per date."""

    item = models.ForeignKey(DiligenceItem, on_delete=models.CASCADE, related_name="+")
    # The tenant, as on its due-diligence item (docs/scaling.md): the distribution column on Citus, so that every
    # query on this table can be routed to one organisation's shard.
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+", db_index=False)
    due_date = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["organisation", "item"], name="overduenotice_by_org")]
        constraints = [
            models.UniqueConstraint(fields=["item", "due_date"], name="overduenotice_once_per_due_date"),
        ]

    def __str__(self) -> str:
        return f"Item {self.item_id} overdue since {self.due_date}"
