"""One create-or-update-by-digest behind the reference loaders, the catalogue import and the vendor directory."""

from __future__ import annotations

from typing import Any

import pytest

from apps.common.models import digest
from apps.common.reference import Section, upsert_by_digest
from apps.engagements.models import KnowledgeFunction
from tests.factories import KnowledgeFunctionFactory

pytestmark = pytest.mark.django_db


def write(name: str, section: Section, **options: Any) -> KnowledgeFunction:
    candidate = KnowledgeFunctionFactory.build(code="equity", name=name)
    return upsert_by_digest(
        model=KnowledgeFunction,
        lookup={"code": "equity"},
        candidate=candidate,
        section=section,
        key="equity",
        **options,
    )


def test_an_entry_is_created_then_left_unchanged_then_updated_with_its_digest() -> None:
    section = Section("Functions")
    write("Equity research", section, keep_edits=True)
    write("Equity research", section, keep_edits=True)
    stored = write("Equity and credit research", section, keep_edits=True)
    assert (section.created, section.unchanged, section.updated) == (["equity"], 1, ["equity"])
    assert KnowledgeFunction.objects.get().name == "Equity and credit research"
    assert stored.reference_digest == digest(stored.reference_values())


def test_a_curators_edit_is_kept_and_reported_by_a_reload_but_not_by_an_import() -> None:
    section = Section("Functions")
    write("Equity research", section, keep_edits=True)
    KnowledgeFunction.objects.update(summary="Edited in admin.")
    write("Equity research, renamed", section, keep_edits=True)
    assert section.kept_edits == [("equity", ["name", "summary"])]
    assert KnowledgeFunction.objects.get().name == "Equity research"
    # An import is itself a curator's edit: it overwrites, and keeps the digest of the reference values,
    # so the next reference reload leaves what it wrote alone.
    imported = write("Imported name", section, keep_edits=False, from_reference=False)
    assert KnowledgeFunction.objects.get().name == "Imported name"
    assert imported.reference_digest != digest(imported.reference_values())
