"""Decision insight of a stored recommendation: what would flip it, and which answers move the fit score most.

What would flip it is worked out at submit and stored in the snapshot (``compute_flips``), so the result
page and the memo show what they showed then; recommendations stored before that (schema 1 and 2) work it
out on request as they always did. Sensitivity re-runs the engine on the recommendation's own answers
against its own (immutable) playbook version, so it is deterministic and cached per recommendation."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache

from apps.playbooks.engine import CompiledPlaybook, clean_answers
from apps.playbooks.engine.counterfactuals import Flip, Sensitivity, sensitivity, what_would_flip
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


def compute_flips(compiled: CompiledPlaybook, stored_answers: Mapping[str, Any]) -> tuple[Flip, ...]:
    """What would flip it for ``stored_answers``: at submit (to store) and for older recommendations."""
    answers, _ = clean_answers(compiled.questions, stored_answers, ignore_unknown=True)
    return what_would_flip(compiled, answers)


def flips(recommendation: Recommendation) -> list[Try]:
    """What would flip it, as stored at submit; worked out (and cached) for recommendations stored before."""
    stored = recommendation.record.flips
    if stored is not None:
        return [
            Try(f.sentence, [field for c in f.changes for field in _form_fields(c.question, c.value)]) for f in stored
        ]
    key = f"kpo:flips:v1:{recommendation.pk}"
    cached: list[Try] | None = cache.get(key)
    if cached is not None:
        return cached
    compiled = compiled_playbook(recommendation.playbook)
    found = compute_flips(compiled, recommendation.record.stored_answers)
    tries = [
        Try(
            f.sentence(compiled.catalogue.models),
            [field for c in f.changes for field in _form_fields(c.question, c.value)],
        )
        for f in found
    ]
    cache.set(key, tries, CACHE_SECONDS)
    return tries


def insight(recommendation: Recommendation) -> Insight:
    tries = flips(recommendation)
    key = f"kpo:sensitivity:v1:{recommendation.pk}"
    bars: list[TornadoBar] | None = cache.get(key)
    if bars is None:
        compiled = compiled_playbook(recommendation.playbook)
        answers, _ = clean_answers(compiled.questions, recommendation.record.stored_answers, ignore_unknown=True)
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
        cache.set(key, bars, CACHE_SECONDS)
    return Insight(flips=[t.sentence for t in tries], rows=bars, height=max(28, len(bars) * 28), tries=tries)
