"""One member saving answers faster than a person types is refused (429, Retry-After) before anything is written,
and what was sent stays on the page; review 49 sent 500 autosaves in 17 s, every one saved."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from apps.accounts.models import Organisation, User
from apps.playbooks.models import Playbook
from apps.questionnaire import save_rate
from apps.questionnaire.models import Assessment
from tests.questionnaire.test_keeping_answers import _present, answers_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(reference: Playbook, organisation: Organisation, buyer: User) -> Assessment:
    return Assessment.objects.create(organisation=organisation, created_by=buyer, title="Rate", playbook=reference)


@pytest.fixture(autouse=True)
def _full_buckets() -> Iterator[None]:
    save_rate.forget()
    yield
    save_rate.forget()


def test_the_bucket_allows_a_minutes_worth_then_says_how_long_to_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    now = [1000.0]
    monkeypatch.setattr(save_rate.time, "monotonic", lambda: now[0])
    with override_settings(ANSWER_SAVES_PER_MINUTE=6):  # one every 10 s
        assert [save_rate.take(1) for _ in range(6)] == [0] * 6
        assert save_rate.take(1) == 10 and save_rate.take(2) == 0  # another member has a bucket of their own
        now[0] += 4
        assert save_rate.take(1) == 6  # the refused ones took nothing
        now[0] += 6
        assert save_rate.take(1) == 0 and save_rate.take(1) == 10
    with override_settings(ANSWER_SAVES_PER_MINUTE=0):
        assert all(save_rate.take(1) == 0 for _ in range(1000))  # off


def test_autosave_past_the_rate_is_refused_and_writes_nothing(buyer_client: Client, draft: Assessment) -> None:
    url = reverse("questionnaire:answer", args=[draft.pk, "annual_hours"])
    with override_settings(ANSWER_SAVES_PER_MINUTE=3):
        sent = [
            buyer_client.post(url, _present({"annual_hours": str(1000 + i)}), HTTP_HX_REQUEST="true") for i in range(5)
        ]
    assert [r.status_code for r in sent] == [200, 200, 200, 429, 429]
    refused = sent[-1]
    assert int(refused["Retry-After"]) >= 1
    assert "faster than a person types" in refused.content.decode()
    assert answers_of(draft)["annual_hours"] == 1002


def test_a_whole_step_past_the_rate_is_refused_with_what_was_sent_in_its_boxes(
    buyer_client: Client, draft: Assessment
) -> None:
    url = reverse("questionnaire:step", args=[draft.pk, "volume"])
    step = {"volume_pattern": "seasonal", "annual_hours": "5000", "team_size": "3", "horizon": "2"}
    with override_settings(ANSWER_SAVES_PER_MINUTE=1):
        assert buyer_client.post(url, _present({**step, "horizon": "1"})).status_code == 302
        refused = buyer_client.post(url, _present(step))
    assert refused.status_code == 429 and int(refused["Retry-After"]) >= 1
    body = refused.content.decode()
    assert "faster than a person types" in body
    assert 'name="horizon" value="2"' in body and 'name="team_size" value="3"' in body
    assert answers_of(draft)["horizon"] == 1  # the refused step wrote nothing


def test_a_refused_step_whose_numbers_decide_what_it_asks_is_drawn_again_not_a_500(
    buyer_client: Client, draft: Assessment
) -> None:
    """The shifted-hours question is asked from 2 h of overlap up: the number sent (as text) is shown in its box but
    never compared with that bound; the stored answers decide what is asked (review 65: a 500, what was typed lost)."""
    url = reverse("questionnaire:step", args=[draft.pk, "collaboration"])
    with override_settings(ANSWER_SAVES_PER_MINUTE=1):
        assert buyer_client.post(url, _present({"overlap_hours": "1"})).status_code in (200, 302, 400)
        refused = buyer_client.post(url, _present({"overlap_hours": "6", "work_language": "english"}))
    assert refused.status_code == 429
    body = refused.content.decode()
    assert 'name="overlap_hours"' in body and 'value="6"' in body
    assert answers_of(draft)["overlap_hours"] == 1
