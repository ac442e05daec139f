"""The organisation's portfolio: counts of recommendations by verdict, model, function and regime,
all time and month by month over the last year, and recent activity.

The counts come from ``PortfolioCount``, which database triggers keep as recommendations are stored
(one row per organisation, month, dimension and key), summed per dimension and key by the query, so the
page reads a few hundred rows and makes the same five queries whether the organisation has ten
recommendations or a hundred and fifty thousand. Months are UTC months."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from itertools import repeat
from typing import Any

from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import Q, Sum
from django.utils import timezone

from apps.accounts.models import Organisation
from apps.compliance.models import Regime
from apps.engagements.models import EngagementModel, function_names
from apps.recommendations.models import PortfolioCount, Recommendation, Verdict

BAR_WIDTH = 240
MONTHS = 12  # the window of the charts over time
TREND_ROWS = 5  # the most frequent models, functions and regimes shown month by month
COLUMN_HEIGHT = 120
COLUMN_WIDTH = 36


TENTH = Decimal("0.1")


def one_place(x: float) -> str:
    """``x`` to one decimal place as the ``floatformat:1`` filter writes it (half up; no minus on a zero), for the
    charts' SVG coordinates: written here, the page's hundreds of them skip the filter's work in the template."""
    rounded = Decimal(repr(x)).quantize(TENTH, ROUND_HALF_UP)
    return str(rounded if rounded else rounded.copy_abs())


@dataclass(frozen=True)
class Bar:
    key: str
    label: str
    count: int
    width: float

    @property
    def svg_width(self) -> str:
        return one_place(self.width)


def _bars(rows: list[tuple[str, int]], names: dict[str, str]) -> list[Bar]:
    top = max([n for _, n in rows] + [1])
    return [Bar(key, names.get(key, key) or "—", n, BAR_WIDTH * n / top) for key, n in rows]


@dataclass(frozen=True)
class Segment:
    verdict: str
    y: float
    height: float

    @property
    def svg_y(self) -> str:
        return one_place(self.y)

    @property
    def svg_height(self) -> str:
        return one_place(self.height)


@dataclass(frozen=True)
class Column:
    month: date
    x: float
    total: int
    segments: list[Segment]


@dataclass(frozen=True)
class Trend:
    label: str
    counts: list[int]
    total: int
    points: str  # an SVG polyline over the months, for a sparkline


def _month_list(today: date) -> list[date]:
    """The first day of each of the last MONTHS months, oldest first, this month included."""
    months, year, month = [], today.year, today.month
    for _ in range(MONTHS):
        months.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]


def _columns(by_month: dict[date, dict[str, int]], months: list[date]) -> tuple[list[Column], int]:
    top = max([sum(by_month.get(m, {}).values()) for m in months] + [1])
    columns = []
    for i, month in enumerate(months):
        counts = by_month.get(month, {})
        y = float(COLUMN_HEIGHT)
        segments = []
        for verdict in Verdict.values:
            height = COLUMN_HEIGHT * counts.get(verdict, 0) / top
            y -= height
            if height:
                segments.append(Segment(verdict, y, height))
        columns.append(Column(month, i * COLUMN_WIDTH, sum(counts.values()), segments))
    return columns, top


def _trends(rows: list[tuple[date, str, int]], months: list[date], names: dict[str, str]) -> list[Trend]:
    """The most frequent codes in the window, each with its count per month."""
    table: dict[str, dict[date, int]] = {}
    for month, code, n in rows:
        table.setdefault(code, {})[month] = n
    ranked = sorted(table, key=lambda c: (-sum(table[c].values()), c))[:TREND_ROWS]
    trends = []
    for code in ranked:
        counts = [table[code].get(m, 0) for m in months]
        top = max(counts + [1])
        points = " ".join(f"{i * 10},{20 - 18 * n / top:.1f}" for i, n in enumerate(counts))
        trends.append(Trend(names.get(code, code) or "—", counts, sum(counts), points))
    return trends


def portfolio(organisation: Organisation) -> dict[str, Any]:
    window = _month_list(timezone.localdate())
    totals: dict[str, dict[str, int]] = {d: {} for d in PortfolioCount.Dimension.values}
    recent_months: dict[str, list[tuple[date, str, int]]] = {d: [] for d in PortfolioCount.Dimension.values}
    # One row per dimension and key, however many months the organisation has: its count of all time, and its
    # months in the window with their counts (half the time of reading each month's row at 150,000 recommendations).
    recent = Q(month__gte=window[0])
    rows = (
        PortfolioCount.objects.filter(organisation=organisation)
        .values_list("dimension", "key")
        .annotate(
            total=Sum("count"),
            months=ArrayAgg("month", filter=recent, default=[]),
            counts=ArrayAgg("count", filter=recent, default=[]),
        )
    )
    for dimension, key, total, months, counts in rows:
        totals[dimension][key] = total
        recent_months[dimension].extend(zip(months, repeat(key), counts, strict=False))

    def grouped(dimension: str) -> list[tuple[str, int]]:
        return sorted(totals[dimension].items(), key=lambda item: (-item[1], item[0]))

    by_month: dict[date, dict[str, int]] = {}
    for month, verdict, n in recent_months["verdict"]:
        by_month.setdefault(month, dict.fromkeys(Verdict.values, 0))[verdict] = n
    columns, column_top = _columns(by_month, window)
    verdict_names = dict(Verdict.choices)
    verdicts = grouped("verdict")
    model_names = dict(EngagementModel.objects.values_list("code", "name"))
    functions = function_names()
    regime_names = dict(Regime.objects.values_list("code", "name"))
    return {
        "total": sum(n for _, n in verdicts),
        "verdicts": _bars(verdicts, verdict_names),
        "models": _bars(grouped("model"), model_names),
        "functions": _bars(grouped("function"), functions),
        "regimes": _bars(grouped("regime"), regime_names),
        "window": window,
        "columns": columns,
        "column_top": column_top,
        "chart_width": COLUMN_WIDTH * len(window),
        "chart_height": COLUMN_HEIGHT,
        "months": [(c.month, [by_month.get(c.month, {}).get(v, 0) for v in Verdict.values], c.total) for c in columns],
        "verdict_labels": [verdict_names[v] for v in Verdict.values],
        "verdict_legend": list(zip(Verdict.values, [verdict_names[v] for v in Verdict.values], strict=True)),
        "trends": [
            ("Top engagement model", _trends(recent_months["model"], window, model_names)),
            ("Knowledge function", _trends(recent_months["function"], window, functions)),
            ("Regime triggered", _trends(recent_months["regime"], window, regime_names)),
        ],
        "recent": list(
            Recommendation.objects.for_organisation(organisation)
            .only("id", "title", "verdict", "fit_score", "created_at", "cost_note")
            .order_by("-created_at", "-id")[:10]
        ),
    }
