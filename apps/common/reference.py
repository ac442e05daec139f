"""Loading versioned reference data (JSON files keyed by code) without clobbering curator edits.

Each stored entry remembers the digest of the reference values it was loaded from. On a reload:
- a missing entry is created;
- an entry whose current values still match its digest (nobody edited it) takes the new values;
- an entry a curator edited is left alone, and the loader reports which fields differ.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError

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


def sync(
    model: type[ReferenceTracked], lookup: dict[str, Any], values: dict[str, Any], section: Section, key: str
) -> ReferenceTracked:
    """Create or refresh one entry from reference ``values``; see the module docstring."""
    candidate = model(**lookup, **values)
    try:
        candidate.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        raise ValidationError(f"{key}: {exc.messages}") from exc
    new_values = candidate.reference_values()
    new_digest = digest(new_values)
    existing = model._default_manager.filter(**lookup).first()
    if existing is None:
        candidate.reference_digest = new_digest
        candidate.save()
        section.created.append(key)
        return candidate
    current = existing.reference_values()
    if digest(current) == new_digest:
        if existing.reference_digest != new_digest:
            existing.reference_digest = new_digest
            existing.save(update_fields=["reference_digest"])
        section.unchanged += 1
        return existing
    if digest(current) == existing.reference_digest:
        for name in model.reference_fields:
            setattr(existing, name, getattr(candidate, name))
        existing.reference_digest = new_digest
        existing.save()
        section.updated.append(key)
        return existing
    changed = [name for name in model.reference_fields if current[name] != new_values[name]]
    section.kept_edits.append((key, changed))
    return existing
