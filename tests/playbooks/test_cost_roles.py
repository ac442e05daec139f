"""The costs a compiled playbook remembers are keyed by the answers of ``COST_ROLES``: every role the cost reads
must be among them, or two answer sets differing in it would share one remembered cost (pure engine)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from apps.playbooks.engine.evaluate import COST_ROLES, _tco_arguments


def test_every_role_the_cost_reads_keys_the_remembered_costs() -> None:
    read: list[str] = []

    def role(name: str) -> Any:
        read.append(name)
        return None

    catalogue = SimpleNamespace(models={}, functions={}, locations={}, cost_assumptions={})
    _tco_arguments(SimpleNamespace(catalogue=catalogue), role)  # type: ignore[arg-type]  # only .catalogue is read
    assert set(read) == set(COST_ROLES)
