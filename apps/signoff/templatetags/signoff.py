"""The sign-off pieces other apps' pages show: the owners' settings card on the members page, and a
recommendation's decision status as a badge."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from apps.signoff.forms import PolicyForm
from apps.signoff.models import DecisionStatus
from apps.signoff.services import policy_for

register = template.Library()

TONES = {
    DecisionStatus.APPROVED: "ok",
    DecisionStatus.REJECTED: "danger",
    DecisionStatus.AWAITING: "warn",
    DecisionStatus.NOT_REQUIRED: "muted",
}


@register.filter
def decision_badge(status: str) -> SafeString:
    """``{{ status|decision_badge }}``: the status's label in a badge of its colour (the result page, the
    decision page and every row of the history; a filter costs a fraction of an included template)."""
    try:
        known = DecisionStatus(status)
    except ValueError:
        return format_html('<span class="badge badge--muted">{}</span>', status)
    return format_html('<span class="badge badge--{}">{}</span>', TONES[known], known.label)


@register.inclusion_tag("signoff/policy_card.html", takes_context=True)
def sign_off_settings(context: Any) -> dict[str, Any]:
    membership = context.get("current_membership")
    if callable(membership):  # the context processor hands it over lazily
        membership = membership()
    if membership is None:
        return {"policy": None}
    policy = policy_for(membership.organisation)
    form = PolicyForm.drawn_from(policy)
    # The request goes along so the form carries ``{% drawn_in %}`` (review 90: without it the card's form acted in
    # whichever organisation another tab had switched to).
    return {
        "policy": policy,
        "form": form,
        "is_owner": membership.is_owner,
        "csrf_token": context.get("csrf_token"),
        "request": context.get("request"),
    }
