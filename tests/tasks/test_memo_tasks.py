"""The decision memo drawn by the worker: asked for once, progress shown, downloaded when stored;
retried a bounded number of times; picked up again after its worker died."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, connections
from django.tasks import TaskResultStatus
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from apps.accounts.models import Organisation, User
from apps.playbooks.models import Playbook
from apps.recommendations import memo, tasks
from apps.recommendations.models import Memo, Recommendation
from apps.tasks import worker as worker_module
from tests.recommendations.conftest import recommend
from tests.tasks.conftest import run_worker

pytestmark = pytest.mark.django_db
FAKE_PDF = b"%PDF-1.7\n% a drawn memo\n%%EOF\n"


class Renderer:
    """Stands in for WeasyPrint: fails the first ``failures`` drawings, then draws ``FAKE_PDF``."""

    def __init__(self, failures: int = 0, error: type[Exception] = RuntimeError) -> None:
        self.failures, self.error, self.calls = failures, error, 0

    def __call__(self, rec: Recommendation, base_url: str) -> bytes:
        self.calls += 1
        if self.calls <= self.failures:
            raise self.error("the drawing failed")
        return FAKE_PDF


@pytest.fixture
def rec(reference: Playbook, organisation: Organisation, buyer: User) -> Recommendation:
    return recommend(reference, organisation, buyer, "US hedge fund", "Fund research")


def _url(rec: Recommendation, check: bool = False) -> str:
    return reverse("recommendations:memo_pdf", args=[rec.pk]) + ("?check=1" if check else "")


def _make_due() -> None:
    """The retry delay has passed (instead of waiting for it)."""
    DBTaskResult.objects.filter(status=TaskResultStatus.READY).update(run_after=timezone.now() - timedelta(seconds=1))


def test_asking_for_a_memo_queues_one_drawing_and_shows_its_progress(
    rec: Recommendation, buyer_client: Client, colleague_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    renderer = Renderer()
    monkeypatch.setattr(memo, "render_memo_pdf", renderer)
    first = buyer_client.get(_url(rec))
    assert first.status_code == 202 and first["Content-Type"].startswith("text/html")
    page = first.content.decode()
    # With JavaScript the status polls and the page downloads the memo once it is stored; without, "Check again"
    # (no page reloads itself on a timer: WCAG 2.2.1, axe meta-refresh, review 36).
    assert 'http-equiv="refresh"' not in page and f'href="{_url(rec)}?check=1">Check again' in page
    assert 'data-hx-trigger="every 2s"' in page and "data-memo-page" in page and "js/memo-download.js" in page
    assert "Check again" in page and "Drawing the decision memo" in page
    # A second click, a colleague and the page's own checks find the same task: one drawing queued.
    assert buyer_client.get(_url(rec)).status_code == 202
    assert colleague_client.get(_url(rec, check=True)).status_code == 202
    task = DBTaskResult.objects.get()
    assert task.args_kwargs["kwargs"]["recommendation_id"] == rec.pk
    assert renderer.calls == 0 and not Memo.objects.exists()  # nothing was drawn inside a request

    run_worker()
    assert renderer.calls == 1
    done = buyer_client.get(_url(rec, check=True))
    assert done.status_code == 200 and done.content == FAKE_PDF
    assert done["Content-Disposition"] == f'attachment; filename="{memo.memo_filename(rec)}"'
    assert DBTaskResult.objects.get().status == TaskResultStatus.SUCCESSFUL


def test_htmx_gets_a_fragment_that_polls_every_two_seconds_then_offers_the_file(
    rec: Recommendation, buyer_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(memo, "render_memo_pdf", Renderer())
    pending = buyer_client.get(_url(rec), headers={"HX-Request": "true"})
    html = pending.content.decode()
    assert pending.status_code == 200 and "<html" not in html
    assert 'id="memo-status"' in html and 'hx-trigger="every 2s"' in html
    assert f'data-hx-get="{_url(rec)}?check=1"' in html
    run_worker()
    ready = buyer_client.get(_url(rec, check=True), headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in ready and "data-memo-ready" in ready and f'href="{_url(rec)}"' in ready


def test_a_stored_memo_downloads_at_once_without_a_task(
    rec: Recommendation, buyer_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    memo.stored_memo(recommendation=rec, user=rec.created_by, base_url="http://testserver/")
    monkeypatch.setattr(memo, "render_memo_pdf", Renderer())
    response = buyer_client.get(_url(rec))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert not DBTaskResult.objects.exists()


def test_a_failed_drawing_is_retried_and_then_stored(
    rec: Recommendation, buyer_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    renderer = Renderer(failures=1)
    monkeypatch.setattr(memo, "render_memo_pdf", renderer)
    buyer_client.get(_url(rec))
    run_worker()
    task = DBTaskResult.objects.get()
    assert task.status == TaskResultStatus.READY and task.run_after > timezone.now()  # after a delay
    assert buyer_client.get(_url(rec, check=True)).status_code == 202  # still on its way
    _make_due()
    run_worker()
    task.refresh_from_db()
    assert (task.status, len(task.worker_ids), renderer.calls) == (TaskResultStatus.SUCCESSFUL, 2, 2)
    assert bytes(Memo.objects.get(recommendation=rec).pdf) == FAKE_PDF


def test_retries_are_bounded_and_a_person_can_ask_again(
    rec: Recommendation, buyer_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    renderer = Renderer(failures=100)
    monkeypatch.setattr(memo, "render_memo_pdf", renderer)
    buyer_client.get(_url(rec))
    for _ in range(worker_module.MAX_ATTEMPTS + 2):
        _make_due()
        run_worker()
    assert renderer.calls == worker_module.MAX_ATTEMPTS
    assert DBTaskResult.objects.get().status == TaskResultStatus.FAILED
    # Checking shows the failure and queues nothing; asking again (the button) queues a new drawing.
    check = buyer_client.get(_url(rec, check=True))
    assert check.status_code == 503 and "could not be drawn" in check.content.decode()
    assert "http-equiv" not in check.content.decode()  # a failed drawing does not refresh for ever
    assert DBTaskResult.objects.count() == 1
    assert buyer_client.get(_url(rec)).status_code == 202
    assert DBTaskResult.objects.filter(status=TaskResultStatus.READY).count() == 1


def test_missing_pdf_libraries_are_not_retried_and_say_so(
    rec: Recommendation, buyer_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    renderer = Renderer(failures=100, error=memo.MemoUnavailable)
    monkeypatch.setattr(memo, "render_memo_pdf", renderer)
    buyer_client.get(_url(rec))
    run_worker()
    assert renderer.calls == 1 and DBTaskResult.objects.get().status == TaskResultStatus.FAILED
    response = buyer_client.get(_url(rec, check=True))
    assert response.status_code == 503 and "The PDF memo can't be made right now" in response.content.decode()


def test_another_organisation_cannot_check_or_queue_a_memo(rec: Recommendation, outsider_client: Client) -> None:
    assert outsider_client.get(_url(rec)).status_code == 404
    assert outsider_client.get(_url(rec, check=True), headers={"HX-Request": "true"}).status_code == 404
    assert not DBTaskResult.objects.exists()


def _claimed_by(worker_id: str) -> DBTaskResult:
    task = DBTaskResult.objects.get()
    task.claim(worker_id)
    return task


def test_a_task_whose_worker_died_is_run_again(
    rec: Recommendation, buyer_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    renderer = Renderer()
    monkeypatch.setattr(memo, "render_memo_pdf", renderer)
    buyer_client.get(_url(rec))
    # A worker claimed it and was killed: its liveness lock went with its connection.
    task = _claimed_by(worker_module.new_worker_id())
    assert buyer_client.get(_url(rec, check=True)).status_code == 202  # "running", and no second task
    run_worker()  # a restarted worker
    task.refresh_from_db()
    assert task.status == TaskResultStatus.SUCCESSFUL and len(task.worker_ids) == 2 and renderer.calls == 1
    assert DBTaskResult.objects.count() == 1


def test_a_task_of_a_live_worker_is_left_alone(rec: Recommendation, buyer_client: Client) -> None:
    buyer_client.get(_url(rec))
    alive = worker_module.new_worker_id()
    task = _claimed_by(alive)
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_lock(%s, hashtext(%s)), pg_backend_pid()", [worker_module.WORKER_LOCK, alive]
            )
            ((_, backend),) = cursor.fetchall()
        assert worker_module.recover_abandoned() == 0
        task.refresh_from_db()
        assert task.status == TaskResultStatus.RUNNING
    finally:
        other.close()
    _wait_until_gone(backend)
    assert worker_module.recover_abandoned() == 1  # once the worker's session is gone


def _wait_until_gone(backend: int) -> None:
    """Until PostgreSQL has ended ``backend``'s session: a client closing its connection does not wait for the
    server process to exit and let go of its locks, and the next statement on another connection can come first."""
    deadline = time.monotonic() + 30
    with connection.cursor() as cursor:
        while True:
            cursor.execute("SELECT pg_stat_clear_snapshot()")  # else a transaction reads its first snapshot again
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [backend])
            if cursor.fetchone()[0] == 0:
                return
            assert time.monotonic() < deadline, f"backend {backend} still running 30 s after its connection closed"
            time.sleep(0.01)


def _worker_env() -> dict[str, str]:
    """The environment of a worker process that uses this test's database."""
    env = {**os.environ, "DEBUG": "true"}
    name = connection.settings_dict["NAME"]
    if settings.DATABASE_URL:
        env["DATABASE_URL"] = settings.DATABASE_URL.rsplit("/", 1)[0] + "/" + name
    else:
        env["EMBEDDED_DB_NAME"] = name
    return env


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_process_draws_the_memo(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    rec = recommend(reference, organisation, buyer, "US hedge fund", "Fund research")
    assert buyer_client.get(_url(rec)).status_code == 202
    root = Path(settings.BASE_DIR)
    done = subprocess.run(
        [sys.executable, "manage.py", "worker", "--batch", "--interval", "0"],
        cwd=root, env=_worker_env(), capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    # The submit also queued what would flip it (tasks.work_out_flips): the worker ran both.
    statuses = dict(DBTaskResult.objects.values_list("task_path", "status"))
    assert statuses == {t.module_path: TaskResultStatus.SUCCESSFUL for t in (tasks.draw_memo, tasks.work_out_flips)}
    response = buyer_client.get(_url(rec, check=True))
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")
    assert bytes(Memo.objects.get(recommendation=rec).pdf) == response.content


def test_a_drawing_a_worker_on_another_renderer_finished_without_storing_is_asked_again(
    rec: Recommendation, buyer_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A development server reloaded without its worker (and a deploy's old worker) took the drawing, drew nothing for
    # a renderer it does not run, and finished: the download answered 202 for ever.
    monkeypatch.setattr(memo, "render_memo_pdf", Renderer())
    assert buyer_client.get(_url(rec)).status_code == 202
    monkeypatch.setattr(memo, "RENDERER_VERSION", "an older renderer")  # the worker's code
    run_worker()
    monkeypatch.undo()
    monkeypatch.setattr(memo, "render_memo_pdf", Renderer())
    assert DBTaskResult.objects.get().status == TaskResultStatus.SUCCESSFUL and not Memo.objects.exists()
    assert buyer_client.get(_url(rec, check=True)).status_code == 202
    assert DBTaskResult.objects.filter(status=TaskResultStatus.READY).count() == 1
    run_worker()
    response = buyer_client.get(_url(rec))
    assert response.status_code == 200 and response.content == FAKE_PDF
