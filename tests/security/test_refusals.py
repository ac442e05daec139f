"""Refusals that say why: the 403 page shows the reason the server gave, and a viewer is not promised
what only editors get."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.test import Client, RequestFactory
from django.urls import reverse
from django.views.defaults import permission_denied

from apps.accounts.models import Organisation, User
from apps.playbooks.models import Playbook
from apps.questionnaire.models import Assessment
from tests.factories import AssessmentFactory

pytestmark = pytest.mark.django_db
AUTOSAVE = "Every answer is saved as you give it"


def test_the_403_page_says_which_role_is_needed(viewer_client: Client) -> None:
    response = viewer_client.get(reverse("questionnaire:start"))
    assert response.status_code == 403
    assert "This needs the editor role or higher." in response.content.decode()


def test_the_403_page_escapes_the_reason_and_has_a_general_one_without_it(rf: RequestFactory) -> None:
    request = rf.get("/")
    request.user = AnonymousUser()
    body = permission_denied(request, PermissionDenied("Only <b>owners</b> do that.")).content.decode()
    assert "Only &lt;b&gt;owners&lt;/b&gt; do that." in body and "<b>owners</b>" not in body
    body = permission_denied(request, PermissionDenied()).content.decode()
    assert "doesn't have permission for this page or action" in body


@pytest.fixture
def draft(reference: Playbook, organisation: Organisation, buyer: User) -> Assessment:
    return AssessmentFactory(organisation=organisation, created_by=buyer, playbook=reference)


def test_only_those_who_can_answer_are_told_answers_save_as_they_go(
    draft: Assessment, viewer_client: Client, colleague_client: Client
) -> None:
    first = draft.playbook.sections.order_by("order").first()
    assert first is not None
    url = reverse("questionnaire:step", args=[draft.pk, first.code])
    seen_by_viewer = viewer_client.get(url).content.decode()
    assert "only editors and owners answer" in seen_by_viewer and AUTOSAVE not in seen_by_viewer
    assert AUTOSAVE in colleague_client.get(url).content.decode()
