"""Impact preview: which stored recommendations a draft playbook would change, before it is published.

Each stored recommendation keeps the answers it was scored on (``snapshot.stored_answers``). They are
mapped onto the draft by question code (answers the draft cannot take are dropped, as re-scoring
does), scored by the engine, and compared with the stored verdict and top model. Only the answers are
read from the database (a JSON key, streamed in chunks), the draft is compiled once, and only the
outcome is computed (``engine.evaluate.outcome``: no explanation, no cost), so tens of thousands of
recommendations take a few seconds (figures in docs/curation.md).

Curators see it, and curators see no buyer data: the preview reports counts, and examples by knowledge
function with their verdict and top model, never a title, an organisation or an answer.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from apps.playbooks.engine import CompiledPlaybook, clean_answers
from apps.playbooks.engine.evaluate import VERDICT_LABELS, outcome
from apps.recommendations.models import Recommendation

EXAMPLES = 20


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
    models = compiled.catalogue.models

    def name(code: str) -> str:
        return str(models.get(code, {}).get("name") or code) if code else ""

    for function, verdict, top_model, stored in rows.iterator(chunk_size=2000):
        answers, _ = clean_answers(compiled.questions, stored or {}, ignore_unknown=True)
        result = outcome(compiled, answers)
        impact.scored += 1
        new_model = result.top_model or ""
        verdict_changed, model_changed = result.verdict != verdict, new_model != top_model
        impact.verdict_changes += verdict_changed
        impact.model_changes += model_changed
        if verdict_changed or model_changed:
            impact.changed += 1
            if len(impact.examples) < EXAMPLES:
                impact.examples.append(
                    Change(function, verdict, result.verdict, top_model, new_model, name(top_model), name(new_model))
                )
    impact.seconds = time.perf_counter() - started
    return impact
