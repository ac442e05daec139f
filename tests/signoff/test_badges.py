"""The verdict and decision-status badges: one filter each, the colour and label from one place."""

from __future__ import annotations

import pytest
from django.template import engines

from apps.recommendations.models import Verdict
from apps.signoff.models import DecisionStatus


def _render(text: str, **context: object) -> str:
    return engines["django"].from_string(text).render(context)


@pytest.mark.parametrize(
    ("verdict", "tone"), [(Verdict.WINS, "ok"), (Verdict.CONDITIONAL, "warn"), (Verdict.DOESNT_WIN, "danger")]
)
def test_each_verdict_has_its_colour_and_label(verdict: Verdict, tone: str) -> None:
    html = _render("{% load verdict_badge %}{{ v|verdict_badge }}", v=verdict.value)
    assert html == f'<span class="badge badge--{tone}">{verdict.label.replace("'", "&#x27;")}</span>'


@pytest.mark.parametrize(
    ("status", "tone"),
    [
        (DecisionStatus.APPROVED, "ok"),
        (DecisionStatus.REJECTED, "danger"),
        (DecisionStatus.AWAITING, "warn"),
        (DecisionStatus.NOT_REQUIRED, "muted"),
    ],
)
def test_each_decision_status_has_its_colour_and_label(status: DecisionStatus, tone: str) -> None:
    html = _render("{% load signoff %}{{ s|decision_badge }}", s=status.value)
    assert html == f'<span class="badge badge--{tone}">{status.label}</span>'
    # The enum member itself (SignOffState.status) reads the same as its stored value.
    assert _render("{% load signoff %}{{ s|decision_badge }}", s=status) == html


def test_an_unknown_code_is_shown_muted_and_escaped() -> None:
    assert _render("{% load verdict_badge %}{{ v|verdict_badge }}", v="<b>") == (
        '<span class="badge badge--muted">&lt;b&gt;</span>'
    )
    assert _render("{% load signoff %}{{ s|decision_badge }}", s="<b>") == (
        '<span class="badge badge--muted">&lt;b&gt;</span>'
    )
