"""`make loadtest`: N simulated buyers against gunicorn on loopback, then count what was kept.

Steps: a fresh embedded PostgreSQL under .data/loadtest (migrated, reference data, one account per
buyer), collected static files, gunicorn on 127.0.0.1 with production settings (DEBUG off), locust
headless for a bounded time, then the journal of confirmed answers and submits against the
database. Writes docs/reliability.md and exits non-zero unless there were no errors, every answer
was stored exactly, and every submitted assessment has exactly one recommendation.

With ``--db-stop-at S --db-stop-for D`` the database is stopped S seconds into the load and started
again D seconds later, under the running app. Then the run also fails unless every response while
the database was down was a 503 with Retry-After (no 400, no 500), no buyer was told "refused" for
an answer that was stored, and the app served again afterwards without a restart.
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
import threading
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
    parser.add_argument("--db-stop-at", type=float, default=None, help="seconds into the load: stop the database")
    parser.add_argument("--db-stop-for", type=float, default=20, help="seconds the database stays stopped")
    parser.add_argument("--db-stop-mode", default="fast", choices=["fast", "immediate"], help="pg_ctl stop mode")
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
        outage = Outage(app, args) if args.db_stop_at is not None else None
        locust_rc, command = run_locust(app, args, plans)
        elapsed = time.monotonic() - started
        if outage is not None:
            outage.thread.join()
            if outage.error:
                raise RuntimeError(f"stopping or starting the database failed: {outage.error}")
        load = os.getloadavg()[2]  # the machine's load over the last 15 minutes: was anything else running?
        counts = json.loads(
            app.python("from loadtest.report import main; main()", str(args.data_dir / "journal.jsonl"))
        )
        postgres = app.python("from django.db import connection; print(connection.pg_version)").strip()
    finally:
        app.shutdown()
    stats = read_stats(args.data_dir / "stats", load_seconds(args.run_time))
    stats["statuses"] = count_statuses(args.data_dir / "statuses.jsonl")
    if outage is not None:
        stats["outage"] = outage.count(args.data_dir / "statuses.jsonl")
    ok = write_report(args, stats, counts, elapsed, command, locust_rc, postgres, load)
    print(f"Wrote {args.report}: {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


def count_statuses(statuses: Path) -> dict[int, int]:
    counts: dict[int, int] = {}
    for line in statuses.read_text().splitlines():
        status = int(json.loads(line)["status"])
        counts[status] = counts.get(status, 0) + 1
    return dict(sorted(counts.items()))


# Requests the app answers without the database: the sign-in page itself (no session yet).
NO_DATABASE = {"GET /accounts/login/"}


class Outage:
    """Stop the database ``--db-stop-at`` seconds from now, start it ``--db-stop-for`` seconds later."""

    def __init__(self, app: AppServer, args: argparse.Namespace) -> None:
        self.app, self.at, self.length, self.mode = app, args.db_stop_at, args.db_stop_for, args.db_stop_mode
        self.times: dict[str, float] = {}  # epoch seconds: stopping, stopped, starting, started
        self.error = ""
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            time.sleep(self.at)
            self.times["stopping"] = time.time()
            self.app.stop_database(self.mode)
            self.times["stopped"] = time.time()
            time.sleep(self.length)
            self.times["starting"] = time.time()
            self.app.start_database()
            self.times["started"] = time.time()
        except Exception as exc:  # reported by main(), which fails the run
            self.error = repr(exc)

    def count(self, statuses: Path) -> dict[str, Any]:
        """Responses by status: while the database was down, around its edges, and after it was back.

        "Down" holds the requests that started after the server had stopped and finished before it
        was started again: each of those must be a 503. Requests in flight at either edge may go
        either way, but never a 400 or a 500.
        """
        down: dict[int, int] = {}
        edges: dict[int, int] = {}
        after: dict[int, int] = {}
        t = self.times
        first_ok_after: float | None = None
        needed_database: dict[str, int] = {}  # requests that need the database, answered other than 503
        for line in statuses.read_text().splitlines():
            r = json.loads(line)
            status, end = int(r["status"]), float(r["end"])
            begin = end - float(r["ms"]) / 1000
            if begin >= t["stopped"] and end <= t["starting"]:
                bucket = down
                if status != 503 and r["name"] not in NO_DATABASE:
                    needed_database[f"{r['name']}: {status}"] = needed_database.get(f"{r['name']}: {status}", 0) + 1
            elif end >= t["stopping"] and begin <= t["started"]:
                bucket = edges
            elif begin > t["started"]:
                bucket = after
                if status in (200, 302) and (first_ok_after is None or end - t["started"] < first_ok_after):
                    first_ok_after = end - t["started"]
            else:
                continue
            bucket[status] = bucket.get(status, 0) + 1
        return {
            "mode": self.mode,
            "stop_at": self.at,
            "planned": self.length,
            "down_seconds": t["starting"] - t["stopped"],
            "stop_seconds": t["stopped"] - t["stopping"],
            "start_seconds": t["started"] - t["starting"],
            "down": dict(sorted(down.items())),
            "edges": dict(sorted(edges.items())),
            "after": dict(sorted(after.items())),
            "first_ok_after": first_ok_after,
            "not_503": needed_database,
        }


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
        "LOADTEST_STATUSES": str(args.data_dir / "statuses.jsonl"),
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


def _statuses(counts: dict[int, int]) -> str:
    return ", ".join(f"{status or 'no answer'}: {n:,}" for status, n in sorted(counts.items())) or "none"


def _outage_lines(outage: dict[str, Any] | None) -> list[str]:
    if outage is None:
        return []
    back = outage["first_ok_after"]
    return [
        "## The database stopped in the middle",
        "",
        f"The embedded PostgreSQL server was stopped (`pg_ctl stop -m {outage['mode']}`) {outage['stop_at']:g} s "
        f"into the load and started again {outage['planned']:g} s later, under the running app (no restart). "
        f"Stopping took {outage['stop_seconds']:.1f} s and starting {outage['start_seconds']:.1f} s; the server was "
        f"down for {outage['down_seconds']:.1f} s.",
        "",
        "| requests | responses by status |",
        "|---|---|",
        f"| started after the stop and finished before the start | {_statuses(outage['down'])} |",
        f"| in flight at the stop or the start | {_statuses(outage['edges'])} |",
        f"| started after the database was back | {_statuses(outage['after'])} |",
        "",
        "While the server was down every request that needs the database must be answered 503 with "
        "`Retry-After`; only the sign-in page, which needs none, may be served (200). "
        + (
            "Answered otherwise: " + ", ".join(f"{k} ({n})" for k, n in outage["not_503"].items()) + "."
            if outage["not_503"]
            else "None was answered otherwise."
        ),
        f"The first request served normally after the start finished {back:.2f} s after it."
        if back is not None
        else "No request was served normally after the start.",
        "A 503 carries `Retry-After: 10`; the simulated buyer then repeats the same step (the same answer, "
        "the same submit), as the page asks a person to. The counts in the table above include those "
        "repeats. Every answer the app confirmed is checked against the database as in any run, and an "
        "autosave answered 4xx would be checked for having been stored anyway (told 'refused' for a stored "
        "answer).",
        "",
    ]


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
    told_refused = c["answers_refused_but_stored"]
    outage = stats.get("outage")
    whole = stats["statuses"]
    if outage is None:
        honest = set(whole) <= {200, 302}
    else:
        honest = (
            set(whole) <= {200, 302, 503}
            and 503 in outage["down"]
            and not outage["not_503"]
            and set(outage["down"]) <= {200, 503}
            and set(outage["edges"]) <= {200, 302, 503}
            and outage["first_ok_after"] is not None
        )
    ok = errors == 0 and locust_rc == 0 and exact and one_each and not told_refused and honest
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
        f"| responses by status | {_statuses(whole)} |",
        f"| autosaves refused (4xx) / refused but stored (told 'refused' for a stored answer) | "
        f"{c['answers_refused']} / {len(told_refused)} |",
        f"| response time median / 95th / 99th percentile | {_ms(total['p50'])} / {_ms(total['p95'])} / "
        f"{_ms(total['p99'])} |",
        "",
        *_outage_lines(outage),
        "Reproduce with `make loadtest` (or `make loadtest USERS=50 RUN_TIME=5m`; add `DB_STOP_AT=120 "
        "DB_STOP_FOR=20` to stop the database in the middle), which runs:",
        "",
        "```sh",
        f".venv/bin/python -m loadtest.run --users {args.users} --spawn-rate {args.spawn_rate:g} "
        f"--run-time {args.run_time} --workers {args.workers} --threads {args.threads}"
        + (f" --db-stop-at {args.db_stop_at:g} --db-stop-for {args.db_stop_for:g}" if outage else ""),
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
        "- Buyers: one account each (five per organisation), signed in once (again on the next turn if the "
        "sign-in was answered 503); think time 1–3 s between requests; "
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
