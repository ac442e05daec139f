"""Two app servers and one worker on one database hold no state apart: what one server starts, the other sees.

Two production-like gunicorn servers (DEBUG off, loadtest/appserver.py) on different ports share one embedded
PostgreSQL, as two machines behind a load balancer share the database; one background worker serves both. A
buyer's requests alternate between them: the session, the cached what-would-flip analysis, a memo drawing
started on one and a sign-in lock all hold on the other. The test suite's own database is never touched.
"""

from __future__ import annotations

import json
import re
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from loadtest.appserver import PYTHON, ROOT, AppServer, Browser

pytestmark = [pytest.mark.slow]

EMAIL, PASSWORD = "owner@twoservers.test", "two-servers-owner-passphrase-2026"
CREATE_BUYER = f"""
from apps.accounts.models import Membership, Organisation, User
org = Organisation.objects.create(name="Two Servers Ltd", slug="two-servers")
Membership.objects.create(user=User.objects.create_user({EMAIL!r}, {PASSWORD!r}), organisation=org, role="owner")
"""
HX = {"HX-Request": "true"}
# A low sign-in lock threshold, the same on both servers, so the test locks a pair in a few requests.
SHARED_SETTINGS = {"LOGIN_THROTTLE_FAILURES": "3"}


@dataclass
class Server(AppServer):
    @property
    def env(self) -> dict[str, str]:
        return {**super().env, **SHARED_SETTINGS}


@dataclass(frozen=True)
class Site:
    first: Server
    second: Server


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, prepared_app_data: Path, production_static: Path) -> Iterator[Site]:
    root = tmp_path_factory.mktemp("two-servers") / "app"
    first = Server(root, static_root=production_static)
    second = Server(root, static_root=production_static)  # the same database folder, its own port
    worker: subprocess.Popen[bytes] | None = None
    try:
        first.prepare_from(prepared_app_data)
        first.python(CREATE_BUYER)
        first.serve(workers=1, threads=4)
        second.serve(workers=1, threads=4)
        log = (root / "worker.log").open("ab")
        worker = subprocess.Popen(
            [PYTHON, "manage.py", "worker", "--interval", "0.5"], cwd=ROOT, env=first.env, stdout=log, stderr=log
        )
        yield Site(first, second)
    finally:
        for process in [worker, second.process]:
            if process is not None and process.poll() is None:
                process.terminate()
                process.wait(30)
        second.process = None
        first.shutdown()


def on(browser: Browser, server: AppServer) -> Browser:
    """The same browser (its cookies) sent to ``server``, as a load balancer would."""
    browser.base_url = server.base_url
    return browser


def submitted_recommendation(browser: Browser, site: Site) -> int:
    plan = json.loads(site.first.python("from loadtest.scenarios import dump; dump()"))[0]
    started = on(browser, site.first).post("/assessments/new/", {"title": "Two servers", "function": plan["function"]})
    assert started.status == 302, started.text[:300]
    pk = int(re.fullmatch(r"/assessments/(\d+)/", started.headers["Location"]).group(1))  # type: ignore[union-attr]
    for i, (code, value) in enumerate(plan["answers"]):  # answers alternate between the servers
        server = site.first if i % 2 else site.second
        assert on(browser, server).post(f"/assessments/{pk}/answers/{code}/", {code: value}, HX).status == 200
    submitted = on(browser, site.second).post(f"/recommendations/assessment/{pk}/submit/")
    assert submitted.status == 302, submitted.text[:300]
    return int(re.search(r"/recommendations/(\d+)/", submitted.headers["Location"]).group(1))  # type: ignore[union-attr]


def test_a_session_started_on_one_server_holds_on_the_other(site: Site) -> None:
    buyer = Browser(site.first.base_url)
    assert buyer.login(EMAIL, PASSWORD).status == 302
    assert on(buyer, site.second).get("/accounts/members/").status == 200
    assert on(buyer, site.second).post("/accounts/logout/").status == 302
    assert on(buyer, site.first).get("/accounts/members/").status == 302  # signed out everywhere


def test_a_cached_analysis_and_a_task_started_on_one_server_hold_on_the_other(site: Site) -> None:
    buyer = Browser(site.first.base_url)
    assert buyer.login(EMAIL, PASSWORD).status == 302
    pk = submitted_recommendation(buyer, site)

    def cached() -> bool:  # asked from a third process
        code = f"from django.core.cache import cache; print(cache.get('kpo:sensitivity:v1:{pk}') is not None)"
        return site.first.python(code).strip() == "True"

    assert not cached()
    first = on(buyer, site.first).get(f"/recommendations/{pk}/what-would-flip/", HX)
    assert first.status == 200
    assert cached()  # worked out on the first server and kept where every process finds it
    second = on(buyer, site.second).get(f"/recommendations/{pk}/what-would-flip/", HX)
    assert second.status == 200 and _without_tokens(second.text) == _without_tokens(first.text)

    queued = on(buyer, site.first).get(f"/recommendations/{pk}/memo.pdf")
    assert queued.status == 202 and "text/html" in queued.headers["Content-Type"]  # queued, not drawn here
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:  # the worker draws it; the other server hands it over
        done = on(buyer, site.second).get(f"/recommendations/{pk}/memo.pdf")
        if done.headers.get("Content-Type") == "application/pdf":
            break
        time.sleep(1)
    else:
        pytest.fail("the memo started on one server never became ready on the other")
    assert done.status == 200


def test_a_sign_in_lock_taken_on_one_server_holds_on_the_other(site: Site) -> None:
    for _ in range(3):
        assert Browser(site.first.base_url).login(EMAIL, "wrong-password-again").status in {
            400,
            429,
        }  # refused (400), or locked (429)
    refused = Browser(site.second.base_url).login(EMAIL, PASSWORD)
    assert refused.status == 429 and "signing in is paused" in refused.text


def _without_tokens(html: str) -> str:
    # Each response carries its own CSRF token and CSP nonce.
    return re.sub(r'(value|nonce)="[\w-]{20,}"', "", html)
