"""Impact preview: which stored recommendations a draft playbook would change, before it is published.

Each stored recommendation keeps the answers it was scored on (``snapshot.stored_answers``). They are
mapped onto the draft by question code (answers the draft cannot take are dropped, as re-scoring
does), scored by the engine, and compared with the stored verdict and top model. The answers are read
packed (``PackedAnswers``: a few bytes per recommendation, by its playbook's layout, written at submit)
straight into numpy, or from the snapshot's JSON for a recommendation without them; the draft is
compiled once, and the rows are scored a batch at a time by ``engine.batch`` (the verdict, fit score
and top model ``outcome()`` gives each one, worked out per question and per rule over the whole batch).

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
import numpy.typing as npt
from django.db import connection
from django.tasks import TaskResult, task

from apps.playbooks.definition import build_definition
from apps.playbooks.engine import CompiledPlaybook, compile_playbook
from apps.playbooks.engine.batch import BatchOutcomes, BatchScorer
from apps.playbooks.engine.evaluate import VERDICT_LABELS
from apps.playbooks.engine.packed import Layout, layout
from apps.playbooks.engine.types import VERDICTS
from apps.playbooks.models import Playbook
from apps.playbooks.runtime import compiled_playbook
from apps.recommendations.models import PackedAnswers, Recommendation
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
    scorer = BatchScorer(compiled)
    sources = _Sources()
    first_changes: list[tuple[int, str, str, str, str]] = []  # id, verdicts and models before and after
    sql = _ROWS + ("" if limit is None else " LIMIT %s")
    # A server-side cursor: a batch of rows in memory at a time, whatever the number stored.
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, [] if limit is None else [limit])
        while batch := cursor.fetchmany(BATCH):
            _compare(impact, scorer, sources, batch, first_changes)
    functions = dict(Recommendation.objects.filter(pk__in=[c[0] for c in first_changes]).values_list("pk", "function"))
    models = compiled.catalogue.models

    def name(code: str) -> str:
        return str(models.get(code, {}).get("name") or code) if code else ""

    impact.examples = [
        Change(functions.get(pk, ""), before, after, model_before, model_after, name(model_before), name(model_after))
        for pk, before, after, model_before, model_after in first_changes
    ]
    impact.seconds = time.perf_counter() - started
    return impact


# Newest first, as the history lists them (the examples and a limited preview are the newest). Packed answers
# where a recommendation has them; the snapshot's answers (a JSON key, decoded only then) where it has none.
_ROWS = (
    f"SELECT r.id, r.playbook_id, r.verdict, r.top_model, p.layout, p.data, "
    f"CASE WHEN p.data IS NULL THEN r.snapshot -> 'stored_answers' END "
    f"FROM {Recommendation._meta.db_table} r LEFT JOIN {PackedAnswers._meta.db_table} p "
    f"ON p.recommendation_id = r.id ORDER BY r.created_at DESC, r.id DESC"
)


class _Sources:
    """The layouts of the playbooks stored recommendations were scored on, each worked out once."""

    def __init__(self) -> None:
        self._layouts: dict[int, Layout] = {}

    def layout(self, playbook_id: int) -> Layout:
        if playbook_id not in self._layouts:
            self._layouts[playbook_id] = layout(compiled_playbook(Playbook.objects.get(pk=playbook_id)))
        return self._layouts[playbook_id]


def _compare(
    impact: Impact,
    scorer: BatchScorer,
    sources: _Sources,
    batch: list[tuple[Any, ...]],
    first_changes: list[tuple[int, str, str, str, str]],
) -> None:
    """Score ``batch`` (rows of ``_ROWS``) on the draft and count what would change; the first changes, in
    the rows' order, are kept for the examples."""
    n = len(batch)
    verdict = np.empty(n, np.int8)
    top = np.empty(n, np.int32)
    packed: dict[tuple[int, str], list[int]] = {}
    unpacked: list[int] = []
    for i, (_, playbook_id, _, _, digest, data, _) in enumerate(batch):
        if data is None:
            unpacked.append(i)
        else:
            packed.setdefault((playbook_id, digest), []).append(i)
    for (playbook_id, digest), at in packed.items():
        found = sources.layout(playbook_id)
        if found.digest != digest:  # packed by another layout of its playbook: read from the snapshot
            unpacked += at
            continue
        records = np.frombuffer(b"".join(bytes(batch[i][5]) for i in at), found.dtype)
        _place(scorer.score_encoded(scorer.encode_packed(found, records)), at, verdict, top)
    if unpacked:
        _place(scorer.score([_answers(batch[i]) for i in unpacked], clean=True), unpacked, verdict, top)
    # Compared as indices: a stored verdict or model the draft does not know (or no model, None) gets an
    # index no new result has, so it counts as changed, as comparing codes would.
    verdicts = {v: i for i, v in enumerate(VERDICTS)}
    at_model = {"": -1, **{code: i for i, code in enumerate(scorer.models)}}
    verdict_changed = np.array([verdicts.get(row[2], -1) for row in batch]) != verdict
    model_changed = np.array([at_model.get(row[3], -2) if isinstance(row[3], str) else -2 for row in batch]) != top
    changed = verdict_changed | model_changed
    impact.scored += n
    impact.verdict_changes += int(verdict_changed.sum())
    impact.model_changes += int(model_changed.sum())
    impact.changed += int(changed.sum())
    for i in np.flatnonzero(changed)[: EXAMPLES - len(first_changes)].tolist():
        pk, _, verdict_before, model_before, *_ = batch[i]
        model_after = scorer.models[int(top[i])] if top[i] >= 0 else ""
        first_changes.append((pk, verdict_before, VERDICTS[int(verdict[i])], model_before, model_after))


def _place(scored: BatchOutcomes, at: list[int], verdict: npt.NDArray[np.int8], top: npt.NDArray[np.int32]) -> None:
    verdict[at] = scored.verdict
    top[at] = scored.top_model


def _answers(row: tuple[Any, ...]) -> Mapping[str, Any]:
    stored = row[6]
    if stored is None and row[5] is not None:  # packed by a layout no longer its playbook's
        stored = Recommendation.objects.filter(pk=row[0]).values_list("snapshot__stored_answers", flat=True).first()
    if isinstance(stored, str):
        stored = json.loads(stored)
    return stored if isinstance(stored, Mapping) else {}


def pack_answers(*, recommendation: Recommendation, compiled: CompiledPlaybook, answers: Mapping[str, Any]) -> None:
    """Store ``answers`` (the recommendation's, scored on ``compiled``) packed, when they pack exactly;
    the preview reads the snapshot's answers of a recommendation without them. One INSERT."""
    found = layout(compiled)
    data = found.pack(answers)
    if data is not None:
        PackedAnswers.objects.create(
            organisation_id=recommendation.organisation_id,
            recommendation=recommendation,
            layout=found.digest,
            data=data,
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
