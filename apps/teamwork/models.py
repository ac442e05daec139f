"""Contributors per assessment and second opinions.

The owner of an assessment assigns each section of its playbook to a member or to a stakeholder role
(``StakeholderRole``: which members hold which roles is kept per membership). A section can be asked
for a second opinion from a named member: their answers are stored apart (``SecondOpinionAnswer``)
and, where they differ from the assessment's answers, the owner settles the difference with a reason
(``Settlement``); the chosen value becomes the answer.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from apps.accounts.models import Membership, Organisation
from apps.questionnaire.models import Assessment

# After a second opinion's reviewer in what the contributors page says it showed (``was-opinion-<code>``): the opinion
# had been given, so a page drawn before it was cannot withdraw it unawares (review 105).
GIVEN = "+"


class Stakeholder(models.TextChoices):
    LEGAL = "legal", "Legal"
    SECURITY = "security", "Security"
    FINANCE = "finance", "Finance"
    BUSINESS_OWNER = "business_owner", "Business owner"
    PROCUREMENT = "procurement", "Procurement"


class StakeholderRole(models.Model):
    """A member's stakeholder role in their organisation (a member may hold several)."""

    # The database deletes these rows with their membership (ON DELETE CASCADE, migration 0003;
    # apps/common/on_delete.py).
    membership = models.ForeignKey(Membership, on_delete=models.DO_NOTHING, related_name="stakeholder_roles")
    # The tenant, as on its membership (docs/scaling.md): the distribution column on Citus, so that every
    # query on this table can be routed to one organisation's shard.
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+", db_index=False)
    role = models.CharField(max_length=20, choices=Stakeholder.choices)

    class Meta:
        indexes = [models.Index(fields=["organisation", "membership"], name="stakeholderrole_by_org")]
        ordering = ["membership", "role"]
        constraints = [
            models.UniqueConstraint(fields=["membership", "role"], name="stakeholder_role_once_per_member"),
        ]

    def __str__(self) -> str:
        return f"{self.membership.user} · {self.get_role_display()}"


class SectionAssignment(models.Model):
    """Who answers one section of one assessment: a member, or whoever holds a stakeholder role."""

    # The database deletes these rows with their assessment or member (ON DELETE CASCADE, migration 0003;
    # apps/common/on_delete.py).
    assessment = models.ForeignKey(Assessment, on_delete=models.DO_NOTHING, related_name="assignments")
    # The tenant, as on its assessment (docs/scaling.md): the distribution column on Citus, so that every
    # query on this table can be routed to one organisation's shard.
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+", db_index=False)
    section_code = models.CharField(max_length=60)
    member = models.ForeignKey(Membership, null=True, blank=True, on_delete=models.DO_NOTHING, related_name="+")
    stakeholder = models.CharField(max_length=20, choices=Stakeholder.choices, blank=True)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    assigned_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["organisation", "assessment"], name="assignment_by_org")]
        ordering = ["assessment", "section_code"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "section_code"], name="assignment_one_per_section"),
            models.CheckConstraint(
                condition=(Q(member__isnull=False) & Q(stakeholder="")) | (Q(member__isnull=True) & ~Q(stakeholder="")),
                name="assignment_member_or_role",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.section_code} → {self.member or self.get_stakeholder_display()}"


class SecondOpinion(models.Model):
    """A named member's independent answers to one section; ``given_at`` once they have answered."""

    # The database deletes these rows with their assessment or reviewer (ON DELETE CASCADE, migration 0003;
    # apps/common/on_delete.py).
    assessment = models.ForeignKey(Assessment, on_delete=models.DO_NOTHING, related_name="second_opinions")
    # The tenant, as on its assessment (docs/scaling.md): the distribution column on Citus, so that every
    # query on this table can be routed to one organisation's shard.
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+", db_index=False)
    section_code = models.CharField(max_length=60)
    reviewer = models.ForeignKey(Membership, on_delete=models.DO_NOTHING, related_name="+")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    given_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["organisation", "assessment"], name="second_opinion_by_org")]
        ordering = ["assessment", "section_code"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "section_code"], name="second_opinion_one_per_section"),
        ]

    def __str__(self) -> str:
        return f"Second opinion on {self.section_code} by {self.reviewer.user}"

    @property
    def is_given(self) -> bool:
        return self.given_at is not None


class SecondOpinionAnswer(models.Model):
    opinion = models.ForeignKey(SecondOpinion, on_delete=models.CASCADE, related_name="answers")
    # The tenant, as on its second opinion (docs/scaling.md): the distribution column on Citus, so that every
    # query on this table can be routed to one organisation's shard.
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+", db_index=False)
    question_code = models.CharField(max_length=60)
    value = models.JSONField()
    answered_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["organisation", "opinion"], name="second_opinion_answer_by_org")]
        ordering = ["opinion", "question_code"]
        constraints = [
            models.UniqueConstraint(fields=["opinion", "question_code"], name="second_opinion_answer_once"),
        ]

    def __str__(self) -> str:
        return f"{self.question_code} = {self.value!r}"


class Settlement(models.Model):
    """How the owner settled one difference: the value chosen (which became the answer) and why.

    A difference counts as settled while the answer is still the chosen value; changing the answer
    later opens it again."""

    opinion = models.ForeignKey(SecondOpinion, on_delete=models.CASCADE, related_name="settlements")
    # The tenant, as on its second opinion (docs/scaling.md): the distribution column on Citus, so that every
    # query on this table can be routed to one organisation's shard.
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+", db_index=False)
    question_code = models.CharField(max_length=60)
    first_value = models.JSONField(null=True)
    second_value = models.JSONField(null=True)
    chosen_value = models.JSONField()
    reason = models.TextField()
    settled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    settled_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["organisation", "opinion"], name="settlement_by_org")]
        ordering = ["opinion", "question_code"]
        constraints = [
            models.UniqueConstraint(fields=["opinion", "question_code"], name="settlement_one_per_question"),
            models.CheckConstraint(condition=~Q(reason=""), name="settlement_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.question_code} settled"

    @property
    def stamp(self) -> str:
        """Which settlement this is, and when it was last made: the review page's form carries it, so a settle sent
        from a page drawn before another was recorded is refused rather than replacing it (review 85)."""
        return f"{self.pk}-{self.settled_at.timestamp():.6f}"


def shown_stamp(settlement: Settlement | None, first: Any, second: Any) -> str:
    """What a review page's settle form showed: the settlement then recorded (or none) and the two answers it offered.
    A settle whose page showed anything else is refused (review 87: a first answer changed by an autosave since the
    page was drawn was kept, a value never shown)."""
    shown = json.dumps([first, second], sort_keys=True, default=str).encode()
    return f"{settlement.stamp if settlement else 'none'}:{hashlib.sha256(shown).hexdigest()[:16]}"
