"""Generated playbooks and answer sets for the engine and request benchmarks.

A generated playbook has the shape a curator's large playbook would have: the cost questions
(function, hours, team size, deliverables, horizon, home market), then sections of single- and
multiple-choice, yes/no and numeric questions, some shown only on earlier answers; and rules with one
to four conditions (equals, one of, none of, none of or unanswered, contains any/all, at least, at most,
between, answered) matched on all or any of them, each with fit, model, location, regime, risk or
(rarely) blocker effects naming real catalogue entries. The same seed always gives the same playbook.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import Any

QUESTIONS_PER_SECTION = 8
KIND_WEIGHTS = {"single": 40, "multi": 20, "yes_no": 20, "integer": 10, "money": 5, "percent": 5}
NUMERIC_RANGES = {"integer": (0, 200), "money": (0, 2_000_000), "percent": (0, 100)}


def _live(entries: Mapping[str, Mapping[str, Any]], **where: Any) -> list[str]:
    return [c for c, e in entries.items() if not e.get("retired") and all(e.get(k) == v for k, v in where.items())]


def _cost_section(catalogue: Mapping[str, Any]) -> dict[str, Any]:
    functions = _live(catalogue["functions"])
    number = {"kind": "integer", "required": False, "min": 0, "max": None, "unit": ""}
    return {
        "code": "cost",
        "title": "The work and its volume",
        "intro": "",
        "visible_when": "all",
        "conditions": [],
        "questions": [
            {
                "code": "function",
                "prompt": "Which kind of knowledge work?",
                "kind": "single",
                "required": True,
                "role": "function",
                "options": [{"code": f, "label": catalogue["functions"][f].get("name", f)} for f in functions],
            },
            {**number, "code": "annual_hours", "prompt": "Hours a year", "role": "annual_hours", "max": 200_000},
            {**number, "code": "team_size", "prompt": "People", "role": "team_size", "min": 1, "max": 500},
            {**number, "code": "deliverables", "prompt": "Deliverables a year", "role": "deliverables", "max": 5000},
            {**number, "code": "horizon", "prompt": "Years", "role": "horizon", "min": 1, "max": 10},
            {
                "code": "home_market",
                "prompt": "Home market",
                "kind": "single",
                "required": True,
                "role": "home_market",
                "options": [{"code": "us", "label": "United States"}, {"code": "uk", "label": "United Kingdom"}],
            },
        ],
    }


def _question(rng: random.Random, code: str) -> dict[str, Any]:
    kind = rng.choices(list(KIND_WEIGHTS), weights=list(KIND_WEIGHTS.values()))[0]
    q: dict[str, Any] = {
        "code": code,
        "prompt": f"Question {code}",
        "kind": kind,
        "required": rng.random() < 0.7,
        "visible_when": "all",
        "conditions": [],
    }
    if kind in ("single", "multi"):
        q["options"] = [{"code": f"o{i}", "label": f"Option {i}"} for i in range(rng.randint(3, 6))]
    if kind in NUMERIC_RANGES:
        q["min"], q["max"] = NUMERIC_RANGES[kind]
    return q


def _options(q: Mapping[str, Any]) -> list[str]:
    return [o["code"] for o in q.get("options", [])]


def condition(rng: random.Random, q: Mapping[str, Any]) -> dict[str, Any]:
    """A condition on ``q`` that is true for some but not all answers."""
    kind, code = q["kind"], q["code"]
    if rng.random() < 0.03:
        return {"question": code, "op": "answered", "value": None}
    if kind == "yes_no":
        return {"question": code, "op": "equals", "value": rng.random() < 0.5}
    if kind in NUMERIC_RANGES:
        lo, hi = q.get("min") or 0, q.get("max") or NUMERIC_RANGES[kind][1]
        a, b = sorted(rng.randint(lo, hi) for _ in range(2))
        op = rng.choice(("at_least", "at_most", "between"))
        return {"question": code, "op": op, "value": [a, b] if op == "between" else a}
    options = _options(q)
    if kind == "single":
        op = rng.choices(("equals", "one_of", "none_of", "not_one_of"), weights=(5, 3, 1, 1))[0]
        if op == "equals":
            return {"question": code, "op": op, "value": rng.choice(options)}
        return {"question": code, "op": op, "value": rng.sample(options, rng.randint(1, max(1, len(options) // 2)))}
    op = rng.choices(("contains_any", "contains_all", "none_of", "not_one_of", "equals"), weights=(5, 2, 1, 1, 1))[0]
    return {"question": code, "op": op, "value": rng.sample(options, rng.randint(1, 2))}


def _effect(rng: random.Random, catalogue: Mapping[str, Any]) -> dict[str, Any]:
    kind = rng.choices(("fit", "model", "location", "regime", "risk", "blocker"), weights=(40, 30, 10, 10, 8, 0.5))[0]
    if kind == "fit":
        return {"kind": kind, "points": rng.choice((-10, -6, -4, -3, -2, -1, 1, 2, 3, 4, 6, 10))}
    if kind in ("model", "location", "regime"):
        entries = catalogue[{"model": "models", "location": "locations", "regime": "regimes"}[kind]]
        live = _live(entries, is_kpo=True) if kind == "model" else _live(entries)
        return {"kind": kind, "target": rng.choice(live), "points": rng.randint(-5, 10) if kind != "regime" else 0}
    if kind == "risk":
        severity = rng.choice(("low", "medium", "high"))
        return {"kind": kind, "text": "A generated risk", "severity": severity, "mitigation": "Plan for it."}
    return {"kind": kind, "text": "A generated blocker"}


def generate_playbook(
    n_rules: int, *, catalogue: Mapping[str, Any], n_questions: int = 80, seed: int = 8, gates: float = 0.0
) -> dict[str, Any]:
    """A playbook definition (the import format plus its catalogue) with ``n_rules`` rules; with ``gates``,
    about that share of them also carries a gate (which caps "wins" at "conditional"). The gates come from
    a generator of their own, so the same seed gives the same rules with or without them."""
    rng = random.Random(seed * 1_000_003 + n_rules)
    sections = [_cost_section(catalogue)]
    earlier: list[dict[str, Any]] = list(sections[0]["questions"])
    for s in range(max(1, n_questions // QUESTIONS_PER_SECTION)):
        section: dict[str, Any] = {
            "code": f"s{s}",
            "title": f"Section {s}",
            "intro": "",
            "visible_when": "all",
            "conditions": [],
            "questions": [],
        }
        if s and rng.random() < 0.2:  # a few sections only for some answers
            section["conditions"] = [condition(rng, rng.choice(earlier))]
        for i in range(QUESTIONS_PER_SECTION):
            q = _question(rng, f"q{s}_{i}")
            if rng.random() < 0.25:  # follow-up questions, shown on an earlier answer
                q["visible_when"] = rng.choice(("all", "any"))
                q["conditions"] = [condition(rng, rng.choice(earlier)) for _ in range(rng.randint(1, 2))]
            section["questions"].append(q)
        earlier.extend(section["questions"])
        sections.append(section)
    rules: list[dict[str, Any]] = []
    for r in range(n_rules):
        conds = [condition(rng, rng.choice(earlier)) for _ in range(rng.choices((1, 2, 3, 4), (30, 40, 20, 10))[0])]
        rules.append(
            {
                "code": f"r{r}",
                "name": f"Generated rule {r}",
                "rationale": "Generated for the benchmark.",
                "match": "any" if rng.random() < 0.2 else "all",
                "conditions": conds,
                "effects": [_effect(rng, catalogue) for _ in range(rng.choices((1, 2, 3), (60, 30, 10))[0])],
            }
        )
    if gates:
        gate_rng = random.Random(seed * 1_000_033 + n_rules)
        for rule in rules:
            if gate_rng.random() < gates:
                rule["effects"].append({"kind": "gate", "text": "A generated gate"})
    return {
        "format": "kpo-playbook",
        "format_version": 1,
        "playbook": {"title": f"Generated, {n_rules} rules", "wins_threshold": 65, "conditional_threshold": 45},
        "sections": sections,
        "rules": rules,
        "golden_cases": [],
        "catalogue": catalogue,
    }


def answer_value(rng: random.Random, q: Mapping[str, Any]) -> Any:
    kind = q["kind"]
    if kind == "yes_no":
        return rng.random() < 0.5
    if kind == "single":
        return rng.choice(_options(q))
    if kind == "multi":
        options = _options(q)
        return sorted(rng.sample(options, rng.randint(1, min(3, len(options)))))
    lo: Any = q.get("min") or 0
    hi: Any = q.get("max")
    return rng.randint(int(lo), int(NUMERIC_RANGES[kind][1] if hi is None else hi))


def answer_sets(definition: Mapping[str, Any], n: int, *, seed: int = 11, answered: float = 0.9) -> list[dict]:
    """``n`` random answer sets: each question answered with probability ``answered``."""
    rng = random.Random(seed)
    questions = [q for s in definition["sections"] for q in s["questions"]]
    return [{q["code"]: answer_value(rng, q) for q in questions if rng.random() < answered} for _ in range(n)]
