"""Reference vendor directory: clearly fictional example vendors (see directory_io for the format)."""

from __future__ import annotations

from apps.vendors.directory_io import DATA_FILE, load

__all__ = ["DATA_FILE", "load"]
