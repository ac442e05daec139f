"""Refusals that say why: the 403 page shows the reason the server gave, and a viewer is not promised
what only editors get."""

from __future__ import annotations

import json

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
    assert "This needs the editor or owner role: ask an owner" in response.content.decode()


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


# A failed CSRF check


def _no_token_client(user: User | None = None) -> Client:
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


def test_a_form_that_fails_the_csrf_check_gets_the_products_page_saying_what_to_do(buyer: User) -> None:
    client = _no_token_client(buyer)
    start = reverse("questionnaire:start")
    before = Assessment.objects.count()
    response = client.post(
        start, {"title": "Plan", "function": "legal"}, headers={"referer": f"http://testserver{start}"}
    )
    assert response.status_code == 403
    body = response.content.decode()
    assert "This form expired" in body and "opened in another tab" in body and "reload the page" in body
    assert f'href="http://testserver{start}">Open the form again' in body
    assert 'class="site-header"' in body and "CSRF verification failed" not in body
    assert Assessment.objects.count() == before


def test_the_csrf_page_links_back_only_to_this_site(db: None) -> None:
    response = _no_token_client().post(
        reverse("accounts:login"), {"username": "a@b.test"}, headers={"referer": "https://attacker.test/phish"}
    )
    assert response.status_code == 403
    assert "attacker.test" not in response.content.decode() and "Open the form again" not in response.content.decode()


def test_an_autosave_that_fails_the_csrf_check_says_so_in_its_status_line(draft: Assessment, buyer: User) -> None:
    url = reverse("questionnaire:answer", args=[draft.pk, "function"])
    response = _no_token_client(buyer).post(
        url, {"function": "legal"}, headers={"HX-Request": "true", "HX-Target": "status-function"}
    )
    assert response.status_code == 403
    body = response.content.decode()
    assert body.startswith('<p id="status-function"') and "reload it" in body and "<html" not in body


def test_under_the_api_a_failed_csrf_check_is_a_problem(rf: RequestFactory) -> None:
    from kpo_advisor.views import csrf_failure

    response = csrf_failure(rf.post("/api/v1/assessments"), "CSRF cookie not set.")
    assert response.status_code == 403 and response["Content-Type"] == "application/problem+json"
    assert json.loads(response.content)["detail"].startswith("The request failed the cross-site request check")
