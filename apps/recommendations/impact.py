"""Impact preview: which stored recommendations a draft playbook would change, before it is published.

Each stored recommendation keeps the answers it was scored on (``snapshot.stored_answers``). They are
mapped onto the draft by question code (answers the draft cannot take are dropped, as re-scoring
does), scored by the engine, and compared with what the published playbook gives the same answers (the
``baseline``), so a draft nobody edited changes nothing: what the draft changes is the curator's. Those
scored on an older version may already differ from what they show; that drift is counted apart. Without a
published playbook (the first draft) they are compared with the stored verdict and top model. The answers are read
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
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import numpy as np
import numpy.typing as npt
import psycopg
from django.db import connection, transaction
from django.tasks import TaskResult, task

from apps.playbooks.definition import build_definition
from apps.playbooks.engine import CompiledPlaybook, compile_playbook
from apps.playbooks.engine.batch import BatchScorer, DamagedAnswers
from apps.playbooks.engine.evaluate import VERDICT_LABELS
from apps.playbooks.engine.packed import Layout, layout
from apps.playbooks.engine.types import VERDICTS
from apps.playbooks.models import Playbook
from apps.playbooks.runtime import compiled_playbook
from apps.recommendations.models import PackedAnswers, Recommendation
from apps.tasks.queue import BULK, enqueue_once

EXAMPLES = 20
BATCH = 50_000  # recommendations read and scored together: enough for numpy to pay, little enough to hold


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
    # What the draft is compared with: the published version's number, or None for the stored results.
    baseline_version: int | None = None
    # Recommendations whose stored verdict or top model the published version already changes (scored on an
    # older version): not the draft's doing, so counted apart.
    drift: int = 0

    @property
    def unchanged(self) -> int:
        return self.scored - self.changed


def preview_impact(
    compiled: CompiledPlaybook,
    *,
    limit: int | None = None,
    baseline: CompiledPlaybook | None = None,
    baseline_version: int | None = None,
) -> Impact:
    """Score every stored recommendation (or the ``limit`` newest) on ``compiled`` and count what would change
    against ``baseline`` (the published playbook; None: against the stored results); the examples are the newest
    changes (newest first, as the history lists recommendations)."""
    started = time.perf_counter()
    impact = Impact(limited_to=limit, baseline_version=baseline_version if baseline is not None else None)
    scorer = BatchScorer(compiled)
    base = BatchScorer(baseline) if baseline is not None else None
    sources = _Sources()
    newest = _Newest()
    # One transaction for its reads (it writes nothing): every chunk read from the same snapshot, and room to
    # order a chunk in memory should a plan not read it in id order (the default work_mem of 4 MB sorts on disk).
    with transaction.atomic(), connection.cursor() as cursor, _binary_cursor() as chunks:
        cursor.execute("SET LOCAL work_mem = '64MB'")
        stored: dict[str, Any] = {"verdicts": list(VERDICTS), "models": list(scorer.models), "no_layout": _NO_LAYOUT}
        for low, high, since in _ranges(cursor, limit):
            chunks.execute(
                _CHUNK.format(since=_SINCE if since else ""), {"low": low, "high": high, **stored, **_since(since)}
            )
            heads, packed = chunks.fetchone()
            snapshots = _ChunkSnapshots(cursor)  # read once for both scorers
            rows = _score(scorer, sources, heads or b"", packed or b"", snapshots)
            if base is not None:
                rows = _against(rows, _score(base, sources, heads or b"", packed or b"", snapshots), scorer, base)
                impact.drift += rows.drift
            _count(impact, rows, newest)
    impact.examples = _examples(compiled, scorer, newest, base)
    impact.seconds = time.perf_counter() - started
    return impact


_REC, _PACKED = Recommendation._meta.db_table, PackedAnswers._meta.db_table
# One chunk of recommendations (an id range), read as one row of two bytea values (string_agg), in id order:
# a fixed record per recommendation (its id, creation time and playbook, the stored verdict and top model as
# the indices the draft's results use, the length of its packed answers, -1 without a packed row, and their
# layout), then the packed answers of all of them end to end. So PostgreSQL neither sorts, groups nor sends a tuple per
# recommendation (its rows come in id order from the join, so ``ORDER BY r.id`` sorts nothing, and keeps the two
# aggregates in step), and Python works per chunk, never per row: numpy reads the bytes as they are, and each
# recommendation's answers start where the lengths before it end. The packed row is joined on the organisation
# too, as the tenant's own (docs/scaling.md: every query on a tenant table carries the organisation).
_CHUNK = (
    "SELECT string_agg(int8send(r.id) || timestamptz_send(r.created_at) || int8send(r.playbook_id::int8) "
    "|| int2send(COALESCE(array_position(%(verdicts)s::text[], r.verdict::text) - 1, -1)::int2) "
    "|| int2send(COALESCE(array_position(%(models)s::text[], r.top_model::text) - 1, "
    "CASE WHEN r.top_model = '' THEN -1 ELSE -2 END)::int2) "
    "|| int4send(COALESCE(octet_length(p.data), -1)) || COALESCE(decode(p.layout, 'hex'), %(no_layout)s), "
    "''::bytea ORDER BY r.id), string_agg(p.data, ''::bytea ORDER BY r.id) "
    f"FROM {_REC} r LEFT JOIN {_PACKED} p ON p.recommendation_id = r.id AND p.organisation_id = r.organisation_id "
    "AND p.recommendation_id >= %(low)s AND p.recommendation_id < %(high)s "
    "WHERE r.id >= %(low)s AND r.id < %(high)s{since}"
)
_SINCE = " AND (r.created_at, r.id) >= (%(since_at)s, %(since_id)s)"
# The record (big endian, as the *send functions write): a layout is its digest's 8 bytes (16 hex digits).
_HEAD = np.dtype(
    [
        ("id", ">i8"),
        ("at", ">i8"),
        ("playbook", ">i8"),
        ("verdict", ">i2"),
        ("model", ">i2"),
        ("size", ">i4"),
        ("layout", "V8"),
    ]
)
_NO_LAYOUT = bytes(8)


def _binary_cursor() -> Any:
    """A cursor on the same connection (and transaction) whose results come in PostgreSQL's binary format: a
    chunk's bytea values as their bytes, not as hex text twice their size that the server writes and the
    client decodes (Django's cursors bind parameters client-side, which allows text results only)."""
    raw: Any = psycopg.Cursor(connection.connection)
    raw.format = psycopg.pq.Format.BINARY
    return connection.make_debug_cursor(raw) if connection.queries_logged else connection.make_cursor(raw)


def _ranges(cursor: Any, limit: int | None) -> Iterator[tuple[int, int, tuple[Any, Any] | None]]:
    """The id ranges to read, each of ``BATCH`` ids, and for a limited preview the oldest
    (creation time, id) it reads: the ``limit`` newest are those from there on."""
    since = None
    if limit is not None:
        if limit <= 0:
            return
        cursor.execute(
            f"SELECT created_at, id FROM {_REC} ORDER BY created_at DESC, id DESC OFFSET %s LIMIT 1", [limit - 1]
        )
        found = cursor.fetchone()
        since = (found[0], found[1]) if found else None
    # The ends of the ids (of the whole table from its primary key alone, no count): a range with gaps (deleted
    # recommendations, or older ones a limited preview leaves out) is just a smaller chunk.
    where = " WHERE (created_at, id) >= (%(since_at)s, %(since_id)s)" if since else ""
    cursor.execute(f"SELECT min(id), max(id) FROM {_REC}{where}", _since(since))
    low, high = cursor.fetchone()
    if low is None:
        return
    for start in range(low, high + 1, BATCH):
        yield start, min(start + BATCH, high + 1), since


def _since(since: tuple[Any, Any] | None) -> dict[str, Any]:
    return {"since_at": since[0], "since_id": since[1]} if since else {}


@dataclass
class _Scored:
    """A chunk's recommendations, each once: id and creation time (microseconds), stored verdict and top model
    as the indices the draft's results use, and the draft's. A stored verdict the draft does not know is -1, no
    stored model -1 and one the draft does not rank -2: indices no new result has, so they count as changed, as
    comparing codes would."""

    ids: npt.NDArray[np.int64]
    at: npt.NDArray[np.int64]
    verdict_before: npt.NDArray[np.int32]
    model_before: npt.NDArray[np.int32]
    verdict_after: npt.NDArray[np.int32]
    model_after: npt.NDArray[np.int32]
    drift: int = 0  # how many the baseline already changes from their stored result (``_against``)


def _against(draft: _Scored, published: _Scored, scorer: BatchScorer, base: BatchScorer) -> _Scored:
    """The draft's outcomes with the published playbook's as "before", in place of the stored ones: its top model
    as an index among the draft's models, as the stored one is read (-2: one the draft does not rank, so it counts
    as changed). ``drift`` counts the rows whose stored result the published playbook itself changes."""
    index = {code: i for i, code in enumerate(scorer.models)}
    remap = np.array([index.get(code, -2) for code in base.models] + [-1], np.int32)  # the last: no top model
    model_before = remap[published.model_after]
    drifted = (draft.verdict_before != published.verdict_after) | (draft.model_before != model_before)
    return replace(draft, verdict_before=published.verdict_after, model_before=model_before, drift=int(drifted.sum()))


def _score(scorer: BatchScorer, sources: _Sources, heads: bytes, packed: bytes, snapshots: _ChunkSnapshots) -> _Scored:
    """Score a chunk's recommendations (``_CHUNK``'s two values) on the draft: those packed by their playbook's
    layout from the bytes, a layout at a time; the others from their snapshots' answers."""
    head = np.frombuffer(heads, _HEAD)
    if not len(head):  # a range of ids none of which is stored any more
        return _empty()
    sizes = np.maximum(head["size"].astype(np.int64), 0)
    starts = np.cumsum(sizes) - sizes
    verdict_after, model_after = np.empty(len(head), np.int32), np.empty(len(head), np.int32)
    unpacked: list[npt.NDArray[np.intp]] = []
    for where, playbook_id, digest, size in _groups(head):
        found = sources.layout(playbook_id) if size >= 0 else None
        if found is not None and bytes.fromhex(found.digest) == digest and size == found.size:
            try:
                encoded = scorer.encode_packed(found, _records(packed, starts[where], found))
            except DamagedAnswers:  # a value no field of the layout holds: these rows from their snapshots
                unpacked.append(where)
                continue
            scored = scorer.score_encoded(encoded)
            verdict_after[where], model_after[where] = scored.verdict, scored.top_model
        else:  # no packed row, packed by another layout of its playbook or damaged: read from the snapshot
            unpacked.append(where)
    if unpacked:
        where = np.sort(np.concatenate(unpacked))
        answers = snapshots.answers(head["id"][where].astype(np.int64))
        scored = scorer.score(answers, clean=True)
        verdict_after[where], model_after[where] = scored.verdict, scored.top_model
    return _Scored(
        ids=head["id"].astype(np.int64),
        at=head["at"].astype(np.int64),
        verdict_before=head["verdict"].astype(np.int32),
        model_before=head["model"].astype(np.int32),
        verdict_after=verdict_after,
        model_after=model_after,
    )


def _groups(head: npt.NDArray[Any]) -> Iterator[tuple[npt.NDArray[np.intp], int, bytes, int]]:
    """The rows of ``head`` by playbook, layout and length of packed answers (-1: none): each group's row
    indices, ascending, with its playbook id, layout (8 bytes) and length. Usually one group a chunk."""
    keys = head[["playbook", "layout", "size"]]
    first = keys[0]
    if (keys == first).all():
        yield np.arange(len(head)), int(first["playbook"]), bytes(first["layout"]), int(first["size"])
        return
    distinct, inverse = np.unique(keys, return_inverse=True)
    inverse = inverse.reshape(-1)
    for i, key in enumerate(distinct):
        yield np.flatnonzero(inverse == i), int(key["playbook"]), bytes(key["layout"]), int(key["size"])


def _records(packed: bytes, starts: npt.NDArray[np.int64], found: Layout) -> npt.NDArray[Any]:
    """The records of ``found.size`` bytes at ``starts`` in ``packed``: a view where they lie end to end, else
    copied out through a view of every run of that many bytes."""
    size, n = found.size, len(starts)
    if not size:  # a layout without fields (no question it could hold): nothing to read
        return np.zeros(n, found.dtype)
    first = int(starts[0])
    if int(starts[-1]) - first == (n - 1) * size:  # consecutive: every one between is this size too
        return np.frombuffer(packed, found.dtype, n, first)
    windows = np.lib.stride_tricks.sliding_window_view(np.frombuffer(packed, np.uint8), size)
    return np.ascontiguousarray(windows[starts]).view(found.dtype).reshape(n)


def _empty() -> _Scored:
    ids, at, codes = np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.int32)
    return _Scored(ids, at, codes, codes, codes, codes)


