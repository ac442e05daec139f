"""Compiling a playbook definition (plain JSON-able data) into closures the evaluator runs.

The definition is what publishing freezes into ``Playbook.definition``; drafts build it on the fly.
Compilation checks the structure and refuses it with every problem listed (DefinitionError).
"""

from __future__ import annotations

import math
import struct
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from apps.playbooks.engine import requirements, schema
from apps.playbooks.engine.conditions import (
    ConditionError,
    QuestionMasks,
    bit_positions,
    bitmask,
    combine,
    compile_condition,
    condition_problem,
)
from apps.playbooks.engine.types import (
    EFFECT_KINDS,
    EXCLUDED_POINTS,
    KINDS,
    MULTI,
    ROLES,
    SEVERITIES,
    SINGLE,
    TEXT_EFFECTS,
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
    # Every rule's conditions as bitmasks (see conditions.QuestionMasks); None only for a playbook
    # assembled by hand, which ``rule_index`` indexes on first use.
    index: RuleIndex | None = field(default=None, compare=False, repr=False)

    @property
    def order(self) -> tuple[str, ...]:
        return tuple(self.questions)


def _conditions(raw: Any, where: str, problems: list[str]) -> tuple[Condition, ...]:
    """The conditions' structure; whether each fits its question is ``condition_problem``'s to say."""
    if not isinstance(raw, list):
        problems.append(f"{where}: conditions must be a list")
        return ()
    out = []
    for item in raw:
        if not isinstance(item, Mapping) or not isinstance(item.get("question"), str):
            problems.append(f"{where}: each condition needs a question code")
            continue
        op = item.get("op")  # checked against the operators by condition_problem when compiled
        out.append(
            Condition(question=item["question"], op=op if isinstance(op, str) else repr(op), value=item.get("value"))
        )
    return tuple(out)


def _predicate(
    conds: tuple[Condition, ...], mode: str, known: Mapping[str, Question], where: str, problems: list[str]
) -> Predicate:
    return _predicates(conds, mode, known, where, problems)[0]


def _predicates(
    conds: tuple[Condition, ...], mode: str, known: Mapping[str, Question], where: str, problems: list[str]
) -> tuple[Predicate, list[Predicate]]:
    """The combined predicate, and each condition's own (in the conditions' order)."""
    preds = []
    for cond in conds:
        subject = known.get(cond.question)
        try:
            if subject is None:  # not an earlier question: condition_problem says so in its words
                raise ConditionError(
                    condition_problem(subject=cond.question, kind=None, options=(), op=cond.op, value=cond.value)
                )
            preds.append(compile_condition(cond, subject))
        except ConditionError as exc:
            problems.append(f"{where}: {exc}")
    return combine(preds, mode), preds


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
    low, high = _number(raw.get("min")), _number(raw.get("max"))
    if low is not None and high is not None and low > high:
        problems.append(f"question {code}: the minimum is above the maximum")
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
        fixed=raw.get("fixed") is True,
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
        if kind == "risk" and target and target not in catalogue.locations:
            # A risk may name the location it belongs to: shown only when the work is delivered from there.
            problems.append(f"rule {rule}: risk effect names unknown location {target!r}")
            continue
        model = str(item.get("model") or "")
        if model and kind not in ("risk", "condition"):
            problems.append(f"rule {rule}: only a risk or a condition may name the model it is worded for")
            continue
        if model and model not in catalogue.models:
            problems.append(f"rule {rule}: {kind} effect names unknown model {model!r}")
            continue
        if kind in TEXT_EFFECTS and not item.get("text"):
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
                notice=kind == "gate" and item.get("notice") is True,
                evidence=kind == "gate" and item.get("evidence") is True,
                own=kind == "gate" and item.get("own") is True,
                model=model,
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
        cost_assumptions=MappingProxyType(dict(cat.get("cost_assumptions") or {})),
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
        smode = raw_section.get("visible_when", schema.MODE)
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
            qmode = raw_q.get("visible_when", schema.MODE)
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
    rule_parts: list[list[Predicate]] = []
    rule_codes: set[str] = set()
    for index, raw_rule in enumerate(definition.get("rules", [])):
        rcode = str(raw_rule.get("code", ""))
        if not rcode or rcode in rule_codes:
            problems.append(f"rule {rcode!r}: missing or repeated code")
        rule_codes.add(rcode)
        match = raw_rule.get("match", schema.MODE)
        conds = _conditions(raw_rule.get("conditions", []), f"rule {rcode}", problems)
        pred, parts = _predicates(conds, match, questions, f"rule {rcode}", problems)
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
        rule_parts.append(parts)
    for rule in requirement_rules(questions, roles, catalogue, len(rules)):
        pred, parts = _predicates(rule.conditions, rule.match, questions, f"rule {rule.code}", problems)
        rules.append((rule, pred))
        rule_parts.append(parts)

    wins = int(meta.get("wins_threshold", schema.WINS_THRESHOLD))
    conditional = int(meta.get("conditional_threshold", schema.CONDITIONAL_THRESHOLD))
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
        index=RuleIndex(rules, rule_parts, questions, catalogue),
    )


