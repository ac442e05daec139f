"""The history table's names for codes are built for the page, beside each recommendation, not pinned onto it."""

from __future__ import annotations

from django.template import Context, Template
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apps.questionnaire.models import Assessment
from apps.recommendations.filters import HistoryRow
from tests.recommendations.test_recommendations import assessment, scored_playbook, submit  # noqa: F401


def test_history_rows_carry_the_names_and_leave_the_recommendations_as_stored(
    buyer_client: Client,
    assessment: Assessment,  # noqa: F811
) -> None:
    submit(buyer_client, assessment)
    response = buyer_client.get(reverse("recommendations:history"))
    assert response.status_code == 200
    [row] = response.context["rows"]
    assert isinstance(row, HistoryRow)
    assert row.recommendation.title == "Legal review 2027"
    assert row.decision_label == "No sign-off needed"
    assert not hasattr(row.recommendation, "function_name")
    assert not hasattr(row.recommendation, "decision_label")
    page = response.content.decode()
    assert row.function_name in page and "No sign-off needed" in page


def test_history_rows_show_what_the_template_filters_would(
    buyer_client: Client,
    assessment: Assessment,  # noqa: F811
) -> None:
    """The link, badges and day made ready in ``labelled`` are what ``{% url %}``, the badge filters and
    ``date:"j M Y"`` give in the template, in the current time zone too."""
    submit(buyer_client, assessment)
    [row] = buyer_client.get(reverse("recommendations:history")).context["rows"]
    r = row.recommendation
    shown = Template(
        '{% load signoff verdict_badge %}{% url "recommendations:detail" r.pk %}|{{ r.verdict|verdict_badge }}|'
        '{{ r.decision_status|decision_badge }}|{{ r.created_at|date:"j M Y" }}'
    )
    assert shown.render(Context({"r": r})) == f"{row.url}|{row.verdict_badge}|{row.decision_badge}|{row.scored}"
    with timezone.override("Pacific/Kiritimati"):  # UTC+14: the day may differ from the UTC one
        [row] = buyer_client.get(reverse("recommendations:history")).context["rows"]
        assert row.scored == shown.render(Context({"r": r})).rsplit("|", 1)[1]
