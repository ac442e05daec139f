"""The naive baseline: a tree-walking interpreter of the same playbook JSON.

This is how JSON-logic style rule engines work: every evaluation walks each condition dict, looks
its operator up by name and compares values as it goes; nothing is compiled or indexed. It computes
the same outcome as ``apps.playbooks.engine.evaluate.outcome`` (verdict, fit score, top model,
unblocked score, number of blockers), which the benchmark asserts on every answer set. The
question kinds are read once up front, which only makes the baseline faster.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

BASE_SCORE = 50


class NaiveEngine:
    def __init__(self, definition: Mapping[str, Any]) -> None:
        self.d = definition
        self.kinds = {q["code"]: q["kind"] for s in definition["sections"] for q in s["questions"]}

    def test(self, cond: Mapping[str, Any], answers: Mapping[str, Any]) -> bool:
        op = cond["op"]
        value: Any = cond.get("value")
        given = answers.get(cond["question"])
        if op == "not_answered":
            return given is None
        if op == "not_one_of" and given is None:  # none of these, or no answer
            return True
        if given is None:
            return False
        if op == "answered":
            return True
        multi = self.kinds[cond["question"]] == "multi"
        values = value if isinstance(value, list) else [value]
        if op == "equals":
            return set(given) == set(values) if multi else given == value
        if op in ("one_of", "contains_any"):
            return any(v in given for v in values) if multi else given in values
        if op in ("none_of", "not_one_of"):
            return not any(v in given for v in values) if multi else given not in values
        if op == "contains_all":
            return all(v in given for v in values)
        if op == "at_least":
            return given >= value
        if op == "at_most":
            return given <= value
        if op == "between":
            return value[0] <= given <= value[1]
        raise ValueError(f"unknown operator {op!r}")

    def holds(self, conds: list[Mapping[str, Any]], mode: str, answers: Mapping[str, Any]) -> bool:
        if not conds:
            return True
        if mode == "any":
            return any(self.test(c, answers) for c in conds)
        return all(self.test(c, answers) for c in conds)

    def outcome(self, answers: Mapping[str, Any]) -> tuple[str, int, str | None, int, int]:
        effective: dict[str, Any] = {}
        for section in self.d["sections"]:
            if not self.holds(section.get("conditions", []), section.get("visible_when", "all"), effective):
                continue
            for q in section["questions"]:
                shown = self.holds(q.get("conditions", []), q.get("visible_when", "all"), effective)
                if shown and answers.get(q["code"]) is not None:
                    effective[q["code"]] = answers[q["code"]]
        models = self.d["catalogue"]["models"]
        scores = {c: 0 for c, m in models.items() if m.get("is_kpo", True) and not m.get("retired")}
        fit, blockers, gates = 0, 0, 0
        for rule in self.d["rules"]:
            if not self.holds(rule.get("conditions", []), rule.get("match", "all"), effective):
                continue
            for effect in rule["effects"]:
                if effect["kind"] == "fit":
                    fit += int(effect.get("points") or 0)
                elif effect["kind"] == "blocker":
                    blockers += 1
                elif effect["kind"] == "gate":
                    gates += 1
                elif effect["kind"] == "model" and effect["target"] in scores:
                    scores[effect["target"]] += int(effect.get("points") or 0)
        meta = self.d["playbook"]
        wins, conditional = int(meta.get("wins_threshold", 65)), int(meta.get("conditional_threshold", 45))
        unblocked = max(0, min(100, BASE_SCORE + fit))
        if blockers:
            score, verdict = min(unblocked, max(0, conditional - 1)), "doesnt_win"
        else:
            score = unblocked
            verdict = "wins" if score >= wins else "conditional" if score >= conditional else "doesnt_win"
            if verdict == "wins" and gates:  # an open gate caps the verdict at "on conditions"
                verdict = "conditional"

        # Ties: the documented rule (docs/scoring.md), the lighter commitment first: the shorter ramp-up
        # (12 months when not given), then fewer committed hours a year, then the code; never display order.
        def lighter(c: str) -> tuple[float, float, str]:
            ramp, hours = models[c].get("ramp_up_months"), models[c].get("commitment_hours")
            return (12.0 if ramp is None else float(ramp), float(hours or 0), c)

        ranked = sorted(scores, key=lambda c: (-scores[c], *lighter(c)))
        return verdict, score, ranked[0] if ranked else None, unblocked, blockers
