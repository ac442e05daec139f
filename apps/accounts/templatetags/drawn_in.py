"""``{% drawn_in %}``: the organisation a form was drawn in, sent with it (``scoping.DRAWN_IN``), so a form sent after
another tab switched organisation acts where it was drawn (review 85: an owner's invitation went to the other one)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html

from apps.accounts.scoping import DRAWN_IN, current_membership

register = template.Library()


def _drawn_in(context: dict[str, Any]) -> int | None:
    request = context.get("request")
    user = getattr(request, "user", None)
    if request is None or user is None or not user.is_authenticated:
        return None
    membership = getattr(request, "membership", None) or current_membership(request)
    return None if membership is None else membership.organisation_id


@register.simple_tag(takes_context=True)
def drawn_in(context: dict[str, Any]) -> str:
    """The form's hidden field ("" for a page drawn for no member)."""
    organisation = _drawn_in(context)
    return (
        ""
        if organisation is None
        else format_html('<input type="hidden" name="{}" value="{}">', DRAWN_IN, organisation)
    )


@register.simple_tag(takes_context=True)
def drawn_in_id(context: dict[str, Any]) -> str:
    """The organisation's id alone, for htmx's request header ("" for a page drawn for no member)."""
    organisation = _drawn_in(context)
    return "" if organisation is None else str(organisation)