class _ChunkSnapshots:
    """The snapshots' answers of one chunk's recommendations, read when a scorer first needs them: the draft and the
    published version score the same chunk, and usually need the same rows (those without packed answers)."""

    def __init__(self, cursor: Any) -> None:
        self.cursor = cursor
        self._read: dict[bytes, list[Mapping[str, Any]]] = {}

    def answers(self, ids: npt.NDArray[np.int64]) -> list[Mapping[str, Any]]:
        key = ids.tobytes()
        if key not in self._read:
            self._read[key] = _snapshot_answers(self.cursor, ids)
        return self._read[key]


def _snapshot_answers(cursor: Any, ids: npt.NDArray[np.int64]) -> list[Mapping[str, Any]]:
    """The answers the snapshots of recommendations ``ids`` keep, in that order (JSON, decoded here)."""
    cursor.execute(f"SELECT id, snapshot -> 'stored_answers' FROM {_REC} WHERE id = ANY(%s)", [ids.tolist()])
    found = dict(cursor.fetchall())
    answers: list[Mapping[str, Any]] = []
    for pk in ids.tolist():
        stored = found.get(pk)
        if isinstance(stored, str):
            stored = json.loads(stored)
        answers.append(stored if isinstance(stored, Mapping) else {})
    return answers


class _Newest:
    """The newest changed recommendations seen so far (creation time, then id, descending), at most
    ``EXAMPLES``, with their outcomes on the draft."""

    def __init__(self) -> None:
        self.rows = _empty()

    def add(self, rows: _Scored, changed: npt.NDArray[np.bool_]) -> None:
        both = [np.concatenate([getattr(self.rows, f), getattr(rows, f)[changed]]) for f in _COLUMNS]
        order = np.lexsort((-both[0], -both[1]))[:EXAMPLES]
        ids, at, verdict_before, model_before, verdict_after, model_after = (column[order] for column in both)
        self.rows = _Scored(ids, at, verdict_before, model_before, verdict_after, model_after)


