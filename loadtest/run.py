"""`make loadtest`: N simulated buyers against gunicorn on loopback, then count what was kept.

Steps: a fresh embedded PostgreSQL under .data/loadtest (migrated, reference data, one account per
buyer), collected static files, gunicorn on 127.0.0.1 with production settings (DEBUG off), locust
headless for a bounded time, then the journal of confirmed answers and submits against the
database. Writes docs/reliability.md and exits non-zero unless there were no errors, every answer
was stored exactly, and every submitted assessment has exactly one recommendation.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from loadtest.appserver import ROOT, AppServer

PASSWORD = "load-buyer-passphrase-2026"
CREATE_ACCOUNTS = """
import sys
from django.contrib.auth.hashers import make_password
from apps.accounts.models import Membership, Organisation, User
n, password = int(sys.argv[1]), make_password(sys.argv[2])  # one hash for all: set-up stays quick
orgs = [Organisation.objects.create(name=f"Load Buyer {i}", slug=f"load-{i}") for i in range((n + 4) // 5)]
users = User.objects.bulk_create(User(email=f"buyer{i:03d}@load.test", password=password) for i in range(n))
Membership.objects.bulk_create(
    Membership(user=u, organisation=orgs[i // 5], role="owner" if i % 5 == 0 else "editor") for i, u in enumerate(users)
)
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--spawn-rate", type=float, default=10)
    parser.add_argument("--run-time", default="5m", help="locust's format: 30s, 5m, 1h30m")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument("--data-dir", type=Path, default=ROOT / ".data" / "loadtest")
    parser.add_argument("--report", type=Path, default=ROOT / "docs" / "reliability.md")
    args = parser.parse_args()

    shutil.rmtree(args.data_dir, ignore_errors=True)
    app = AppServer(args.data_dir)
    try:
        print(f"Preparing a fresh database in {args.data_dir} ...", flush=True)
        app.prepare()
        app.python(CREATE_ACCOUNTS, str(args.users), PASSWORD)
        plans = args.data_dir / "plans.json"
        plans.write_text(app.python("from loadtest.scenarios import dump; dump()"))
        app.serve(workers=args.workers, threads=args.threads)
        print(f"Serving on {app.base_url}; {args.users} buyers for {args.run_time} ...", flush=True)
        started = time.monotonic()
        locust_rc, command = run_locust(app, args, plans)
        elapsed = time.monotonic() - started
        load = os.getloadavg()[2]  # the machine's load over the last 15 minutes: was anything else running?
        counts = json.loads(
            app.python("from loadtest.report import main; main()", str(args.data_dir / "journal.jsonl"))
        )
        postgres = app.python("from django.db import connection; print(connection.pg_version)").strip()
    finally:
        app.shutdown()
    stats = read_stats(args.data_dir / "stats", load_seconds(args.run_time))
    ok = write_report(args, stats, counts, elapsed, command, locust_rc, postgres, load)
    print(f"Wrote {args.report}: {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


def load_seconds(run_time: str) -> float:
    """Locust's --run-time (``1h30m``, ``5m``, ``45s``, ``300``) in seconds."""
    parts = re.findall(r"(\d+)([hms]?)", run_time)
    return float(sum(int(n) * {"h": 3600, "m": 60, "s": 1, "": 1}[unit] for n, unit in parts))


def run_locust(app: AppServer, args: argparse.Namespace, plans: Path) -> tuple[int, str]:
    command = [
        str(Path(sys.executable).with_name("locust")),
        "-f",
        str(ROOT / "loadtest" / "locustfile.py"),
        "--headless",
        "--users",
        str(args.users),
        "--spawn-rate",
        str(args.spawn_rate),
        "--run-time",
        args.run_time,
        "--host",
        app.base_url,
        "--stop-timeout",
        "30",
        "--json-file",
        str(args.data_dir / "stats"),  # the final figures
        "--csv",
        str(args.data_dir / "stats"),  # for the failure messages
        "--only-summary",
        "--loglevel",
        "WARNING",
    ]
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "LOADTEST_PLANS": str(plans),
        "LOADTEST_JOURNAL": str(args.data_dir / "journal.jsonl"),
        "LOADTEST_ACCOUNTS": str(args.users),
        "LOADTEST_PASSWORD": PASSWORD,
    }
    rc = subprocess.run(command, cwd=ROOT, env=env).returncode
    return rc, " ".join(["locust", *command[1:]]).replace(str(ROOT) + "/", "")


def _percentile(times: dict[str, int], share: float) -> float:
    """The response time (ms) under which ``share`` of requests finished, from locust's histogram."""
    buckets = sorted((float(ms), n) for ms, n in times.items())
    wanted, seen = share * sum(n for _, n in buckets), 0
    for ms, n in buckets:
        seen += n
        if seen >= wanted:
            return ms
    return buckets[-1][0] if buckets else 0.0


def _row(name: str, entries: list[dict[str, Any]], seconds: float) -> dict[str, Any]:
    times: dict[str, int] = {}
    for e in entries:
        for ms, n in e["response_times"].items():
            times[ms] = times.get(ms, 0) + n
    count = sum(e["num_requests"] for e in entries)
    return {
        "name": name,
        "requests": count,
        "failures": sum(e["num_failures"] for e in entries),
        "per_second": count / seconds if seconds else 0.0,
        **{label: _percentile(times, q) for label, q in (("p50", 0.5), ("p95", 0.95), ("p99", 0.99))},
    }


def read_stats(prefix: Path, seconds: float) -> dict[str, Any]:
    entries = json.loads(prefix.with_name(prefix.name + ".json").read_text())
    failures_csv = prefix.with_name(prefix.name + "_failures.csv")
    return {
        "rows": [_row(f"{e['method']} {e['name']}", [e], seconds) for e in entries],
        "total": _row("all", entries, seconds),
        "failures": list(csv.DictReader(failures_csv.open())) if failures_csv.exists() else [],
    }


def _ms(value: float) -> str:
    return f"{value:,.0f} ms"


def write_report(
    args: argparse.Namespace,
    stats: dict[str, Any],
    c: dict[str, Any],
    elapsed: float,
    command: str,
    locust_rc: int,
    postgres: str,
    load: float,
) -> bool:
    total = stats["total"]
    errors = total["failures"]
    exact = c["answers_sent"] == c["answers_expected"] == c["answers_stored"] and not (
        c["answers_missing"] or c["answers_unexpected"] or c["answers_different"]
    )
    one_each = (
        c["assessments_submitted"] == c["assessments_submitted_in_db"] == c["recommendations"]
        and not c["assessments_with_not_exactly_one_recommendation"]
    )
    ok = errors == 0 and locust_rc == 0 and exact and one_each
    pg = f"{int(postgres) // 10000}.{int(postgres) % 10000}" if postgres.isdigit() else postgres
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    lines = [
        "# Reliability: the load test",
        "",
        "`make loadtest` drives simulated buyers through whole assessments against the app under gunicorn,",
        "on loopback only, for a bounded time, then checks the database against what the buyers were told.",
        "This file is written by that run (`loadtest/run.py`); the figures below are from the last one.",
        "",
        f"**Result: {'PASS' if ok else 'FAIL'}** — run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC.",
        "",
        "| measure | value |",
        "|---|---|",
        f"| concurrent buyers (locust users) | {args.users} (spawned at {args.spawn_rate:g}/s) |",
        f"| duration | {args.run_time} of load ({elapsed:,.0f} s including ramp-up and graceful stop) |",
        f"| requests | {total['requests']:,} ({total['per_second']:,.1f} per second) |",
        f"| errors (failed requests, any cause) | {errors} |",
        f"| answers sent (confirmed to the buyer) | {c['answers_sent']:,} |",
        f"| answers stored | {c['answers_stored']:,} |",
        f"| answers missing / unexpected / with another value | {len(c['answers_missing'])} / "
        f"{len(c['answers_unexpected'])} / {len(c['answers_different'])} |",
        f"| assessments started | {c['assessments_started']:,} |",
        f"| submit requests (one in five assessments submitted twice: a double click) | {c['submits_sent']:,} |",
        f"| assessments submitted | {c['assessments_submitted']:,} (database: {c['assessments_submitted_in_db']:,}) |",
        f"| recommendations created | {c['recommendations']:,} |",
        f"| response time median / 95th / 99th percentile | {_ms(total['p50'])} / {_ms(total['p95'])} / "
        f"{_ms(total['p99'])} |",
        "",
        "Reproduce with `make loadtest` (or `make loadtest USERS=50 RUN_TIME=5m`), which runs:",
        "",
        "```sh",
        f".venv/bin/python -m loadtest.run --users {args.users} --spawn-rate {args.spawn_rate:g} "
        f"--run-time {args.run_time} --workers {args.workers} --threads {args.threads}",
        f"# which, once the app is up, runs: {command}",
        "```",
        "",
        "## Per request",
        "",
        "| request | count | errors | median | 95th | 99th |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for row in stats["rows"]:
        lines.append(
            f"| {row['name']} | {row['requests']:,} | {row['failures']} | "
            f"{_ms(row['p50'])} | {_ms(row['p95'])} | {_ms(row['p99'])} |"
        )
    if stats["failures"]:
        lines += ["", "## Failures", "", "| request | error | count |", "|---|---|---:|"]
        lines += [f"| {f['Method']} {f['Name']} | {f['Error'][:150]} | {f['Occurrences']} |" for f in stats["failures"]]
    problems = {k: v for k, v in c.items() if isinstance(v, list) and v}
    if problems:
        lines += ["", "## Discrepancies (first 20 of each)", "", "```json", json.dumps(problems, indent=2), "```"]
    lines += [
        "",
        "## Set-up",
        "",
        f"- Machine: {os.cpu_count()} CPU cores, {memory:.0f} GB memory, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}. Everything (load generator, app, database) shares it; the "
        f"machine's 15-minute load average at the end was {load:.1f}.",
        f"- App: gunicorn, {args.workers} worker processes × {args.threads} threads (gthread), keep-alive 75 s, "
        "production settings (`DEBUG=false`, secure cookies, CSP), whitenoise for static files.",
        f"- Database: PostgreSQL {pg} (the embedded server), a fresh data folder under `.data/loadtest/`, "
        "`CONN_MAX_AGE=60` with health checks.",
        "- Buyers: one account each (five per organisation), signed in once; think time 1–3 s between requests; "
        "each assessment follows one of the reference playbook's golden cases (about 35 answers, autosaved "
        "one at a time as htmx does), then review, submit and the result page.",
        "- Counting: the load generator journals every answer the app confirmed (200) and every submit it "
        "confirmed (302); afterwards every journalled answer must be in the database with exactly the value "
        "sent and nothing else may be there, and every submitted assessment must have exactly one "
        "recommendation. Locust stops buyers between requests (graceful stop), so no answer is left in flight.",
        "",
        "Sign-in is deliberately slow (Django's PBKDF2 password hashing costs a few hundred milliseconds of CPU), "
        "and the ramp-up signs every buyer in within seconds: on two cores that burst queues the first "
        "requests, which is where the slow tail of the sign-in and start-page figures comes from. Autosave, "
        "the request a buyer makes all the time, is the figure to watch.",
        "",
        "Other reliability checks run in `make test`: the database stopped and crashed under the running app "
        "(`tests/security/test_faults.py`), concurrent autosaves, submits and publishes "
        "(`tests/security/test_concurrency.py` and the tests it names), and hostile input "
        "(`tests/security/test_bad_input.py`).",
        "",
    ]
    args.report.write_text("\n".join(lines))
    return ok


if __name__ == "__main__":
    sys.exit(main())
