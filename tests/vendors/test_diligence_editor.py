"""The due-diligence checklist is read-only until an item is opened for editing: one small form on the
page, however long the checklist, with and without JavaScript."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from apps.accounts.models import User
from apps.recommendations.models import Recommendation
from apps.vendors.models import DiligenceItem
from tests.vendors.conftest import Directory
from tests.vendors.test_pages import short_listed


def test_the_checklist_has_no_form_until_an_item_is_opened(
    buyer_client: Client, recommendation: Recommendation, catalogue: Directory, buyer: User
) -> None:
    entry = short_listed(recommendation, catalogue.fits, buyer)
    items = list(entry.diligence.all())
    assert len(items) > 1
    url = reverse("vendors:diligence", args=[entry.pk])
    page = buyer_client.get(url).content.decode()
    assert page.count('class="dd-form"') == 0
    assert f'href="?edit={items[0].pk}#item-{items[0].pk}"' in page
    # Without JavaScript, the link opens that item's editor on the page, and only that one.
    opened = buyer_client.get(url, {"edit": items[0].pk}).content.decode()
    assert opened.count('class="dd-form"') == 1
    assert f'action="{reverse("vendors:diligence_item", args=[items[0].pk])}"' in opened


def test_htmx_gets_just_the_opened_item(
    buyer_client: Client, recommendation: Recommendation, catalogue: Directory, buyer: User
) -> None:
    entry = short_listed(recommendation, catalogue.fits, buyer)
    item = entry.diligence.first()
    assert item is not None
    response = buyer_client.get(
        reverse("vendors:diligence", args=[entry.pk]), {"edit": item.pk}, headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body
    assert body.strip().startswith(f'<li class="card dd-item" id="item-{item.pk}">')
    assert body.count('class="dd-form"') == 1


def test_junk_or_another_entrys_item_opens_nothing(
    buyer_client: Client, recommendation: Recommendation, catalogue: Directory, buyer: User
) -> None:
    entry = short_listed(recommendation, catalogue.fits, buyer)
    other = short_listed(recommendation, catalogue.fits_too, buyer)
    foreign = DiligenceItem.objects.filter(entry=other).first()
    assert foreign is not None
    url = reverse("vendors:diligence", args=[entry.pk])
    for edit in ("abc", "-1", "9" * 40, "²", "١", str(foreign.pk)):  # "²".isdigit() is true
        response = buyer_client.get(url, {"edit": edit}, headers={"HX-Request": "true"})
        assert response.status_code == 200
        assert response.content.decode().count('class="dd-form"') == 0


def test_a_viewer_never_gets_an_editor(
    viewer_client: Client, recommendation: Recommendation, catalogue: Directory, buyer: User
) -> None:
    entry = short_listed(recommendation, catalogue.fits, buyer)
    item = entry.diligence.first()
    assert item is not None
    page = viewer_client.get(reverse("vendors:diligence", args=[entry.pk]), {"edit": item.pk}).content.decode()
    assert 'class="dd-form"' not in page and "?edit=" not in page