def requirement_rules(
    questions: Mapping[str, Question], roles: Mapping[str, str], catalogue: Catalogue, position: int
) -> list[Rule]:
    """A rule per requirement an answer of a requirement role can make (``requirements.answer_requirement``: on-site
    presence every day, a licensed sign-off, a start within so many months), on the answers that make it: each
    model that breaks it (``requirements.model_breaches``) gets ``EXCLUDED_POINTS``. Being a rule, it ranks those
    models last in every way of scoring (the evaluation, the single call, batches, counterfactuals), whatever
    the playbook's own rules give them; the evaluation shows them as ruled out, not their points."""
    out: list[Rule] = []
    offered = {c: m for c, m in catalogue.models.items() if m.get("is_kpo", True) and not m.get("retired")}
    scale = requirements.LaunchScale.of(catalogue.cost_assumptions)
    team = questions.get(roles.get("team_size", ""))
    for role in requirements.ANSWER_ROLES:
        question = questions.get(roles.get(role, ""))
        if question is None:
            continue
        # The answers that make each requirement: yes, or the options (a multiple choice's one at a time).
        making: dict[requirements.Requirement, list[Any]] = {}
        for value in [True] if question.kind == YES_NO else [o.code for o in question.options]:
            need = requirements.answer_requirement(role, [value] if question.kind == MULTI else value)
            if need is not None:
                making.setdefault(need, []).append(value)
        for need, values in making.items():
            breaking = requirements.model_breaches(requirements.Requirements((need,), ()), offered, scale)
            if question.kind == YES_NO:
                condition = Condition(question.code, "equals", True)
            else:
                condition = Condition(question.code, "contains_any" if question.kind == MULTI else "one_of", values)
            code = f"requirement:{role}" if len(making) == 1 else f"requirement:{role}:{values[0]}"
            if breaking:
                out.append(_requirement_rule(code, need.text, (condition,), breaking, position + len(out), role))
            if role != "start_within" or scale is None or team is None:
                continue
            # A team larger than the catalogue's launch times are for launches later (``requirements.launch_months``):
            # the models that only such a team rules out, on the two answers together.
            larger = requirements.Requirements((need,), (), team=scale.team + 1)
            ruled = {b.target for b in breaking}
            more = [b for b in requirements.model_breaches(larger, offered, scale) if b.target not in ruled]
            start = (condition, code, need)
            out.extend(_larger_team_rules(questions, roles, team, start, scale, more, position + len(out)))
    return out


def _larger_team_rules(
    questions: Mapping[str, Question],
    roles: Mapping[str, str],
    team: Question,
    start: tuple[Condition, str, requirements.Requirement],
    scale: requirements.LaunchScale,
    more: Sequence[requirements.Breach],
    position: int,
) -> list[Rule]:
    """The rules ruling out ``more``, the models a start date rules out only for a team larger than the catalogue's
    launch times are for, on the start date's condition (``start``: it, its rule's code and its requirement) and the
    team's size."""
    if not more:
        return []
    condition, code, need = start
    # Not for work done once or in season (``requirements.staffed_from_bench``: staffed from a bench): with the shape
    # of demand answered, it alone decides; without it, a duration or a peak share answered.
    unshaped = tuple(
        Condition(q.code, "not_answered", None)
        for name in ("duration_weeks", "peak_share")
        if (q := questions.get(roles.get(name, ""))) is not None
    )
    variants: list[tuple[str, tuple[Condition, ...]]] = [("", unshaped)]
    pattern = questions.get(roles.get("demand_pattern", ""))
    if pattern is not None:
        moved = [o.code for o in pattern.options if o.code not in requirements.BENCH_PATTERNS]
        variants = [
            *([("", (Condition(pattern.code, "one_of", moved),))] if moved else []),
            (":unshaped", (Condition(pattern.code, "not_answered", None), *unshaped)),
        ]
    team_condition = Condition(team.code, "at_least", math.floor(scale.team) + 1)
    text = f"{need.text}, for a team of more than {scale.team:g} people"
    return [
        _requirement_rule(
            f"{code}:larger-team{suffix}", text, (condition, team_condition, *bench), more, position + i, "start_within"
        )
        for i, (suffix, bench) in enumerate(variants)
    ]


