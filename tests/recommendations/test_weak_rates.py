"""A provider price the catalogue marks weak is marked weak in the cost too: the table's badge, the model's
flag and the inputs list, not only words appended to a source title."""

from __future__ import annotations

import html
import re

import pytest
from django.test import Client
from django.urls import reverse

from apps.accounts.models import Organisation, User
from apps.engagements.models import EngagementModel
from apps.playbooks.models import Playbook
from tests.recommendations.conftest import recommend

pytestmark = pytest.mark.django_db


def test_every_costed_model_whose_catalogue_price_is_weak_carries_the_weak_badge(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    rec = recommend(reference, organisation, buyer, "Biotech: one-off patent landscape")
    cost = rec.record.evaluation.cost
    weak_in_catalogue = set(EngagementModel.objects.filter(confidence="weak").values_list("code", flat=True))
    assert {m.model for m in cost.models} <= weak_in_catalogue  # the reference catalogue's prices are all weak
    assert cost.models and all(m.weak for m in cost.models)
    page = html.unescape(buyer_client.get(reverse("recommendations:detail", args=[rec.pk])).content.decode())
    table = re.search(r'aria-label="Total cost of ownership".*?</table>', page, re.S)
    assert table is not None
    for m in cost.models:
        row = re.search(rf"<th scope=\"row\">{re.escape(m.name)}(.*?)</th>", table.group(0), re.S)
        assert row is not None and "Weak source: verify" in row.group(1), m.name
    # The study's 400 hours for one deliverable are fewer than the benchmark's project: it is priced by its hours.
    price = next(f for f in cost.figures if f.key == "project.rate")
    assert price.weak and not price.source.endswith("(weak source: verify)")
