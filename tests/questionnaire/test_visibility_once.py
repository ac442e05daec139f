"""What the answers show (visible questions and sections, what is still missing) is worked out once per
request and passed along: a step page or the review walks the playbook once, a save twice (before and
after the change, to send the questions it showed or hid), never again for the progress bar, the
"still open" message or the next step."""

from __future__ import annotations

import dataclasses
from types import MappingProxyType
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from apps.accounts.models import Organisation, User
from apps.playbooks import runtime
from apps.playbooks.models import Playbook
from apps.questionnaire.models import Assessment

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def assessment(playbook: Playbook, organisation: Organisation, buyer: User) -> Assessment:
    return Assessment.objects.create(organisation=organisation, created_by=buyer, title="Walks", playbook=playbook)


@pytest.fixture
def walks(playbook: Playbook, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts walks over the playbook: every walk asks once whether the first section with a condition is
    shown (an always-shown section's predicate is never called: the walk's plan skips it)."""
    compiled = runtime.compiled_playbook(playbook)
    first = next(s.code for s in compiled.sections if compiled.section_conditions[s.code][0])
    asked = compiled.section_visible[first]
    count: list[int] = []

    def counted(answers: Any) -> bool:
        count.append(1)
        return asked(answers)

    # No index: the walk's plan is kept in it, and a plan made before would hold the uncounted predicate.
    counting = dataclasses.replace(
        compiled, section_visible=MappingProxyType({**compiled.section_visible, first: counted}), index=None
    )
    monkeypatch.setitem(runtime._cache, playbook.pk, counting)
    return count


def test_an_autosave_walks_the_playbook_before_and_after_the_change_only(
    buyer_client: Client, assessment: Assessment, walks: list[int]
) -> None:
    url = reverse("questionnaire:answer", args=[assessment.pk, "function"])
    response = buyer_client.post(url, {"function": "research"}, **HX)
    assert response.status_code == 200 and 'id="q-distributed_us"' in response.content.decode()
    assert len(walks) == 2


def test_saving_a_step_walks_the_playbook_before_and_after_the_change_only(
    buyer_client: Client, assessment: Assessment, walks: list[int]
) -> None:
    url = reverse("questionnaire:step", args=[assessment.pk, "work"])
    response = buyer_client.post(url, {"function": "legal", "judgement": "yes"})
    assert response.status_code == 302
    assert len(walks) == 2
