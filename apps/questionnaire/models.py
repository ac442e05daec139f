"""A buyer's run through a published playbook, and the answers given on the way."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models

from apps.accounts.models import Membership, Organisation
from apps.playbooks.models import Playbook


class AssessmentQuerySet(models.QuerySet["Assessment"]):
    def for_organisation(self, organisation: Organisation) -> AssessmentQuerySet:
        return self.filter(organisation=organisation)

    def drafts(self) -> AssessmentQuerySet:
        return self.filter(status=Assessment.Status.DRAFT)

    def submitted(self) -> AssessmentQuerySet:
        return self.filter(status=Assessment.Status.SUBMITTED)


class Assessment(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="assessments")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=200)
    playbook = models.ForeignKey(
        Playbook, on_delete=models.PROTECT, related_name="assessments", help_text="Pinned when the assessment starts."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    based_on = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        # The database nulls it when that assessment goes (ON DELETE SET NULL, migration 0004;
        # apps/common/on_delete.py), so deleting a draft is one statement by organisation and id.
        on_delete=models.DO_NOTHING,
        related_name="rescores",
        help_text="The submitted assessment whose answers this one was re-scored from.",
    )
    # The start page's one-time key: the same form sent twice (a double click without JavaScript) starts one draft.
    start_key = models.CharField(max_length=40, blank=True, default="")

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at"]
        indexes = [models.Index(fields=["organisation", "status", "-updated_at"], name="assessment_org_status_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="draft") | models.Q(submitted_at__isnull=False),
                name="assessment_submitted_has_time",
            ),
            models.UniqueConstraint(
                fields=["organisation", "created_by", "start_key"],
                condition=~models.Q(start_key=""),
                name="assessment_started_once",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    def may_be_deleted_by(self, membership: Membership) -> bool:
        """Who may delete it (if it is still a draft): owners any assessment, editors the ones they started.

        Whether it can be deleted at all is its state: only a draft can (``services.delete_draft``)."""
        if membership.organisation_id != self.organisation_id:
            return False
        return membership.is_owner or (membership.can_edit and membership.user_id == self.created_by_id)


class Answer(models.Model):
    """One answer per (assessment, question code), validated against the pinned playbook."""

    # The database deletes these rows with their assessment (ON DELETE CASCADE, migration 0004;
    # apps/common/on_delete.py).
    assessment = models.ForeignKey(Assessment, on_delete=models.DO_NOTHING, related_name="answers")
    # The tenant, as on its assessment (docs/scaling.md): the distribution column on Citus, so that every
    # query on this table can be routed to one organisation's shard.
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+", db_index=False)
    question_code = models.CharField(max_length=60)
    value = models.JSONField()
    updated_at = models.DateTimeField(auto_now=True)
    # Who gave the answer as it stands, and when: shown on the review page, and how autosave tells a
    # contributor that a colleague changed the answer since they loaded it. None for answers given
    # before answers were signed, or by no one in particular (an import).
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["organisation", "assessment"], name="answer_by_org")]
        ordering = ["assessment", "question_code"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "question_code"], name="answer_one_per_question"),
        ]

    def __str__(self) -> str:
        return f"{self.question_code} = {self.value!r}"


class DeletedDraft(models.Model):
    """A draft's id and title kept after it was deleted, with who deleted it and when: a step or an answer sent to it
    afterwards (a colleague's tab still open) is told so, with what was sent, instead of a 404 that loses it (review
    87). Nothing of its answers is kept."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+", db_index=False)
    assessment_id = models.BigIntegerField()
    title = models.CharField(max_length=200)
    playbook = models.ForeignKey(Playbook, null=True, on_delete=models.SET_NULL, related_name="+")
    deleted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    deleted_at = models.DateTimeField(auto_now_add=True)
    # The ids of the comments deleted with it: editing or deleting one from a page still open is told the draft went
    # (410), as its other pages are, instead of a 404.
    comment_ids = ArrayField(models.BigIntegerField(), default=list, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "assessment_id"], name="deleteddraft_one_per_draft"),
        ]

    def __str__(self) -> str:
        return f"{self.title} (deleted)"