def _requirement_rule(
    code: str,
    text: str,
    conditions: tuple[Condition, ...],
    breaking: Sequence[requirements.Breach],
    position: int,
    role: str,
) -> Rule:
    return Rule(
        code=code,
        name=text,
        rationale=f"A requirement you set ({text.lower()}): " + "; ".join(b.reason for b in breaking) + ".",
        match="all",
        conditions=conditions,
        effects=tuple(Effect("model", EXCLUDED_POINTS, b.target) for b in breaking),
        position=position,
        enforces=role,
    )


class RuleIndex:
    """Which rules fire, for all rules at once (see ``conditions.QuestionMasks``), and what they add.

    Bits are laid out in rule order: an "all" rule (or one with fewer than two conditions) has one
    bit, cleared when any of its conditions is false; an "any" rule has one bit per condition, each
    cleared when its own condition is false, and fires when any survives. A rule's first bit is its
    head; ``fired`` returns the heads of the rules that fire. Effect tallies are grouped by points
    into masks of heads, so ``outcome`` counts bits instead of walking rules.
    """

    def __init__(
        self,
        rules: list[tuple[Rule, Predicate]],
        parts: list[list[Predicate]],
        questions: Mapping[str, Question],
        catalogue: Catalogue,
    ) -> None:
        self.rules = tuple(rule for rule, _ in rules)  # the rules indexed, in bit order
        entries: dict[str, list[tuple[Condition, Predicate, int]]] = {}
        heads: list[int] = []
        widths: list[int] = []
        bit = 0
        for (rule, _), preds in zip(rules, parts, strict=True):
            heads.append(bit)
            split = rule.match == "any" and len(preds) > 1
            for offset, (cond, pred) in enumerate(zip(rule.conditions, preds, strict=True)):
                entries.setdefault(cond.question, []).append((cond, pred, 1 << (bit + offset if split else bit)))
            widths.append(len(preds) if split else 1)
            bit += widths[-1]
        self.questions = tuple(QuestionMasks(questions[code], found) for code, found in entries.items())
        self.everything = (1 << bit) - 1
        self.heads = bitmask(heads)
        self.rule_at = dict(zip(heads, range(len(heads)), strict=True))
        # spans[s - 1]: heads of the rules with more than s bits (bit head + s is still theirs)
        self.spans = tuple(
            bitmask(h for h, w in zip(heads, widths, strict=True) if w > s) for s in range(1, max(widths, default=1))
        )
        kpo = {c for c, m in catalogue.models.items() if m.get("is_kpo", True) and not m.get("retired")}
        fit: dict[int, list[int]] = {}
        blockers: dict[int, list[int]] = {}
        gates: dict[int, list[int]] = {}
        models: dict[tuple[str, int], list[int]] = {}
        for (rule, _), head in zip(rules, heads, strict=True):
            points = sum(e.points for e in rule.effects if e.kind == "fit")
            fit.setdefault(points, []).append(head)
            blockers.setdefault(sum(e.kind == "blocker" for e in rule.effects), []).append(head)
            gates.setdefault(sum(e.kind == "gate" for e in rule.effects), []).append(head)
            model_points: dict[str, int] = {}
            for e in rule.effects:
                if e.kind == "model" and e.target in kpo:
                    model_points[e.target] = model_points.get(e.target, 0) + e.points
            for target, p in model_points.items():
                models.setdefault((target, p), []).append(head)
        self.fit_groups = tuple((p, bitmask(h)) for p, h in fit.items() if p)
        self.blocker_groups = tuple((n, bitmask(h)) for n, h in blockers.items() if n)
        self.gate_groups = tuple((n, bitmask(h)) for n, h in gates.items() if n)
        self.model_groups = tuple((t, p, bitmask(h)) for (t, p), h in models.items() if p)
        self.offered = tuple(c for c in catalogue.models if c in kpo)
        self.byte_tables = _byte_tables(rules, heads, self.offered) if bit <= BYTE_TABLE_BITS else None
        self.plans: Any = None  # the evaluator's per-rule explanations, built on first use
        self.flip_tables: Any = None  # what-would-flip's tables (``counterfactuals``), built on first use
        self.straight: Any = None  # the single call as generated code (``straight.Straight``), built on first use
        # Other per-playbook tables, by name, built on first use (the model order, the visibility plan).
        self.memo: dict[str, Any] = {}

    def fired(self, answers: Mapping[str, Any]) -> int:
        """The heads of the rules that fire on ``answers`` (the visible answers), as a bitmask."""
        blocked = 0
        for q in self.questions:
            blocked |= q.blocked(answers)
        return self.surviving(blocked)

    def surviving(self, blocked: int) -> int:
        """The heads of the rules that fire when the condition bits ``blocked`` are false."""
        alive = self.everything & ~blocked
        fired = alive & self.heads
        for shift, heads in enumerate(self.spans, 1):
            fired |= (alive >> shift) & heads
        return fired

    def fired_rules(self, answers: Mapping[str, Any]) -> list[int]:
        """The positions of the rules that fire, in rule order."""
        return self.rules_in(self.fired(answers))

    def rules_in(self, fired: int) -> list[int]:
        """The positions of the rules whose heads are set in ``fired``, in rule order."""
        rule_at = self.rule_at
        return [rule_at[b] for b in bit_positions(fired)]

    def tally(self, fired: int, models: dict[str, int]) -> tuple[int, int, int]:
        """(fit points, blockers, gates) of the fired rules; adds their model points into ``models``."""
        fit = sum(p * (fired & m).bit_count() for p, m in self.fit_groups)
        blockers = sum(n * (fired & m).bit_count() for n, m in self.blocker_groups)
        gates = sum(n * (fired & m).bit_count() for n, m in self.gate_groups)
        for target, p, m in self.model_groups:
            models[target] += p * (fired & m).bit_count()
        return fit, blockers, gates


