"""Who can own a due-diligence item: the organisation's editors and owners, since viewers cannot update
items; an owner whose role has since dropped to viewer is kept until someone changes it."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from apps.accounts.models import Membership, User
from apps.recommendations.models import Recommendation
from apps.vendors import services
from apps.vendors.forms import DiligenceItemForm
from apps.vendors.models import DiligenceItem, ShortlistEntry
from tests.vendors.conftest import Directory
from tests.vendors.factories import item_data

pytestmark = pytest.mark.django_db


def test_only_editors_and_owners_are_offered_as_item_owners(
    buyer_client: Client,
    recommendation: Recommendation,
    catalogue: Directory,
    buyer: User,
    colleague: User,
    viewer: User,
) -> None:
    entry = services.add_vendor(recommendation=recommendation, vendor=catalogue.fits, user=buyer)
    entry = services.change_entry(entry=entry, status=ShortlistEntry.Status.SHORT_LIST, notes="")
    item = entry.diligence.first()
    assert item is not None
    offered = set(DiligenceItemForm(instance=item, organisation=recommendation.organisation).fields["owner"].queryset)  # type: ignore[attr-defined]
    assert offered == {buyer, colleague}
    url = reverse("vendors:diligence_item", args=[item.pk])
    response = buyer_client.post(url, item_data(item, owner=viewer.pk))
    assert response.status_code == 400 and "viewers cannot update them" in response.content.decode()
    item.refresh_from_db()
    assert item.owner is None

    # The colleague owns it, then becomes a viewer: saving a status keeps them as its owner.
    DiligenceItem.objects.filter(pk=item.pk).update(owner=colleague)
    Membership.objects.filter(user=colleague).update(role=Membership.Role.VIEWER)
    assert buyer_client.post(url, item_data(item, status="done", owner=colleague.pk)).status_code == 302
    item.refresh_from_db()
    assert (item.status, item.owner) == ("done", colleague)


def test_a_post_of_one_field_changes_that_field_alone_and_is_not_refused_for_the_others(
    buyer_client: Client, recommendation: Recommendation, catalogue: Directory, buyer: User, colleague: User
) -> None:
    entry = services.add_vendor(recommendation=recommendation, vendor=catalogue.fits, user=buyer)
    entry = services.change_entry(entry=entry, status=ShortlistEntry.Status.SHORT_LIST, notes="")
    item = entry.diligence.first()
    assert item is not None
    DiligenceItem.objects.filter(pk=item.pk).update(status="in_progress", evidence="kept")
    url = reverse("vendors:diligence_item", args=[item.pk])
    response = buyer_client.post(url, {f"item-{item.pk}-owner": colleague.pk})
    assert response.status_code == 302, response.content.decode()[:300]
    item.refresh_from_db()
    assert (item.owner, item.status, item.evidence) == (colleague, "in_progress", "kept")
    # A posted field that is wrong is still refused, with the others kept.
    response = buyer_client.post(url, {f"item-{item.pk}-due_date": "soon", f"item-{item.pk}-evidence": "new"})
    assert response.status_code == 400 and "YYYY-MM-DD" in response.content.decode()
    item.refresh_from_db()
    assert (item.evidence, item.status) == ("new", "in_progress")
