"""The other of two clicks on removing a provider from the shortlist (review 70): a 404, not a 500."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from apps.accounts.models import User
from apps.recommendations.models import Recommendation
from apps.vendors import services
from apps.vendors.models import ShortlistEntry
from tests.security.test_concurrent_removal import raced
from tests.vendors.factories import vendor_world

pytestmark = pytest.mark.django_db


def test_removing_a_shortlist_entry_twice_at_once(
    monkeypatch: pytest.MonkeyPatch, buyer_client: Client, recommendation: Recommendation, buyer: User
) -> None:
    entry = vendor_world(recommendation, buyer).entry
    raced(monkeypatch, services, "remove_entry", ShortlistEntry, "entry")
    response = buyer_client.post(reverse("vendors:remove", args=[entry.pk]), {"confirm": "yes"})
    assert response.status_code == 404
