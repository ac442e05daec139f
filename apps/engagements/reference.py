"""Reference catalogue: engagement models, knowledge functions and delivery locations."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from apps.common.models import CatalogueEntry
from apps.common.reference import Report, by_code, read_items, sync
from apps.engagements.models import DeliveryLocation, EngagementModel, KnowledgeFunction

DATA_DIR = Path(__file__).parent / "reference"
FILES = (
    ("engagement_models.json", EngagementModel, "Engagement models"),
    ("knowledge_functions.json", KnowledgeFunction, "Knowledge functions"),
    ("delivery_locations.json", DeliveryLocation, "Delivery locations"),
)


def load(report: Report) -> None:
    for filename, model, label in FILES:
        section = report.section(label)
        stored: dict[str, CatalogueEntry] = by_code(model.objects.all())
        for item in read_items(DATA_DIR / filename):
            values = {name: item[name] for name in model.reference_fields}
            sync(model, {"code": item["code"]}, values, section, item["code"], stored)


def cost_assumptions() -> dict[str, Any]:
    """The total cost of ownership's figures (``reference/cost_assumptions.json``: each with low / likely /
    high and one source). Publishing freezes them into the playbook's catalogue snapshot, so a change to the
    file reaches buyers with the next publication, like every other catalogue figure."""
    data: dict[str, Any] = json.loads((DATA_DIR / "cost_assumptions.json").read_text(encoding="utf-8"))
    return data
