"""``dataclasses.asdict`` for the engine's frozen results, without its cost.

``asdict`` deep-copies every leaf it meets and asks ``fields()`` of every instance afresh: on a 500-rule
evaluation that was most of the time spent writing a recommendation's snapshot. The engine's results are frozen
dataclasses over tuples, dicts and immutable leaves (str, int, float, bool, None), so those leaves can be shared
and each class's field names read once. Anything else is copied exactly as ``asdict`` copies it, so the result is
always equal to ``asdict``'s (tests/playbooks/test_plain.py holds the two side by side).
"""

from __future__ import annotations

import copy
from dataclasses import fields, is_dataclass
from typing import Any

_IMMUTABLE = frozenset({str, int, float, bool, type(None)})
_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def plain(value: Any) -> Any:
    """``value`` as ``dataclasses.asdict`` would give it (for a dataclass instance: a dict of its fields)."""
    kind = type(value)
    if kind in _IMMUTABLE:
        return value
    names = _FIELD_NAMES.get(kind)
    if names is None and is_dataclass(kind):
        names = _FIELD_NAMES[kind] = tuple(f.name for f in fields(kind))
    if names is not None:
        return {name: plain(getattr(value, name)) for name in names}
    if kind is tuple or kind is list:
        return kind(plain(item) for item in value)
    if kind is dict:
        return {plain(key): plain(item) for key, item in value.items()}
    if isinstance(value, tuple) and hasattr(value, "_fields"):  # a named tuple, rebuilt field by field
        return kind(*[plain(item) for item in value])
    if isinstance(value, (list, tuple)):
        return kind(plain(item) for item in value)
    if isinstance(value, dict):
        return kind((plain(key), plain(item)) for key, item in value.items())
    return copy.deepcopy(value)
