"""The organisation's portfolio: correct counts, only its own data, a fixed number of queries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import Organisation, User
from apps.playbooks.models import Playbook
from apps.questionnaire.models import Assessment
from apps.recommendations.models import PortfolioCount, Recommendation
from apps.recommendations.services import rebuild_portfolio_counts
from tests.recommendations.conftest import recommend

pytestmark = pytest.mark.django_db
CASES = ["US hedge fund", "Rules-based invoice", "UK law firm: one-off"]


def test_portfolio_counts_by_verdict_model_and_regime(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    recs = [recommend(reference, organisation, buyer, c) for c in CASES]
    page = buyer_client.get(reverse("recommendations:portfolio"))
    body = page.content.decode()
    assert "3 in all" in body
    wins = sum(1 for r in recs if r.verdict == "wins")
    assert f'<th scope="row">KPO wins</th><td class="num">{wins}</td>' in body
    assert "Dedicated team at the provider" in body and "Regimes triggered" in body


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
    # session, user, memberships (the member, the header's switcher and its inbox count); the organisation's
    # portfolio counts (1); model, function and regime names (3); recent (the session is saved only when it
    # changes)
    with django_assert_num_queries(8):
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
    two_months_ago = recommend(reference, organisation, buyer, "UK law firm: one-off")
    long_ago = recommend(reference, organisation, buyer, "Rules-based invoice")
    _backdate(two_months_ago, 62)
    _backdate(long_ago, 400)
    rebuild_portfolio_counts()  # stored recommendations never move in time; the test moved two
    context = buyer_client.get(reverse("recommendations:portfolio")).context
    assert context["total"] == 3  # all time
    window = context["window"]
    assert len(window) == 12 and window[-1] == timezone.localdate().replace(day=1)
    by_month = {month: all_ for month, _counts, all_ in context["months"]}
    assert sum(by_month.values()) == 2  # the one from 400 days ago is outside the window
    assert by_month[window[-1]] == 1
    models = dict(context["trends"])["Top engagement model"]
    top = next(t for t in models if t.label == "Dedicated team at the provider")
    assert top.counts[-1] == (1 if now.top_model == "captive-team" else 0)
    assert sum(t.total for t in models) == 2
    columns = context["columns"]
    assert [c.total for c in columns][-1] == 1 and sum(c.total for c in columns) == 2
    body = buyer_client.get(reverse("recommendations:portfolio")).content.decode()
    assert "Top engagement model, month by month" in body and "Regime triggered, month by month" in body


def _counted(organisation: Organisation) -> dict[tuple[str, str, str], int]:
    return {
        (d, f"{m:%Y-%m}", k): n
        for d, m, k, n in PortfolioCount.objects.filter(organisation=organisation).values_list(
            "dimension", "month", "key", "count"
        )
    }


def _recounted(organisation: Organisation) -> dict[tuple[str, str, str], int]:
    """The same counts worked out directly from the recommendations."""
    counts: dict[tuple[str, str, str], int] = {}
    for r in Recommendation.objects.filter(organisation=organisation):
        month = f"{r.created_at.astimezone(UTC):%Y-%m}"
        for key in [("verdict", r.verdict), ("model", r.top_model), ("function", r.function)] + [
            ("regime", g) for g in r.regimes
        ]:
            counts[(key[0], month, key[1])] = counts.get((key[0], month, key[1]), 0) + 1
    return counts


def _copies(
    organisation: Organisation, buyer: User, reference: Playbook, recs: list[Recommendation]
) -> list[Recommendation]:
    """Unsaved copies of ``recs`` (for a bulk insert), each with an assessment of its own."""
    return [
        Recommendation(
            organisation=organisation,
            assessment=Assessment.objects.create(
                organisation=organisation, created_by=buyer, title=f"copy {i}", playbook=reference
            ),
            playbook=reference,
            engine_version=r.engine_version,
            created_by=buyer,
            title=f"copy {i}",
            verdict=r.verdict,
            fit_score=r.fit_score,
            top_model=r.top_model,
            function=r.function,
            regimes=r.regimes,
            snapshot=r.snapshot,
        )
        for i, r in enumerate(recs)
    ]


def test_the_counts_follow_every_insert_bulk_insert_and_delete(
    reference: Playbook, organisation: Organisation, other_organisation: Organisation, buyer: User, outsider: User
) -> None:
    recs = [recommend(reference, organisation, buyer, c) for c in CASES]
    recommend(reference, other_organisation, outsider, "UK law firm: one-off")
    assert _counted(organisation) == _recounted(organisation) and _counted(organisation)
    # A bulk insert (one statement, many rows) is counted once per row.
    copies = _copies(organisation, buyer, reference, recs * 2)
    Recommendation.objects.bulk_create(copies)
    assert _counted(organisation) == _recounted(organisation)
    assert sum(n for (d, _m, _k), n in _counted(organisation).items() if d == "verdict") == 9
    # Deleting lowers the counts and drops the rows that reach zero.
    Recommendation.objects.filter(title__startswith="copy").delete()
    assert _counted(organisation) == _recounted(organisation)
    Recommendation.objects.filter(pk=recs[0].pk).delete()
    assert _counted(organisation) == _recounted(organisation)
    assert not PortfolioCount.objects.filter(count=0).exists()
    # The other organisation's counts never moved, and a rebuild agrees with what the triggers kept.
    before = {o.pk: _counted(o) for o in (organisation, other_organisation)}
    rebuild_portfolio_counts()
    assert {o.pk: _counted(o) for o in (organisation, other_organisation)} == before


def test_deleting_an_organisation_deletes_its_counts_cleanly(
    reference: Playbook, organisation: Organisation, buyer: User
) -> None:
    recommend(reference, organisation, buyer, "US hedge fund")
    Recommendation.objects.filter(organisation=organisation).delete()
    Assessment.objects.filter(organisation=organisation).delete()
    organisation.delete()
    connection.check_constraints()  # the deferred foreign keys hold: no count is left for a deleted organisation
    assert not PortfolioCount.objects.exists()


def test_the_history_counts_from_the_portfolio_exactly_when_it_can(
    reference: Playbook,
    organisation: Organisation,
    other_organisation: Organisation,
    buyer: User,
    outsider: User,
    buyer_client: Client,
) -> None:
    """The history page's total, read from the counts for no filter or one of verdict, model, function or regime,
    is the number of recommendations the filter selects; other filters are counted from the recommendations."""
    from django.test.utils import CaptureQueriesContext

    from apps.recommendations.filters import HistoryFilter

    recs = [recommend(reference, organisation, buyer, c) for c in [*CASES, CASES[0]]]
    recommend(reference, other_organisation, outsider, CASES[1])  # another organisation's never counts here
    assert all(len(set(r.regimes)) == len(r.regimes) for r in recs)  # a regime is counted once per row
    own = Recommendation.objects.filter(organisation=organisation)
    asked: list[dict[str, str]] = [{}, {"verdict": "maybe"}, {"regime": "no-such-regime"}]
    for r in recs:
        asked += [{"verdict": r.verdict}, {"model": r.top_model}, {"function": r.function}]
        asked += [{"regime": code} for code in r.regimes]
    for query in asked:
        form = HistoryFilter(query or None)
        stored = form.stored_count(organisation)
        if not form.is_valid() and form.is_bound:
            assert stored is None  # a refused filter selects nothing; the paginator counts the empty set
            continue
        assert stored == form.apply(own).count(), query
    for query in [{"verdict": "wins", "regime": "gdpr"}, {"since": "2020-01-01"}, {"decision": "approved"}]:
        assert HistoryFilter(query).stored_count(organisation) is None, query
    # The page shows that total without counting the organisation's recommendations.
    regime = next(code for r in recs for code in r.regimes)
    with CaptureQueriesContext(connection) as queries:
        page = buyer_client.get(reverse("recommendations:history"), {"regime": regime})
    expected = own.filter(regimes__contains=[regime]).count()
    assert f"{expected} recommendation" in page.content.decode()
    assert not [q for q in queries if "COUNT(*)" in q["sql"] and "recommendations_recommendation" in q["sql"]]


def test_history_pages_found_through_the_monthly_counts_hold_the_rows_an_offset_gives(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    """A page starts its scan in the month it begins in (``HistoryPaginator`` with ``stored_months``): it must
    hold exactly the rows a plain OFFSET over all of them gives, newest first, across month and year boundaries,
    rows on a month's first instant and rows sharing a timestamp, for no filter and for each counted one."""
    from apps.recommendations.filters import HistoryFilter, HistoryPaginator

    recs = [recommend(reference, organisation, buyer, c) for c in CASES]
    copies = _copies(organisation, buyer, reference, recs * 19)
    ids = [r.pk for r in recs + Recommendation.objects.bulk_create(copies)]
    months = [(2025, 11), (2025, 12), (2026, 1), (2026, 3), (2026, 4)]
    sizes = [5, 17, 1, 26, 11]  # uneven, 60 in all
    at = [
        datetime(year, month, 1, tzinfo=UTC) + timedelta(hours=i % 4)  # the first instant, and shared timestamps
        for (year, month), size in zip(months, sizes, strict=True)
        for i in range(size)
    ]
    with connection.cursor() as cursor:  # replica mode lifts the immutability trigger for this test's update
        cursor.execute("SET LOCAL session_replication_role = replica")
        for pk, when in zip(ids, at, strict=True):
            cursor.execute("UPDATE recommendations_recommendation SET created_at = %s WHERE id = %s", [when, pk])
        cursor.execute("SET LOCAL session_replication_role = origin")
    rebuild_portfolio_counts()  # stored recommendations never move in time; the test moved them
    own = Recommendation.objects.filter(organisation=organisation)
    queries: list[dict[str, str] | None] = [None, {"regime": recs[0].regimes[0]}]
    queries += [{"verdict": r.verdict} for r in recs] + [{"model": recs[1].top_model}, {"function": recs[2].function}]
    for query in queries:
        form = HistoryFilter(query)
        rows = form.apply(own).only(*HistoryFilter.COLUMNS)
        everything = list(rows.values_list("pk", flat=True))
        paginator = HistoryPaginator(rows, 4, months=form.stored_months(organisation))
        assert paginator.count == len(everything) > 4, query
        for n in paginator.page_range:
            assert [r.pk for r in paginator.page(n).object_list] == everything[(n - 1) * 4 : n * 4], (query, n)
    # Through the page: its second page, which starts in the month before the newest.
    body = buyer_client.get(reverse("recommendations:history"), {"page": 2}).content.decode()
    newest_first = list(own.values_list("pk", flat=True))
    assert [pk for pk in newest_first if f'href="{reverse("recommendations:detail", args=[pk])}"' in body] == (
        newest_first[25:50]
    )


