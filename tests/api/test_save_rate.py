"""The API's answer writes take from the same per-member bucket as the pages' autosave (ANSWER_SAVES_PER_MINUTE), so
the keys one owner makes share it (review 51: writes were limited per key only)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import override_settings

from apps.accounts.models import Organisation, User
from apps.playbooks.models import Playbook
from apps.questionnaire import save_rate
from tests.api.conftest import ApiClient, key_client
from tests.api.test_api import COMPLETE
from tests.api.test_if_match import _draft, _stored

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _full_buckets() -> Iterator[None]:
    save_rate.forget()
    yield
    save_rate.forget()


def test_two_keys_of_one_member_share_the_members_rate(
    api: ApiClient, organisation: Organisation, buyer: User, playbook: Playbook
) -> None:
    a = _draft(organisation, buyer, playbook, **{k: v for k, v in COMPLETE.items() if k != "hours"})
    second = key_client(organisation, buyer)
    with override_settings(ANSWER_SAVES_PER_MINUTE=2):
        first = api.put(f"/assessments/{a.pk}/answers/hours", {"value": 1000})
        other = second.put(f"/assessments/{a.pk}/answers/hours", {"value": 1001})
        refused = api.put(f"/assessments/{a.pk}/answers", {"answers": {"hours": 1002}})
    assert (first.status_code, other.status_code, refused.status_code) == (200, 200, 429)
    assert refused["Content-Type"] == "application/problem+json" and int(refused["Retry-After"]) >= 1
    assert "faster than a person types; nothing was saved" in refused.json()["detail"]
    assert _stored(a)["hours"] == 1001
