"""Reference regimes and their obligations."""

from __future__ import annotations

from pathlib import Path

from apps.common.reference import Report, read_items, sync
from apps.compliance.models import Obligation, Regime

DATA_FILE = Path(__file__).parent / "reference" / "regimes.json"


def load(report: Report) -> None:
    regimes = report.section("Regimes")
    obligations = report.section("Obligations")
    for item in read_items(DATA_FILE):
        values = {name: item[name] for name in Regime.reference_fields}
        regime = sync(Regime, {"code": item["code"]}, values, regimes, item["code"])
        for child in item.get("obligations", []):
            child_values = {name: child[name] for name in Obligation.reference_fields}
            key = f"{item['code']}/{child['code']}"
            sync(Obligation, {"regime": regime, "code": child["code"]}, child_values, obligations, key)
