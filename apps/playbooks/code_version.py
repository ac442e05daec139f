"""Which scoring code scored a recommendation: the engine's contract version with a digest of the engine's own source
(``1.0+3f2a9c1b``), so two recommendations scored on the same playbook version by different code read differently.
The engine's ``ENGINE_VERSION`` alone had read "1.0" through every change to how answers are scored and costed, which
told an auditor nothing (a walkthrough asked what the result header's "engine 1.0" meant). Read once per process,
outside the engine, which does no I/O."""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

from apps.playbooks.engine import ENGINE_VERSION

ENGINE_ROOT = Path(__file__).resolve().parent / "engine"


@cache
def scoring_code_version() -> str:
    """``ENGINE_VERSION`` and the first 8 hex digits of a SHA-256 over every module of the engine (path and bytes, in
    path order): what the snapshot stores as ``engine_version`` (20 characters at most)."""
    digest = hashlib.sha256()
    for path in sorted(ENGINE_ROOT.rglob("*.py")):
        digest.update(path.relative_to(ENGINE_ROOT).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
    return f"{ENGINE_VERSION}+{digest.hexdigest()[:8]}"
