"""A recommendation's stored snapshot: the typed contract (``types``), its one writer (``write``) and its
one reader (``read``). Consumers import from here and read attributes of a ``Snapshot``."""

from apps.recommendations.snapshot.read import SnapshotError, exported, read_flips, read_snapshot, schema_version
from apps.recommendations.snapshot.types import SCHEMA_VERSION, Snapshot
from apps.recommendations.snapshot.write import build_snapshot, command_document, flips_document, written_snapshot

__all__ = [
    "SCHEMA_VERSION",
    "Snapshot",
    "SnapshotError",
    "build_snapshot",
    "command_document",
    "exported",
    "flips_document",
    "read_flips",
    "read_snapshot",
    "schema_version",
    "written_snapshot",
]
