"""Batch benchmark: the batch engine (``engine.batch``) against ``outcome()`` one by one, on the reference
playbook, in one run.

Stored-recommendation answer sets are generated in memory (every question answered with probability
0.9, in the stored shape), and scored as the impact preview scores them: cleaned for the playbook, then
scored. Timed: ``outcome()`` one by one on 100,000 sets, the same after ``clean_answers`` (what the
preview did per row before), and the batch engine on the same 100,000 and on 1,000,000 (the 100,000
ten times over, each of the million its own dictionary: a shallow copy made before the clock starts, so
nothing kept by a dictionary's identity could flatter the figure; each row is encoded and scored); and the
scoring alone of the same rows already encoded (``BatchScorer.encode``), which is what answers kept
encoded with their recommendations would cost. The batch
must agree with ``outcome()`` on every one of the 100,000 rows or the benchmark fails. Reading the rows
from the database is not included: the preview's own time adds it.

Targets (issue 21): 1,000,000 recommendations in under 10 s, and at least 20 times faster per
recommendation than ``outcome()`` one by one.
"""

from __future__ import annotations

import json
import random
import statistics
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from apps.playbooks.engine import CompiledPlaybook, clean_answers
from apps.playbooks.engine.batch import CHUNK, BatchScorer
from apps.playbooks.engine.evaluate import outcome
from bench.playbooks import answer_value

ROWS = 100_000
MILLION = 1_000_000
BASELINE_SUBSET = 20_000  # clean_answers + outcome() is slow: timed on a subset, reported per row


def stored_answers(pb: CompiledPlaybook, n: int, *, seed: int = 31, answered: float = 0.9) -> list[dict[str, Any]]:
    """``n`` answer sets in the stored shape, each question answered with probability ``answered``."""
    rng = random.Random(seed)
    shapes: list[dict[str, Any]] = [
        {"code": q.code, "kind": q.kind, "options": [{"code": o.code} for o in q.options], "min": q.min, "max": q.max}
        for q in pb.questions.values()
    ]
    for shape in shapes:  # bounds as the generator reads them: whole numbers, a default upper bound
        shape["min"] = int(shape["min"] or 0)
        shape["max"] = None if shape["max"] is None else int(shape["max"])
    return [{s["code"]: answer_value(rng, s) for s in shapes if rng.random() < answered} for _ in range(n)]


