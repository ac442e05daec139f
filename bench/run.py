"""`make bench`: the whole performance suite, then docs/performance.md and docs/performance.json.

Steps: the bench database under .data/bench (created the first time, migrated, reference data),
the bench buyers and a published 500-rule generated playbook; the engine benchmark; the batch engine in
memory, then the impact preview from PostgreSQL over BENCH_SCALE stored recommendations; the scale data
(BENCH_SCALE recommendations, loaded once and reused) and the history/portfolio pages measured at
that size; gunicorn on loopback for the request and throughput benchmarks; a profile of the pages
that miss their targets. Every target is judged against a baseline measured in the same run.
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import pages, throughput
from bench.report import write
from bench.server import DATA_DIR, BenchServer
from loadtest.appserver import ROOT, free_port


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=int, default=int(os.environ.get("BENCH_SCALE", "1000000")))
    parser.add_argument("--seconds", type=float, default=30, help="length of each throughput run")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument("--port", type=int, default=0, help="loopback port (default: a free one; never 8000)")
    parser.add_argument("--report", type=Path, default=ROOT / "docs" / "performance.md")
    args = parser.parse_args()
    os.environ["BENCH_SCALE"] = str(args.scale)
    started = time.monotonic()
    app = BenchServer(DATA_DIR, port=args.port or free_port())
    results: dict[str, Any] = {"scale_target": args.scale}
    try:
        say(f"Preparing the bench database in {DATA_DIR} ...")
        app.prepare()
        fixtures = app.step("fixtures")
        results["playbook"] = fixtures["playbook"]
        say("Engine: 100, 1,000 and 10,000 rules against the naive interpreter ...")
        results["engine"] = app.step("engine")
        say("Batch engine in memory: 100,000 and 1,000,000 answer sets against outcome() one by one ...")
        results["batch"] = app.step("batch")
        say(f"Impact preview from PostgreSQL: {args.scale:,} stored recommendations with packed answers ...")
        results["preview"] = app.step("preview", str(args.scale))
        say("Peers: datalogic-py and json-logic-qubit on the same rules as JsonLogic ...")
        results["peers"] = app.step("peers")
        say("What would flip it: the exhaustive search on the reference playbook ...")
        results["flips"] = app.step("flips")
        say(f"Scale: {args.scale:,} recommendations (loaded once, then reused) ...")
        results["scale"] = app.step("scale")
        say("Scale: history, filters and portfolio at that size ...")
        results["scale_pages"] = app.step("scale_queries")
        drafts = app.step("fixtures", "drafts", str(pages.drafts_needed() + 2))
        app.serve(workers=args.workers, threads=args.threads)
        say(f"Requests through gunicorn on {app.base_url} at 1 and 4 clients ...")
        results["requests"] = pages.run(app.port, fixtures, drafts[:-2])
        say(f"Throughput: whole assessments, then autosaves, {args.seconds:.0f} s each ...")
        results["throughput"] = {
            "assessments": throughput.assessments(app.port, fixtures, threads=4, seconds=args.seconds),
            "autosaves": throughput.autosaves(app.port, fixtures, threads=4, seconds=args.seconds),
        }
        say("Profiling the step page, autosave and submit in-process ...")
        results["profiles"] = app.step("profile_pages", str(drafts[-2]), str(drafts[-1]), "home_market", "uk")
        results["postgres"] = app.python("from django.db import connection; print(connection.pg_version)").strip()
    finally:
        app.shutdown()
    results["environment"] = environment(args, results.pop("postgres", ""))
    results["environment"]["total_s"] = time.monotonic() - started
    write(results, args.report)
    say(f"Wrote {args.report} and {args.report.with_suffix('.json')} in {time.monotonic() - started:.0f} s")
    return 0


def say(text: str) -> None:
    print(text, flush=True)


def environment(args: argparse.Namespace, postgres: str) -> dict[str, Any]:
    cpu = next(
        (
            ln.split(":", 1)[1].strip()
            for ln in Path("/proc/cpuinfo").read_text().splitlines()
            if ln.startswith("model name")
        ),
        platform.processor(),
    )
    mem_kb = next(
        int(ln.split()[1]) for ln in Path("/proc/meminfo").read_text().splitlines() if ln.startswith("MemTotal")
    )
    pg = int(postgres) if postgres.isdigit() else 0
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": round(mem_kb / 1024 / 1024, 1),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "postgres": f"{pg // 10000}.{pg % 10000}" if pg else postgres,
        "command": f"make bench BENCH_SCALE={args.scale}  (python -m bench.run --scale {args.scale} "
        f"--seconds {args.seconds:g} --workers {args.workers} --threads {args.threads})",
        "gunicorn": f"{args.workers} workers x {args.threads} threads (gthread), production settings, DEBUG off",
        "load_average_15m": os.getloadavg()[2],
    }


if __name__ == "__main__":
    raise SystemExit(main())
