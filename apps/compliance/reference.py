"""Reference regimes and their obligations, the memo's practice guidance, and the allow-list of hosts their
sources may cite."""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

from apps.common.models import SourceHost
from apps.common.reference import Report, Section, by_code, read_items, sync
from apps.compliance.models import Guidance, Obligation, Regime

DATA_FILE = Path(__file__).parent / "reference" / "regimes.json"
HOSTS_FILE = Path(__file__).parent / "reference" / "source_hosts.json"
GUIDANCE_FILE = Path(__file__).parent / "reference" / "guidance.json"


def load(report: Report) -> None:
    regimes = report.section("Regimes")
    obligations = report.section("Obligations")
    # Every stored regime and obligation read once: a query per entry made a reload of unchanged data slow.
    stored_regimes = by_code(Regime.objects.all())
    stored_obligations = obligations_by_regime()
    raised_regimes: list[Regime] = []  # entries whose review date the reference data raises, written at the end
    raised_obligations: list[Obligation] = []
    for item in read_items(DATA_FILE):
        values = {name: item[name] for name in Regime.reference_fields}
        regime = sync(Regime, {"code": item["code"]}, values, regimes, item["code"], stored_regimes)
        if _raise_review_date(regime, item):
            raised_regimes.append(regime)
        children = stored_obligations.setdefault(regime.pk, {})
        withdrawn = dict(children)
        for child in item.get("obligations", []):
            optional = Obligation.optional_reference_fields
            child_values = {name: child.get(name, optional[name]) if name in optional else child[name]
                            for name in Obligation.reference_fields}  # fmt: skip
            key = f"{item['code']}/{child['code']}"
            obligation = sync(
                Obligation, {"regime": regime, "code": child["code"]}, child_values, obligations, key, children
            )
            withdrawn.pop(child["code"], None)
            if _raise_review_date(obligation, child):
                raised_obligations.append(obligation)
        _drop_withdrawn(regime, list(withdrawn.values()), obligations)
    Regime.objects.bulk_update(raised_regimes, ["last_reviewed"])
    Obligation.objects.bulk_update(raised_obligations, ["last_reviewed"])
    load_guidance(report)
    load_source_hosts(report)


def obligations_by_regime() -> dict[int, dict[str, Obligation]]:
    """Every stored obligation, read at once, by its regime's id and its own code: the ``stored`` of ``sync`` and
    ``upsert_by_digest`` for one regime's obligations."""
    grouped: dict[int, dict[str, Obligation]] = {}
    for obligation in Obligation.objects.all():
        grouped.setdefault(obligation.regime_id, {})[obligation.code] = obligation
    return grouped


def load_guidance(report: Report) -> None:
    section = report.section("Guidance")
    stored = by_code(Guidance.objects.all())
    for item in read_items(GUIDANCE_FILE):
        values = {name: item[name] for name in Guidance.reference_fields}
        sync(Guidance, {"code": item["code"]}, values, section, item["code"], stored)


def _drop_withdrawn(regime: Regime, withdrawn: list[Obligation], section: Section) -> None:
    """Delete obligations the reference data no longer has (``withdrawn``: moved to another regime, or withdrawn),
    unless a curator edited or added them: published playbooks keep their own frozen copy, so nothing a buyer saw
    changes."""
    for obligation in withdrawn:
        key = f"{regime.code}/{obligation.code}"
        if obligation.reference_digest and obligation.current_digest() == obligation.reference_digest:
            obligation.delete()
            section.updated.append(f"{key} (withdrawn from the reference data, deleted)")


def _raise_review_date(entry: Any, item: dict[str, Any]) -> bool:
    """Take the reference data's review date when it is newer: a review recorded in admin is never undone. True
    when the date was raised (the caller writes them all at once)."""
    reviewed = item.get("last_reviewed")
    if not reviewed:
        return False
    day = datetime.date.fromisoformat(reviewed)
    if entry.last_reviewed is None or entry.last_reviewed < day:
        entry.last_reviewed = day
        return True
    return False


def load_source_hosts(report: Report) -> None:
    """Add the hosts the reference data cites; hosts curators added or edited are left as they are."""
    section = report.section("Source hosts")
    known = set(SourceHost.objects.values_list("host", flat=True))
    for item in json.loads(HOSTS_FILE.read_text())["items"]:
        if item["host"] in known:
            section.unchanged += 1
            continue
        _, created = SourceHost.objects.get_or_create(
            host=item["host"],
            defaults={"publisher": item["publisher"], "kind": item["kind"], "note": item.get("note", "")},
        )
        if created:
            section.created.append(item["host"])
        else:
            section.unchanged += 1
