"""The other of two clicks on a removal (review 70): the view found the row, and the first click's removal took it
before the service locked it. That answered 500 for a draft, a shortlist entry and a member; now the product's 404,
as a request after the first would get, with nothing else changed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db.models import Model
from django.test import Client
from django.urls import reverse

from apps.accounts import services as account_services
from apps.accounts.models import Membership, Organisation, User
from apps.playbooks.models import Playbook
from apps.questionnaire import services as questionnaire_services
from apps.questionnaire.models import Assessment

pytestmark = pytest.mark.django_db


def raced(monkeypatch: pytest.MonkeyPatch, module: Any, name: str, model: type[Model], key: str) -> None:
    """``module.name`` as it runs after another request removed the row it was given."""
    original: Callable[..., Any] = getattr(module, name)

    def after_the_first_click(**kwargs: Any) -> Any:
        model._default_manager.filter(pk=kwargs[key].pk).delete()
        return original(**kwargs)

    monkeypatch.setattr(module, name, after_the_first_click)


def test_deleting_a_draft_twice_at_once(
    monkeypatch: pytest.MonkeyPatch, buyer_client: Client, playbook: Playbook, organisation: Organisation, buyer: User
) -> None:
    draft = Assessment.objects.create(organisation=organisation, created_by=buyer, title="Draft", playbook=playbook)
    raced(monkeypatch, questionnaire_services, "delete_draft", Assessment, "assessment")
    response = buyer_client.post(reverse("questionnaire:delete", args=[draft.pk]), {"confirm": "yes"})
    assert response.status_code == 404 and "Page not found" in response.content.decode()


def test_removing_a_member_twice_at_once(
    monkeypatch: pytest.MonkeyPatch, buyer_client: Client, organisation: Organisation, colleague: User
) -> None:
    membership = Membership.objects.get(organisation=organisation, user=colleague)
    raced(monkeypatch, account_services, "remove_member", Membership, "membership")
    response = buyer_client.post(reverse("accounts:remove_member", args=[membership.pk]), {"confirm": "yes"})
    assert response.status_code == 404
    assert User.objects.filter(pk=colleague.pk).exists()
