"""The vendor directory as JSON: the reference file, admin import and export, and the CLI.

One format for all three: ``{"format": "kpo-vendors", "format_version": 1, "items": [...]}``, each
item a vendor's code, its plain fields, and its relations by catalogue code (``delivery_locations``,
``engagement_models``, and ``rates``: one ``{"function", "low", "likely", "high"}`` per function
covered). Every item is validated before anything is written; one bad item refuses the whole file.

The reference loader keeps curator edits, as the catalogue's does (apps/common/reference.py): each
vendor remembers the digest of the values it was loaded from, relations included. An upload is a
curator's own decision, so it writes the file's values over whatever is stored.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from apps.common.formatting import json_number
from apps.common.hostile import document_problems, expect_codes, expect_type, field_type_problems, listed
from apps.common.models import _plain
from apps.common.reference import Report, Section, upsert_by_digest
from apps.engagements.models import DeliveryLocation, EngagementModel, KnowledgeFunction
from apps.vendors.models import Vendor, VendorFunction

FORMAT = "kpo-vendors"
DATA_FILE = Path(__file__).parent / "reference" / "vendors.json"
RELATIONS = ("delivery_locations", "engagement_models", "rates")
RATE_KEYS = ("low", "likely", "high")


class DirectoryError(ValidationError):
    pass


def comparable(vendor: Vendor) -> dict[str, Any]:
    """A stored vendor's reference values and relations, in the form the digest is taken of."""
    rates = {
        r.function.code: [_plain(getattr(r, f)) for f in VendorFunction.RATE_FIELDS]
        for r in vendor.rates.select_related("function")
    }
    return {
        **vendor.reference_values(),
        "delivery_locations": sorted(loc.code for loc in vendor.delivery_locations.all()),
        "engagement_models": sorted(m.code for m in vendor.engagement_models.all()),
        "rates": dict(sorted(rates.items())),
    }


def _export_number(value: Any) -> Any:
    return json_number(value) if isinstance(value, Decimal) else _plain(value)


def export_directory() -> dict[str, Any]:
    items = []
    vendors = Vendor.objects.order_by("code").prefetch_related(
        "delivery_locations", "engagement_models", "rates__function"
    )
    for vendor in vendors:
        item: dict[str, Any] = {"code": vendor.code}
        item.update({f: _export_number(getattr(vendor, f)) for f in Vendor.reference_fields})
        item["delivery_locations"] = sorted(loc.code for loc in vendor.delivery_locations.all())
        item["engagement_models"] = sorted(m.code for m in vendor.engagement_models.all())
        item["rates"] = [
            {"function": r.function.code, **{k: _export_number(getattr(r, f"rate_{k}")) for k in RATE_KEYS}}
            for r in sorted(vendor.rates.all(), key=lambda r: r.function.code)
        ]
        items.append(item)
    return {"format": FORMAT, "format_version": 1, "items": items}


@dataclass
class Planned:
    code: str
    candidate: Vendor
    locations: list[DeliveryLocation]
    models: list[EngagementModel]
    rates: list[VendorFunction]
    values: dict[str, Any]


class _Catalogue:
    """The catalogue entries an import may refer to, read once."""

    def __init__(self) -> None:
        self.locations = {loc.code: loc for loc in DeliveryLocation.objects.all()}
        self.models = {m.code: m for m in EngagementModel.objects.all()}
        self.functions = {f.code: f for f in KnowledgeFunction.objects.all()}


def _codes(raw: Any, known: Mapping[str, Any], where: str, what: str, problems: list[str]) -> list[Any]:
    if not expect_codes(raw, f"{where}: {what}", problems):
        return []
    unknown = [c for c in raw if c not in known]
    if unknown:
        problems.append(f"{where}: unknown {what} {', '.join(sorted(unknown))}")
    return [known[c] for c in dict.fromkeys(raw) if c in known]


