"""A database that hangs under load: clients read pages of a running server while every PostgreSQL process of the
checkout's data folder is stopped (SIGSTOP) for a while, then started again; prints how long the requests in flight
at the stop, and those started during it, took, and what they answered.

Run against `make run` (CONN_MAX_AGE=60 for kept connections, as in production), signed in as the demo editor:

    CONN_MAX_AGE=60 make run &
    .venv/bin/python loadtest/freeze.py --assessment 22 --recommendation 18

Compare with the query deadline off (`DATABASE_QUERY_DEADLINE=0 CONN_MAX_AGE=60 make run`).
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import subprocess
import threading
import time
from pathlib import Path

import requests

DATA = str(Path(__file__).resolve().parent.parent / ".data")


def signed_in(base: str, email: str, password: str) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{base}/accounts/login/", timeout=30).text
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token, "no sign-in form"
    session.post(
        f"{base}/accounts/login/",
        data={"csrfmiddlewaretoken": token.group(1), "username": email, "password": password},
        headers={"Referer": f"{base}/accounts/login/"},
        timeout=30,
    )
    return session


def cluster() -> list[int]:
    """The PostgreSQL processes serving the checkout's data folder (their working folder is in it)."""
    found = []
    listed = subprocess.run(["pgrep", "-f", "postgres"], capture_output=True, text=True, check=False).stdout.split()
    for pid in listed:
        try:
            if os.path.realpath(f"/proc/{pid}/cwd").startswith(DATA):
                found.append(int(pid))
        except OSError:
            continue
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--assessment", type=int, required=True, help="a draft of the demo organisation")
    parser.add_argument("--recommendation", type=int, required=True, help="a recommendation of the demo organisation")
    parser.add_argument("--clients", type=int, default=12)
    parser.add_argument("--freeze", type=float, default=30.0, help="seconds the database is stopped")
    args = parser.parse_args()
    paths = [f"/assessments/{args.assessment}/steps/volume/", f"/recommendations/{args.recommendation}/"]
    sessions = []
    for _ in range(args.clients):
        sessions.append(signed_in(args.base, "editor@demo.test", "editor-kpo-2026"))
        time.sleep(0.3)  # one at a time: the sign-in throttle counts a burst from one address
    results: list[tuple[float, float, object]] = []
    stop = threading.Event()

    def read(i: int) -> None:
        while not stop.is_set():
            started = time.monotonic()
            try:
                status: object = sessions[i].get(args.base + paths[i % 2], timeout=300).status_code
            except requests.RequestException as exc:
                status = type(exc).__name__
            results.append((started, time.monotonic(), status))

    threads = [threading.Thread(target=read, args=(i,)) for i in range(args.clients)]
    for thread in threads:
        thread.start()
    time.sleep(5)
    pids = cluster()
    frozen_at = time.monotonic()
    for pid in pids:
        os.kill(pid, signal.SIGSTOP)
    time.sleep(args.freeze)
    for pid in pids:
        os.kill(pid, signal.SIGCONT)
    thawed_at = time.monotonic()
    time.sleep(5)
    stop.set()
    for thread in threads:
        thread.join(300)

    def summary(rows: list[tuple[float, object]]) -> str:
        if not rows:
            return "none"
        statuses = sorted({str(status) for _, status in rows})
        return f"{len(rows)}, longest {max(took for took, _ in rows):.1f} s, answered {', '.join(statuses)}"

    print(f"stopped {len(pids)} PostgreSQL processes for {args.freeze:g} s")
    print("in flight at the stop:", summary([(end - start, s) for start, end, s in results if start < frozen_at < end]))
    print(
        "started during it:", summary([(end - start, s) for start, end, s in results if frozen_at <= start < thawed_at])
    )
    print("started after it:", summary([(end - start, s) for start, end, s in results if start >= thawed_at + 1]))


if __name__ == "__main__":
    main()
