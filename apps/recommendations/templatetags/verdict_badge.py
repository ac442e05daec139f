"""A verdict as the badge every list shows it in (history, assessments, what-if): one home for its colour."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from apps.recommendations.models import Verdict

register = template.Library()

TONES = {Verdict.WINS: "ok", Verdict.CONDITIONAL: "warn", Verdict.DOESNT_WIN: "danger"}


@register.filter
def verdict_badge(verdict: str) -> SafeString:
    """``{{ recommendation.verdict|verdict_badge }}``: its label in a badge of its colour. A filter, not an
    included template: the history shows one on every row, and a filter costs a fraction of an include."""
    try:
        known = Verdict(verdict)
    except ValueError:
        return format_html('<span class="badge badge--muted">{}</span>', verdict)
    return format_html('<span class="badge badge--{}">{}</span>', TONES[known], known.label)
