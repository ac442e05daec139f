"""Compiling a playbook definition (plain JSON-able data) into closures the evaluator runs.

The definition is what publishing freezes into ``Playbook.definition``; drafts build it on the fly.
Compilation checks the structure and refuses it with every problem listed (DefinitionError).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from apps.playbooks.engine.conditions import ConditionError, combine, compile_condition
from apps.playbooks.engine.types import (
    KINDS,
    MULTI,
    OPERATORS,
    ROLES,
    SINGLE,
    YES_NO,
    Catalogue,
    Condition,
    Effect,
    Option,
    Predicate,
    Question,
    Rule,
    Section,
)

SEVERITIES = ("low", "medium", "high")
EFFECT_KINDS = ("fit", "model", "blocker", "regime", "risk", "location")
CATALOGUE_OF = {"model": "models", "regime": "regimes", "location": "locations"}


class DefinitionError(ValueError):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class CompiledPlaybook:
    id: Any
    version: int | None
    title: str
    wins_threshold: int
    conditional_threshold: int
    sections: tuple[Section, ...]
    questions: Mapping[str, Question]
    section_visible: Mapping[str, Predicate]
    question_visible: Mapping[str, Predicate]
    section_conditions: Mapping[str, tuple[tuple[Condition, ...], str]]
    question_conditions: Mapping[str, tuple[tuple[Condition, ...], str]]
    rules: tuple[tuple[Rule, Predicate], ...]
    roles: Mapping[str, str]
    catalogue: Catalogue

    @property
    def order(self) -> tuple[str, ...]:
        return tuple(self.questions)


def _conditions(raw: Any, where: str, problems: list[str]) -> tuple[Condition, ...]:
    if not isinstance(raw, list):
        problems.append(f"{where}: conditions must be a list")
        return ()
    out = []
    for item in raw:
        if not isinstance(item, Mapping) or not isinstance(item.get("question"), str):
            problems.append(f"{where}: each condition needs a question code")
            continue
        op = item.get("op")
        if op not in OPERATORS:
            problems.append(f"{where}: unknown operator {op!r}")
            continue
        out.append(Condition(question=item["question"], op=op, value=item.get("value")))
    return tuple(out)


def _check_values(cond: Condition, subject: Question, where: str, problems: list[str]) -> None:
    if cond.op in ("answered", "not_answered"):
        return
    if subject.kind == YES_NO:
        values = cond.value if isinstance(cond.value, list) else [cond.value]
        if not all(isinstance(v, bool) for v in values):
            problems.append(f"{where}: {cond.question} is a yes/no question; compare it with true or false")
        return
    if subject.kind not in (SINGLE, MULTI):
        return
    values = cond.value if isinstance(cond.value, list) else [cond.value]
    unknown = [v for v in values if v not in subject.option_codes]
    if unknown:
        problems.append(f"{where}: {cond.question} has no option {', '.join(map(str, unknown))}")


def _predicate(
    conds: tuple[Condition, ...], mode: str, known: Mapping[str, Question], where: str, problems: list[str]
) -> Predicate:
    preds = []
    for cond in conds:
        subject = known.get(cond.question)
        if subject is None:
            problems.append(f"{where}: condition on {cond.question!r}, which is not an earlier question")
            continue
        _check_values(cond, subject, where, problems)
        try:
            preds.append(compile_condition(cond, subject))
        except ConditionError as exc:
            problems.append(f"{where}: {exc}")
    return combine(preds, mode)


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


def _question(raw: Mapping[str, Any], section: str, position: int, problems: list[str]) -> Question | None:
    code = raw.get("code")
    if not isinstance(code, str) or not code:
        problems.append(f"section {section}: a question has no code")
        return None
    kind = raw.get("kind")
    if kind not in KINDS:
        problems.append(f"question {code}: unknown kind {kind!r}")
        return None
    options = tuple(
        Option(code=str(o["code"]), label=str(o.get("label", o["code"])), help=str(o.get("help", "")))
        for o in raw.get("options", [])
    )
    if kind in (SINGLE, MULTI) and not options:
        problems.append(f"question {code}: a choice question needs options")
    if len({o.code for o in options}) != len(options):
        problems.append(f"question {code}: option codes repeat")
    role = raw.get("role") or ""
    if role and role not in ROLES:
        problems.append(f"question {code}: unknown role {role!r}")
    return Question(
        code=code,
        section=section,
        prompt=str(raw.get("prompt", code)),
        kind=kind,
        required=bool(raw.get("required", True)),
        help=str(raw.get("help", "")),
        options=options,
        min=_number(raw.get("min")),
        max=_number(raw.get("max")),
        unit=str(raw.get("unit", "")),
        role=role,
        position=position,
    )


def _effects(raw: Any, rule: str, catalogue: Catalogue, problems: list[str]) -> tuple[Effect, ...]:
    out = []
    for item in raw if isinstance(raw, list) else []:
        kind = item.get("kind")
        if kind not in EFFECT_KINDS:
            problems.append(f"rule {rule}: unknown effect kind {kind!r}")
            continue
        target = str(item.get("target") or "")
        if kind in CATALOGUE_OF:
            entries = getattr(catalogue, CATALOGUE_OF[kind])
            if target not in entries:
                problems.append(f"rule {rule}: {kind} effect names unknown {kind} {target!r}")
                continue
        if kind in ("blocker", "risk") and not item.get("text"):
            problems.append(f"rule {rule}: a {kind} needs its text")
        if kind == "risk" and item.get("severity", "") not in SEVERITIES:
            problems.append(f"rule {rule}: risk severity must be low, medium or high")
        out.append(
            Effect(
                kind=kind,
                points=int(item.get("points") or 0),
                target=target,
                text=str(item.get("text", "")),
                severity=str(item.get("severity", "")),
                mitigation=str(item.get("mitigation", "")),
            )
        )
    if not out:
        problems.append(f"rule {rule}: it has no effects")
    return tuple(out)


def compile_playbook(definition: Mapping[str, Any]) -> CompiledPlaybook:
    """Compile ``definition``; raise DefinitionError listing every problem found."""
    problems: list[str] = []
    meta = definition.get("playbook", {})
    cat = definition.get("catalogue", {})
    catalogue = Catalogue(
        models=MappingProxyType(dict(cat.get("models", {}))),
        functions=MappingProxyType(dict(cat.get("functions", {}))),
        locations=MappingProxyType(dict(cat.get("locations", {}))),
        regimes=MappingProxyType(dict(cat.get("regimes", {}))),
    )
    questions: dict[str, Question] = {}
    sections: list[Section] = []
    section_visible: dict[str, Predicate] = {}
    question_visible: dict[str, Predicate] = {}
    section_conditions: dict[str, tuple[tuple[Condition, ...], str]] = {}
    question_conditions: dict[str, tuple[tuple[Condition, ...], str]] = {}
    roles: dict[str, str] = {}
    section_codes: set[str] = set()
    position = 0
    for raw_section in definition.get("sections", []):
        scode = str(raw_section.get("code", ""))
        if not scode or scode in section_codes:
            problems.append(f"section {scode!r}: missing or repeated code")
        section_codes.add(scode)
        smode = raw_section.get("visible_when", "all")
        sconds = _conditions(raw_section.get("conditions", []), f"section {scode}", problems)
        section_visible[scode] = _predicate(sconds, smode, questions, f"section {scode}", problems)
        section_conditions[scode] = (sconds, smode)
        codes = []
        for raw_q in raw_section.get("questions", []):
            q = _question(raw_q, scode, position, problems)
            if q is None:
                continue
            if q.code in questions:
                problems.append(f"question {q.code}: the code is used twice")
                continue
            qmode = raw_q.get("visible_when", "all")
            qconds = _conditions(raw_q.get("conditions", []), f"question {q.code}", problems)
            question_visible[q.code] = _predicate(qconds, qmode, questions, f"question {q.code}", problems)
            question_conditions[q.code] = (qconds, qmode)
            questions[q.code] = q
            codes.append(q.code)
            position += 1
            if q.role:
                if q.role in roles:
                    problems.append(f"question {q.code}: role {q.role} is already {roles[q.role]}'s")
                roles[q.role] = q.code
        sections.append(
            Section(
                code=scode,
                title=str(raw_section.get("title", scode)),
                intro=str(raw_section.get("intro", "")),
                questions=tuple(codes),
            )
        )

    rules: list[tuple[Rule, Predicate]] = []
    rule_codes: set[str] = set()
    for index, raw_rule in enumerate(definition.get("rules", [])):
        rcode = str(raw_rule.get("code", ""))
        if not rcode or rcode in rule_codes:
            problems.append(f"rule {rcode!r}: missing or repeated code")
        rule_codes.add(rcode)
        match = raw_rule.get("match", "all")
        conds = _conditions(raw_rule.get("conditions", []), f"rule {rcode}", problems)
        pred = _predicate(conds, match, questions, f"rule {rcode}", problems)
        effects = _effects(raw_rule.get("effects", []), rcode, catalogue, problems)
        rule = Rule(
            code=rcode,
            name=str(raw_rule.get("name", rcode)),
            rationale=str(raw_rule.get("rationale", "")),
            match=match,
            conditions=conds,
            effects=effects,
            position=index,
        )
        rules.append((rule, pred))

    wins = int(meta.get("wins_threshold", 65))
    conditional = int(meta.get("conditional_threshold", 45))
    if not 0 <= conditional <= wins <= 100:
        problems.append("thresholds must satisfy 0 <= conditional <= wins <= 100")
    if problems:
        raise DefinitionError(problems)
    return CompiledPlaybook(
        id=meta.get("id"),
        version=meta.get("version"),
        title=str(meta.get("title", "")),
        wins_threshold=wins,
        conditional_threshold=conditional,
        sections=tuple(sections),
        questions=MappingProxyType(questions),
        section_visible=MappingProxyType(section_visible),
        question_visible=MappingProxyType(question_visible),
        section_conditions=MappingProxyType(section_conditions),
        question_conditions=MappingProxyType(question_conditions),
        rules=tuple(rules),
        roles=MappingProxyType(roles),
        catalogue=catalogue,
    )
