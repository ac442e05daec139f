"""The source check a compliance reviewer would do by hand, over everything buyers can be shown.

Reads the catalogue (every ``CatalogueEntry`` model, so new catalogue apps are covered without changes
here), the obligations of regimes, and the buyer-facing text of playbooks that are not retired, and
returns findings in plain words. ``manage.py check_sources`` prints them; the admin page lists them.
The rules themselves are the pure functions in ``apps.common.sources``.

Playbook and compliance models are looked up by name (``apps.get_model``) rather than imported, so the
shared ``common`` app keeps pointing one way in the dependency map.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import models

from apps.common.models import CatalogueEntry, SourceHost
from apps.common.sources import check_url, figures_without_own_source, has_pinpoint, host_of, research_notes

# Hosts that publish legal texts: a source there must name the provision it supports.
LEGAL_HOSTS = (
    "ecfr.gov", "eur-lex.europa.eu", "legislation.gov.uk", "uscode.house.gov", "law.cornell.edu",
    "leginfo.legislature.ca.gov", "handbook.fca.org.uk", "indiacode.nic.in", "legislation.gov.au",
)  # fmt: skip

KINDS = {
    "host": "Host not on the allow-list",
    "copy": "Staging, copy or marketplace host",
    "pinpoint": "Legal citation without a pinpoint",
    "shared": "Figure without a source of its own",
    "note": "Research note in buyer-facing text",
}

# Fields that are codes, choices or bookkeeping, never prose a buyer reads.
_NOT_PROSE = {"code", "reference_digest", "kind", "jurisdiction", "unit", "role", "dst_rule", "region"}
# The playbook parts a buyer sees, and the path from each to its playbook.
_PLAYBOOK_PARTS = (
    ("Section", "playbook"),
    ("Question", "section__playbook"),
    ("Option", "question__section__playbook"),
    ("Rule", "playbook"),
    ("Effect", "rule__playbook"),
)


@dataclass(frozen=True)
class Finding:
    where: str
    kind: str
    message: str

    @property
    def kind_label(self) -> str:
        return KINDS[self.kind]

    def line(self) -> str:
        return f"{self.where}: {self.kind_label.lower()}: {self.message}"


def audit_sources(*, allowed: Collection[str] | None = None) -> list[Finding]:
    """Every problem with the sources and buyer-facing text, in a stable order (empty when clean)."""
    hosts = set(SourceHost.objects.values_list("host", flat=True)) if allowed is None else set(allowed)
    findings = [*_catalogue(hosts), *_obligations(hosts), *_playbooks()]
    return sorted(findings, key=lambda f: (f.where, f.kind, f.message))


def _catalogue(hosts: set[str]) -> Iterator[Finding]:
    for model in apps.get_models():
        if not issubclass(model, CatalogueEntry):
            continue
        for entry in model._default_manager.filter(retired=False):
            where = f"{model._meta.verbose_name} “{entry.code}”"
            yield from _sources(where, entry.sources, hosts)
            yield from _figures(where, model, entry)
            yield from _prose(where, entry)


def _sources(where: str, sources: Iterable[Mapping[str, Any]], hosts: set[str]) -> Iterator[Finding]:
    for index, source in enumerate(sources, start=1):
        url = str(source.get("url") or "")
        label = f"{where}, source {index}"
        for kind, message in check_url(url, hosts):
            yield Finding(label, kind, message)
        title = str(source.get("title") or "")
        if url and host_of(url) in LEGAL_HOSTS and not has_pinpoint(title):
            yield Finding(label, "pinpoint", f"“{title}” links a legal text but names no article, section or paragraph")
        for part in ("title", "note"):
            for phrase in research_notes(str(source.get(part) or "")):
                yield Finding(label, "note", f"its {part} says “{phrase}”")


def _figures(where: str, model: type[CatalogueEntry], entry: CatalogueEntry) -> Iterator[Finding]:
    labels = dict(model.ranges)
    present = [
        prefix
        for prefix in labels
        if any(getattr(entry, f"{prefix}_{part}") is not None for part in ("low", "likely", "high"))
    ]
    for prefix in figures_without_own_source(present, entry.sources):
        yield Finding(
            where,
            "shared",
            f"{labels[prefix]} ({prefix}) is not named by one source of its own; add "
            f'"figures": ["{prefix}"] to the source it comes from',
        )


def _prose(where: str, row: models.Model) -> Iterator[Finding]:
    for field in row._meta.concrete_fields:
        if not isinstance(field, models.CharField | models.TextField) or field.choices or field.name in _NOT_PROSE:
            continue
        for phrase in research_notes(str(getattr(row, field.attname) or "")):
            yield Finding(where, "note", f"{field.verbose_name} says “{phrase}”")


def _obligations(hosts: set[str]) -> Iterator[Finding]:
    obligation = apps.get_model("compliance", "Obligation")
    for o in (
        obligation.objects.filter(regime__retired=False).select_related("regime").order_by("regime__code", "order")
    ):
        where = f"obligation “{o.regime.code}/{o.code}”"
        for kind, message in check_url(o.source_url, hosts):
            yield Finding(where, kind, message)
        if not has_pinpoint(o.citation):
            yield Finding(where, "pinpoint", f"the citation “{o.citation}” names no article, section or paragraph")
        yield from _prose(where, o)


def _playbooks() -> Iterator[Finding]:
    playbook = apps.get_model("playbooks", "Playbook")
    live = playbook.objects.exclude(status="retired").values_list("pk", flat=True)
    for name, path in _PLAYBOOK_PARTS:
        model = apps.get_model("playbooks", name)
        for row in model.objects.filter(**{f"{path}__in": live}).order_by("pk"):
            label = getattr(row, "code", "") or f"#{row.pk}"
            yield from _prose(f"playbook {model._meta.verbose_name} “{label}”", row)