# Byte tables: each fired rule's tallies (fit points, blockers, each model's points, gates) packed into one integer,
# FIELD_BITS bits a field, so that adding the packed integers of the fired rules adds every tally at once.
# Per byte of the heads mask, the packed sum of each of its 256 values is precomputed: scoring a playbook
# of ~100 rules is then ~15 lookups and additions, where the groups take ~45 popcounts. The tables grow
# with the rules (256 integers a byte), so only playbooks up to BYTE_TABLE_BITS bits have them.
FIELD_BITS = 32
FIELD_BIAS = 1 << (FIELD_BITS - 1)  # added to each field so a negative sum borrows from no neighbour
BYTE_TABLE_BITS = 1024


@dataclass(frozen=True)
class ByteTables:
    width: int  # bytes in the heads mask
    tables: tuple[tuple[int, ...], ...]  # per byte: the packed sum of each of its 256 values
    bias: int  # FIELD_BIAS in every field
    fields: struct.Struct  # unpacks the biased fields


def _byte_tables(rules: list[tuple[Rule, Predicate]], heads: list[int], offered: tuple[str, ...]) -> ByteTables:
    count = 3 + len(offered)
    packed: dict[int, int] = {}  # head bit -> the rule's tallies, packed
    for (rule, _), head in zip(rules, heads, strict=True):
        packed[head] = sum(v << (FIELD_BITS * i) for i, v in enumerate(tallies(rule, offered)))
    width = max(1, (max(heads, default=0) + 8) // 8)
    tables = []
    for j in range(width):
        table = [0] * 256
        for b in range(1, 256):
            low = (b & -b).bit_length() - 1  # the lowest set bit: the rest of b is already summed
            table[b] = table[b & (b - 1)] + packed.get(8 * j + low, 0)
        tables.append(tuple(table))
    return ByteTables(
        width=width,
        tables=tuple(tables),
        bias=sum(FIELD_BIAS << (FIELD_BITS * i) for i in range(count)),
        fields=struct.Struct(f"<{count}I"),
    )


def tallies(rule: Rule, offered: tuple[str, ...]) -> list[int]:
    """What ``rule`` adds when it fires: [fit points, blockers, then each model's points in ``offered``
    order, then gates] (models not offered, such as contrasts and retired ones, add nothing). The gates
    come last so a model's field is at the same place with or without them."""
    column = {code: 2 + i for i, code in enumerate(offered)}
    fields = [0] * (3 + len(offered))
    for e in rule.effects:
        if e.kind == "fit":
            fields[0] += e.points
        elif e.kind == "blocker":
            fields[1] += 1
        elif e.kind == "gate":
            fields[-1] += 1
        elif e.kind == "model" and e.target in column:
            fields[column[e.target]] += e.points
    return fields


def index_of(
    rules: Sequence[tuple[Rule, Predicate]], questions: Mapping[str, Question], catalogue: Catalogue
) -> RuleIndex:
    """A rule index of ``rules``, each condition compiled again for its bits."""
    parts = [[compile_condition(c, questions[c.question]) for c in rule.conditions] for rule, _ in rules]
    return RuleIndex(list(rules), parts, questions, catalogue)


def rule_index(pb: CompiledPlaybook) -> RuleIndex:
    """``pb``'s rule index, built on first use for a playbook that was assembled without one."""
    if pb.index is None:
        object.__setattr__(pb, "index", index_of(pb.rules, pb.questions, pb.catalogue))
    assert pb.index is not None
    return pb.index
