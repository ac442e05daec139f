"""What the recommendation pages show of sign-off: the result page's panel and the memo's section."""

from __future__ import annotations

from typing import Any

from apps.accounts.models import Membership
from apps.recommendations.models import Recommendation
from apps.signoff.forms import DecisionForm
from apps.signoff.models import DecisionStatus
from apps.signoff.services import refusal
from apps.signoff.status import SignOffState, sign_off_state


def result_panel(recommendation: Recommendation, membership: Membership) -> dict[str, Any]:
    """The result page's context for ``signoff/panel.html`` (two queries, one when no sign-off is needed)."""
    state = sign_off_state(recommendation)
    return {
        "sign_off": state,
        "sign_off_refusal": refusal(recommendation=recommendation, membership=membership),
        "sign_off_mine": state.decision_by(membership.user_id),
        "sign_off_form": DecisionForm(),
        "sign_off_short": _short_of_approvers(recommendation, state),
    }


def _short_of_approvers(recommendation: Recommendation, state: SignOffState) -> int:
    """How many approvals an awaiting sign-off can no longer reach (0 when it still can): the approvers who may yet
    decide are those who have not, other than the member who stored it (``refusal``). With as many approvals needed
    as approvers, an approver's own recommendation could never be approved, and the page had said it "waits for
    the other approvers" (review 55). One query, for an awaiting sign-off only."""
    if state.status != DecisionStatus.AWAITING:
        return 0
    decided = {d.approver_id for d in state.decisions}
    may_yet = (
        Membership.objects.filter(organisation_id=recommendation.organisation_id)
        .approvers()
        .exclude(user_id__in=decided | {recommendation.created_by_id})
        .count()
    )
    return max(0, state.approvals_needed - state.approvals - may_yet)
