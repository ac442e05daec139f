"""Compiled playbooks for the request path: published ones compiled once and cached by id."""

from __future__ import annotations

import threading

from apps.playbooks.definition import build_definition
from apps.playbooks.engine import CompiledPlaybook, compile_playbook
from apps.playbooks.models import Playbook

_cache: dict[int, CompiledPlaybook] = {}
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
