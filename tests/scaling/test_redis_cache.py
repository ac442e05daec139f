"""The shared cache in Redis (REDIS_URL set): what one process keeps there, another process reads.

The module starts its own ``redis-server`` on a unix socket in a temporary folder (no TCP port, nothing saved
to disk) and stops it after; the machine's own Redis, if one runs, is never touched. The cache settings are
the ones ``kpo_advisor/settings.py`` builds when REDIS_URL is set: this process runs the settings file again
with REDIS_URL in its environment, and a second process starts Django with the settings as production loads
them (REDIS_URL set, and a database that does not exist, so whatever it finds came through Redis). The
database-cache version of the same checks, with two gunicorn servers, is ``test_two_servers.py``.

Skipped, loudly, when redis-server is not installed (``.ci/run`` installs it).
"""

from __future__ import annotations

import json
import os
import runpy
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from apps.accounts.models import Organisation, User
from apps.playbooks.engine import clean_answers
from apps.playbooks.engine.counterfactuals import sensitivity
from apps.playbooks.models import Playbook
from apps.playbooks.runtime import compiled_playbook
from tests.factories import PASSWORD
from tests.recommendations.conftest import recommend

ROOT = Path(__file__).resolve().parents[2]
REDIS_SERVER = shutil.which("redis-server") or (
    "/usr/bin/redis-server" if os.access("/usr/bin/redis-server", os.X_OK) else None
)
SKIP_REASON = (
    "redis-server is not installed, so the Redis cache tests (tests/scaling/test_redis_cache.py) are SKIPPED. "
    "Install it (apt-get install redis-server; .ci/run does) to run them."
)
if REDIS_SERVER is None:
    # A skip alone shows as one letter in the progress line: the warning lands in the run's summary.
    warnings.warn(SKIP_REASON, pytest.PytestWarning, stacklevel=1)

pytestmark = [pytest.mark.django_db, pytest.mark.skipif(REDIS_SERVER is None, reason=SKIP_REASON)]

# The other process: Django set up from the settings module as a deployment runs it, then one line of Python
# per request on stdin (it sets ``result``), one JSON answer per line on stdout.
OTHER_PROCESS = """
import json, sys, traceback
import django
django.setup()
from django.core.cache import cache
print(json.dumps({"ready": True}), flush=True)
for line in sys.stdin:
    namespace = {"cache": cache, "json": json}
    try:
        exec(line, namespace)
        print(json.dumps({"result": namespace.get("result")}), flush=True)
    except Exception:
        print(json.dumps({"error": traceback.format_exc()}), flush=True)
"""


