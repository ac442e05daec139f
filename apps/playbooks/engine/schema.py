"""The playbook file's schema: its format name and version, each part's keys with the JSON types they take,
and the defaults of the keys a file may leave out.

One home for the mapping: the export writes these keys (``services.export_playbook_data``, from
``definition.playbook_parts``), the import checks and reads them (``services.import_playbook``), and the
compiler and lint read a definition with the same defaults.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

FORMAT = "kpo-playbook"
FORMAT_VERSION = 1
WINS_THRESHOLD = 65  # the fit score from which KPO wins, when a file does not say
# The most one effect may add or take away: scores run 0 to 100, so more would let one rule outweigh every other
# (lint refuses it; the admin's box takes no more).
MAX_POINTS = 100
CONDITIONAL_THRESHOLD = 45  # ... and from which it wins on conditions
MODE = "all"  # a part's conditions combine with "all" unless it says "any"

# The file's shape: each part's keys and the JSON types they take (a missing key takes its default).
# Anything else would be stored as it came (a golden case's regimes_present of 5), and then the golden
# report and publishing would fail on it: a draft nobody could publish.
NUMBER = (int, float, Decimal)
TEXT_OR_NULL = (str, None)
SHAPES: dict[str, dict[str, Any]] = {
    "playbook": {"title": str, "notes": TEXT_OR_NULL, "wins_threshold": int, "conditional_threshold": int},
    "section": {
        "code": str, "title": TEXT_OR_NULL, "intro": TEXT_OR_NULL, "visible_when": str,
        "conditions": list, "questions": list,
    },
    "question": {
        "code": str, "prompt": TEXT_OR_NULL, "help": TEXT_OR_NULL, "kind": str, "required": bool,
        "min": (*NUMBER, None), "max": (*NUMBER, None), "unit": TEXT_OR_NULL, "role": TEXT_OR_NULL,
        "fixed": (bool, None), "visible_when": str, "conditions": list, "options": list,
    },
    "option": {"code": str, "label": TEXT_OR_NULL, "help": TEXT_OR_NULL},
    "condition": {"question": str, "op": str},
    "rule": {
        "code": str, "name": TEXT_OR_NULL, "rationale": TEXT_OR_NULL, "match": str, "enabled": bool,
        "conditions": list, "effects": list,
    },
    "effect": {
        "kind": str, "points": (int, None), "target": TEXT_OR_NULL, "text": TEXT_OR_NULL,
        "severity": TEXT_OR_NULL, "mitigation": TEXT_OR_NULL, "notice": (bool, None), "evidence": (bool, None),
        "own": (bool, None),
        "model": TEXT_OR_NULL,
    },
    "golden case": {
        "name": str, "why": TEXT_OR_NULL, "answers": Mapping, "expected_verdict": TEXT_OR_NULL,
        "expected_top_model": TEXT_OR_NULL, "regimes_present": list, "regimes_absent": list,
        "fit_min": (int, None), "fit_max": (int, None),
    },
}  # fmt: skip
