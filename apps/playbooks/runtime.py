"""What the request path reads from published playbooks, once per process: the compiled playbook and the
memo guidance its catalogue snapshot froze, each cached by id (a published playbook never changes)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

from apps.playbooks.definition import build_definition
from apps.playbooks.engine import CompiledPlaybook, compile_playbook
from apps.playbooks.models import Playbook

type FrozenGuidance = tuple[Mapping[str, Any], ...] | None

_cache: dict[int, CompiledPlaybook] = {}
# Read-only views of the guidance items: every recommendation of the playbook shares them.
_guidance: dict[int, FrozenGuidance] = {}
_lock = threading.Lock()


def compiled_playbook(playbook: Playbook) -> CompiledPlaybook:
    """The engine's view of ``playbook``. Safe to cache for published and retired playbooks: they never change.

    A cached playbook is returned without touching ``playbook.definition``, so callers may load the
    playbook with the definition deferred (the request path does) and pay for it once per process."""
    if playbook.is_draft:
        return compile_playbook(build_definition(playbook))
    cached = _cache.get(playbook.pk)
    if cached is None:
        if playbook.definition is None:
            return compile_playbook(build_definition(playbook))
        compiled = compile_playbook(playbook.definition)
        with _lock:
            cached = _cache.setdefault(playbook.pk, compiled)
    return cached


def _frozen_key[T](
    playbook_id: int, path: str, cache: dict[int, T | None], read: Callable[[Any], T | None]
) -> T | None:
    """One key of a playbook's frozen definition (``path``, a JSON path lookup), read by ``read``: once per process for
    a published or retired playbook (its answer never changes; only that key of the definition is read), on every
    call for a draft; None when the playbook is gone."""
    if playbook_id in cache:
        return cache[playbook_id]
    row = Playbook.objects.filter(pk=playbook_id).values_list("status", path).first()
    if row is None:
        return None
    status, found = row
    value = read(found)
    if status != Playbook.Status.DRAFT:
        with _lock:
            value = cache.setdefault(playbook_id, value)
    return value


def frozen_guidance(playbook_id: int) -> FrozenGuidance:
    """The memo guidance frozen into a published playbook's catalogue snapshot; None when it froze none
    (published before guidance was curated data, or a draft), whose recommendations print the guidance
    of that time. Every submit and what-if asks."""

    def read(found: Any) -> FrozenGuidance:
        if not isinstance(found, list):
            return None
        return tuple(MappingProxyType(i) if isinstance(i, dict) else i for i in found)

    return _frozen_key(playbook_id, "definition__catalogue__guidance", _guidance, read)


_rates: dict[int, Mapping[str, Any] | None] = {}


def frozen_exchange_rates(playbook_id: int) -> Mapping[str, Any] | None:
    """The exchange rates a published playbook's cost assumptions froze (currency to its dated band); None when it
    froze none."""

    def read(found: Any) -> Mapping[str, Any] | None:
        return MappingProxyType(found) if isinstance(found, dict) else None

    return _frozen_key(playbook_id, "definition__catalogue__cost_assumptions__exchange_rates", _rates, read)
