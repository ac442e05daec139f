"""Loading versioned reference data (JSON files keyed by code) without clobbering curator edits.

Each stored entry remembers the digest of the reference values it was loaded from. On a reload:
- a missing entry is created;
- an entry whose current values still match its digest (nobody edited it) takes the new values;
- an entry a curator edited is left alone, and the loader reports which fields differ.

``upsert_by_digest`` is the one create-or-update-by-digest: the reference loaders, the catalogue import
and the vendor directory (its relations included) all write through it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model

from apps.common.models import ReferenceTracked, digest


@dataclass
class Section:
    label: str
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    kept_edits: list[tuple[str, list[str]]] = field(default_factory=list)

    def summary(self) -> str:
        parts = [f"{len(self.created)} created", f"{len(self.updated)} updated", f"{self.unchanged} unchanged"]
        if self.kept_edits:
            parts.append(f"{len(self.kept_edits)} edited by a curator (kept)")
        return f"{self.label}: " + ", ".join(parts)


@dataclass
class Report:
    sections: list[Section] = field(default_factory=list)

    def section(self, label: str) -> Section:
        self.sections.append(Section(label))
        return self.sections[-1]

    def lines(self) -> list[str]:
        out = []
        for section in self.sections:
            out.append(section.summary())
            for key, fields in section.kept_edits:
                out.append(f"  {key}: differs from the reference data in {', '.join(fields)}; left as edited")
        return out


def read_items(path: Path) -> list[dict[str, Any]]:
    # Decimals, not floats: 12.6 must stay 12.6 for two-decimal money fields.
    data = json.loads(path.read_text(), parse_float=Decimal)
    if not isinstance(data, dict) or not isinstance(data.get("items"), list):
        raise ValidationError(f"{path.name}: expected an object with an 'items' list.")
    return data["items"]


def upsert_by_digest(
    *,
    model: type[Any],
    lookup: Mapping[str, Any],
    candidate: Any,
    section: Section,
    key: str,
    keep_edits: bool,
    from_reference: bool = True,
    values: Mapping[str, Any] | None = None,
    current: Callable[[Any], Mapping[str, Any]] | None = None,
    write_related: Callable[[Any], None] | None = None,
    stored: dict[str, Any] | None = None,
) -> Any:
    """Create the entry ``lookup`` finds from ``candidate`` (an unsaved instance), or bring the stored one
    to its values, and say which in ``section``.

    ``values`` are what the digest is taken of (default: the candidate's reference values) and ``current``
    gives the same for a stored entry (default: its reference values), so an entry can include its
    relations, which ``write_related`` then writes. With ``keep_edits``, an entry a curator edited (its
    values no longer match the digest it was loaded from) is left alone and reported. ``from_reference``
    says the values are the reference data's, so the entry records their digest; an import by a curator
    is itself an edit, so a later reference reload leaves what it wrote alone.

    ``stored``: the model's stored entries by code (``by_code``), read once by a caller writing many, which spares
    a query per entry; the entry written is kept in it, so a code listed twice finds it as a lookup would."""
    new_values = candidate.reference_values() if values is None else values
    new_digest = digest(dict(new_values))
    existing = model._default_manager.filter(**lookup).first() if stored is None else stored.get(lookup["code"])
    if existing is None:
        candidate.reference_digest = new_digest
        candidate.save()
        if stored is not None:
            stored[lookup["code"]] = candidate
        if write_related:
            write_related(candidate)
        section.created.append(key)
        return candidate
    stored_values = existing.reference_values() if current is None else current(existing)
    stored_digest = digest(dict(stored_values))
    if stored_digest == new_digest:
        if from_reference and existing.reference_digest != new_digest:
            existing.reference_digest = new_digest
            existing.save(update_fields=["reference_digest"])
        section.unchanged += 1
        return existing
    if keep_edits and stored_digest != existing.reference_digest:
        section.kept_edits.append((key, [name for name in new_values if stored_values.get(name) != new_values[name]]))
        return existing
    for name in model.reference_fields:
        setattr(existing, name, getattr(candidate, name))
    if from_reference:
        existing.reference_digest = new_digest
    existing.save()
    if write_related:
        write_related(existing)
    section.updated.append(key)
    return existing


def by_code(queryset: Any) -> dict[str, Any]:
    """The entries of ``queryset`` by code: the ``stored`` of ``upsert_by_digest`` and ``sync``."""
    return {entry.code: entry for entry in queryset}


def sync[Entry: ReferenceTracked](
    model: type[Entry],
    lookup: dict[str, Any],
    values: dict[str, Any],
    section: Section,
    key: str,
    stored: dict[str, Entry] | None = None,
) -> Entry:
    """Create or refresh one entry from reference ``values``, keeping curator edits; see the module docstring.
    ``stored``: as for ``upsert_by_digest``."""
    candidate = model(**lookup, **values)
    # A relation given as a stored instance (an obligation's regime, just synced) exists: no query to check it.
    stored_relations = [name for name, value in {**lookup, **values}.items() if isinstance(value, Model) and value.pk]
    try:
        candidate.full_clean(exclude=stored_relations, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        raise ValidationError(f"{key}: {exc.messages}") from exc
    return upsert_by_digest(
        model=model, lookup=lookup, candidate=candidate, section=section, key=key, keep_edits=True, stored=stored
    )
