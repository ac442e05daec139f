"""The decision status of recommendations, derived from their sign-off and decisions (never stored).

The rule has one home, ``decision_status()``, a database expression: the history filter, its CSV and the
API list annotate it on their querysets, and ``sign_off_state`` reads it for one recommendation, so the
result page, the memo and the list can never disagree.

- no ``SignOff`` row (the organisation did not require approval when it was stored): not required;
- any rejection: rejected (one approver's "no" stops it, however many said yes);
- at least the approvals it needs: approved;
- otherwise: awaiting approval.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case, CharField, Count, Exists, OuterRef, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.db.models.lookups import LessThanOrEqual

from apps.common.prepared import PreparedQuery
from apps.recommendations.models import Recommendation
from apps.signoff.models import Decision, DecisionStatus, SignOff

# A recommendation's own rows, by its organisation too: the distribution column on Citus (docs/scaling.md),
# which routes a subquery to the recommendation's node only when it names it.
OWN = {"recommendation": OuterRef("pk"), "organisation": OuterRef("organisation")}


def approvals_needed() -> Subquery:
    """How many approvals each recommendation of a queryset needs (None: no sign-off was required)."""
    return Subquery(SignOff.objects.filter(**OWN).values("approvals_needed")[:1])


def decision_status() -> Case:
    """The status of each recommendation of a queryset (annotate or alias it as ``decision_status``)."""
    approvals = (
        Decision.objects.filter(outcome=Decision.Outcome.APPROVED, **OWN)
        .order_by()
        .values("recommendation")
        .annotate(n=Count("pk"))
        .values("n")
    )
    rejections = Decision.objects.filter(outcome=Decision.Outcome.REJECTED, **OWN)
    return Case(
        When(~Exists(SignOff.objects.filter(**OWN)), then=Value(DecisionStatus.NOT_REQUIRED.value)),
        When(Exists(rejections), then=Value(DecisionStatus.REJECTED.value)),
        When(
            LessThanOrEqual(approvals_needed(), Coalesce(Subquery(approvals), 0)),
            then=Value(DecisionStatus.APPROVED.value),
        ),
        default=Value(DecisionStatus.AWAITING.value),
        output_field=CharField(),
    )


def with_decision_status(qs: QuerySet[Recommendation]) -> QuerySet[Recommendation]:
    return qs.annotate(decision_status=decision_status())


def having_decision_status(qs: QuerySet[Recommendation], status: str) -> QuerySet[Recommendation]:
    return qs.alias(decision_status_filter=decision_status()).filter(decision_status_filter=status)


@dataclass(frozen=True)
class SignOffState:
    """Where one recommendation's sign-off stands, with its decisions (approvers loaded), oldest first."""

    status: DecisionStatus
    approvals_needed: int  # 0 when no sign-off is needed
    decisions: list[Decision]

    @property
    def required(self) -> bool:
        return self.status != DecisionStatus.NOT_REQUIRED

    @property
    def approvals(self) -> int:
        return sum(1 for d in self.decisions if d.outcome == Decision.Outcome.APPROVED)

    @property
    def final(self) -> bool:
        return self.status in (DecisionStatus.APPROVED, DecisionStatus.REJECTED)

    @property
    def label(self) -> str:
        return str(self.status.label)

    def decision_by(self, user_id: int) -> Decision | None:
        return next((d for d in self.decisions if d.approver_id == user_id), None)


# The status query and the decisions query, compiled once (apps/common/prepared.py): composing the status's
# expression and compiling it took the ORM several times what running it takes, on every result page and memo.
_STATUS = PreparedQuery(
    lambda organisation, pk: (
        Recommendation.objects.filter(pk=pk, organisation_id=organisation)
        .annotate(decision_status=decision_status(), needed=approvals_needed())
        .only("pk")
    )
)
_DECISIONS = PreparedQuery(
    lambda organisation, pk: Decision.objects.filter(recommendation_id=pk, organisation_id=organisation).select_related(
        "approver"
    )
)


def sign_off_state(recommendation: Recommendation) -> SignOffState:
    """The recommendation's status and decisions, in two queries (one when no sign-off is needed)."""
    own = {"organisation": recommendation.organisation_id, "pk": recommendation.pk}
    found = _STATUS(**own)
    if not found:
        raise Recommendation.DoesNotExist(f"No recommendation {recommendation.pk} in its organisation.")
    status, needed = found[0].decision_status, found[0].needed
    # Without a sign-off there are no decisions to read (``services.decide`` refuses to record one).
    decisions = _DECISIONS(**own) if status != DecisionStatus.NOT_REQUIRED else []
    return SignOffState(DecisionStatus(status), needed or 0, decisions)


def decision_count() -> Coalesce:
    """How many decisions each recommendation of a queryset has (they are only ever added, so the count
    says whether anything a memo showed has changed since it was drawn)."""
    counted = Decision.objects.filter(**OWN).order_by().values("recommendation").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted), 0)
