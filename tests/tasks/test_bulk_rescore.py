"""Bulk re-score: owners re-score chosen (or all) stored recommendations onto the current playbook, in the
background; the page shows progress and then what was made. Through the client, then the database."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from apps.accounts.models import Organisation, User
from apps.playbooks.models import Playbook
from apps.playbooks.services import publish_playbook, start_draft
from apps.questionnaire.models import Assessment
from apps.recommendations.bulk import rescore_many
from apps.recommendations.models import Recommendation
from tests.security.conftest import _recommended
from tests.tasks.conftest import run_worker

pytestmark = pytest.mark.django_db

URL = "/recommendations/rescore/"


@pytest.fixture
def old(playbook: Playbook, organisation: Organisation, buyer: User) -> list[Recommendation]:
    """Two recommendations on version 1, and version 2 published since."""
    made = [_recommended(organisation, buyer, playbook, "First"), _recommended(organisation, buyer, playbook, "Second")]
    publish_playbook(playbook=start_draft(playbook=playbook))
    return made


def _runs() -> int:
    return DBTaskResult.objects.filter(task_path=rescore_many.module_path).count()


def test_the_url_is_the_named_one() -> None:
    assert reverse("recommendations:rescore_many") == URL


def test_owner_rescores_all_in_the_background_and_sees_progress_then_the_result(
    old: list[Recommendation], buyer_client: Client, organisation: Organisation
) -> None:
    page = buyer_client.get(URL).content.decode()
    assert "First" in page and "Second" in page
    response = buyer_client.post(URL, {"scope": "all"})
    assert response.status_code == 302
    assert Recommendation.objects.count() == 2  # nothing re-scored inside the request
    waiting = buyer_client.get(URL).content.decode()
    assert "background worker is not running" in waiting
    # No page reloads itself on a timer (WCAG 2.2.1, axe meta-refresh): without JavaScript, "Check again".
    assert 'http-equiv="refresh"' not in waiting and 'hx-trigger="every 2s"' in waiting and "Check again" in waiting
    buyer_client.post(URL, {"scope": "all"})  # asked again while queued: the same run
    assert _runs() == 1

    run_worker()
    done = buyer_client.get(URL).content.decode()
    assert "2 re-scored, 0 left as drafts to finish, 0 skipped." in done
    assert 'hx-trigger="every 2s"' not in done and 'http-equiv="refresh"' not in done
    current = Playbook.objects.current()
    new = Recommendation.objects.filter(organisation=organisation, playbook=current)
    assert {r.assessment.based_on_id for r in new} == {r.assessment_id for r in old}
    assert "Every stored recommendation is on the current playbook already" in done


def test_progress_counts_what_the_run_has_made(
    old: list[Recommendation], buyer_client: Client, organisation: Organisation, buyer: User
) -> None:
    from apps.recommendations import services

    buyer_client.post(URL, {"scope": "all"})
    services.rescore(recommendation=old[0], user=buyer)  # as if the worker were half way
    page = buyer_client.get(URL, headers={"HX-Request": "true"}).content.decode()
    assert page.lstrip().startswith('<div id="bulk-status"')  # the fragment only
    assert "Re-scoring: 1 of 2 done." in page


def test_only_the_ticked_ones_are_rescored_and_a_rerun_makes_no_doubles(
    old: list[Recommendation], buyer_client: Client, organisation: Organisation, buyer: User
) -> None:
    buyer_client.post(URL, {"scope": "selected", "ids": [old[1].pk]})
    run_worker()
    assert Assessment.objects.filter(based_on__isnull=False).count() == 1
    # The worker running the same run again (a retry) finds the copy and makes nothing more.
    current = Playbook.objects.current()
    assert current is not None
    again = rescore_many.call(
        organisation_id=organisation.pk, playbook_id=current.pk, selection=str(old[1].pk), user_id=buyer.pk
    )
    assert again == {"rescored": [], "drafts": [], "skipped": []}
    assert Assessment.objects.filter(based_on__isnull=False).count() == 1


def test_with_a_backend_that_keeps_no_results_the_page_shows_the_result_at_once(
    old: list[Recommendation], buyer_client: Client, settings: Any
) -> None:
    settings.TASKS = {
        "default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend", "QUEUES": settings.TASK_QUEUES}
    }
    response = buyer_client.post(URL, {"scope": "all"})
    assert response.status_code == 200
    assert "2 re-scored, 0 left as drafts to finish, 0 skipped." in response.content.decode()


@pytest.mark.parametrize(
    "data",
    [{"scope": "selected"}, {"scope": "everything"}, {"scope": "selected", "ids": ["x"]}, {}],
)
def test_bad_choices_are_refused_with_a_message_and_queue_nothing(
    old: list[Recommendation], buyer_client: Client, data: dict[str, Any]
) -> None:
    response = buyer_client.post(URL, data)
    assert response.status_code == 400
    page = response.content.decode()
    assert 'class="errorlist"' in page
    # Review 61: the message was tied to nothing; it is beside the choices, which it describes, and summarised.
    assert "<title>Error: Re-score" in page and 'href="#rescore-choices"' in page
    assert 'aria-describedby="rescore-choices-error"' in page and 'id="rescore-choices-error"' in page
    assert _runs() == 0


def test_another_organisations_recommendation_cannot_be_chosen(
    old: list[Recommendation], outsider_client: Client, outsider: User, other_organisation: Organisation
) -> None:
    response = outsider_client.post(URL, {"scope": "selected", "ids": [old[0].pk]})
    assert response.status_code == 400 and "Select a valid choice" in response.content.decode()
    assert _runs() == 0
    assert "First" not in outsider_client.get(URL).content.decode()


def test_editors_and_viewers_cannot_rescore_in_bulk(
    old: list[Recommendation], colleague_client: Client, viewer_client: Client
) -> None:
    assert colleague_client.post(URL, {"scope": "all"}).status_code == 403
    assert viewer_client.get(URL).status_code == 403
    assert _runs() == 0


def test_results_on_a_newer_version_since_retired_are_not_candidates(
    playbook: Playbook, organisation: Organisation, buyer: User
) -> None:
    # Review 97: with the newest version retired, its results were listed to re-score back, and skipped on every run.
    from apps.playbooks.services import retire_playbook
    from apps.recommendations.bulk import candidates

    older = _recommended(organisation, buyer, playbook, "On version 1")
    newer = publish_playbook(playbook=start_draft(playbook=playbook))
    on_newer = _recommended(organisation, buyer, newer, "On version 2")
    third = publish_playbook(playbook=start_draft(playbook=newer))
    retire_playbook(playbook=third)
    assert Playbook.objects.current() == newer
    assert list(candidates(organisation=organisation, playbook=newer)) == [older]
    retire_playbook(playbook=newer)
    assert on_newer not in candidates(organisation=organisation, playbook=playbook)
