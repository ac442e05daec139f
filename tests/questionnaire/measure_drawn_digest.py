"""A measurement, not a test (its name keeps it out of the suite): the step page's drawn digests, worked out for every
stored answer (as before ff33d51) against only the answers the step draws (``services.Given`` digesting on reading),
on the reference playbook's golden case with the most answers, alternating call by call. Pure Python: no database.

Run: .venv/bin/python tests/questionnaire/measure_drawn_digest.py
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
import types
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
DRAWN = 8  # about as many questions as a step draws


def main() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kpo_advisor.settings")
    import django

    django.setup()
    from apps.questionnaire import services

    with (ROOT / "apps/playbooks/reference/playbook.json").open() as fh:
        given = max((g["answers"] for g in json.load(fh)["golden_cases"]), key=len)
    now = datetime.now(UTC)
    draft: Any = types.SimpleNamespace(rows=[(c, v, now, None, "a@b.test") for c, v in sorted(given.items())])
    drawn = [row[0] for row in draft.rows][:DRAWN]

    def before() -> list[str]:
        stamps = {}
        for code, value, at, _by, _email in draft.rows:
            stamps[code] = f"{services.loaded_stamp(at)}|{services.drawn_digest(value)}"
        return [stamps[c] for c in drawn]

    def after() -> list[str]:
        _, found = services.given_answers(draft)
        return [found[c].stamp for c in drawn]

    assert before() == after()
    times: dict[str, list[float]] = {"before": [], "after": []}
    for i in range(4000):
        order = (("before", before), ("after", after)) if i % 2 else (("after", after), ("before", before))
        for name, call in order:
            started = time.perf_counter()
            call()
            times[name].append((time.perf_counter() - started) * 1e6)
    print(f"{len(draft.rows)} stored answers, {len(drawn)} drawn")
    for name, samples in times.items():
        print(f"{name}: median {statistics.median(samples):.1f} µs a step page")


if __name__ == "__main__":
    main()
