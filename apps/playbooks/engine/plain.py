"""The engine's results as JSON, written and read back by orjson's native code.

A recommendation's snapshot holds its whole evaluation: on a 500-rule playbook about five thousand values (the
regimes' obligations, the rules' reasons, every cost line). ``dataclasses.asdict`` deep-copies each of them in
Python and the standard library's encoder then walks them again; orjson encodes the frozen dataclasses directly
and reads the JSON back in a fraction of that time. What comes back is what ``json.loads(json.dumps(asdict(x)))``
gives (dataclasses as objects, tuples as arrays, keys as strings, numpy's numbers as numbers):
tests/playbooks/test_plain.py holds the two side by side. Pure: no Django.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson

_OPTIONS = orjson.OPT_NON_STR_KEYS | orjson.OPT_SERIALIZE_NUMPY


def dumps(value: Any) -> bytes:
    """``value`` as JSON (UTF-8). Raises TypeError for what JSON cannot hold (a Decimal, a set, an object);
    only the spelling differs from the json module's (non-ASCII characters as themselves, not escaped)."""
    return orjson.dumps(value, default=_other, option=_OPTIONS)


def json_ready(value: Any) -> Any:
    """``value`` as the JSON that stores it reads back (dataclasses as objects, tuples as lists, keys as strings)."""
    return orjson.loads(dumps(value))


def _other(value: Any) -> Any:
    if isinstance(value, Mapping):  # a read-only mapping (an evaluation's answers) is written as the dict it reads as
        return dict(value)
    raise TypeError(f"{type(value).__name__} is not JSON")
