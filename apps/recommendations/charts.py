"""Server-rendered SVG bar charts: the geometry is computed here and drawn by
`templates/recommendations/parts/bar_chart.html` as plain SVG attributes (no inline styles, so the
Content Security Policy holds).

Horizontal positions are percentages of the chart's width and vertical ones are pixels, and the SVG
has no viewBox: it stretches to its column while its text keeps the page's size, so the same chart
reads at 375 px and at 1280 px (a viewBox would shrink the labels with the chart on a phone). Each
row puts its label (wrapped, never cut) on its own line above the bar, and its figure beside the bar
at the right; the axis below has ticks, figures and a title. The figure also carries a text
equivalent for screen readers and print (its <title>, and a table or list beside it on the page).
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from apps.common.formatting import short_money as money
from apps.recommendations.snapshot.types import Cost, CostModel, Model

CURRENCY_NAMES = {"USD": "US dollars", "GBP": "pounds sterling", "EUR": "euros"}

# The bars use the left PLOT per cent of the width; the figures sit right-aligned in the rest.
PLOT = 74.0
LINE = 16  # px per label line
BAR = 14  # px bar height
GAP = 12  # px between rows
AXIS = 44  # px for the axis line, its figures and its title
LABEL_CHARS = 44  # a label wraps to lines of at most this many characters (about 300 px at 13 px)


@dataclass(frozen=True)
class Row:
    """One bar: its label lines, where it starts and how wide it is (per cent of the chart's width)."""

    lines: Sequence[str]
    top: int
    start: float
    width: float
    figure: str
    marker: float | None = None  # the likely (or current) value, drawn as a tick across the bar
    negative: bool = False
    tone: str = ""

    @property
    def label(self) -> str:
        return " ".join(self.lines)

    @property
    def bar_top(self) -> int:
        return self.top + LINE * len(self.lines) + 4

    @property
    def lines_at(self) -> list[tuple[int, str]]:
        """Each label line with its baseline."""
        return [(self.top + 12 + LINE * i, line) for i, line in enumerate(self.lines)]

    @property
    def figure_y(self) -> int:
        return self.bar_top + BAR - 2


@dataclass(frozen=True)
class Tick:
    at: float
    text: str

    @property
    def anchor(self) -> str:
        # The end ticks align inwards, so their figures are never cut at the chart's edges.
        if self.at <= 0:
            return "start"
        return "end" if self.at >= PLOT else "middle"


@dataclass(frozen=True)
class Chart:
    """A bar chart: the rows, the axis (ticks, title, the zero line) and the figure's caption."""

    title: str
    axis_title: str
    rows: Sequence[Row]
    ticks: Sequence[Tick]
    zero: float
    axis_y: int

    @property
    def height(self) -> int:
        return self.axis_y + AXIS

    @property
    def plot_end(self) -> float:
        return PLOT

    @property
    def summary(self) -> str:
        """The whole chart as one sentence, for its <title> (read by screen readers)."""
        return f"{self.title}: " + "; ".join(f"{r.label} {r.figure}" for r in self.rows)


def nice_step(span: float, parts: int = 5) -> float:
    """A round step (1, 2, 2.5 or 5 times a power of ten) that splits ``span`` into at most ``parts``."""
    raw = span / parts if span > 0 else 1.0
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)


def _axis(low: float, high: float, fmt: Callable[[float], str]) -> tuple[float, float, list[Tick]]:
    """The axis domain, widened to whole steps around ``low``..``high`` (zero included), and its ticks."""
    step = nice_step(high - low)
    start = math.floor(low / step) * step
    end = max(math.ceil(high / step) * step, start + step)
    count = round((end - start) / step)
    ticks = [Tick(PLOT * i / count, fmt(start + i * step)) for i in range(count + 1)]
    return start, end, ticks


def _layout(labels: Sequence[str]) -> list[tuple[list[str], int]]:
    """Each label's lines and the row's top, rows stacked one under the other."""
    placed, top = [], 0
    for label in labels:
        lines = textwrap.wrap(label, LABEL_CHARS) or [""]
        placed.append((lines, top))
        top += LINE * len(lines) + 4 + BAR + GAP
    return placed


def _rows_height(labels: Sequence[str]) -> int:
    return sum(LINE * len(textwrap.wrap(label, LABEL_CHARS) or [""]) + 4 + BAR + GAP for label in labels)


def signed(value: float) -> str:
    """+12, 0 and −3 (a true minus sign)."""
    number = f"{abs(value):g}"
    return "0" if value == 0 else ("+" if value > 0 else "−") + number


