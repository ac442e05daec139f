"""Timing helpers: every figure is a median and a 95th percentile over repeated runs."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from typing import Any


def percentile(values: Sequence[float], p: float) -> float:
    """The ``p``th percentile (0-100) by the nearest-rank method; nan for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def summary(samples_ms: Sequence[float]) -> dict[str, Any]:
    return {
        "n": len(samples_ms),
        "median_ms": percentile(samples_ms, 50),
        "p95_ms": percentile(samples_ms, 95),
        "min_ms": min(samples_ms) if samples_ms else math.nan,
    }


def time_calls(fn: Callable[[Any], Any], inputs: Sequence[Any], *, rounds: int = 1) -> list[float]:
    """Milliseconds per call of ``fn(x)`` for each x in ``inputs``, ``rounds`` times over."""
    out = []
    clock = time.perf_counter
    for _ in range(rounds):
        for x in inputs:
            start = clock()
            fn(x)
            out.append((clock() - start) * 1000)
    return out
