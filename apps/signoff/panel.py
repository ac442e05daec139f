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
        **_waiting_on(recommendation, state),
    }


def _waiting_on(recommendation: Recommendation, state: SignOffState) -> dict[str, Any]:
    """For an awaiting sign-off, the approvers who may yet decide (``sign_off_waiting``: their emails, in order), those
    who have not, other than the member who stored it (``refusal``), so the page names whom it waits for (review 143:
    "waits for the other approvers", naming none); and how many approvals it can no longer reach (``sign_off_short``,
    0 when it still can: with as many approvals needed as approvers, an approver's own recommendation could never be
    approved, and the page had said it "waits for the other approvers", review 55). One query, for an awaiting
    sign-off only."""
    if state.status != DecisionStatus.AWAITING:
        return {"sign_off_short": 0, "sign_off_waiting": []}
    decided = {d.approver_id for d in state.decisions}
    may_yet = list(
        Membership.objects.filter(organisation_id=recommendation.organisation_id)
        .approvers()
        .exclude(user_id__in=decided | {recommendation.created_by_id})
        .order_by("user__email")
        .values_list("user__email", flat=True)
    )
    return {
        "sign_off_short": max(0, state.approvals_needed - state.approvals - len(may_yet)),
        "sign_off_waiting": may_yet,
    }
