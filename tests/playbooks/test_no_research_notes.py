"""No research note reaches a buyer: the reference data's texts (rules, regimes, locations) say what the product
says, never which of its own reviews or cases led to them ("review 40", as a rationale once did)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
FILES = [
    "apps/playbooks/reference/playbook.json",
    "apps/compliance/reference/regimes.json",
    "apps/engagements/reference/delivery_locations.json",
]
NOTE = re.compile(r"\b(?:review|reviewer) \d{1,3}\b", re.IGNORECASE)


def _texts(value: Any, where: str) -> list[tuple[str, str]]:
    if isinstance(value, str):
        return [(where, value)]
    if isinstance(value, dict):
        return [t for key, item in value.items() for t in _texts(item, f"{where}.{key}")]
    if isinstance(value, list):
        return [t for i, item in enumerate(value) for t in _texts(item, f"{where}[{i}]")]
    return []


@pytest.mark.parametrize("name", FILES)
def test_no_reference_text_names_a_review(name: str) -> None:
    data = json.loads((ROOT / name).read_text())
    found = [(where, text[:120]) for where, text in _texts(data, name) if NOTE.search(text)]
    assert not found


def test_the_check_finds_one() -> None:
    assert NOTE.search('read "KPO wins" from India (review 40: a Japanese case)')
    assert not NOTE.search("NASSCOM Strategic Review 2025: about 1,750 GCCs")
