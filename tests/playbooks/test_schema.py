"""One playbook schema: the export writes exactly the keys the import checks and reads."""

from __future__ import annotations

from typing import Any

import pytest

from apps.playbooks.engine import schema
from apps.playbooks.models import Playbook
from apps.playbooks.services import export_playbook_data

pytestmark = pytest.mark.django_db


def test_every_key_the_export_writes_is_in_the_schema_the_import_reads(playbook: Playbook) -> None:
    data = export_playbook_data(playbook)
    assert (data["format"], data["format_version"]) == (schema.FORMAT, schema.FORMAT_VERSION)
    written: dict[str, set[str]] = {part: set() for part in schema.SHAPES}

    def note(part: str, item: dict[str, Any]) -> None:
        written[part] |= set(item)

    note("playbook", data["playbook"])
    for section in data["sections"]:
        note("section", section)
        for question in section["questions"]:
            note("question", question)
            for option in question["options"]:
                note("option", option)
            for condition in question["conditions"]:
                note("condition", condition)
    for rule in data["rules"]:
        note("rule", rule)
        for effect in rule["effects"]:
            note("effect", effect)
        for condition in rule["conditions"]:
            note("condition", condition)
    for case in data["golden_cases"]:
        note("golden case", case)
    for part, keys in written.items():
        assert keys - {"value"} <= set(schema.SHAPES[part]), part  # a condition's value takes any JSON type
    assert all(written[p] for p in ("playbook", "section", "question", "option", "condition", "rule", "effect"))
