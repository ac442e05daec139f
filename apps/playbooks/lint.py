"""Lint: what is wrong with a playbook, before buyers find out. Runs on the playbook's definition.

Each finding names the part it is about (kind and code), so admin can link to the object to fix.
Errors block publishing; warnings do not. "Can never be visible" and "can never fire" are found by
a per-question check of each part's conditions (contradictory values, impossible ranges, tests on
questions that are themselves never visible); it is sound for what it reports, not exhaustive.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from apps.playbooks.engine import schema
from apps.playbooks.engine.conditions import CHOICE_OPS, condition_problem
from apps.playbooks.engine.conditions import RANGE_OPS as NUMERIC_OPS
from apps.playbooks.engine.types import (
    BUYER_FIGURE_ROLES,
    HOLDS_UNANSWERED,
    KINDS,
    MULTI,
    NUMERIC_KINDS,
    PERCENT,
    ROLES,
    SINGLE,
    TEXT_EFFECTS,
    YES_NO,
)

# Admin's condition form reports the same words as lint and the compiler: it imports this from here.
__all__ = ["ERROR", "WARNING", "Finding", "condition_problem", "lint"]

ERROR, WARNING = "error", "warning"


@dataclass(frozen=True)
class Finding:
    level: str
    kind: str  # "playbook", "section", "question", "rule"
    code: str
    message: str

    @property
    def is_error(self) -> bool:
        return self.level == ERROR


@dataclass
class _Q:
    code: str
    kind: str
    options: frozenset[Any]
    required: bool
    role: str


class _Linter:
    def __init__(self, definition: Mapping[str, Any]) -> None:
        self.d = definition
        self.findings: list[Finding] = []
        self.questions: dict[str, _Q] = {}
        self.never: set[str] = set()  # questions that can never be visible
        self.catalogue = definition.get("catalogue", {})

    def add(self, level: str, kind: str, code: str, message: str) -> None:
        self.findings.append(Finding(level, kind, code, message))

    # Conditions

    def _domain(self, q: _Q) -> set[Any] | None:
        if q.kind == YES_NO:
            return {True, False}
        if q.kind == SINGLE:
            return set(q.options)
        return None

    def check_conditions(self, kind: str, code: str, conds: Iterable[Mapping[str, Any]], mode: str) -> bool:
        """Report bad conditions; return True when they can be satisfied together."""
        conds = list(conds)
        satisfiable = []
        allowed: dict[str, set[Any]] = {}
        ranges: dict[str, list[float]] = {}
        for c in conds:
            subject = self.questions.get(str(c.get("question")))
            op, value = c.get("op"), c.get("value")
            where = f"condition on {c.get('question')!r}"
            problem = condition_problem(
                subject=subject.code if subject else str(c.get("question")),
                kind=subject.kind if subject else None,
                options=subject.options if subject else (),
                op=op,
                value=value,
            )
            if problem:
                self.add(ERROR, kind, code, problem)
            ok = subject is not None and not problem
            if subject is None:
                satisfiable.append(False)
                continue
            can_hold = ok and (subject.code not in self.never or op in HOLDS_UNANSWERED)
            if ok and op not in HOLDS_UNANSWERED and subject.code in self.never:
                self.add(WARNING, kind, code, f"{where}: that question can never be shown, so this never holds")
            if can_hold and mode != "any":
                self._narrow(subject, str(op), value, allowed, ranges)  # a known operator: checked above
            satisfiable.append(can_hold)
        if not conds:
            return True
        if mode == "any":
            return any(satisfiable)
        if not all(satisfiable):
            return False
        return all(allowed.get(q, {None}) for q in allowed) and all(lo <= hi for lo, hi in ranges.values())

    def _narrow(self, q: _Q, op: str, value: Any, allowed: dict[str, set[Any]], ranges: dict[str, list[float]]) -> None:
        domain = self._domain(q)
        if domain is not None and op in CHOICE_OPS:
            values = set(value if isinstance(value, list) else [value])
            current = allowed.setdefault(q.code, {*domain, None})  # None: no answer
            if op in ("equals", "one_of"):
                current &= values
            elif op == "none_of":
                current -= {*values, None}
            else:  # not_one_of: no answer still holds
                current -= values
        elif q.kind in NUMERIC_KINDS and op in NUMERIC_OPS:
            lo, hi = ranges.setdefault(q.code, [float("-inf"), float("inf")])
            if op == "at_least":
                lo = max(lo, float(value))
            elif op == "at_most":
                hi = min(hi, float(value))
            else:
                lo, hi = max(lo, float(value[0])), min(hi, float(value[1]))
            ranges[q.code] = [lo, hi]

    # The parts

    def run(self) -> list[Finding]:
        meta = self.d.get("playbook", {})
        wins, conditional = (
            meta.get("wins_threshold", schema.WINS_THRESHOLD),
            meta.get("conditional_threshold", schema.CONDITIONAL_THRESHOLD),
        )
        if not (isinstance(wins, int) and isinstance(conditional, int) and 0 <= conditional <= wins <= 100):
            self.add(ERROR, "playbook", "", "verdict thresholds must satisfy 0 ≤ conditional ≤ wins ≤ 100")
        seen_sections: set[str] = set()
        for section in self.d.get("sections", []):
            self.section(section, seen_sections)
        self.roles()
        self.consumer_roles()
        self.buyer_figure_roles()
        seen_rules: set[str] = set()
        for rule in self.d.get("rules", []):
            self.rule(rule, seen_rules)
        return self.findings

    def section(self, section: Mapping[str, Any], seen: set[str]) -> None:
        code = str(section.get("code", ""))
        if code in seen:
            self.add(ERROR, "section", code, f"the section code {code!r} is used twice")
        seen.add(code)
        visible = self.check_conditions(
            "section", code, section.get("conditions", []), section.get("visible_when", schema.MODE)
        )
        if not visible:
            self.add(WARNING, "section", code, "this section can never be shown")
        if not section.get("questions"):
            self.add(WARNING, "section", code, "this section has no questions")
        for q in section.get("questions", []):
            self.question(q, section_visible=visible)

    def question(self, q: Mapping[str, Any], *, section_visible: bool) -> None:
        code = str(q.get("code", ""))
        if code in self.questions:
            self.add(ERROR, "question", code, f"the question code {code!r} is used twice")
        kind = q.get("kind")
        if kind not in KINDS:
            self.add(ERROR, "question", code, f"unknown kind {kind!r}")
        options = [o.get("code") for o in q.get("options", [])]
        if kind in (SINGLE, MULTI) and not options:
            self.add(ERROR, "question", code, "a choice question needs options")
        if len(set(options)) != len(options):
            self.add(ERROR, "question", code, "option codes repeat")
        lo, hi = q.get("min"), q.get("max")
        if lo is not None and hi is not None and lo > hi:
            self.add(ERROR, "question", code, "the minimum is above the maximum")
        visible = section_visible and self.check_conditions(
            "question", code, q.get("conditions", []), q.get("visible_when", schema.MODE)
        )
        entry = _Q(code, str(kind), frozenset(options), bool(q.get("required", True)), str(q.get("role") or ""))
        if not visible:
            self.never.add(code)
            if entry.required:
                self.add(WARNING, "question", code, "required, but hidden on every path: it can never be shown")
            else:
                self.add(WARNING, "question", code, "this question can never be shown")
        self.questions.setdefault(code, entry)

    def roles(self) -> None:
        roles = {q.role: q.code for q in self.questions.values() if q.role}
        for role in ("function",):
            if role not in roles:
                self.add(
                    WARNING,
                    "playbook",
                    "",
                    "no question has the 'function' role: the cost model needs the knowledge function",
                )
        if "annual_hours" not in roles and "team_size" not in roles:
            self.add(
                WARNING,
                "playbook",
                "",
                "no question has the 'annual_hours' or 'team_size' role: costs cannot be estimated",
            )
        if "horizon" not in roles:
            self.add(WARNING, "playbook", "", "no question has the 'horizon' role: costs use a 3-year default")
        for role in roles:
            if role not in ROLES:
                self.add(ERROR, "question", roles[role], f"unknown cost role {role!r}")
        peak = self.questions.get(roles.get("peak_share", ""))
        if peak is not None and peak.kind != PERCENT:
            self.add(
                ERROR,
                "question",
                peak.code,
                f"the 'peak_share' role needs a percentage question, not {peak.kind!r}: the cost reads it as one",
            )

        shape = self.questions.get(roles.get("demand_pattern", ""))
        if shape is not None and (shape.kind != SINGLE or not {"one-off", "seasonal"} & shape.options):
            self.add(
                ERROR,
                "question",
                shape.code,
                "the 'demand_pattern' role needs a single-choice question with the options 'one-off' or 'seasonal': "
                "the launch time reads them",
            )

    def consumer_roles(self) -> None:
        """The recommendation's consumers find these answers by role, never by question code: without the
        role, the feature is silently off for every recommendation made on this playbook."""
        roles = {q.role for q in self.questions.values() if q.role}
        for role, feature in CONSUMER_ROLES.items():
            if role not in roles:
                self.add(WARNING, "playbook", "", f"no question has the {role!r} role: {feature}")

    def buyer_figure_roles(self) -> None:
        """The buyer's own figures (their in-house cost, a quote, the staff displaced) are numbers the cost
        reads as they are: a choice question cannot give one, and most buyers have none, so asking for one
        as required would stop them at a figure they do not have."""
        for q in self.questions.values():
            if q.role not in BUYER_FIGURE_ROLES:
                continue
            if q.kind not in NUMERIC_KINDS:
                self.add(ERROR, "question", q.code, f"the {q.role!r} role needs a number question, not {q.kind!r}")
            if q.required:
                self.add(
                    WARNING,
                    "question",
                    q.code,
                    f"the {q.role!r} role is the buyer's own figure: make it optional, most buyers have none",
                )

    def rule(self, rule: Mapping[str, Any], seen: set[str]) -> None:
        code = str(rule.get("code", ""))
        if code in seen:
            self.add(ERROR, "rule", code, f"the rule code {code!r} is used twice")
        seen.add(code)
        if not self.check_conditions("rule", code, rule.get("conditions", []), rule.get("match", schema.MODE)):
            self.add(WARNING, "rule", code, "this rule can never fire")
        effects = rule.get("effects", [])
        if not effects:
            self.add(ERROR, "rule", code, "this rule has no effects")
        targets = {"model": "models", "regime": "regimes", "location": "locations"}
        for effect in effects:
            kind = effect.get("kind")
            # A risk may name a location: it is shown only when the work is delivered from there.
            named = "location" if kind == "risk" and effect.get("target") else kind
            if named in targets:
                entry = self.catalogue.get(targets[named], {}).get(effect.get("target"))
                if entry is None:
                    self.add(
                        ERROR, "rule", code, f"its {kind} effect names an unknown {named} {effect.get('target')!r}"
                    )
                elif entry.get("retired"):
                    self.add(
                        WARNING, "rule", code, f"its {kind} effect names the retired {named} {effect.get('target')!r}"
                    )
            if kind in TEXT_EFFECTS and not effect.get("text"):
                self.add(ERROR, "rule", code, f"its {kind} effect has no text")
            points = effect.get("points")
            if isinstance(points, int) and abs(points) > schema.MAX_POINTS:
                self.add(
                    ERROR,
                    "rule",
                    code,
                    f"its {kind} effect's points ({points:+d}) are beyond ±{schema.MAX_POINTS}: scores run 0 to 100,"
                    " so one rule would outweigh every other",
                )
            if kind == "gate" and effect.get("points"):
                self.add(WARNING, "rule", code, "a gate caps the verdict and carries no points: its points are ignored")
            if kind != "gate" and effect.get("notice"):
                self.add(WARNING, "rule", code, f"only a gate can be a notice: its {kind} effect's notice is ignored")
            if kind != "gate" and effect.get("evidence"):
                self.add(WARNING, "rule", code, f"only a gate can be evidence: its {kind} effect's evidence is ignored")
            if kind != "gate" and effect.get("own"):
                self.add(
                    WARNING, "rule", code, f"only a gate can be yours to arrange: its {kind} effect's own is ignored"
                )
            if kind == "gate" and sum(bool(effect.get(k)) for k in ("notice", "evidence", "own")) > 1:
                self.add(ERROR, "rule", code, "a gate is one of a notice, the provider's evidence or yours to arrange")
        kinds = {effect.get("kind") for effect in effects}
        if {"gate", "blocker"} <= kinds:
            self.add(WARNING, "rule", code, "it blocks KPO, so its gate never changes the verdict")


# Roles read by the recommendation's consumers (vendor matching, the locations table, the trade-offs),
# and what is lost without them. The other requirement roles (data location, on site, licensed sign-off,
# cost priority) are asks a playbook may leave to its rules, so their absence is no finding.
CONSUMER_ROLES = {
    "buyer_location": "the locations table shows every overlap column and matching cannot require overlap",
    "overlap_hours": "vendor matching cannot require working-hours overlap",
    "vendor_assurance": "vendor matching cannot require a SOC 2 report or an ISO 27001 certificate",
    "preferred_region": "a preferred delivery region is never weighed, nor its trade-offs named",
    "overnight_turnaround": "a wish for overnight turnaround is never weighed against the overlap needed",
}


def lint(definition: Mapping[str, Any]) -> list[Finding]:
    """Every finding for ``definition`` (a playbook's parts plus its catalogue snapshot)."""
    return _Linter(definition).run()
