"""The organisation's portfolio: correct counts, only its own data, a fixed number of queries."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import Organisation, User
from apps.playbooks.models import Playbook
from apps.recommendations.models import Recommendation
from tests.recommendations.conftest import recommend

pytestmark = pytest.mark.django_db
CASES = ["US hedge fund", "Rules-based invoice", "UK law firm"]


def test_portfolio_counts_by_verdict_model_and_regime(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    recs = [recommend(reference, organisation, buyer, c) for c in CASES]
    page = buyer_client.get(reverse("recommendations:portfolio"))
    body = page.content.decode()
    assert "3 in all" in body
    wins = sum(1 for r in recs if r.verdict == "wins")
    assert f'<th scope="row">KPO wins</th><td class="num">{wins}</td>' in body
    assert "Dedicated captive team" in body and "Regimes triggered" in body


def test_portfolio_shows_only_the_organisations_data(
    reference: Playbook, organisation: Organisation, buyer: User, outsider_client: Client
) -> None:
    recommend(reference, organisation, buyer, "US hedge fund")
    body = outsider_client.get(reverse("recommendations:portfolio")).content.decode()
    assert "Nothing to show yet" in body and "US hedge fund" not in body


@pytest.mark.parametrize("count", [1, 3])
def test_portfolio_query_budget_is_fixed(
    reference: Playbook,
    organisation: Organisation,
    buyer: User,
    buyer_client: Client,
    django_assert_num_queries: Any,
    count: int,
) -> None:
    for case in CASES[:count]:
        recommend(reference, organisation, buyer, case)
    buyer_client.get(reverse("recommendations:portfolio"))
    # session, user, membership; regimes, months, verdicts, models, functions (5 aggregates); model,
    # function and regime names (3); models, functions and regimes by month (3); recent; memberships
    # (header); session save (3 in the test transaction)
    with django_assert_num_queries(19):
        assert buyer_client.get(reverse("recommendations:portfolio")).status_code == 200


def _backdate(rec: Recommendation, days: int) -> None:
    """Move a recommendation into the past: replica mode lifts the immutability trigger for this update."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(
            "UPDATE recommendations_recommendation SET created_at = created_at - make_interval(days => %s) "
            "WHERE id = %s",
            [days, rec.pk],
        )
        cursor.execute("SET LOCAL session_replication_role = origin")


def test_over_time_counts_each_month_of_the_last_year(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    now = recommend(reference, organisation, buyer, "US hedge fund")
    two_months_ago = recommend(reference, organisation, buyer, "UK law firm")
    long_ago = recommend(reference, organisation, buyer, "Rules-based invoice")
    _backdate(two_months_ago, 62)
    _backdate(long_ago, 400)
    context = buyer_client.get(reverse("recommendations:portfolio")).context
    assert context["total"] == 3  # all time
    window = context["window"]
    assert len(window) == 12 and window[-1] == timezone.localdate().replace(day=1)
    by_month = {month: all_ for month, _counts, all_ in context["months"]}
    assert sum(by_month.values()) == 2  # the one from 400 days ago is outside the window
    assert by_month[window[-1]] == 1
    models = dict(context["trends"])["Top engagement model"]
    top = next(t for t in models if t.label == "Dedicated captive team")
    assert top.counts[-1] == (1 if now.top_model == "captive-team" else 0)
    assert sum(t.total for t in models) == 2
    columns = context["columns"]
    assert [c.total for c in columns][-1] == 1 and sum(c.total for c in columns) == 2
    body = buyer_client.get(reverse("recommendations:portfolio")).content.decode()
    assert "Top engagement model, month by month" in body and "Regime triggered, month by month" in body
