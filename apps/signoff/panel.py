"""What the recommendation pages show of sign-off: the result page's panel and the memo's section."""

from __future__ import annotations

from typing import Any

from apps.accounts.models import Membership
from apps.recommendations.models import Recommendation
from apps.signoff.forms import DecisionForm
from apps.signoff.services import refusal
from apps.signoff.status import sign_off_state


def result_panel(recommendation: Recommendation, membership: Membership) -> dict[str, Any]:
    """The result page's context for ``signoff/panel.html`` (two queries, one when no sign-off is needed)."""
    state = sign_off_state(recommendation)
    return {
        "sign_off": state,
        "sign_off_refusal": refusal(recommendation=recommendation, membership=membership),
        "sign_off_mine": state.decision_by(membership.user_id),
        "sign_off_form": DecisionForm(),
    }