def score_chart(models: Sequence[Model]) -> Chart:
    """Model scores as bars from a zero line: positive to the right, negative to the left."""
    scores = [m.score for m in models]
    low, high, ticks = _axis(min([0, *scores]), max([0, *scores]), signed)
    scale = PLOT / (high - low)
    zero = -low * scale
    rows = [
        Row(
            lines=lines,
            top=top,
            start=zero + min(0, m.score) * scale,
            width=abs(m.score) * scale,
            figure=f"{signed(m.score)}, ruled out" if m.excluded_because else signed(m.score),
            negative=m.score < 0,
            tone="ok" if i == 0 and not m.excluded_because else "",
        )
        for i, (m, (lines, top)) in enumerate(zip(models, _layout([m.name for m in models]), strict=True))
    ]
    return Chart(
        title="Engagement model scores, in points",
        axis_title="Score (points); below zero draws left of the line",
        rows=rows,
        ticks=ticks,
        zero=zero,
        axis_y=_rows_height([m.name for m in models]),
    )


def cost_chart(cost: Cost) -> Chart | None:
    """Horizon cost as low-to-high ranges with the likely figure marked, in-house first (a total cost of
    ownership's range is its P10 to P90), in the cost's currency."""
    if not cost.available or cost.inhouse_horizon is None:
        return None
    cur = cost.currency

    def fmt(value: float) -> str:
        return money(value, cur)

    entries = [("Keep it in-house", cost.inhouse_horizon, "warn")]
    entries += [(m.name, m.horizon, "ok") for m in cost.models]
    labels = [f"{name}: {fmt(r[0])} to {fmt(r[2])}" for name, r, _ in entries]
    _, high, ticks = _axis(0, max(r[2] for _, r, _ in entries), fmt)
    scale = PLOT / high
    rows = [
        Row(
            lines=lines,
            top=top,
            start=r[0] * scale,
            width=max(0.5, (r[2] - r[0]) * scale),
            figure=f"likely {fmt(r[1])}",
            marker=r[1] * scale,
            tone=tone,
        )
        for (_, r, tone), (lines, top) in zip(entries, _layout(labels), strict=True)
    ]
    horizon = cost.period
    ends = "P10 to P90" if cost.is_tco else "low to high"
    return Chart(
        title=f"Cost over {horizon}, {ends} with the likely figure marked",
        axis_title=f"Cost over {horizon} ({CURRENCY_NAMES.get(cur, cur)})",
        rows=rows,
        ticks=ticks,
        zero=0.0,
        axis_y=_rows_height(labels),
    )


def tornado_chart(model: CostModel, currency: str) -> Chart | None:
    """The cost tornado of one model: for each input, the saving with it at its low and at its high (every
    other input at likely), the widest first, on one axis through zero; the likely saving is marked."""
    if not model.tornado or model.savings[1] is None:
        return None
    likely = model.savings[1]

    def fmt(value: float) -> str:
        return money(value, currency)

    ends = [v for s in model.tornado for v in (s.saving_at_low, s.saving_at_high)]
    low, high, ticks = _axis(min([0.0, likely, *ends]), max([0.0, likely, *ends]), fmt)
    scale = PLOT / (high - low)
    labels = [s.label + (" (your figure)" if s.supplied else "") for s in model.tornado]
    rows = [
        Row(
            lines=lines,
            top=top,
            start=(min(s.saving_at_low, s.saving_at_high) - low) * scale,
            width=max(0.5, s.width * scale),
            figure=f"{fmt(s.saving_at_low)} to {fmt(s.saving_at_high)}",
            marker=(likely - low) * scale,
            negative=max(s.saving_at_low, s.saving_at_high) < 0,
        )
        for s, (lines, top) in zip(model.tornado, _layout(labels), strict=True)
    ]
    return Chart(
        title=f"{model.name}: what moves the saving most (each input from its low to its high; the mark is the "
        "likely saving)",
        # The axis title is one SVG line: short enough for a phone's width in the longest currency's name.
        axis_title=f"Saving against in-house ({CURRENCY_NAMES.get(currency, currency)})",
        rows=rows,
        ticks=ticks,
        zero=-low * scale,
        axis_y=_rows_height(labels),
    )


def sensitivity_chart(rows: Sequence[Any]) -> Chart | None:
    """Each answer's reach: the lowest and highest fit score (0 to 100) that changing it alone gives,
    the current score marked. ``rows`` are the engine's ``Sensitivity`` rows."""
    if not rows:
        return None
    scale = PLOT / 100
    labels = [r.prompt for r in rows]
    return Chart(
        title="Fit score range reached by changing each answer alone",
        axis_title="Fit score (0 to 100); the mark is the score now",
        rows=[
            Row(
                lines=lines,
                top=top,
                start=r.low * scale,
                width=max(0.5, (r.high - r.low) * scale),
                figure=f"{r.low}–{r.high}, now {r.baseline}",
                marker=r.baseline * scale,
            )
            for r, (lines, top) in zip(rows, _layout(labels), strict=True)
        ],
        ticks=[Tick(PLOT * v / 100, str(v)) for v in (0, 25, 50, 75, 100)],
        zero=0.0,
        axis_y=_rows_height(labels),
    )
