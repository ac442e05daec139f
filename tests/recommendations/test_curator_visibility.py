"""Curators (staff in the Curators group) see no buyer data in admin: no recommendations, assessments,
answers, organisations or members. The impact preview they use shows counts and examples by knowledge
function only. Operators (superusers) keep Django's full access."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from apps.accounts.models import Organisation, User
from apps.common.curators import ensure_curator_group
from apps.engagements.models import KnowledgeFunction
from apps.playbooks.models import Effect, Playbook
from apps.playbooks.services import start_draft
from tests.factories import UserFactory
from tests.recommendations.conftest import recommend

pytestmark = pytest.mark.django_db

TITLE = "Acme Procurement: fund research for the Q3 board"


@pytest.fixture
def group_curator(reference: Playbook) -> User:
    """A curator as deployed: staff, in the Curators group, not a superuser."""
    user = UserFactory(email="curie@kpo.test", is_staff=True)
    user.groups.add(ensure_curator_group())
    return user


@pytest.fixture
def group_curator_client(group_curator: User) -> Client:
    client = Client()
    client.force_login(group_curator)
    return client


def test_a_curator_opens_no_buyer_data_in_admin(
    reference: Playbook, organisation: Organisation, buyer: User, group_curator_client: Client
) -> None:
    rec = recommend(reference, organisation, buyer, "US hedge fund", TITLE)
    refused = {
        reverse("admin:recommendations_recommendation_changelist"): 403,
        reverse("admin:recommendations_recommendation_change", args=[rec.pk]): 403,
        reverse("admin:accounts_organisation_changelist"): 403,
        reverse("admin:accounts_membership_changelist"): 403,
        reverse("admin:accounts_user_changelist"): 403,
        # Assessments and answers have no admin pages at all.
        "/admin/questionnaire/assessment/": 404,
        "/admin/questionnaire/answer/": 404,
    }
    assert {url: group_curator_client.get(url).status_code for url in refused} == refused
    index = group_curator_client.get(reverse("admin:index")).content.decode()
    assert "Playbooks" in index
    assert "Recommendations" not in index and organisation.name not in index


def test_a_staff_user_granted_the_view_permission_still_cannot_list_recommendations(
    reference: Playbook, organisation: Organisation, buyer: User, group_curator: User
) -> None:
    """A group misconfigured by hand does not open buyer data: the list is for superusers only."""
    recommend(reference, organisation, buyer, "US hedge fund", TITLE)
    group_curator.user_permissions.add(Permission.objects.get(codename="view_recommendation"))
    client = Client()
    client.force_login(group_curator)
    assert client.get(reverse("admin:recommendations_recommendation_changelist")).status_code == 403


def test_the_curator_group_has_no_permission_on_buyer_data(reference: Playbook) -> None:
    perms = set(ensure_curator_group().permissions.values_list("content_type__app_label", flat=True))
    assert perms and not perms & {"accounts", "questionnaire", "recommendations", "auth", "sessions"}


def test_an_operator_still_reads_recommendations_in_admin(
    reference: Playbook, organisation: Organisation, buyer: User, curator_client: Client, group_curator_client: Client
) -> None:
    recommend(reference, organisation, buyer, "US hedge fund", TITLE)
    url = reverse("admin:recommendations_recommendation_changelist")
    page = curator_client.get(url)  # the `curator` persona is a superuser: the operations role
    assert page.status_code == 200 and organisation.name in page.content.decode()
    assert group_curator_client.get(url).status_code == 403


def test_the_impact_preview_shows_a_curator_no_organisation_title_or_member(
    reference: Playbook, organisation: Organisation, buyer: User, group_curator_client: Client
) -> None:
    recommend(reference, organisation, buyer, "US hedge fund", TITLE)
    draft = start_draft(playbook=reference)
    # The hedge fund case no longer picks the captive team, so the recommendation is an example.
    Effect.objects.filter(rule__playbook=draft, kind="model", engagement_model__code="captive-team").update(points=0)
    response = group_curator_client.get(reverse("admin:recommendations_recommendation_impact", args=[draft.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Top engagement model would change</th><td>1<" in body
    assert "<h2>Examples</h2>" in body
    # The example's function by its name, not its code (review 128).
    function = KnowledgeFunction.objects.get(
        code=reference.golden_cases.get(name__startswith="US hedge fund").answers["function"]
    )
    assert f"<td>{function.name}</td>" in body
    assert organisation.name not in body and "Acme" not in body
    assert "fund research" not in body and buyer.email not in body
