"""The sign-off pieces other apps' pages show: the owners' settings card on the members page."""

from __future__ import annotations

from typing import Any

from django import template

from apps.signoff.forms import PolicyForm
from apps.signoff.services import policy_for

register = template.Library()


@register.inclusion_tag("signoff/policy_card.html", takes_context=True)
def sign_off_settings(context: Any) -> dict[str, Any]:
    membership = context.get("current_membership")
    if callable(membership):  # the context processor hands it over lazily
        membership = membership()
    if membership is None:
        return {"policy": None}
    policy = policy_for(membership.organisation)
    form = PolicyForm(initial={"required": policy.required, "approvals_needed": policy.approvals_needed})
    return {"policy": policy, "form": form, "is_owner": membership.is_owner, "csrf_token": context.get("csrf_token")}
