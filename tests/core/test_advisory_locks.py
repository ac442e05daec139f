"""Every advisory lock namespace in use is distinct: the workers' liveness is read from PostgreSQL's lock table by its
namespace alone, so another lock taken in it made the "no worker running" notice disappear (review 57), and two uses
sharing one could wait on each other for nothing."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DECLARED = re.compile(r"^([A-Z_]*LOCK)\s*=\s*([0-9_]+)\b", re.M)


def test_every_advisory_lock_namespace_is_used_once() -> None:
    found: dict[int, list[str]] = {}
    for path in sorted((ROOT / "apps").rglob("*.py")) + sorted((ROOT / "kpo_advisor").rglob("*.py")):
        for name, value in DECLARED.findall(path.read_text()):
            found.setdefault(int(value.replace("_", "")), []).append(f"{path.relative_to(ROOT)}:{name}")
    assert len(found) >= 8, found  # the namespaces are found at all
    shared = {value: names for value, names in found.items() if len(names) > 1}
    assert not shared, shared
