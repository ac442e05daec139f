"""Decision insight of a stored recommendation: what would flip it, and which answers move the fit score most.

What would flip it is an exhaustive search (``engine.counterfactuals``: tens of milliseconds, more when
triples are tried), so submit does not wait for it. Once the recommendation is committed a background
task works it out and stores it in the recommendation's ``FlipRecord``; the first view of the result
page or the memo does it instead if it comes first. Either way it is stored before it is shown, and
shown as stored from then on. Recommendations whose snapshot holds it (schema 3, worked out at submit)
keep theirs. Sensitivity re-runs the engine on the recommendation's own answers against its own
(immutable) playbook version, so it is deterministic and cached per recommendation."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache

from apps.playbooks.engine import CompiledPlaybook, clean_answers
from apps.playbooks.engine.counterfactuals import FlipSearch, Sensitivity, search_flips, sensitivity
from apps.playbooks.runtime import compiled_playbook
from apps.recommendations.models import FlipRecord, Recommendation
from apps.recommendations.snapshot import flips_document, read_flips
from apps.recommendations.snapshot.types import StoredFlip

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


def compute_flips(compiled: CompiledPlaybook, stored_answers: Mapping[str, Any]) -> FlipSearch:
    """The what-would-flip search on ``stored_answers`` (cleaned for the playbook, as they were scored)."""
    answers, _ = clean_answers(compiled.questions, stored_answers, ignore_unknown=True)
    return search_flips(compiled, answers)


def record_flips(*, recommendation: Recommendation) -> FlipRecord:
    """Work out what would flip ``recommendation`` and store it, once. Two writers at once (the task and a
    first view) insert one row between them, and both return it."""
    compiled = compiled_playbook(recommendation.playbook)
    found = compute_flips(compiled, recommendation.record.stored_answers)
    document = flips_document(found.flips, compiled.catalogue.models, wins_at=compiled.wins_threshold)
    row = FlipRecord(
        organisation_id=recommendation.organisation_id,
        recommendation=recommendation,
        flips=document,
        depth=found.depth,
        complete=found.complete,
    )
    FlipRecord.objects.bulk_create([row], ignore_conflicts=True)
    return FlipRecord.objects.get(organisation_id=recommendation.organisation_id, recommendation=recommendation)


def stored_flips(recommendation: Recommendation) -> tuple[StoredFlip, ...]:
    """What would flip it, as stored: in the snapshot (schema 3), else in its record, which is worked out
    and stored now if the background task has not done it yet."""
    in_snapshot = recommendation.record.flips
    if in_snapshot is not None:
        return in_snapshot
    # By the organisation too: the distribution column on Citus (docs/scaling.md).
    record = FlipRecord.objects.filter(
        organisation_id=recommendation.organisation_id, recommendation=recommendation
    ).first()
    if record is None:
        record = record_flips(recommendation=recommendation)
    return read_flips(record.flips)


def flips(recommendation: Recommendation) -> list[Try]:
    """What would flip it, as stored, with the fields a what-if form posts to try each change."""
    return [
        Try(f.sentence, [field for c in f.changes for field in _form_fields(c.question, c.value)])
        for f in stored_flips(recommendation)
    ]


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
