"""The catalogue pages buyers read cite each figure's own source and carry no research notes or copy hosts."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from apps.common.sources import copy_host_reason, research_notes
from apps.engagements.models import EngagementModel, KnowledgeFunction
from apps.playbooks.models import Playbook

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "name", ["engagements:models", "engagements:functions", "engagements:locations", "compliance:regimes"]
)
def test_catalogue_pages_carry_no_research_notes_or_copy_links(
    reference: Playbook, buyer_client: Client, name: str
) -> None:
    html = buyer_client.get(reverse(name)).content.decode()
    assert research_notes(re.sub(r"<[^>]+>", " ", html)) == []
    links = re.findall(r'href="(https?://[^"]+)"', html)
    assert links, "the page cites its sources"
    assert [url for url in links if copy_host_reason(url)] == []


def test_every_reference_figure_names_exactly_its_own_sources(reference: Playbook) -> None:
    for model in (KnowledgeFunction, EngagementModel):
        for entry in model.objects.all():
            for prefix, _ in model.ranges:
                if getattr(entry, f"{prefix}_likely") is None:
                    continue
                naming = [s for s in entry.sources if prefix in s.get("figures", [])]
                assert naming, f"{entry.code}: {prefix} has no source of its own"
                assert len(entry.sources) == 1 or len(naming) < len(entry.sources), f"{entry.code}: {prefix}"
