"""Catalogue pages for signed-in members: every figure with its source, within a query budget."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from apps.engagements.models import KnowledgeFunction
from apps.playbooks.models import Playbook

pytestmark = pytest.mark.django_db

PAGES = [
    ("engagements:models", (), "Dedicated team at the provider"),
    ("engagements:functions", (), "Equity"),
    ("engagements:locations", (), "India"),
    ("compliance:regimes", (), "HIPAA"),
    ("compliance:regime_detail", ("gdpr",), "Before signing"),
]


@pytest.fixture
def catalogue(reference: Playbook) -> None:
    """The reference catalogue (loaded with the reference playbook)."""


@pytest.mark.parametrize(("name", "args", "text"), PAGES)
def test_catalogue_page_shows_its_content_and_sources(
    catalogue: None, buyer_client: Client, name: str, args: tuple[str, ...], text: str
) -> None:
    response = buyer_client.get(reverse(name, args=args))
    assert response.status_code == 200
    body = response.content.decode()
    assert text in body
    assert "Source" in body
    assert "https://" in body


@pytest.mark.parametrize(("name", "args", "text"), PAGES)
def test_catalogue_pages_need_sign_in(
    catalogue: None, client: Client, name: str, args: tuple[str, ...], text: str
) -> None:
    response = client.get(reverse(name, args=args))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


PAGE_QUERIES = {"engagements:models": 1, "engagements:functions": 1, "engagements:locations": 1}


@pytest.mark.parametrize(("name", "args"), [(n, a) for n, a, _ in PAGES])
def test_catalogue_page_query_budget(
    catalogue: None, buyer_client: Client, django_assert_num_queries: Any, name: str, args: tuple[str, ...]
) -> None:
    # session, user, memberships (one query for the header's membership, switcher and inbox count), session
    # save (3 inside the test transaction), then the page's own: one query, or two for regimes and obligations.
    with django_assert_num_queries(6 + PAGE_QUERIES.get(name, 2)):
        assert buyer_client.get(reverse(name, args=args)).status_code == 200


def test_weak_figures_say_so(catalogue: None, buyer_client: Client) -> None:
    assert KnowledgeFunction.objects.filter(confidence="weak").exists()
    body = buyer_client.get(reverse("engagements:functions")).content.decode()
    assert "Weak source: verify" in body


def test_unknown_regime_is_404(catalogue: None, buyer_client: Client) -> None:
    assert buyer_client.get(reverse("compliance:regime_detail", args=["no-such-regime"])).status_code == 404


def test_a_curator_edit_shows_on_the_catalogue_page(
    catalogue: None, curator_client: Client, buyer_client: Client
) -> None:
    function = KnowledgeFunction.objects.get(code="equity-research")
    url = reverse("admin:engagements_knowledgefunction_change", args=[function.pk])
    form = curator_client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update({"sources": '[{"title": "Curator survey 2026", "url": "https://example.test/survey"}]'})
    data.update(kpo_rate_low="20", kpo_rate_likely="33", kpo_rate_high="44")
    response = curator_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    body = buyer_client.get(reverse("engagements:functions")).content.decode()
    assert "$20–$44/h (likely $33)" in body
    assert "Curator survey 2026" in body