_COLUMNS = ("ids", "at", "verdict_before", "model_before", "verdict_after", "model_after")  # _Scored's arrays


def _count(impact: Impact, rows: _Scored, newest: _Newest) -> None:
    verdict_changed = rows.verdict_before != rows.verdict_after
    model_changed = rows.model_before != rows.model_after
    changed = verdict_changed | model_changed
    impact.scored += len(rows.ids)
    impact.verdict_changes += int(verdict_changed.sum())
    impact.model_changes += int(model_changed.sum())
    impact.changed += int(changed.sum())
    newest.add(rows, changed)


def _examples(
    compiled: CompiledPlaybook, scorer: BatchScorer, newest: _Newest, base: BatchScorer | None = None
) -> list[Change]:
    """The newest changes as the preview shows them: the knowledge function read back for these few, the
    verdict and top model before (the published playbook's, or without one the stored ones) and the draft's,
    with the models' names."""
    ids = newest.rows.ids.tolist()
    stored = {
        pk: (function, verdict, model)
        for pk, function, verdict, model in Recommendation.objects.filter(pk__in=ids).values_list(
            "pk", "function", "verdict", "top_model"
        )
    }
    models = compiled.catalogue.models

    def name(code: str) -> str:
        return str(models.get(code, {}).get("name") or code) if code else ""

    examples = []
    rows = newest.rows
    for i, (pk, verdict, top) in enumerate(
        zip(ids, rows.verdict_after.tolist(), rows.model_after.tolist(), strict=True)
    ):
        function, verdict_before, model_before = stored.get(pk, ("", "", ""))
        if base is not None:  # before is what the published playbook gives, in the draft's model indices
            verdict_before = VERDICTS[int(rows.verdict_before[i])]
            before = int(rows.model_before[i])
            model_before = scorer.models[before] if before >= 0 else ("" if before == -1 else model_before)
        model_after = scorer.models[top] if top >= 0 else ""
        examples.append(
            Change(
                function,
                verdict_before,
                VERDICTS[verdict],
                model_before,
                model_after,
                name(model_before),
                name(model_after),
            )
        )
    return examples


