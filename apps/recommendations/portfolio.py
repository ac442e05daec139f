"""The organisation's portfolio: counts of recommendations by verdict, model, function and regime,
month by month, and recent activity. A fixed number of aggregate queries, whatever the volume."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Func
from django.db.models.functions import TruncMonth

from apps.accounts.models import Organisation
from apps.compliance.models import Regime
from apps.engagements.models import EngagementModel, KnowledgeFunction
from apps.recommendations.models import Recommendation, Verdict

BAR_WIDTH = 240


@dataclass(frozen=True)
class Bar:
    key: str
    label: str
    count: int
    width: float


def _bars(rows: list[tuple[str, int]], names: dict[str, str]) -> list[Bar]:
    top = max([n for _, n in rows] + [1])
    return [Bar(key, names.get(key, key) or "—", n, BAR_WIDTH * n / top) for key, n in rows]


def portfolio(organisation: Organisation) -> dict[str, Any]:
    recs = Recommendation.objects.for_organisation(organisation)

    def grouped(field: str) -> list[tuple[str, int]]:
        return list(recs.values_list(field).annotate(n=Count("id")).order_by("-n", field))

    regimes = list(
        recs.annotate(regime=Func(F("regimes"), function="unnest"))
        .values_list("regime")
        .annotate(n=Count("id"))
        .order_by("-n", "regime")
    )
    months = list(
        recs.annotate(month=TruncMonth("created_at"))
        .values_list("month", "verdict")
        .annotate(n=Count("id"))
        .order_by("month", "verdict")
    )
    by_month: dict[Any, dict[str, int]] = {}
    for month, verdict, n in months:
        by_month.setdefault(month, dict.fromkeys(Verdict.values, 0))[verdict] = n
    verdict_names = dict(Verdict.choices)
    verdicts = grouped("verdict")
    return {
        "total": sum(n for _, n in verdicts),
        "verdicts": _bars(verdicts, verdict_names),
        "models": _bars(grouped("top_model"), dict(EngagementModel.objects.values_list("code", "name"))),
        "functions": _bars(grouped("function"), dict(KnowledgeFunction.objects.values_list("code", "name"))),
        "regimes": _bars(regimes, dict(Regime.objects.values_list("code", "name"))),
        "months": [
            (month, [counts[v] for v in Verdict.values], sum(counts.values())) for month, counts in by_month.items()
        ],
        "verdict_labels": [verdict_names[v] for v in Verdict.values],
        "recent": list(
            recs.only("id", "title", "verdict", "fit_score", "created_at").order_by("-created_at", "-id")[:10]
        ),
    }
