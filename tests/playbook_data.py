"""A small playbook for tests: three sections, branching, every question kind, and a few rules."""

from __future__ import annotations

import copy
from typing import Any

SMALL: dict[str, Any] = {
    "format": "kpo-playbook",
    "format_version": 1,
    "playbook": {"title": "Small test playbook", "notes": "", "wins_threshold": 65, "conditional_threshold": 45},
    "sections": [
        {
            "code": "work",
            "title": "The work",
            "intro": "",
            "visible_when": "all",
            "conditions": [],
            "questions": [
                {
                    "code": "function",
                    "prompt": "Which knowledge function?",
                    "help": "The kind of work.",
                    "kind": "single",
                    "required": True,
                    "role": "function",
                    "options": [
                        {"code": "research", "label": "Equity research"},
                        {"code": "legal", "label": "Legal review"},
                    ],
                },
                {
                    "code": "judgement",
                    "prompt": "Is the work judgement-based?",
                    "help": "Rules-based work is BPO.",
                    "kind": "yes_no",
                    "required": True,
                },
                {
                    "code": "distributed_us",
                    "prompt": "Is the research distributed to US investors?",
                    "help": "Reg AC applies to research reports given to US persons.",
                    "kind": "yes_no",
                    "required": True,
                    "conditions": [{"question": "function", "op": "equals", "value": "research"}],
                },
                {
                    "code": "broker",
                    "prompt": "Through a broker-dealer?",
                    "help": "",
                    "kind": "yes_no",
                    "required": False,
                    "conditions": [{"question": "distributed_us", "op": "equals", "value": True}],
                },
            ],
        },
        {
            "code": "volume",
            "title": "Volume",
            "intro": "",
            "conditions": [{"question": "judgement", "op": "equals", "value": True}],
            "questions": [
                {
                    "code": "hours",
                    "prompt": "Hours a year",
                    "help": "",
                    "kind": "integer",
                    "required": True,
                    "min": 0,
                    "max": 1000000,
                    "unit": "hours a year",
                    "role": "annual_hours",
                },
                {
                    "code": "budget",
                    "prompt": "Budget",
                    "help": "",
                    "kind": "money",
                    "required": False,
                    "min": 0,
                },
                {
                    "code": "share",
                    "prompt": "Share of work offshore",
                    "help": "",
                    "kind": "percent",
                    "required": False,
                },
            ],
        },
        {
            "code": "data",
            "title": "Data",
            "intro": "",
            "questions": [
                {
                    "code": "data",
                    "prompt": "Which data is involved?",
                    "help": "",
                    "kind": "multi",
                    "required": True,
                    "options": [
                        {"code": "phi", "label": "Health data"},
                        {"code": "eu", "label": "EU personal data"},
                        {"code": "none", "label": "None of these"},
                    ],
                },
                {
                    "code": "covered",
                    "prompt": "Are you a HIPAA covered entity?",
                    "help": "",
                    "kind": "yes_no",
                    "required": True,
                    "conditions": [{"question": "data", "op": "contains_any", "value": ["phi"]}],
                },
            ],
        },
    ],
    "rules": [
        {
            "code": "judgement-fit",
            "name": "Judgement-based work",
            "rationale": "KPO is for judgement-based work.",
            "match": "all",
            "conditions": [{"question": "judgement", "op": "equals", "value": True}],
            "effects": [{"kind": "fit", "points": 20}],
        },
        {
            "code": "rules-based",
            "name": "Rules-based work is BPO",
            "rationale": "Rules-based transactional work is BPO, not KPO.",
            "match": "all",
            "conditions": [{"question": "judgement", "op": "equals", "value": False}],
            "effects": [{"kind": "blocker", "text": "This is rules-based work: BPO, not KPO."}],
        },
    ],
    "golden_cases": [],
}


def small_playbook(**changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(SMALL)
    data.update(changes)
    return data