class _Sources:
    """The layouts of the playbooks stored recommendations were scored on, each worked out once."""

    def __init__(self) -> None:
        self._layouts: dict[int, Layout] = {}

    def layout(self, playbook_id: int) -> Layout:
        if playbook_id not in self._layouts:
            self._layouts[playbook_id] = layout(compiled_playbook(Playbook.objects.get(pk=playbook_id)))
        return self._layouts[playbook_id]


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


@task(priority=BULK)
def preview_draft_impact(
    *, playbook_id: int, fingerprint: str, newest_recommendation: int, limit: int, published_id: int | None = None
) -> dict | None:
    """The preview of the playbook as it was asked for, as data, against the version published when it was asked
    for (``published_id``); None when the draft has changed since (or is gone): a new request asks for the new one."""
    playbook = Playbook.objects.filter(pk=playbook_id).first()
    if playbook is None:
        return None
    definition = engine_input(playbook)
    if draft_fingerprint(definition) != fingerprint:
        return None
    published = Playbook.objects.filter(pk=published_id).first() if published_id is not None else None
    baseline = compiled_playbook(published) if published is not None else None  # the published one itself too
    version = published.version if published is not None else None
    impact = preview_impact(compile_playbook(definition), limit=limit, baseline=baseline, baseline_version=version)
    return impact_as_data(impact)


def request_preview(*, playbook: Playbook, definition: Mapping[str, Any], limit: int) -> TaskResult:
    """Queue the preview of this draft (once per draft content and stored recommendations), or find it."""
    newest = Recommendation.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    published = Playbook.objects.current()
    if not playbook.is_draft:
        # A version published (or retired) already is compared with the one published before it: against itself, a
        # preview asked for after publishing counted no change (review 126).
        # The first version has none before it, and is compared with itself (review 37: not "none published yet").
        earlier = Playbook.objects.exclude(status=Playbook.Status.DRAFT).filter(version__lt=playbook.version)
        published = earlier.defer("definition").order_by("-version").first() or playbook
    identity = {
        "playbook_id": playbook.pk,
        "fingerprint": draft_fingerprint(definition),
        "newest_recommendation": newest,
        "limit": limit,
        "published_id": published.pk if published is not None else None,
    }
    return enqueue_once(preview_draft_impact, identity=identity)