class OtherProcess:
    def __init__(self, redis_url: str) -> None:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "kpo_advisor.settings",
            "REDIS_URL": redis_url,
            # No database: a read that fell back to the database cache fails instead of finding something.
            "DATABASE_URL": "postgresql://nobody@127.0.0.1:1/no_database",
            "DATABASE_CONNECT_TIMEOUT": "1",
        }
        self.process = subprocess.Popen(
            [sys.executable, "-c", OTHER_PROCESS],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self._answer() == {"ready": True}

    def _answer(self) -> dict[str, Any]:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        assert line, f"the other process ended (exit code {self.process.poll()})"
        answer: dict[str, Any] = json.loads(line)
        return answer

    def run(self, code: str) -> Any:
        """Run one line of Python there (it may set ``result``, which comes back through JSON)."""
        assert "\n" not in code and self.process.stdin is not None
        self.process.stdin.write(code + "\n")
        self.process.stdin.flush()
        answer = self._answer()
        assert "error" not in answer, answer["error"]
        return answer["result"]

    def stop(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        self.process.wait(30)


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    """A redis-server of this module's own, on a unix socket (a short path: sockets are limited to ~100 bytes)."""
    assert REDIS_SERVER is not None
    import redis

    with tempfile.TemporaryDirectory(prefix="kpo-redis-") as folder:
        socket = Path(folder) / "redis.sock"
        server = subprocess.Popen(
            [REDIS_SERVER, "--port", "0", "--unixsocket", str(socket), "--unixsocketperm", "700"]
            + ["--save", "", "--appendonly", "no", "--dir", folder, "--logfile", str(Path(folder) / "redis.log")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        try:
            client = redis.Redis(unix_socket_path=str(socket))
            deadline = time.monotonic() + 30
            while True:  # ready when it answers a ping on its socket
                assert server.poll() is None, (Path(folder) / "redis.log").read_text()
                try:
                    if socket.exists() and client.ping():
                        break
                except redis.ConnectionError:
                    pass
                assert time.monotonic() < deadline, "redis-server did not start listening"
                time.sleep(0.05)
            client.close()
            yield f"unix://{socket}?db=0"
        finally:
            server.terminate()
            server.wait(30)


@pytest.fixture(scope="module")
def other_process(redis_url: str) -> Iterator[OtherProcess]:
    other = OtherProcess(redis_url)
    yield other
    other.stop()


@pytest.fixture
def redis_cache(settings: Any, redis_url: str) -> None:
    """This process's cache switched to Redis, with CACHES as the settings file builds it from REDIS_URL, and
    emptied (the server lives for the module)."""
    previous = os.environ.get("REDIS_URL")
    os.environ["REDIS_URL"] = redis_url
    try:
        production = runpy.run_path(str(ROOT / "kpo_advisor" / "settings.py"))
    finally:
        if previous is None:
            del os.environ["REDIS_URL"]
        else:
            os.environ["REDIS_URL"] = previous
    settings.CACHES = production["CACHES"]
    assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    cache.clear()


def test_the_sensitivity_analysis_cached_by_one_process_is_read_by_another(
    redis_cache: None,
    other_process: OtherProcess,
    reference: Playbook,
    organisation: Organisation,
    buyer: User,
    buyer_client: Client,
) -> None:
    rec = recommend(reference, organisation, buyer, "US hedge fund", "Fund research")
    key = f"kpo:sensitivity:v1:{rec.pk}"
    rows_there = f"result = [[b.row.prompt, b.row.low, b.row.baseline, b.row.high] for b in cache.get({key!r})]"
    assert other_process.run(f"result = cache.get({key!r}) is None") is True

    url = reverse("recommendations:flips", args=[rec.pk])
    assert buyer_client.get(url, HTTP_HX_REQUEST="true").status_code == 200

    # Worked out here, read there: the same rows the engine gives for these answers.
    compiled = compiled_playbook(rec.playbook)
    answers, _ = clean_answers(compiled.questions, rec.record.stored_answers, ignore_unknown=True)
    expected = [[r.prompt, r.low, r.baseline, r.high] for r in list(sensitivity(compiled, answers))[:10]]
    assert len(expected) > 1
    assert other_process.run(rows_there) == expected

    # And the other way: what the other process keeps there (only the first bar) is what this one's page shows.
    other_process.run(f"cache.set({key!r}, cache.get({key!r})[:1], 3600)")
    page = buyer_client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert page.count('<tr><th scope="row">') == 1
    assert f'<tr><th scope="row">{escape(expected[0][0])}</th>' in page

    # Emptied from there, it is worked out again here on the next view, in full.
    other_process.run("cache.clear()")
    assert buyer_client.get(url, HTTP_HX_REQUEST="true").status_code == 200
    assert other_process.run(rows_there) == expected


def test_a_sign_in_lock_taken_through_one_client_holds_through_another(
    redis_cache: None, other_process: OtherProcess, settings: Any, buyer: User
) -> None:
    settings.LOGIN_THROTTLE_FAILURES = 3
    buyer.set_password(PASSWORD)
    buyer.save()
    login, address = reverse("accounts:login"), "203.0.113.9"
    for _ in range(3):
        wrong = Client().post(login, {"username": buyer.email, "password": "wrong-password"}, REMOTE_ADDR=address)
        assert wrong.status_code in {400, 429}  # refused (400), or locked (429)
    # The lock is a database row, not a cache entry: Redis emptied by the other process does not lift it.
    other_process.run("cache.clear()")
    other = Client()
    refused = other.post(login, {"username": buyer.email, "password": PASSWORD}, REMOTE_ADDR=address)
    assert refused.status_code == 429 and "signing in is paused" in refused.content.decode()
    assert "_auth_user_id" not in other.session
