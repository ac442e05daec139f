"""Server-rendered SVG charts: the geometry is computed here and drawn by templates as plain SVG
attributes (no inline styles, so the Content Security Policy holds). Each chart has a text table
beside it for screen readers and print."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

LABEL_WIDTH = 250
BAR_WIDTH = 300
ROW = 30


@dataclass(frozen=True)
class Bar:
    label: str
    y: float
    width: float
    text: str


@dataclass(frozen=True)
class RangeBar:
    label: str
    y: float
    low_x: float
    span: float
    likely_x: float
    text: str
    inhouse: bool


@dataclass(frozen=True)
class Chart:
    height: int
    width: int
    label_width: int
    bars: Sequence[Any]


def score_chart(models: Sequence[dict[str, Any]]) -> Chart:
    """Model scores as horizontal bars; a score at or below zero draws no bar (its number says so)."""
    top = max([m["score"] for m in models] + [1])
    bars = [
        Bar(m["name"], i * ROW, max(0.0, BAR_WIDTH * m["score"] / top), f"{m['score']:+d}")
        for i, m in enumerate(models)
    ]
    return Chart(len(bars) * ROW, LABEL_WIDTH + BAR_WIDTH + 50, LABEL_WIDTH, bars)


def cost_chart(cost: dict[str, Any]) -> Chart | None:
    """Horizon cost as low-to-high ranges with the likely figure marked, in-house first."""
    if not cost.get("available"):
        return None
    rows = [("In-house", cost["inhouse_horizon"], True)] + [(m["name"], m["horizon"], False) for m in cost["models"]]
    top = max(r[1][2] for r in rows) or 1
    scale = BAR_WIDTH / top
    bars = [
        RangeBar(
            label=label,
            y=i * ROW,
            low_x=LABEL_WIDTH + t[0] * scale,
            span=max(2.0, (t[2] - t[0]) * scale),
            likely_x=LABEL_WIDTH + t[1] * scale,
            text=f"${t[0]:,.0f} to ${t[2]:,.0f}, likely ${t[1]:,.0f}",
            inhouse=inhouse,
        )
        for i, (label, t, inhouse) in enumerate(rows)
    ]
    return Chart(len(bars) * ROW, LABEL_WIDTH + BAR_WIDTH + 10, LABEL_WIDTH, bars)
