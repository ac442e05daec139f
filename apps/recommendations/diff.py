"""The differences between two recommendations, for re-scoring and comparison."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from apps.recommendations.models import Recommendation


@dataclass(frozen=True)
class Change:
    what: str
    before: str
    after: str

    @property
    def changed(self) -> bool:
        return self.before != self.after


def _models(rec: Recommendation) -> str:
    return ", ".join(f"{m['name']} ({m['score']})" for m in rec.snapshot["evaluation"]["models"][:3])


def _regimes(rec: Recommendation) -> str:
    return ", ".join(sorted(r["name"] for r in rec.snapshot["evaluation"]["regimes"])) or "none"


def _cost(rec: Recommendation) -> str:
    cost: dict[str, Any] = rec.snapshot["evaluation"]["cost"]
    if not cost.get("available") or not cost.get("models"):
        return "not estimated"
    top = cost["models"][0]
    years, inhouse = cost["horizon_years"], cost["inhouse_horizon"][1]
    return f"{top['name']}: ${top['horizon'][1]:,.0f} over {years:g} years (in-house ${inhouse:,.0f})"


def differences(before: Recommendation, after: Recommendation) -> list[Change]:
    return [
        Change(
            "Playbook version",
            f"v{before.snapshot['playbook']['version']}",
            f"v{after.snapshot['playbook']['version']}",
        ),
        Change("Verdict", before.get_verdict_display(), after.get_verdict_display()),
        Change("Fit score", str(before.fit_score), str(after.fit_score)),
        Change("Engagement models", _models(before), _models(after)),
        Change("Regimes", _regimes(before), _regimes(after)),
        Change("Cost (likely)", _cost(before), _cost(after)),
    ]


@dataclass(frozen=True)
class ComparisonRow:
    what: str
    values: list[str]

    @property
    def differs(self) -> bool:
        return len(set(self.values)) > 1


def _risks(rec: Recommendation) -> str:
    risks = rec.snapshot["evaluation"]["risks"]
    return "; ".join(f"{r['title']} ({r['severity']})" for r in risks) or "none"


def comparison_rows(recs: list[Recommendation]) -> list[ComparisonRow]:
    rows = [
        ("Verdict", lambda r: r.get_verdict_display()),
        ("Fit score", lambda r: str(r.fit_score)),
        ("Engagement models (top three)", _models),
        ("Cost (likely, top model)", _cost),
        ("Regimes", _regimes),
        ("Risks", _risks),
        ("Playbook version", lambda r: f"v{r.snapshot['playbook']['version']}"),
    ]
    return [ComparisonRow(what, [get(r) for r in recs]) for what, get in rows]
