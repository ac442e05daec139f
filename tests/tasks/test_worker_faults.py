"""The database goes away under a running worker and comes back; a worker starts while it is away.

As in tests/security/test_faults.py: a production-like database in a scratch folder (loadtest/appserver.py), stopped
and started with pg_ctl underneath real ``manage.py worker`` processes; the test suite's own database is never
touched. The workers reach it by DATABASE_URL, as in production: with the embedded server, a new process would
start the database again itself (a development convenience).
"""

from __future__ import annotations

import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django_tasks_db.models import DBTaskResult

from apps.tasks.worker import WORKER_LOCK
from loadtest.appserver import PYTHON, ROOT, AppServer

pytestmark = [pytest.mark.slow]
LOST = "cannot reach the database"
BACK = "database reached again"


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory, prepared_app_data: Path) -> Iterator[AppServer]:
    server = AppServer(tmp_path_factory.mktemp("worker-faults") / "app")
    try:
        server.prepare_from(prepared_app_data)
        yield server
    finally:
        server.shutdown()


@pytest.fixture
def database(app: AppServer) -> Iterator[AppServer]:
    """The app's database, up again after the test whatever happened in it."""
    yield app
    if not (app.data_dir / "postmaster.pid").exists():
        app.start_database()


class Worker:
    """``manage.py worker`` against the app's database, its output in a file."""

    def __init__(self, app: AppServer, log: Path, *options: str) -> None:
        self.log = log
        self.process = subprocess.Popen(
            [PYTHON, "manage.py", "worker", "--interval", "0.2", *options],
            cwd=ROOT, env=_env(app), stdout=log.open("wb"), stderr=subprocess.STDOUT,
        )  # fmt: skip

    @property
    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self) -> int:
        """SIGTERM, as the supervisor stops it; its exit status."""
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            raise


@pytest.fixture
def start_worker(app: AppServer, tmp_path: Path) -> Iterator[Callable[..., Worker]]:
    started: list[Worker] = []

    def start(*options: str) -> Worker:
        started.append(Worker(app, tmp_path / f"worker-{len(started)}.log", *options))
        return started[-1]

    yield start
    for worker in started:
        if worker.process.poll() is None:
            worker.process.kill()
            worker.process.wait(10)


def _env(app: AppServer) -> dict[str, str]:
    return {**app.env, "DATABASE_URL": f"postgresql://postgres@{quote(app.socket_dir, safe='')}/kpo_advisor"}


def enqueue(app: AppServer, seconds: float) -> str:
    """Queue the probe task from a process of its own, as the app would; its id."""
    code = f"import django; django.setup()\nfrom tests.tasks.probe import nap\nprint(nap.enqueue(seconds={seconds}).id)"
    done = subprocess.run([PYTHON, "-c", code], cwd=ROOT, env=_env(app), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip()


def task(app: AppServer, pk: str) -> tuple[str, list[str], Any]:
    with app.connect() as db:
        return db.execute(
            f"SELECT status, worker_ids, return_value FROM {DBTaskResult._meta.db_table} WHERE id = %s", [pk]
        ).fetchone()


def succeeded(app: AppServer, pk: str) -> tuple[str, list[str], Any] | None:
    row = task(app, pk)
    return row if row[0] == "SUCCESSFUL" else None


def holds_lock(app: AppServer, worker_id: str) -> bool:
    """Whether a session holds that worker's liveness lock (as recover_abandoned asks)."""
    with app.connect() as db:
        free = db.execute("SELECT pg_try_advisory_lock(%s, hashtext(%s))", [WORKER_LOCK, worker_id]).fetchone()[0]
        return not free


def eventually(check: Callable[[], Any], worker: Worker, what: str, seconds: float = 90) -> Any:
    """Wait until ``check`` gives something true, with the worker running all along.

    The limit only bounds a hang: on a loaded machine a worker can take half a minute just to start."""
    deadline = time.monotonic() + seconds
    while not (result := check()):
        assert worker.process.poll() is None, f"the worker exited before {what}:\n{worker.output}"
        if time.monotonic() > deadline:
            pytest.fail(f"not within {seconds} s: {what}\n{worker.output}")
        time.sleep(0.1)
    return result


def test_a_worker_carries_on_after_the_database_comes_back(
    database: AppServer, start_worker: Callable[..., Worker]
) -> None:
    app = database
    worker = start_worker("--reconnect-wait", "0.5")
    # Long enough to be under way still when the database stops on a busy machine (CI saw a 2 s nap finish and store
    # its result first), and the database down until after it ends.
    napping = enqueue(app, seconds=4)
    eventually(lambda: task(app, napping)[0] == "RUNNING", worker, "it claims the task")
    first_id = task(app, napping)[1][0]

    app.stop_database()  # the task is under way; it ends, and its result cannot be stored
    time.sleep(6)
    assert worker.process.poll() is None, worker.output  # still there, waiting
    app.start_database()

    fresh = enqueue(app, seconds=0)
    eventually(lambda: succeeded(app, fresh), worker, "it runs a task queued after the outage")
    _, worker_ids, result = eventually(lambda: succeeded(app, napping), worker, "the cut-off task is run again")
    assert result == "rested" and len(worker_ids) == 2 and worker_ids[0] == first_id  # recovered and run again
    assert holds_lock(app, worker_ids[1]) and not holds_lock(app, first_id)  # the lock, taken again, under a new id
    assert task(app, fresh)[1] == [worker_ids[1]]

    output = worker.output
    assert output.count(LOST) == 1 and output.count(BACK) == 1, output  # one line each way per outage
    assert f"worker {first_id} {LOST}" in output and f"carries on as {worker_ids[1]}" in output
    assert "Traceback" not in output
    assert worker.stop() == 0, worker.output


def test_a_worker_started_while_the_database_is_down_waits_for_it(
    database: AppServer, start_worker: Callable[..., Worker]
) -> None:
    app = database
    app.stop_database()
    worker = start_worker("--reconnect-wait", "0.5")
    eventually(lambda: LOST in worker.output, worker, "it says it waits for the database")
    time.sleep(1)
    assert worker.process.poll() is None, worker.output
    app.start_database()

    pk = enqueue(app, seconds=0)
    _, worker_ids, result = eventually(lambda: succeeded(app, pk), worker, "it runs the task")
    assert result == "rested" and holds_lock(app, worker_ids[0])
    assert worker.output.count(LOST) == 1 and BACK in worker.output and "Traceback" not in worker.output
    assert worker.stop() == 0, worker.output


def test_a_worker_waiting_for_the_database_stops_at_once_on_sigterm(
    database: AppServer, start_worker: Callable[..., Worker]
) -> None:
    database.stop_database()
    worker = start_worker()  # the default pauses: 0.5 s, then 1, 2, 4, up to 10
    eventually(lambda: LOST in worker.output, worker, "it says it waits for the database")
    # Into the 10 s pause (from 15.5 s to 25.5 s): waiting it out would take about 9 s more. The margin is wide so
    # that a busy machine's slow process exit (6.9 s seen with the suite and three servers on the two cores) is not
    # mistaken for a wait.
    time.sleep(16.5)
    asked = time.monotonic()
    assert worker.stop() == 0, worker.output
    assert time.monotonic() - asked < 7.5
