"""Sign-off: an organisation may require its approvers to approve a recommendation before it is acted on.

``SignOffPolicy`` is the organisation's setting (required or not, how many approvals). When a
recommendation is stored under a policy that requires approval, its ``SignOff`` records how many
approvals it needs, fixed then: changing the policy later never changes what an earlier recommendation
needed. Each approver's ``Decision`` (approve or reject, with the reason) is immutable: PostgreSQL refuses
to UPDATE or DELETE one (migration 0002), and none is registered in admin. The decision status (not
required, awaiting, approved, rejected) is never stored: ``status.py`` derives it from these rows.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from apps.accounts.models import Organisation
from apps.recommendations.models import Recommendation

# More approvals than this is a typing slip, not a control anyone runs.
MAX_APPROVALS = 10
REASON_MAX = 2000


class DecisionStatus(models.TextChoices):
    NOT_REQUIRED = "not_required", "No sign-off needed"
    AWAITING = "awaiting", "Awaiting approval"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


class SignOffPolicy(models.Model):
    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, primary_key=True, related_name="sign_off_policy"
    )
    required = models.BooleanField("require approval of recommendations", default=False)
    approvals_needed = models.PositiveSmallIntegerField("approvals needed", default=1)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(approvals_needed__gte=1, approvals_needed__lte=MAX_APPROVALS),
                name="signoff_policy_approvals_1_to_10",
            ),
        ]

    def __str__(self) -> str:
        if not self.required:
            return f"{self.organisation_id}: no sign-off"
        return f"{self.organisation_id}: {self.approvals_needed} approval(s)"


class SignOff(models.Model):
    """A recommendation stored while its organisation required approval, and how many it needs."""

    recommendation = models.OneToOneField(
        Recommendation, on_delete=models.PROTECT, primary_key=True, related_name="sign_off"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    approvals_needed = models.PositiveSmallIntegerField()
    requested_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(approvals_needed__gte=1, approvals_needed__lte=MAX_APPROVALS),
                name="signoff_approvals_1_to_10",
            ),
        ]

    def __str__(self) -> str:
        return f"Sign-off of recommendation {self.recommendation_id} ({self.approvals_needed} needed)"


class Decision(models.Model):
    """One approver's approval or rejection of one recommendation: who, when, which, what and why."""

    class Outcome(models.TextChoices):
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    recommendation = models.ForeignKey(Recommendation, on_delete=models.PROTECT, related_name="decisions")
    approver = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    reason = models.TextField(blank=True, max_length=REASON_MAX)
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["decided_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["recommendation", "approver"], name="decision_one_per_approver"),
            models.CheckConstraint(
                condition=models.Q(outcome__in=["approved", "rejected"]), name="decision_outcome_known"
            ),
            # A rejection says why; the form says so first, this keeps every other writer to it.
            models.CheckConstraint(
                condition=models.Q(outcome="approved") | ~models.Q(reason=""), name="decision_rejection_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.approver_id} {self.outcome} recommendation {self.recommendation_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise RuntimeError("A decision is immutable; it cannot be changed once recorded.")
        super().save(*args, **kwargs)

    @property
    def reason_ends_a_sentence(self) -> bool:
        """Whether the reason as typed ends with its own stop, so a sentence quoting it adds none (review 140:
        "“Within budget; pilot first.”.")."""
        return self.reason.rstrip().endswith((".", "!", "?", "…"))
