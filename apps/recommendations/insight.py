"""Decision insight computed from a stored recommendation: what would flip it, and which answers move
the fit score most. Both re-run the engine on the recommendation's own answers against its own
(immutable) playbook version, so they are deterministic; results are cached per recommendation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.cache import cache

from apps.playbooks.engine import clean_answers
from apps.playbooks.engine.counterfactuals import Sensitivity, sensitivity, what_would_flip
from apps.playbooks.runtime import compiled_playbook
from apps.recommendations.models import Recommendation

CACHE_SECONDS = 60 * 60 * 24
CHART_WIDTH = 300


@dataclass(frozen=True)
class TornadoBar:
    row: Sensitivity
    y: int
    low_x: float
    width: float
    base_x: float


@dataclass(frozen=True)
class Try:
    """A change that would flip the result, as the fields a what-if form posts to try it."""

    sentence: str
    fields: list[tuple[str, str]]


@dataclass(frozen=True)
class Insight:
    flips: list[str]
    rows: list[TornadoBar]
    height: int
    tries: list[Try]


def _form_fields(question: str, value: Any) -> list[tuple[str, str]]:
    fields = [(f"{question}__present", "1")]
    if isinstance(value, bool):
        return [*fields, (question, "yes" if value else "no")]
    if isinstance(value, list):
        return [*fields, *((question, str(v)) for v in value)]
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return [*fields, (question, "" if value is None else str(value))]


def insight(recommendation: Recommendation) -> Insight:
    key = f"kpo:insight:v2:{recommendation.pk}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    compiled = compiled_playbook(recommendation.playbook)
    answers, _ = clean_answers(compiled.questions, recommendation.record.stored_answers, ignore_unknown=True)
    found = what_would_flip(compiled, answers)
    flips = [f.sentence(compiled.catalogue.models) for f in found]
    tries = [
        Try(sentence, [field for c in f.changes for field in _form_fields(c.question, c.value)])
        for sentence, f in zip(flips, found, strict=True)
    ]
    rows = list(sensitivity(compiled, answers))[:10]
    bars = [
        TornadoBar(
            row=r,
            y=i * 28,
            low_x=CHART_WIDTH * r.low / 100,
            width=max(2.0, CHART_WIDTH * (r.high - r.low) / 100),
            base_x=CHART_WIDTH * r.baseline / 100,
        )
        for i, r in enumerate(rows)
    ]
    result = Insight(flips=flips, rows=bars, height=max(28, len(bars) * 28), tries=tries)
    cache.set(key, result, CACHE_SECONDS)
    return result