def _rates(raw: Any, catalogue: _Catalogue, where: str, problems: list[str]) -> list[VendorFunction]:
    if not expect_type(raw, list, f"{where}: rates", problems):
        return []
    rates: list[VendorFunction] = []
    seen: set[str] = set()
    for index, rate in enumerate(raw, start=1):
        if not isinstance(rate, Mapping) or set(rate) - {"function", *RATE_KEYS}:
            problems.append(f"{where}: rate {index} must be an object with function, low, likely and high only")
            continue
        code = rate.get("function")
        function = catalogue.functions.get(code) if isinstance(code, str) else None
        if function is None:
            problems.append(f"{where}: rate {index}: unknown function {code!r}")
            continue
        if code in seen:
            problems.append(f"{where}: the function {code!r} has two rates")
            continue
        seen.add(function.code)
        figures = {f"rate_{k}": None if rate.get(k) == "" else rate.get(k) for k in RATE_KEYS}
        type_problems = field_type_problems(VendorFunction, figures, f"{where}: rate for {code}")
        if type_problems:
            problems += type_problems
            continue
        obj = VendorFunction(function=function, **figures)
        try:
            obj.full_clean(exclude=["vendor"], validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            problems += [f"{where}: rate for {code}: {m}" for m in exc.messages]
            continue
        rates.append(obj)
    return rates


def _value(name: str, value: Any) -> Any:
    # Full-clean skips blank values, so a "" date would reach the database: blank means unknown.
    return None if value == "" and Vendor._meta.get_field(name).null else value


def plan(items: Any, problems: list[str]) -> list[Planned]:
    """Check every item; return what to write. Problems are appended, one line each."""
    if not expect_type(items, list, "'items'", problems):
        return []
    catalogue = _Catalogue()
    codes = [i.get("code") for i in items if isinstance(i, Mapping) and isinstance(i.get("code"), str)]
    for code in sorted({str(c) for c in codes if codes.count(c) > 1}):
        problems.append(f"the code {code!r} is used twice")
    planned: list[Planned] = []
    allowed = {"code", *Vendor.reference_fields, *RELATIONS}
    for index, raw in enumerate(items, start=1):
        if not isinstance(raw, Mapping):
            problems.append(f"vendor #{index}: an entry must be an object")
            continue
        given = raw.get("code")
        where = f"vendor {given if isinstance(given, str) and given else '#' + str(index)}"
        missing = [f for f in ("code", *Vendor.reference_fields, *RELATIONS) if f not in raw]
        unknown = sorted(set(raw) - allowed)
        if missing:
            problems.append(f"{where}: missing {', '.join(missing)}")
        if unknown:
            problems.append(f"{where}: unknown fields {', '.join(unknown)}")
        if missing or unknown:
            continue
        before = len(problems)
        values = {f: _value(f, raw[f]) for f in Vendor.reference_fields}
        problems += field_type_problems(Vendor, {"code": raw["code"], **values}, where)
        if len(problems) > before:
            continue
        candidate = Vendor(code=raw["code"], **values)
        try:
            candidate.full_clean(validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                problems += [f"{where}: {name}: {m}" for m in messages]
        locations = _codes(raw["delivery_locations"], catalogue.locations, where, "delivery locations", problems)
        models = _codes(raw["engagement_models"], catalogue.models, where, "engagement models", problems)
        rates = _rates(raw["rates"], catalogue, where, problems)
        if len(problems) > before:
            continue
        values = {
            **candidate.reference_values(),
            "delivery_locations": sorted(loc.code for loc in locations),
            "engagement_models": sorted(m.code for m in models),
            "rates": dict(
                sorted((r.function.code, [_plain(getattr(r, f)) for f in VendorFunction.RATE_FIELDS]) for r in rates)
            ),
        }
        planned.append(Planned(str(raw["code"]), candidate, locations, models, rates, values))
    return planned


def _write_relations(vendor: Vendor, item: Planned) -> None:
    vendor.delivery_locations.set(item.locations)
    vendor.engagement_models.set(item.models)
    vendor.rates.all().delete()
    for rate in item.rates:
        rate.vendor = vendor
    VendorFunction.objects.bulk_create(item.rates)


def write(planned: list[Planned], section: Section, *, keep_edits: bool) -> None:
    for item in planned:
        upsert_by_digest(
            model=Vendor,
            lookup={"code": item.code},
            candidate=item.candidate,
            section=section,
            key=item.code,
            keep_edits=keep_edits,
            values=item.values,
            current=comparable,
            write_related=functools.partial(_write_relations, item=item),
        )


def import_directory(data: Any) -> Report:
    """Validate the whole file, then write it over the stored vendors. Raises DirectoryError listing
    every problem, and writes nothing then."""
    if not isinstance(data, Mapping) or data.get("format") != FORMAT:
        raise DirectoryError([f"This is not a KPO Advisor vendor directory file (its 'format' is not '{FORMAT}')."])
    problems: list[str] = document_problems(data)
    planned = plan(data.get("items"), problems)
    if problems:
        raise DirectoryError(listed(problems))
    report = Report()
    with transaction.atomic():
        write(planned, report.section("Vendors"), keep_edits=False)
    return report


def load(report: Report) -> None:
    """The reference loader (settings.REFERENCE_LOADERS): the shipped fictional example vendors."""
    from apps.common.reference import read_items

    problems: list[str] = []
    planned = plan(read_items(DATA_FILE), problems)
    if problems:
        raise ValidationError([f"{DATA_FILE.name}: {p}" for p in problems])
    write(planned, report.section("Vendors"), keep_edits=True)
