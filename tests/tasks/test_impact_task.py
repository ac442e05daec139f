"""The impact preview of a draft is worked out by the worker: the admin page queues it once, shows its
progress (refreshing itself) and then the result; an edit to the draft asks for a new preview."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from apps.accounts.models import Organisation, User
from apps.playbooks.models import Effect, Playbook
from apps.playbooks.services import start_draft
from apps.recommendations.impact import preview_draft_impact
from tests.security.conftest import _recommended
from tests.tasks.conftest import run_worker

pytestmark = pytest.mark.django_db


def _impact_tasks() -> int:
    return DBTaskResult.objects.filter(task_path=preview_draft_impact.module_path).count()


@pytest.fixture
def draft(playbook: Playbook, organisation: Organisation, buyer: User) -> Playbook:
    """A draft of the published test playbook, as it is, over two stored recommendations."""
    _recommended(organisation, buyer, playbook, "One")
    _recommended(organisation, buyer, playbook, "Two")
    return start_draft(playbook=playbook)


def _turn_every_verdict(draft: Playbook) -> None:
    Effect.objects.filter(rule__playbook=draft, kind="fit").update(points=-100)


def test_the_page_queues_the_preview_once_and_shows_it_when_the_worker_is_done(
    draft: Playbook, curator_client: Client
) -> None:
    _turn_every_verdict(draft)
    url = reverse("admin:recommendations_recommendation_impact", args=[draft.pk])
    first = curator_client.get(url).content.decode()
    assert "waiting in the queue" in first
    # Reloaded without JavaScript; with it, checked in the background so a screen reader keeps its place.
    # With JavaScript it checks in the background; without, "Check again" (no page reloads itself on a timer:
    # WCAG 2.2.1, axe meta-refresh, review 36).
    assert 'http-equiv="refresh"' not in first and "Check again" in first
    assert "js/refresh-while-working.js" in first and "data-refresh-while-working" in first
    assert "Recommendations re-scored" not in first  # nothing was worked out inside the request
    assert "background worker is not running" in first  # none runs in this test yet
    curator_client.get(url)
    assert _impact_tasks() == 1

    run_worker()
    done = curator_client.get(url).content.decode()
    assert 'http-equiv="refresh"' not in done and "refresh-while-working" not in done
    assert '<th scope="row">Recommendations re-scored</th><td>2</td>' in done
    assert '<th scope="row">Verdict would change</th><td>2</td>' in done
    assert _impact_tasks() == 1  # the result was found, not worked out again


def test_an_edit_to_the_draft_asks_for_a_new_preview(draft: Playbook, curator_client: Client) -> None:
    url = reverse("admin:recommendations_recommendation_impact", args=[draft.pk])
    curator_client.get(url)
    run_worker()
    assert '<th scope="row">Verdict would change</th><td>0</td>' in curator_client.get(url).content.decode()
    _turn_every_verdict(draft)
    page = curator_client.get(url).content.decode()
    assert "waiting in the queue" in page and _impact_tasks() == 2
    run_worker()
    assert '<th scope="row">Verdict would change</th><td>2</td>' in curator_client.get(url).content.decode()


def test_a_preview_of_a_draft_changed_before_the_worker_ran_stores_nothing_stale(
    draft: Playbook, curator_client: Client
) -> None:
    url = reverse("admin:recommendations_recommendation_impact", args=[draft.pk])
    curator_client.get(url)
    _turn_every_verdict(draft)
    run_worker()
    assert DBTaskResult.objects.get().return_value is None
    assert "waiting in the queue" in curator_client.get(url).content.decode()


def test_outsiders_and_members_cannot_open_the_preview(draft: Playbook, buyer_client: Client) -> None:
    response = buyer_client.get(reverse("admin:recommendations_recommendation_impact", args=[draft.pk]))
    assert response.status_code == 302 and _impact_tasks() == 0


def test_an_unedited_draft_changes_nothing_and_older_versions_drift_is_counted_apart(
    draft: Playbook, curator_client: Client, curator: User
) -> None:
    """Review 34: a draft nobody edited showed "Verdict would change 4", the recommendations scored on older
    versions, which the curator read as their own edit's doing. The draft is compared with the published version;
    what that version already changes is counted apart."""
    from apps.playbooks.services import publish_playbook

    _turn_every_verdict(draft)
    version_2 = publish_playbook(playbook=draft, user=curator)  # both stored recommendations now differ on it
    unedited = start_draft(playbook=version_2)
    url = reverse("admin:recommendations_recommendation_impact", args=[unedited.pk])
    curator_client.get(url)
    run_worker()
    page = curator_client.get(url).content.decode()
    assert '<th scope="row">Verdict would change</th><td>0</td>' in page
    assert '<th scope="row">Top engagement model would change</th><td>0</td>' in page
    assert f"compared with what the published version {version_2.version} gives the same answers" in page
    assert f"Already differ from what they show on version {version_2.version}</th><td>2 " in page

    # An edit that gives back the first version's points: a change against version 2, on both.
    Effect.objects.filter(rule__playbook=unedited, kind="fit").update(points=10)
    curator_client.get(url)
    run_worker()
    page = curator_client.get(url).content.decode()
    assert '<th scope="row">Verdict would change</th><td>2</td>' in page


def test_the_published_version_previewed_is_compared_with_itself(draft: Playbook, playbook: Playbook) -> None:
    """Review 37: the preview of the published version itself said "no version is published yet"."""
    from apps.recommendations.impact import draft_fingerprint, engine_input

    definition = engine_input(playbook)
    data = preview_draft_impact.call(
        playbook_id=playbook.pk,
        fingerprint=draft_fingerprint(definition),
        newest_recommendation=0,
        limit=100,
        published_id=playbook.pk,
    )
    assert data is not None and data["baseline_version"] == playbook.version and data["verdict_changes"] == 0


def test_a_version_previewed_after_it_is_published_is_compared_with_the_one_before_it(
    draft: Playbook, curator_client: Client, curator: User
) -> None:
    """Review 126: asked for after publishing, the preview compared the new version with itself, said "the changes
    counted are this draft's own", and showed none."""
    from apps.playbooks.services import publish_playbook

    first = Playbook.objects.get(status=Playbook.Status.PUBLISHED)
    _turn_every_verdict(draft)
    version_2 = publish_playbook(playbook=draft, user=curator)
    url = reverse("admin:recommendations_recommendation_impact", args=[version_2.pk])
    curator_client.get(url)
    run_worker()
    page = curator_client.get(url).content.decode()
    assert f"compared with what version {first.version}, published before it, gives the same answers" in page
    assert "this version's own" in page and "this draft" not in page
    assert '<th scope="row">Verdict would change</th><td>2</td>' in page
    # The first version, with none before it, is compared with itself and said so (review 129).
    url = reverse("admin:recommendations_recommendation_impact", args=[first.pk])
    curator_client.get(url)
    run_worker()
    page = curator_client.get(url).content.decode()
    assert "compared with what it gives them itself, as no version was published before it" in page
    assert "this draft" not in page
