"""Throughput: completed assessments per minute, then autosaves per second, through gunicorn.

Closed loop, no think time: each client thread (its own buyer and connection) runs whole
assessments back to back (start, every answer autosaved in asking order, submit, result page), or,
in the second run, autosaves one answer after another into its own assessment. Any unexpected
status is an error; the figures count only what the app confirmed.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from bench.http import Client
from bench.pages import Buyer
from bench.stats import summary


def _assessments(port: int, email: str, password: str, plan: dict[str, Any], until: float, out: dict) -> None:
    client = Client(port)
    client.login(email, password)
    while time.monotonic() < until:
        started = time.perf_counter()
        reply = client.post("/assessments/new/", {"title": "Throughput", "function": plan["function"]})
        ok = reply.status == 302
        pk = reply.location.rstrip("/").split("/")[-1] if ok else ""
        for code, value in plan["answers"] if ok else []:
            if client.post(f"/assessments/{pk}/answers/{code}/", {code: value}, htmx=True).status != 200:
                ok = False
                break
        if ok:
            reply = client.post(f"/recommendations/assessment/{pk}/submit/")
            ok = reply.status == 302 and client.get(reply.location).status == 200
        if time.monotonic() > until and ok:
            break  # finished after the bell: not counted
        out["completed" if ok else "errors"] += 1
        out["seconds"].append(time.perf_counter() - started)
    client.close()


def assessments(port: int, fixtures: dict[str, Any], *, threads: int, seconds: float) -> dict[str, Any]:
    out: dict[str, Any] = {"completed": 0, "errors": 0, "seconds": []}
    until = time.monotonic() + seconds
    workers = [
        threading.Thread(
            target=_assessments,
            args=(port, fixtures["accounts"][i], fixtures["password"], fixtures["plans"][10 + i], until, out),
        )
        for i in range(threads)
    ]
    started = time.monotonic()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    elapsed = time.monotonic() - started
    answers = sum(len(fixtures["plans"][10 + i]["answers"]) for i in range(threads)) / threads
    return {
        "threads": threads,
        "seconds": elapsed,
        "completed": out["completed"],
        "errors": out["errors"],
        "per_minute": out["completed"] * 60 / elapsed,
        "answers_per_assessment": answers,
        "assessment": summary([s * 1000 for s in out["seconds"]]),
    }


def autosaves(port: int, fixtures: dict[str, Any], *, threads: int, seconds: float) -> dict[str, Any]:
    buyers = [
        Buyer(port, fixtures["accounts"][i], fixtures["password"], fixtures["plans"][20 + i]) for i in range(threads)
    ]
    counts = {"ok": 0, "errors": 0}
    latencies: list[float] = []
    lock = threading.Lock()
    until = time.monotonic() + seconds

    def run(buyer: Buyer) -> None:
        ok, bad, mine = 0, 0, []
        while time.monotonic() < until:
            reply = buyer.autosave()
            if reply.status == 200:
                ok += 1
                mine.append(reply.ms)
            else:
                bad += 1
        with lock:
            counts["ok"] += ok
            counts["errors"] += bad
            latencies.extend(mine)

    workers = [threading.Thread(target=run, args=(b,)) for b in buyers]
    started = time.monotonic()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    elapsed = time.monotonic() - started
    for b in buyers:
        b.client.close()
    return {
        "threads": threads,
        "seconds": elapsed,
        "autosaves": counts["ok"],
        "errors": counts["errors"],
        "per_second": counts["ok"] / elapsed,
        "latency": summary(latencies),
    }
