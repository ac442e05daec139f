"""Impact preview: which stored recommendations a draft playbook would change, before it is published.

Each stored recommendation keeps the answers it was scored on (``snapshot.stored_answers``). They are
mapped onto the draft by question code (answers the draft cannot take are dropped, as re-scoring
does), scored by the engine, and compared with the stored verdict and top model. Only the answers are
read from the database (a JSON key, streamed in chunks), the draft is compiled once, and the rows are
scored a batch at a time by ``engine.batch`` (the verdict, fit score and top model ``outcome()`` gives
each one, worked out per question and per rule over the whole batch), so the reading dominates.

Curators see it, and curators see no buyer data: the preview reports counts, and examples by knowledge
function with their verdict and top model, never a title, an organisation or an answer.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
from django.tasks import TaskResult, task

from apps.playbooks.definition import build_definition
from apps.playbooks.engine import CompiledPlaybook, compile_playbook
from apps.playbooks.engine.batch import BatchScorer
from apps.playbooks.engine.evaluate import VERDICT_LABELS
from apps.playbooks.engine.types import VERDICTS
from apps.playbooks.models import Playbook
from apps.recommendations.models import Recommendation
from apps.tasks.queue import enqueue_once

EXAMPLES = 20
BATCH = 20_000  # rows scored together: large enough for numpy to pay, small enough to hold in memory


@dataclass(frozen=True)
class Change:
    function: str
    verdict_before: str
    verdict_after: str
    model_before: str
    model_after: str
    model_before_name: str = ""  # the engagement models' names, for display ("" when there is none)
    model_after_name: str = ""

    @property
    def verdict_before_label(self) -> str:
        return VERDICT_LABELS.get(self.verdict_before, self.verdict_before)

    @property
    def verdict_after_label(self) -> str:
        return VERDICT_LABELS.get(self.verdict_after, self.verdict_after)


@dataclass
class Impact:
    scored: int = 0
    verdict_changes: int = 0
    model_changes: int = 0
    examples: list[Change] = field(default_factory=list)
    seconds: float = 0.0
    limited_to: int | None = None

    changed: int = 0

    @property
    def unchanged(self) -> int:
        return self.scored - self.changed


def preview_impact(compiled: CompiledPlaybook, *, limit: int | None = None) -> Impact:
    started = time.perf_counter()
    impact = Impact(limited_to=limit)
    rows = Recommendation.objects.order_by("-created_at", "-id").values_list(
        "function", "verdict", "top_model", "snapshot__stored_answers"
    )
    if limit is not None:
        rows = rows[:limit]
    scorer = BatchScorer(compiled)
    batch: list[tuple[str, str, str, Mapping[str, Any]]] = []
    for function, verdict, top_model, stored in rows.iterator(chunk_size=2000):
        batch.append((function, verdict, top_model, stored or {}))
        if len(batch) == BATCH:
            _compare(impact, scorer, batch)
            batch = []
    _compare(impact, scorer, batch)
    impact.seconds = time.perf_counter() - started
    return impact


def _compare(impact: Impact, scorer: BatchScorer, batch: list[tuple[str, str, str, Mapping[str, Any]]]) -> None:
    """Score ``batch`` (function, stored verdict, stored top model, stored answers) on the draft and count
    what would change; the first changes, in the rows' order, become the examples."""
    if not batch:
        return
    scored = scorer.score([answers for *_, answers in batch], clean=True)
    # Compared as indices, a batch at a time: a stored verdict or model the draft does not know (or no
    # model, None) gets an index no new result has, so it counts as changed, as comparing codes would.
    verdicts = {v: i for i, v in enumerate(VERDICTS)}
    at = {"": -1, **{code: i for i, code in enumerate(scored.models)}}
    verdict_changed = np.array([verdicts.get(v, -1) for _, v, _, _ in batch]) != scored.verdict
    model_changed = np.array([at.get(m, -2) if isinstance(m, str) else -2 for _, _, m, _ in batch]) != scored.top_model
    changed = verdict_changed | model_changed
    impact.scored += len(batch)
    impact.verdict_changes += int(verdict_changed.sum())
    impact.model_changes += int(model_changed.sum())
    impact.changed += int(changed.sum())
    models = scorer.pb.catalogue.models

    def name(code: str) -> str:
        return str(models.get(code, {}).get("name") or code) if code else ""

    for i in np.flatnonzero(changed)[: EXAMPLES - len(impact.examples)].tolist():
        function, verdict, top_model, _ = batch[i]
        result = scored.outcome(i)
        new_model = result.top_model or ""
        impact.examples.append(
            Change(function, verdict, result.verdict, top_model, new_model, name(top_model), name(new_model))
        )


# In the background: the preview reads every stored recommendation (seconds at scale), so the admin page
# queues it and shows its progress instead of holding the request open.


def engine_input(playbook: Playbook) -> dict[str, Any]:
    """What the engine compiles: a draft's rows as they are now, a published playbook's frozen definition."""
    if not playbook.is_draft and playbook.definition is not None:
        return dict(playbook.definition)
    return build_definition(playbook)


def draft_fingerprint(definition: Mapping[str, Any]) -> str:
    """Identifies what a preview is of: the draft's full engine input, so any edit makes a new preview."""
    text = json.dumps(definition, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def impact_as_data(impact: Impact) -> dict[str, Any]:
    return asdict(impact)


def impact_from_data(data: Mapping[str, Any]) -> Impact:
    examples = [Change(**example) for example in data.get("examples", [])]
    return Impact(**{**data, "examples": examples})


@task()
def preview_draft_impact(*, playbook_id: int, fingerprint: str, newest_recommendation: int, limit: int) -> dict | None:
    """The preview of the playbook as it was asked for, as data; None when it has changed since (or is gone):
    a new request asks for the new one."""
    playbook = Playbook.objects.filter(pk=playbook_id).first()
    if playbook is None:
        return None
    definition = engine_input(playbook)
    if draft_fingerprint(definition) != fingerprint:
        return None
    return impact_as_data(preview_impact(compile_playbook(definition), limit=limit))


def request_preview(*, playbook: Playbook, definition: Mapping[str, Any], limit: int) -> TaskResult:
    """Queue the preview of this draft (once per draft content and stored recommendations), or find it."""
    newest = Recommendation.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    identity = {
        "playbook_id": playbook.pk,
        "fingerprint": draft_fingerprint(definition),
        "newest_recommendation": newest,
        "limit": limit,
    }
    return enqueue_once(preview_draft_impact, identity=identity)
