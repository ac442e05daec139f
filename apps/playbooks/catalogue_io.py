"""The catalogue as one JSON file keyed by code: export it, and import it back (whole or refused).

The format matches the reference files (each entry's code plus its reference fields; regimes carry
their obligations). An import validates every entry first and writes nothing if any is wrong; then
it creates missing entries and updates the others to the file's values, reporting what changed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from apps.common.formatting import json_number
from apps.common.hostile import document_problems, expect_type, field_type_problems, listed
from apps.common.models import ReferenceTracked
from apps.common.reference import Report, Section, by_code, upsert_by_digest
from apps.compliance.models import Obligation, Regime
from apps.compliance.reference import obligations_by_regime
from apps.engagements.models import DeliveryLocation, EngagementModel, KnowledgeFunction

FORMAT = "kpo-catalogue"
KINDS: tuple[tuple[str, type[ReferenceTracked], str], ...] = (
    ("engagement_models", EngagementModel, "Engagement models"),
    ("knowledge_functions", KnowledgeFunction, "Knowledge functions"),
    ("delivery_locations", DeliveryLocation, "Delivery locations"),
    ("regimes", Regime, "Regimes"),
)


class CatalogueError(ValidationError):
    pass


def _plain(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return json_number(value)


def _entry(obj: Any) -> dict[str, Any]:
    return {"code": obj.code, **{f: _plain(getattr(obj, f)) for f in obj.reference_fields}}


def export_catalogue() -> dict[str, Any]:
    data: dict[str, Any] = {"format": FORMAT, "format_version": 1}
    for key, model, _ in KINDS:
        items = []
        for obj in model._default_manager.order_by("code"):
            item = _entry(obj)
            if isinstance(obj, Regime):
                item["obligations"] = [_entry(o) for o in obj.obligations.order_by("order", "code")]
            items.append(item)
        data[key] = items
    return data


def _candidate(
    model: type[Any], lookup: dict[str, Any], raw: Mapping[str, Any], where: str, problems: list[str]
) -> Any:
    if not isinstance(raw, Mapping):
        problems.append(f"{where}: an entry must be an object")
        return None
    missing = [f for f in model.reference_fields if f not in raw]
    unknown = set(raw) - {"code", "obligations", *model.reference_fields}
    if missing:
        problems.append(f"{where}: missing {', '.join(missing)}")
    if unknown:
        problems.append(f"{where}: unknown fields {', '.join(sorted(unknown))}")
    if missing or unknown:
        return None
    type_problems = field_type_problems(model, {f: raw[f] for f in model.reference_fields}, where)
    if type_problems:
        problems += type_problems
        return None
    obj = model(**lookup, **{f: raw[f] for f in model.reference_fields})
    try:
        obj.full_clean(
            exclude=[f.name for f in model._meta.fields if f.is_relation],
            validate_unique=False,
            validate_constraints=False,
        )
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            problems += [f"{where}: {field}: {m}" for m in messages]
        return None
    return obj


def _code(raw: Any, where: str, problems: list[str]) -> str | None:
    """An entry's code if it is text; a list or a number as a code is reported (and the entry skipped)."""
    code = raw.get("code") if isinstance(raw, Mapping) else None
    if code is None or expect_type(code, str, f"{where}: code", problems):
        return code
    return None


def _save(
    model: type[Any], lookup: dict[str, Any], candidate: Any, section: Section, key: str, stored: dict[str, Any]
) -> Any:
    # An import is a curator's edit: it overwrites what is stored, and a later reference reload keeps it.
    return upsert_by_digest(
        model=model,
        lookup=lookup,
        candidate=candidate,
        section=section,
        key=key,
        keep_edits=False,
        from_reference=False,
        stored=stored,
    )


def import_catalogue(data: Any) -> Report:
    """Validate the whole file, then write it. Raises CatalogueError with every problem; writes nothing then."""
    if not isinstance(data, Mapping) or data.get("format") != FORMAT:
        raise CatalogueError([f"This is not a KPO Advisor catalogue file (its 'format' is not '{FORMAT}')."])
    problems: list[str] = document_problems(data)
    plan: list[tuple[type[Any], dict[str, Any], Any, str, str, list[tuple[dict[str, Any], Any, str]]]] = []
    for key, model, label in KINDS:
        items = data.get(key, [])
        if not expect_type(items, list, f"'{key}'", problems):
            continue
        codes: list[str] = [i["code"] for i in items if isinstance(i, Mapping) and isinstance(i.get("code"), str)]
        for twice in sorted({c for c in codes if codes.count(c) > 1}):
            problems.append(f"{key}: the code {twice!r} is used twice")
        for index, raw in enumerate(items):
            code = _code(raw, f"{key} #{index + 1}", problems)
            where = f"{key} {code or '#' + str(index + 1)}"
            candidate = _candidate(model, {"code": code}, raw, where, problems)
            children = []
            obligations = raw.get("obligations", []) if isinstance(raw, Mapping) else []
            if model is Regime and expect_type(obligations, list, f"{where}: obligations", problems):
                for c_index, child in enumerate(obligations):
                    ccode = _code(child, f"{where} obligation #{c_index + 1}", problems)
                    cwhere = f"{where} obligation {ccode or '#' + str(c_index + 1)}"
                    cobj = _candidate(Obligation, {"code": ccode}, child, cwhere, problems)
                    children.append(({"code": ccode}, cobj, f"{code}/{ccode}"))
            plan.append((model, {"code": code}, candidate, label, str(code), children))
    if problems:
        raise CatalogueError(listed(problems))
    report = Report()
    sections: dict[str, Section] = {}
    with transaction.atomic():
        # What is stored, read once (a query per entry made a large file slow), by code; obligations by regime.
        stored = {model: by_code(model._default_manager.all()) for _, model, _ in KINDS}
        stored_obligations = obligations_by_regime()
        for model, lookup, candidate, label, key, children in plan:
            section = sections.get(label) or sections.setdefault(label, report.section(label))
            saved = _save(model, lookup, candidate, section, key, stored[model])
            if children:
                obligations = sections.get("Obligations") or sections.setdefault(
                    "Obligations", report.section("Obligations")
                )
                own = stored_obligations.setdefault(saved.pk, {})
                for clookup, cobj, ckey in children:
                    cobj.regime = saved
                    _save(Obligation, {**clookup, "regime": saved}, cobj, obligations, ckey, own)
    return report
