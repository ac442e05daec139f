"""Answers packed into a few bytes by the playbook they were scored on, so that scoring many stored
recommendations again reads bytes into numpy instead of decoding a JSON document and encoding every
answer in Python.

A playbook's ``Layout`` gives each of its questions a fixed place in a numpy record: the index of the
chosen option (single choice, -1 for none), 0/1 (yes/no, -1 for none), a bit per option (multiple
choice, 0 for none) or the number itself (NaN for none). A recommendation's answers are one record's
bytes. ``pack`` returns None for any answers the record would not give back exactly, value and type (an
option the playbook does not have, a number past 2**53, a list out of option order...), so a caller
keeps such answers in their JSON form only and nothing is ever read back differently.

Packed answers mean nothing without the layout they were packed with: its ``digest`` is stored beside
them, and bytes under another digest are not read. Pure: no Django, no I/O.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import numpy.typing as npt

from apps.playbooks.engine.compiler import CompiledPlaybook, rule_index
from apps.playbooks.engine.types import INTEGER, MULTI, NUMERIC_KINDS, SINGLE, YES_NO

EXACT = 2**53  # a float64 holds every integer up to here; past it a number is not packed
_MASKS = ((8, "u1"), (16, "<u2"), (32, "<u4"), (64, "<u8"))


@dataclass(frozen=True)
class Field:
    question: str
    kind: str
    options: tuple[str, ...]  # single and multiple choice: the option codes, in the playbook's order


@dataclass(frozen=True)
class Layout:
    fields: tuple[Field, ...]
    dtype: np.dtype[Any]
    digest: str  # stored with each packed record: what the bytes mean

    @property
    def size(self) -> int:
        return int(self.dtype.itemsize)

    def field(self, question: str) -> Field | None:
        return self._by_code.get(question)

    @cached_property
    def _by_code(self) -> dict[str, Field]:
        return {f.question: f for f in self.fields}

    def unpack(self, data: bytes) -> dict[str, Any]:
        """The answers ``data`` holds (the inverse of ``pack``)."""
        record = np.frombuffer(data, self.dtype)[0]
        answers: dict[str, Any] = {}
        for f in self.fields:
            value = _value(f, record[f.question])
            if value is not None:
                answers[f.question] = value
        return answers

    def pack(self, answers: Mapping[str, Any]) -> bytes | None:
        """``answers`` as one record's bytes; None when the record could not give them back exactly."""
        record = self.empty(1)
        by_code = self._by_code
        for code, value in answers.items():
            if value is None:
                continue
            f = by_code.get(code) if isinstance(code, str) else None
            stored = _stored(f, value) if f is not None else None
            if stored is None:
                return None
            record[code][0] = stored
        data = record.tobytes()
        wanted = {code: value for code, value in answers.items() if value is not None}
        return data if _same(self.unpack(data), wanted) else None

    def empty(self, n: int) -> npt.NDArray[Any]:
        """``n`` records answering nothing."""
        record = np.zeros(n, self.dtype)
        for f in self.fields:
            if f.kind in NUMERIC_KINDS:
                record[f.question] = np.nan
            elif f.kind != MULTI:
                record[f.question] = -1
        return record


def layout(pb: CompiledPlaybook) -> Layout:
    """The layout of ``pb``'s questions (a question whose answers no record can hold, a multiple choice of
    more than 64 options, has no field: answers to it are not packed), worked out once per compiled playbook
    (every submit packs its answers by it)."""
    memo = rule_index(pb).memo
    found: Layout | None = memo.get("packed_layout")
    if found is None:
        found = memo["packed_layout"] = _layout(pb)
    return found


def _layout(pb: CompiledPlaybook) -> Layout:
    fields: list[Field] = []
    formats: list[tuple[str, str]] = []
    for q in pb.questions.values():
        options = tuple(o.code for o in q.options)
        if q.kind in NUMERIC_KINDS:
            fmt = "<f8"
        elif q.kind == YES_NO:
            fmt = "i1"
        elif q.kind == SINGLE:
            fmt = "i1" if len(options) < 128 else "<i2" if len(options) < 32_768 else ""
        elif q.kind == MULTI:
            fmt = next((f for bits, f in _MASKS if len(options) <= bits), "")
        else:  # pragma: no cover - kinds are validated
            fmt = ""
        if fmt:
            fields.append(Field(q.code, q.kind, options if q.kind in (SINGLE, MULTI) else ()))
            formats.append((q.code, fmt))
    dtype = np.dtype(formats)
    text = json.dumps([[f.question, f.kind, f.options, fmt] for f, (_, fmt) in zip(fields, formats, strict=True)])
    return Layout(tuple(fields), dtype, hashlib.sha256(text.encode()).hexdigest()[:16])


def _stored(f: Field, value: Any) -> Any:
    """What ``value`` is stored as in ``f``'s place; None when it cannot be."""
    if f.kind in NUMERIC_KINDS:
        if type(value) not in (int, float) or not math.isfinite(value) or abs(value) > EXACT:
            return None
        return float(value)
    if f.kind == YES_NO:
        return int(value) if type(value) is bool else None
    if f.kind == SINGLE:
        return f.options.index(value) if type(value) is str and value in f.options else None
    if type(value) is not list or not value or not all(type(v) is str and v in f.options for v in value):
        return None
    return sum(1 << f.options.index(v) for v in set(value))


def _value(f: Field, stored: Any) -> Any:
    if f.kind in NUMERIC_KINDS:
        x = float(stored)
        return None if math.isnan(x) else int(x) if f.kind == INTEGER else x
    if f.kind == YES_NO:
        return None if stored < 0 else bool(stored)
    if f.kind == SINGLE:
        return None if stored < 0 else f.options[int(stored)]
    mask = int(stored)
    return [o for i, o in enumerate(f.options) if mask >> i & 1] or None


def _same(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """Equal, and every value of the same type (1 is not True, 2 not 2.0)."""
    if a.keys() != b.keys():
        return False
    for code, value in a.items():
        other = b[code]
        if type(value) is not type(other) or value != other:
            return False
        if type(value) is list and any(type(v) is not str for v in other):
            return False
    return True