def test_history_pages_the_filters_count_with_their_ids_match_djangos_paginator(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    """Filters the portfolio's counts cannot answer (two at once, dates, sign-off) count their rows in the page's
    own query (``COUNT(*) OVER ()``): for any page number asked, including none, 0, below 0, not whole, past the
    last and past a bigint's OFFSET, the page shown, its rows and the count are Django's paginator's (below 1: its
    first page, where Django gives the last: review 34's ?page=0 showed "Page 11 of 11"), and the
    recommendations table is read once for the ids and the count, with no COUNT(*) of its own."""
    from django.core.paginator import Paginator
    from django.test.utils import CaptureQueriesContext

    from apps.recommendations.filters import HistoryFilter, HistoryPaginator

    recs = [recommend(reference, organisation, buyer, c) for c in CASES]
    Recommendation.objects.bulk_create(_copies(organisation, buyer, reference, recs * 3))
    own = Recommendation.objects.filter(organisation=organisation)
    numbers: list[object] = [None, 1, 2, 3, 4, 5, 99, 0, -1, "2", "2.0", 2.0, 2.5, "two", "", 10**30]
    filters = [
        {"verdict": recs[0].verdict, "model": recs[0].top_model},
        {"since": "2020-01-01"},
        {"decision": "approved"},  # none: an empty first page
        {"verdict": "wins", "since": "2020-01-01", "until": "2099-12-31"},
    ]
    for query in filters:
        form = HistoryFilter(query)
        assert form.stored_months(organisation) is None, query
        rows = form.apply(own).only(*HistoryFilter.COLUMNS)
        for number in numbers:
            ours = HistoryPaginator(rows, 4).get_page(number)
            theirs = Paginator(rows, 4).get_page(1 if number in (0, -1) else number)
            assert (ours.number, ours.paginator.count) == (theirs.number, theirs.paginator.count), (query, number)
            assert [r.pk for r in ours.object_list] == [r.pk for r in theirs.object_list], (query, number)
    with CaptureQueriesContext(connection) as queries:
        page = buyer_client.get(reverse("recommendations:history"), filters[0])
    assert page.status_code == 200
    on_table = [q["sql"] for q in queries if "recommendations_recommendation" in q["sql"]]
    assert len(on_table) == 2 and "OVER ()" in on_table[0] and not [q for q in on_table if "COUNT(*) AS" in q]


def test_chart_coordinates_read_as_the_floatformat_filter_writes_them() -> None:
    """The charts' coordinates are written in Python (``one_place``); the template's ``floatformat:1`` wrote
    them before, and the page must not change: halves round up, a float just below zero reads 0.0."""
    from random import Random

    from django.template.defaultfilters import floatformat

    from apps.recommendations.portfolio import BAR_WIDTH, COLUMN_HEIGHT, one_place

    rng = Random(21)
    values = [0.0, -0.0, 0.05, 0.15, 0.25, 2.25, 119.95, -1e-14, 1e-05, float(BAR_WIDTH), 12.345]
    values += [rng.uniform(0, BAR_WIDTH) for _ in range(2000)]
    values += [COLUMN_HEIGHT * rng.randint(0, 500) / rng.randint(1, 500) for _ in range(2000)]
    values += [COLUMN_HEIGHT - sum(COLUMN_HEIGHT * rng.random() / 3 for _ in range(3)) for _ in range(500)]
    for x in values:
        assert one_place(x) == floatformat(x, 1), x


def test_another_kind_of_knowledge_work_is_named_and_can_be_filtered(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    """Review 36: recommendations for "Another kind of knowledge work" showed as a raw "other", and the function
    filter refused it."""
    page = buyer_client.get(reverse("recommendations:history"), {"function": "other"})
    assert page.status_code == 200
    assert '<option value="other" selected>Another kind of knowledge work</option>' in page.content.decode()
    from apps.recommendations.filters import HistoryFilter

    assert HistoryFilter({}).names["function"]["other"] == "Another kind of knowledge work"
