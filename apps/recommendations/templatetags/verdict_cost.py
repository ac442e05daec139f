"""The cost caveat beside the verdict, for the result page, the memo and what-if (one rule:
``apps.recommendations.cost_caveat``)."""

from __future__ import annotations

from typing import Any

from django import template

from apps.recommendations.cost_caveat import (
    CostCaveat,
    cheaper_location_text,
    cost_caveat,
    verdict_qualifier,
    verdict_words,
)
from apps.recommendations.snapshot.types import EvaluationRecord

register = template.Library()


@register.filter
def verdict_cost(ev: EvaluationRecord) -> CostCaveat | None:
    return cost_caveat(ev)


@register.filter
def cheaper_location(ev: EvaluationRecord) -> str:
    return cheaper_location_text(ev)


@register.filter
def listed_rank(ev: EvaluationRecord, code: str) -> str:
    return ev.listed_rank(code)


@register.filter(name="verdict_qualifier")
def qualifier(ev: EvaluationRecord) -> str:
    """What the verdict's heading carries in brackets (``cost_caveat.verdict_qualifier``)."""
    return verdict_qualifier(ev)


@register.filter
def verdict_headline(ev: EvaluationRecord) -> str:
    """The verdict's words, with what the cost says against it (``cost_caveat.verdict_words``)."""
    return verdict_words(ev)


@register.filter
def verdict_title(ev: EvaluationRecord) -> str:
    """The verdict's words for a page's title: the cost's headline cut to its first two parts."""
    return verdict_words(ev, short=True)


@register.filter
def weak_notes(locations: Any) -> list[Any]:
    """The listed locations (eligible ones, as the table shows them) whose figures rest on a weak source, with the
    reason: said below the table, each linked from its "verify" badge (review 93: the reason in the row's header was
    read out with every cell and squeezed to two words a line on a phone)."""
    return [
        loc
        for loc in locations or ()
        if not loc.excluded_because and loc.confidence == "weak" and getattr(loc, "confidence_note", "")
    ]
