"""Large history exports: above the inline limit the CSV is written by the worker and stored in the
database for the organisation; the exports page shows progress and offers the file."""

from __future__ import annotations

import csv
import html
import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from apps.accounts.models import Organisation, User
from apps.playbooks.models import Playbook
from apps.recommendations import exports
from apps.recommendations.models import ExportFile, Recommendation
from tests.security.conftest import _recommended
from tests.tasks.conftest import run_worker

pytestmark = pytest.mark.django_db


@pytest.fixture
def stored(playbook: Playbook, organisation: Organisation, buyer: User) -> list[Recommendation]:
    return [_recommended(organisation, buyer, playbook, t) for t in ("=HYPERLINK(1)", "Second", "Third")]


@pytest.fixture
def small_limit(monkeypatch: Any) -> None:
    monkeypatch.setattr(exports, "INLINE_ROWS", 2)


def _tasks() -> int:
    return DBTaskResult.objects.filter(task_path=exports.export_history.module_path).count()


def test_a_large_export_is_written_by_the_worker_and_offered_on_the_exports_page(
    stored: list[Recommendation], buyer_client: Client, viewer_client: Client, small_limit: None
) -> None:
    response = buyer_client.get(reverse("recommendations:history_csv"))
    assert response.status_code == 302 and response["Location"] == reverse("recommendations:exports")
    assert not ExportFile.objects.exists()  # nothing was written inside the request
    waiting = buyer_client.get(reverse("recommendations:exports")).content.decode()
    assert "The export is queued." in waiting and "background worker is not running" in waiting
    # No page reloads itself on a timer (WCAG 2.2.1, axe meta-refresh): without JavaScript, "Check again".
    assert 'hx-trigger="every 2s"' in waiting and 'http-equiv="refresh"' not in waiting and "Check again" in waiting
    buyer_client.get(reverse("recommendations:history_csv"))  # asked again: the same export
    assert _tasks() == 1

    run_worker()
    made = ExportFile.objects.get()
    page = viewer_client.get(reverse("recommendations:exports")).content.decode()  # any member sees it
    assert reverse("recommendations:export_download", args=[made.pk]) in page and "every 2s" not in page
    download = viewer_client.get(reverse("recommendations:export_download", args=[made.pk]))
    assert download["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert rows[0] == exports.HEADER and len(rows) == 4 and made.rows == 3
    assert any(row[1] == "'=HYPERLINK(1)" for row in rows[1:])  # formulas neutralised
    # The byte order mark first (Excel reads UTF-8 by it), then every cell quoted, as the page's export.
    assert download.content.startswith(b'\xef\xbb\xbf"id","title",')


def test_the_worker_file_equals_the_inline_export(
    stored: list[Recommendation], buyer_client: Client, monkeypatch: Any
) -> None:
    inline = buyer_client.get(reverse("recommendations:history_csv"), {"since": "2000-01-01"}).content
    assert len(inline.splitlines()) == 4
    monkeypatch.setattr(exports, "INLINE_ROWS", 0)
    assert buyer_client.get(reverse("recommendations:history_csv"), {"since": "2000-01-01"}).status_code == 302
    run_worker()
    assert bytes(ExportFile.objects.get().content) == inline


def test_an_export_task_run_twice_stores_one_file(
    stored: list[Recommendation], organisation: Organisation, buyer: User
) -> None:
    newest = max(r.pk for r in stored)
    first = exports.export_history.call(organisation_id=organisation.pk, query="", newest=newest, user_id=buyer.pk)
    again = exports.export_history.call(organisation_id=organisation.pk, query="", newest=newest, user_id=buyer.pk)
    assert first == again and ExportFile.objects.count() == 1


def test_bad_filters_are_refused_before_anything_is_queued(
    stored: list[Recommendation], buyer_client: Client, small_limit: None
) -> None:
    response = buyer_client.get(reverse("recommendations:history_csv"), {"verdict": "sometimes"})
    assert response.status_code == 400 and _tasks() == 0


def test_another_organisations_export_is_a_404(
    stored: list[Recommendation], buyer_client: Client, outsider_client: Client, small_limit: None
) -> None:
    buyer_client.get(reverse("recommendations:history_csv"))
    run_worker()
    made = ExportFile.objects.get()
    assert outsider_client.get(reverse("recommendations:export_download", args=[made.pk])).status_code == 404
    assert made.filename not in outsider_client.get(reverse("recommendations:exports")).content.decode()


def test_parameters_the_filters_do_not_take_make_no_new_export_and_one_is_written_at_a_time(
    stored: list[Recommendation], viewer_client: Client, small_limit: None
) -> None:
    # Review 60: ?junk=1 to ?junk=30 queued 30 exports of the same rows, from a viewer.
    url = reverse("recommendations:history_csv")
    for n in range(5):
        assert viewer_client.get(url, {"junk": str(n), "page": str(n), "verdict": ""}).status_code == 302
    assert _tasks() == 1
    # Other filters while that one waits: not queued, and the exports page says why.
    refused = viewer_client.get(url, {"since": "2001-01-01"}, follow=True)
    assert _tasks() == 1 and "Another export of your organisation's history is being written" in html.unescape(
        refused.content.decode()
    )
    run_worker()
    assert viewer_client.get(url, {"since": "2001-01-01"}).status_code == 302 and _tasks() == 2


def test_only_the_newest_files_are_kept(stored: list[Recommendation], organisation: Organisation, buyer: User) -> None:
    newest = max(r.pk for r in stored)
    for day in range(1, exports.FILES_KEPT + 4):
        exports.export_history.call(
            organisation_id=organisation.pk, query=f"since=2001-01-{day:02d}", newest=newest, user_id=buyer.pk
        )
    kept = list(ExportFile.objects.filter(organisation=organisation).values_list("query", flat=True))
    assert len(kept) == exports.FILES_KEPT and kept[0] == f"since=2001-01-{exports.FILES_KEPT + 3:02d}"


def test_the_same_filters_after_a_new_recommendation_wait_for_the_export_under_way(
    stored: list[Recommendation], viewer_client: Client, small_limit: None, playbook: Playbook,
    organisation: Organisation, buyer: User,
) -> None:  # fmt: skip
    # Review 62: each new recommendation had let the same filters queue another export beside the one waiting.
    url = reverse("recommendations:history_csv")
    assert viewer_client.get(url, {"since": "2001-01-01"}).status_code == 302 and _tasks() == 1
    _recommended(organisation, buyer, playbook, "Newer")
    assert viewer_client.get(url, {"since": "2001-01-01"}).status_code == 302 and _tasks() == 1
    run_worker()
    assert viewer_client.get(url, {"since": "2001-01-01"}).status_code == 302 and _tasks() == 2
