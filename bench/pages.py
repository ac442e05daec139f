"""Request benchmark: the buyer's pages through gunicorn on loopback, against the bare baseline view.

At 1 and then 4 concurrent clients (threads, one keep-alive connection and one signed-in buyer
each), in this order: the baseline view, autosave (htmx POST of one answer), the step page, submit
(a complete draft on the 500-rule playbook), the result page and what-if (htmx POST of a changed answer
and different annual hours each round, so the cost simulation's cache never holds the case: the whole
re-score with a cold total cost of ownership), then the JSON API's counterparts with
an API key per client (GET a recommendation; PUT one answer, the API's autosave), then the baseline
again; each phase starts with a few unrecorded warm-up requests. Any unexpected status is an error.
"""

from __future__ import annotations

import itertools
import re
import threading
from collections.abc import Callable
from typing import Any

from bench.http import Client, Reply
from bench.stats import summary

WARM = 3
COUNTS = {
    "baseline": 300,
    "autosave": 300,
    "step": 200,
    "result": 200,
    "what_if": 100,
    "api_get": 200,
    "api_answers": 300,
}
SUBMITS = {1: 40, 4: 15}  # per client
STEP_SECTION = "s0"


class Buyer:
    """One client thread's buyer: signed in, with an assessment of their own to autosave into."""

    def __init__(self, port: int, email: str, password: str, plan: dict[str, Any]) -> None:
        self.client = Client(port)
        self.client.login(email, password)
        self.plan = plan
        reply = self.client.post("/assessments/new/", {"title": f"Bench {email}", "function": plan["function"]})
        if reply.status != 302:
            raise RuntimeError(f"could not start an assessment: {reply.status}")
        self.assessment = int(reply.location.rstrip("/").split("/")[-1])
        self.answers = itertools.cycle(plan["answers"])

    def autosave(self) -> Reply:
        code, value = next(self.answers)
        return self.client.post(f"/assessments/{self.assessment}/answers/{code}/", {code: value}, htmx=True)


def phase(buyers: list[Buyer], count: int, work: Callable[[Buyer, int], Reply], expect: int) -> dict[str, Any]:
    """``count`` requests per buyer, all buyers at once; the latencies after the warm-up."""
    samples: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()

    def run(buyer: Buyer) -> None:
        mine, bad = [], []
        for i in range(count + WARM):
            reply = work(buyer, i)
            if reply.status != expect:
                bad.append(f"{reply.status}: {reply.body[:120]!r}")
            elif i >= WARM:
                mine.append(reply.ms)
        with lock:
            samples.extend(mine)
            errors.extend(bad)

    threads = [threading.Thread(target=run, args=(b,)) for b in buyers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {**summary(samples), "errors": len(errors), "first_error": errors[0] if errors else ""}


def api_keys(port: int, owner: str, password: str, count: int) -> list[str]:
    """``count`` API keys (read and answer) made by the organisation's owner on the keys page, as an owner would."""
    client = Client(port)
    client.login(owner, password)
    keys = []
    for i in range(count):
        reply = client.post("/api-keys/", {"name": f"Bench {i}", "scopes": ["read", "answer"]})
        found = re.search(rb'id="new-key-value">([^<]+)<', reply.body)
        if reply.status != 200 or found is None:
            said = re.search(rb'class="error-summary__list">(.*?)</ul>', reply.body, re.S)
            why = re.sub(rb"<[^>]+>|\s+", b" ", said.group(1)).decode().strip() if said else ""
            raise RuntimeError(f"could not make an API key: {reply.status} {why}".strip())
        keys.append(found.group(1).decode())
    client.close()
    return keys


def level(port: int, fixtures: dict[str, Any], clients: int, drafts: list[int]) -> dict[str, Any]:
    """Every phase at ``clients`` concurrent clients; ``drafts`` are the complete drafts to submit."""
    accounts, password, plans = fixtures["accounts"], fixtures["password"], fixtures["plans"]
    buyers = [Buyer(port, accounts[i], password, plans[i]) for i in range(clients)]
    keys = {id(b): key for b, key in zip(buyers, api_keys(port, accounts[0], password, clients), strict=True)}
    per = SUBMITS[clients] + WARM
    mine = {id(b): drafts[i * per : (i + 1) * per] for i, b in enumerate(buyers)}
    results: dict[int, list[str]] = {id(b): [] for b in buyers}

    def submit(buyer: Buyer, i: int) -> Reply:
        reply = buyer.client.post(f"/recommendations/assessment/{mine[id(buyer)][i]}/submit/")
        if reply.status == 302:
            results[id(buyer)].append(reply.location)
        return reply

    def result(buyer: Buyer, i: int) -> Reply:
        found = results[id(buyer)]
        return buyer.client.get(found[i % len(found)])

    def what_if(buyer: Buyer, i: int) -> Reply:
        # Hours no other round (or client) posts: a new cost case every time, never the simulation's cache.
        found = results[id(buyer)]
        code, value = next(buyer.answers)
        hours = 1_000 + 10_000 * buyers.index(buyer) + 7 * i
        data = {code: value, "annual_hours": str(hours)}
        return buyer.client.post(f"{found[i % len(found)].rstrip('/')}/what-if/", data, htmx=True)

    def step(buyer: Buyer, i: int) -> Reply:
        return buyer.client.get(f"/assessments/{buyer.assessment}/steps/{STEP_SECTION}/")

    def api_get(buyer: Buyer, i: int) -> Reply:
        found = results[id(buyer)]
        pk = found[i % len(found)].rstrip("/").split("/")[-1]
        return buyer.client.api("GET", f"/api/v1/recommendations/{pk}", keys[id(buyer)])

    def api_answers(buyer: Buyer, i: int) -> Reply:
        code, value = next(buyer.answers)
        body = {"answers": {code: value}}
        return buyer.client.api("PUT", f"/api/v1/assessments/{buyer.assessment}/answers", keys[id(buyer)], body)

    def baseline(buyer: Buyer, i: int) -> Reply:
        return buyer.client.get("/bench/baseline/")

    out = {
        "baseline": phase(buyers, COUNTS["baseline"], baseline, 200),
        "autosave": phase(buyers, COUNTS["autosave"], lambda b, i: b.autosave(), 200),
        "step": phase(buyers, COUNTS["step"], step, 200),
        "submit": phase(buyers, SUBMITS[clients], submit, 302),
        "result": phase(buyers, COUNTS["result"], result, 200),
        "what_if": phase(buyers, COUNTS["what_if"], what_if, 200),
        "api_get": phase(buyers, COUNTS["api_get"], api_get, 200),
        "api_answers": phase(buyers, COUNTS["api_answers"], api_answers, 200),
        "baseline_after": phase(buyers, COUNTS["baseline"], baseline, 200),
    }
    for b in buyers:
        b.client.close()
    return out


def run(port: int, fixtures: dict[str, Any], drafts: list[int]) -> dict[str, Any]:
    one = (SUBMITS[1] + WARM) * 1
    return {"1": level(port, fixtures, 1, drafts[:one]), "4": level(port, fixtures, 4, drafts[one:])}


def drafts_needed() -> int:
    return sum((SUBMITS[c] + WARM) * c for c in SUBMITS)
