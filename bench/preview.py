"""`make bench`'s impact preview from PostgreSQL: ``preview_impact`` itself over BENCH_SCALE recommendations
of the reference playbook stored with their packed answers (a million by default), against ``outcome()``
one by one on the same answers in the same run (``bench.batch.from_storage``; runs inside Django, against
the bench database).

The recommendations are written with COPY in a transaction that is rolled back (``bench.batch.stored``),
not kept: the scale data the bench keeps (``bench.scale``) is on a generated playbook, with a small snapshot
and no packed answers, and its stored verdicts are drawn for the history pages, not scored; making it serve
here too would change what the scale pages measure. Inside the transaction the kept recommendations are
truncated (given back by the rollback), so the preview reads the stored ones alone.

Each distinct answer set is stored ten times (at most 100,000 distinct), and the time target scales with
the size: 10 s a million.
"""

from __future__ import annotations

import json

from bench import scale
from bench.batch import ROWS, from_storage, reference_playbook

REPEATS = 10  # each distinct answer set stored this many times
FROM_SNAPSHOTS = 10_000  # the newest read from the snapshots' JSON instead (some 200 µs a row), for comparison


def sizes(total: int) -> dict[str, int]:
    distinct = max(1, min(ROWS, total // REPEATS))
    return {"million": total, "rows": distinct, "from_snapshots": max(1, min(FROM_SNAPSHOTS, total // 100))}


def main(*args: str) -> None:
    total = int(args[0]) if args else scale.target()
    print(json.dumps(from_storage(reference_playbook(), **sizes(total))))
