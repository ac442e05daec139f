"""The bench report judges the impact preview from PostgreSQL at the size that was run: the label says it and
the time budget scales with it (10 s a million)."""

from __future__ import annotations

from typing import Any

from bench.report import preview_targets
from bench.report_text import preview


def preview_result(stored: int, seconds: float, us_per_row: float, outcome_us: float) -> dict[str, Any]:
    return {
        "stored": stored,
        "distinct_answer_sets": stored // 10,
        "scored": stored,
        "changed": 0,
        "hidden_during_run": 20_000,
        "load_s": 5.0,
        "preview_s": seconds,
        "preview_runs_s": [seconds, seconds, seconds],
        "preview_us_per_row": us_per_row,
        "outcome_us_per_row": outcome_us,
        "outcome_rows_timed": 10_000,
        "speedup_vs_outcome": outcome_us / us_per_row,
        "from_snapshots_us_per_row": 200.0,
        "rows": 1_000,
        "budget_s": 10 * stored / 1_000_000,
    }


def test_a_million_is_judged_against_ten_seconds_and_twenty_times_outcome() -> None:
    time, ratio = preview_targets(preview_result(1_000_000, 4.5, 4.5, 9.0))
    assert time["target"] == "impact preview from PostgreSQL (packed answers): 1,000,000 in under 10 s"
    assert (time["met"], time["ratio"]) == (True, 0.45)
    assert ratio["target"].startswith("impact preview from PostgreSQL (packed answers), 1,000,000: at least 20x")
    assert (ratio["met"], ratio["ratio"]) == (False, 2.0)


def test_a_smaller_run_says_its_size_and_scales_the_budget() -> None:
    time, ratio = preview_targets(preview_result(100_000, 1.2, 0.4, 9.0))
    assert time["target"] == "impact preview from PostgreSQL (packed answers): 100,000 in under 1 s (10 s a million)"
    assert time["met"] is False
    assert ratio["met"] is True


def test_the_report_section_names_what_was_truncated_and_given_back() -> None:
    text = "\n".join(preview({"preview": preview_result(100_000, 0.4, 4.0, 8.0)}))
    assert "the 20,000 recommendations the database kept were truncated" in text
    assert "each stored 10 times" in text
    assert "**0.40 s** median" in text