def _seconds(call: Any, repeat: int = 1) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def run(pb: CompiledPlaybook, *, rows: int = ROWS, million: int = MILLION) -> dict[str, Any]:
    answers = stored_answers(pb, rows)
    scorer = BatchScorer(pb)
    batch = scorer.score(answers, clean=True)
    cleaned = [clean_answers(pb.questions, a, ignore_unknown=True)[0] for a in answers]
    one_by_one = [outcome(pb, a) for a in cleaned]
    for i, expected in enumerate(one_by_one):
        if batch.outcome(i) != expected:
            raise AssertionError(f"batch {batch.outcome(i)} and outcome() {expected} disagree on {answers[i]}")
    outcome_s = _seconds(lambda: [outcome(pb, a) for a in cleaned])
    subset = answers[:BASELINE_SUBSET]
    preview_before_s = _seconds(
        lambda: [outcome(pb, clean_answers(pb.questions, a, ignore_unknown=True)[0]) for a in subset]
    )
    batch_s = _seconds(lambda: scorer.score(answers, clean=True), repeat=3)
    encoded = [scorer.encode(answers[i : i + CHUNK], clean=True) for i in range(0, rows, CHUNK)]
    encoded_s = _seconds(lambda: [scorer.score_encoded(e) for e in encoded], repeat=3)
    many = [dict(a) for a in answers * (million // rows)]  # each row its own dictionary, as rows read from storage
    million_s = _seconds(lambda: scorer.score(many, clean=True))
    million_encoded_s = _seconds(lambda: [scorer.score_encoded(e) for _ in range(million // rows) for e in encoded])
    per_outcome, per_batch, per_encoded = outcome_s / rows, batch_s / rows, encoded_s / rows
    return {
        "playbook": {"title": pb.title, "version": pb.version, "rules": len(pb.rules), "questions": len(pb.questions)},
        "rows": rows,
        "agreement_checked": rows,
        "outcome_us_per_row": per_outcome * 1e6,
        "clean_and_outcome_us_per_row": preview_before_s / len(subset) * 1e6,
        "batch_us_per_row": per_batch * 1e6,
        "batch_s": batch_s,
        "speedup_vs_outcome": per_outcome / per_batch,
        "speedup_vs_clean_and_outcome": (preview_before_s / len(subset)) / per_batch,
        "encoded_us_per_row": per_encoded * 1e6,
        "speedup_encoded_vs_outcome": per_outcome / per_encoded,
        "million_rows": len(many),
        "million_s": million_s,
        "million_encoded_s": million_encoded_s,
        "targets": {  # from answer dicts, as the preview reads them; and from answers kept encoded
            "million_under_10_s": million_s < 10,
            "at_least_20x_outcome": per_outcome / per_batch >= 20,
            "million_encoded_under_10_s": million_encoded_s < 10,
            "encoded_at_least_20x_outcome": per_outcome / per_encoded >= 20,
        },
    }


def reference_playbook() -> CompiledPlaybook:
    """The reference playbook as published from ``apps/playbooks/reference/playbook.json``."""
    from apps.playbooks.models import Playbook
    from apps.playbooks.runtime import compiled_playbook

    playbook = Playbook.objects.exclude(reference_digest="").order_by("-version").first()
    if playbook is None:
        raise SystemExit("No reference playbook in this database: run `manage.py bootstrap` first.")
    return compiled_playbook(playbook)


def main(*args: str) -> None:
    sizes: Mapping[str, int] = {"rows": int(args[0]), "million": int(args[1])} if len(args) == 2 else {}
    print(json.dumps(run(reference_playbook(), **sizes)))


# -- from storage -------------------------------------------------------------------------------------


class _RolledBack(Exception):
    pass


@contextmanager
def stored(pb: CompiledPlaybook, *, rows: int, million: int) -> Iterator[dict[str, Any]]:
    """``million`` recommendations of the reference playbook stored with their packed answers (``rows``
    distinct answer sets, repeated; each with ``outcome()``'s verdict and top model, so a preview of the same
    playbook must find no change), written with COPY inside a transaction that is rolled back on leaving: the
    database is left as it was. Inside it the recommendations stored before are truncated (rolled back too),
    so the preview reads these alone whatever else the database holds (the bench's scale data).
    Yields what was loaded: the answers cleaned, the number hidden and the load time."""
    from django.db import connection, transaction

    from apps.accounts.models import Organisation, User
    from apps.playbooks.engine.packed import layout
    from apps.playbooks.models import Playbook

    answers = stored_answers(pb, rows)
    cleaned = [clean_answers(pb.questions, a, ignore_unknown=True)[0] for a in answers]
    packing = layout(pb)
    packed = [packing.pack(a) for a in cleaned]
    if any(p is None for p in packed):
        raise AssertionError("a generated answer set did not pack")
    outcomes = [outcome(pb, a) for a in cleaned]
    columns = [(got.verdict, got.fit_score, got.top_model or "") for got in outcomes]
    # A real snapshot (every figure, text and source of the result page: about 40 KB compressed) lives out of
    # line, in the table's TOAST. PostgreSQL moves a value out of line only from a row of about 2 KB
    # (TOAST_TUPLE_THRESHOLD, whatever toast_tuple_target says), and the answers alone are about 1.5 KB: they
    # stayed in the row, four rows to a page, ten times as wide as a real one. So each snapshot also carries
    # 2 KB of text that does not compress away, standing for the rest of a real one.
    filler = random.Random(7).randbytes(1024).hex()
    snapshots = [json.dumps({"stored_answers": a, "filler": filler}) for a in answers]  # once per answer set
    playbook = Playbook.objects.exclude(reference_digest="").order_by("-version").first()
    assert playbook is not None
    try:
        with transaction.atomic():
            org = Organisation.objects.create(name="Batch bench", slug="batch-bench-rolled-back")
            user = User.objects.create_user("batch@bench.invalid", None)
            with connection.cursor() as cur:
                cur.execute("SELECT COUNT(*) FROM recommendations_recommendation")
                hidden = cur.fetchone()[0]
                # Transactional in PostgreSQL: the rolled-back transaction gives every row back. CASCADE takes
                # the tables that refer to recommendations (packed answers, sign-offs, ...) with it.
                cur.execute("TRUNCATE recommendations_recommendation CASCADE")
                cur.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM questionnaire_assessment")
                first = cur.fetchone()[0]
                first_rec = 1
                cur.execute("SET LOCAL session_replication_role = replica")  # no per-row key checks or triggers
                # Snapshots out of line, like real ones (see ``filler``; the setting is rolled back with the rows).
                cur.execute("ALTER TABLE recommendations_recommendation SET (toast_tuple_target = 128)")
                raw = cur.cursor
                started = time.perf_counter()
                now = "2026-11-30 00:00:00+00"
                with raw.copy(
                    "COPY questionnaire_assessment (id, organisation_id, created_by_id, title, playbook_id, status, "
                    "created_at, updated_at, submitted_at, submitted_by_id, start_key) FROM STDIN"
                ) as copy:
                    for i in range(million):
                        copy.write_row(
                            (first + i, org.pk, user.pk, "Bench", playbook.pk, "submitted", now, now, now, user.pk, "")
                        )
                with raw.copy(
                    "COPY recommendations_recommendation (id, organisation_id, assessment_id, playbook_id, "
                    "engine_version, created_by_id, created_at, title, verdict, fit_score, top_model, function, "
                    "regimes, snapshot, cost_note) FROM STDIN"
                ) as copy:
                    for i in range(million):
                        verdict, score, model = columns[i % rows]
                        copy.write_row((first_rec + i, org.pk, first + i, playbook.pk, "1.0", user.pk, now, "Bench",
                                        verdict, score, model, "", "{}", snapshots[i % rows], ""))  # fmt: skip
                with raw.copy(
                    "COPY recommendations_packedanswers (recommendation_id, organisation_id, layout, data) FROM STDIN"
                ) as copy:
                    for i in range(million):
                        copy.write_row((first_rec + i, org.pk, packing.digest, packed[i % rows]))
                cur.execute("SET LOCAL session_replication_role = origin")
                cur.execute("ANALYZE recommendations_recommendation")
                cur.execute("ANALYZE recommendations_packedanswers")
                loaded_s = time.perf_counter() - started
            yield {"cleaned": cleaned, "hidden": hidden, "load_s": loaded_s}
            raise _RolledBack
    except _RolledBack:
        pass


def from_storage(
    pb: CompiledPlaybook, *, rows: int = ROWS, million: int = MILLION, from_snapshots: int | None = None
) -> dict[str, Any]:
    """The impact preview itself (``preview_impact``: the recommendations read from PostgreSQL a chunk at a
    time, packed answers into numpy, scored, compared) over ``million`` recommendations of the reference
    playbook stored with their packed answers (``stored``), three times (the median), against ``outcome()``
    one by one on the same answers, cleaned as the preview's fallback cleans them, in the same run. The preview
    must score every one and find no change (each stored verdict and top model is ``outcome()``'s). The same
    preview over the snapshots' answers (no packed rows) is timed on the newest ``from_snapshots``
    recommendations (default ``rows``)."""
    from django.db import connection

    from apps.recommendations.impact import preview_impact

    snapshot_rows = rows if from_snapshots is None else from_snapshots
    with stored(pb, rows=rows, million=million) as loaded:
        cleaned = loaded["cleaned"][:BASELINE_SUBSET]
        outcome_s = _seconds(lambda: [outcome(pb, a) for a in cleaned], repeat=3) / len(cleaned)
        times, impacts = [], []
        for _ in range(3):
            started = time.perf_counter()
            impacts.append(preview_impact(pb, baseline=pb))  # as the product runs it: against the published
            times.append(time.perf_counter() - started)
        preview_s = statistics.median(times)
        for impact in impacts:
            if impact.scored != million or impact.changed:
                raise AssertionError(f"the preview scored {impact.scored:,} of {million:,}, {impact.changed} changed")
        # The same preview reading the snapshots' answers (JSON) instead, on the newest ``snapshot_rows``.
        with connection.cursor() as cur:
            cur.execute("DELETE FROM recommendations_packedanswers")
        json_s = _seconds(lambda: preview_impact(pb, limit=snapshot_rows, baseline=pb))
        speedup = outcome_s / (preview_s / million)
        return {
            "stored": million,
            "distinct_answer_sets": rows,
            "scored": million,
            "changed": 0,
            "hidden_during_run": loaded["hidden"],
            "load_s": loaded["load_s"],
            "preview_s": preview_s,
            "preview_runs_s": times,
            "preview_us_per_row": preview_s / million * 1e6,
            "outcome_us_per_row": outcome_s * 1e6,
            "outcome_rows_timed": len(cleaned),
            "speedup_vs_outcome": speedup,
            "preview_newest_rows_from_snapshots_s": json_s,
            "from_snapshots_us_per_row": json_s / snapshot_rows * 1e6,
            "rows": snapshot_rows,
            "budget_s": 10 * million / MILLION,
            "targets": {
                "under_10_s_a_million": preview_s < 10 * million / MILLION,
                "at_least_20x_outcome": speedup >= 20,
            },
        }


def storage_main(*args: str) -> None:
    sizes: Mapping[str, int] = {"rows": int(args[0]), "million": int(args[1])} if len(args) == 2 else {}
    print(json.dumps(from_storage(reference_playbook(), **sizes)))
