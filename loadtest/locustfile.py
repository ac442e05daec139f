"""Simulated buyers: sign in, then run whole assessments, one request per task, over and over.

Each buyer starts an assessment (the start form answers the knowledge function), autosaves every
visible answer of one of the playbook's golden cases in order (as htmx does, one question at a
time, with think time between), opens the review page, submits (every fifth assessment twice, as
a double click would), and opens the result. Every answer and submit the app confirms is written
to a journal (LOADTEST_JOURNAL), which loadtest/run.py compares with the database afterwards.

A 503 with Retry-After (the database is away, e.g. stopped by ``--db-stop-at``) is the app's honest
"not now": the buyer tries the same step again later, as the page tells a person to. Every other
unexpected status is a failure; every response's status and time go to LOADTEST_STATUSES, so the
report can count what buyers got while the database was down. An autosave answered 4xx is journalled
as refused, so the report can check that no buyer was told "refused" for an answer that was stored.

Run by loadtest/run.py (`make loadtest`); it sets LOADTEST_PLANS, LOADTEST_JOURNAL,
LOADTEST_STATUSES, LOADTEST_ACCOUNTS and LOADTEST_PASSWORD. Loopback only.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import time
from typing import Any
from urllib.parse import urlsplit

from locust import HttpUser, between, events, task

PLANS: list[dict[str, Any]] = json.loads(open(os.environ["LOADTEST_PLANS"]).read())  # noqa: SIM115
ACCOUNTS = int(os.environ["LOADTEST_ACCOUNTS"])
PASSWORD = os.environ["LOADTEST_PASSWORD"]
JOURNAL = open(os.environ["LOADTEST_JOURNAL"], "a", buffering=1)  # noqa: SIM115 - one line per event, flushed
STATUSES = open(os.environ["LOADTEST_STATUSES"], "a", buffering=1)  # noqa: SIM115 - one line per response
_numbers = itertools.count()


@events.test_start.add_listener
def _loopback_only(environment: Any, **kwargs: Any) -> None:
    host = urlsplit(environment.host or "").hostname
    if host != "127.0.0.1":
        raise SystemExit(f"The load test only runs against 127.0.0.1, not {host!r}.")


@events.request.add_listener
def _record_status(request_type: str, name: str, response_time: float, response: Any = None, **kwargs: Any) -> None:
    status = getattr(response, "status_code", 0) or 0  # 0: no answer at all (connection refused or reset)
    record = {"end": time.time(), "ms": response_time, "status": status, "name": f"{request_type} {name}"}
    STATUSES.write(json.dumps(record) + "\n")


def journal(**event: Any) -> None:
    JOURNAL.write(json.dumps(event) + "\n")


class Buyer(HttpUser):
    wait_time = between(1, 3)  # a buyer reading the next question

    def on_start(self) -> None:
        self.number = next(_numbers)
        self.email = f"buyer{self.number % ACCOUNTS:03d}@load.test"
        self.assessment: int | None = None
        self.assessments = 0
        self.signed_in = self._sign_in()

    def _sign_in(self) -> bool:
        """Sign in; False when the app said "not now" (503), and the buyer tries again on the next turn."""
        if not self._get("/accounts/login/"):
            return False
        with self._post("/accounts/login/", {"username": self.email, "password": PASSWORD}) as response:
            return self._expect(response, 302)

    def _cookies(self) -> dict[str, str]:
        # The app's cookies are Secure (production settings) and this is plain HTTP on loopback, where
        # requests would keep them back: hand them over explicitly.
        return {c.name: c.value or "" for c in self.client.cookies}

    def _get(self, url: str, name: str | None = None) -> bool:
        with self.client.get(url, name=name or url, cookies=self._cookies(), catch_response=True) as response:
            return self._expect(response, 200)

    def _post(self, url: str, data: dict[str, Any], name: str | None = None, htmx: bool = False) -> Any:
        headers = {"X-CSRFToken": self.client.cookies.get("csrftoken", "")}
        if htmx:
            headers["HX-Request"] = "true"
        return self.client.post(
            url,
            data=data,
            headers=headers,
            name=name or url,
            cookies=self._cookies(),
            allow_redirects=False,
            catch_response=True,
        )

    @staticmethod
    def _expect(response: Any, status: int) -> bool:
        """True for the expected status. A 503 with Retry-After is not a failure, but not done either."""
        if response.status_code == status:
            response.success()
            return True
        if response.status_code == 503 and response.headers.get("Retry-After"):
            response.success()  # the database is away: the buyer tries this step again
            return False
        response.failure(f"expected {status}, got {response.status_code}: {response.text[:200]!r}")
        return False

    @task
    def next_step(self) -> None:
        if not self.signed_in:
            self.signed_in = self._sign_in()
        elif self.assessment is None:
            self._start()
        elif self.answered < len(self.plan["answers"]):
            self._answer()
        else:
            self._submit()

    def _start(self) -> None:
        self.plan = PLANS[(self.number + self.assessments) % len(PLANS)]
        self.assessments += 1
        if not self._get("/assessments/new/"):
            return
        title = f"Load {self.email} #{self.assessments}"
        with self._post("/assessments/new/", {"title": title, "function": self.plan["function"]}) as response:
            if self._expect(response, 302):
                match = re.fullmatch(r"/assessments/(\d+)/", response.headers.get("Location", ""))
                if match is None:
                    response.failure(f"unexpected redirect {response.headers.get('Location')!r}")
                    return
                self.assessment, self.answered = int(match.group(1)), 0
                journal(event="start", assessment=self.assessment, function=self.plan["function"])

    def _answer(self) -> None:
        code, value = self.plan["answers"][self.answered]
        url = f"/assessments/{self.assessment}/answers/{code}/"
        with self._post(url, {code: value}, name="/assessments/[id]/answers/[question]/", htmx=True) as response:
            if self._expect(response, 200):
                journal(event="answer", assessment=self.assessment, question=code, value=value)
                self.answered += 1
            elif 400 <= response.status_code < 500:
                journal(event="refused", assessment=self.assessment, question=code, value=value)

    def _submit(self) -> None:
        pk = self.assessment
        if not self._get(f"/assessments/{pk}/review/", "/assessments/[id]/review/"):
            return  # the database is away (or a failure was recorded): submit on the next turn
        clicks = 2 if (self.number + self.assessments) % 5 == 0 else 1  # one assessment in five: a double click
        result = None
        for _ in range(clicks):
            with self._post(
                f"/recommendations/assessment/{pk}/submit/", {}, "/recommendations/assessment/[id]/submit/"
            ) as response:
                if self._expect(response, 302):
                    journal(event="submit", assessment=pk)
                    result = response.headers.get("Location")
                elif response.status_code == 503:
                    return  # submitting is idempotent: the next turn submits again
        if result:
            self._get(result, "/recommendations/[id]/")
        self.assessment = None
