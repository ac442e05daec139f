"""Writes to playbooks: import, copy into a new draft, publish, retire. Each runs in one transaction.

Publishing compiles the draft's full definition (refusing it with every problem listed), runs its
golden cases, takes the next version number under an advisory lock (so two curators publishing at
once get distinct versions), and freezes the definition, catalogue snapshot included.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from apps.common.hostile import describe, document_problems, expect_codes, expect_type, listed
from apps.compliance.models import Regime
from apps.engagements.models import DeliveryLocation, EngagementModel
from apps.playbooks.definition import build_definition, catalogue_snapshot, playbook_parts
from apps.playbooks.engine import DefinitionError, compile_playbook, schema
from apps.playbooks.golden import run_golden_cases
from apps.playbooks.lint import lint
from apps.playbooks.models import Condition, Effect, GoldenCase, Option, Playbook, Question, Rule, Section

VERSION_LOCK = 7_202_611  # advisory lock id serialising version numbers


# How a refusal words each failing golden case; the admin counts them by it (``PlaybookAdmin``).
GOLDEN_FAILED = "Golden case failed: "


class PlaybookError(ValidationError):
    """A playbook operation refused, with every reason listed in ``messages``."""


def export_playbook_data(playbook: Playbook) -> dict[str, Any]:
    parts = playbook_parts(playbook)
    meta = parts["playbook"]
    return {
        "format": schema.FORMAT,
        "format_version": schema.FORMAT_VERSION,
        "playbook": {
            "title": meta["title"],
            "notes": playbook.notes,
            "wins_threshold": meta["wins_threshold"],
            "conditional_threshold": meta["conditional_threshold"],
        },
        "sections": parts["sections"],
        "rules": parts["rules"],
        "golden_cases": [
            {
                "name": g.name,
                "why": g.why,
                "answers": g.answers,
                "expected_verdict": g.expected_verdict,
                "expected_top_model": g.expected_top_model,
                "regimes_present": g.regimes_present,
                "regimes_absent": g.regimes_absent,
                "fit_min": g.fit_min,
                "fit_max": g.fit_max,
            }
            for g in playbook.golden_cases.order_by("name")
        ],
    }


def _fields(raw: Mapping[str, Any], part: str, where: str, problems: list[str]) -> None:
    for key, kinds in schema.SHAPES[part].items():
        if key in raw:
            types = kinds if isinstance(kinds, tuple) else (kinds,)
            allowed = tuple(t for t in types if t is not None)
            expect_type(raw[key], allowed, f"{where}: {key}", problems, null=None in types)


def _items(parent: Mapping[str, Any], key: str, part: str, where: str, problems: list[str]) -> list[Any]:
    """The objects listed under ``key``, each with its fields checked; wrong entries are reported."""
    items = parent.get(key, [])
    if not isinstance(items, list):
        return []  # reported by _fields (or _check_data for the top-level lists)
    found = []
    for index, item in enumerate(items):
        label = f"{where}{part} #{index + 1}"
        if not isinstance(item, Mapping):
            problems.append(f"{label} must be an object, not {describe(item)}.")
            continue
        name = item.get("name" if part == "golden case" else "code")
        _fields(item, part, f"{where}{part} {name}" if isinstance(name, str) and name else label, problems)
        found.append(item)
    return found


def _shape_problems(data: Mapping[str, Any]) -> list[str]:
    """Every wrong JSON type in the file, each named by where it is."""
    problems: list[str] = []
    _fields(data["playbook"], "playbook", "playbook", problems)
    for section in _items(data, "sections", "section", "", problems):
        where = f"section {section.get('code')}: "
        _items(section, "conditions", "condition", where, problems)
        for question in _items(section, "questions", "question", where, problems):
            q_where = f"question {question.get('code')}: "
            _items(question, "options", "option", q_where, problems)
            _items(question, "conditions", "condition", q_where, problems)
    for rule in _items(data, "rules", "rule", "", problems):
        _items(rule, "conditions", "condition", f"rule {rule.get('code')}: ", problems)
        _items(rule, "effects", "effect", f"rule {rule.get('code')}: ", problems)
    names: list[Any] = []
    for case in _items(data, "golden_cases", "golden case", "", problems):
        names.append(case.get("name"))
        for key in ("regimes_present", "regimes_absent"):
            if isinstance(case.get(key), list):
                expect_codes(case[key], f"golden case {case.get('name')}: {key}", problems)
    for name in sorted({n for n in names if isinstance(n, str) and names.count(n) > 1}):
        problems.append(f"golden case {name}: the name is used twice")
    return problems


def _check_data(data: Mapping[str, Any]) -> None:
    """Refuse, with every problem listed, a file that is not a playbook or has anything of the wrong type
    or shape: control characters, wrong JSON types, absurd numbers, or a structure that does not compile."""
    problems = []
    if not isinstance(data, Mapping) or data.get("format") != schema.FORMAT:
        raise PlaybookError(["This is not a KPO Advisor playbook file (its 'format' is not 'kpo-playbook')."])
    for key, kind in (("playbook", Mapping), ("sections", list), ("rules", list), ("golden_cases", list)):
        if not isinstance(data.get(key, [] if key == "golden_cases" else None), kind):
            problems.append(f"'{key}' is missing or has the wrong type.")
    if problems:
        raise PlaybookError(problems)
    problems = document_problems(data) + _shape_problems(data)
    if problems:
        raise PlaybookError(listed(problems))
    try:
        compile_playbook({**data, "catalogue": catalogue_snapshot()})
    except DefinitionError as exc:
        raise PlaybookError(exc.problems) from exc
    except (TypeError, ValueError, KeyError, AttributeError) as exc:
        raise PlaybookError([f"The file's structure is malformed: {exc}"]) from exc


class _Checker:
    """Collects field problems (lengths, code formats) of every row, so a refusal lists them all."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def __call__(self, obj: Any, where: str) -> Any:
        try:
            obj.clean_fields(exclude=[f.name for f in obj._meta.fields if f.is_relation])
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                self.problems += [f"{where}: {field}: {m}" for m in messages]
        return obj


def _conditions(
    playbook: Playbook, raw: list[Mapping[str, Any]], questions: dict[str, Question], **owner: Any
) -> list[Condition]:
    return [
        Condition(playbook=playbook, subject=questions[c["question"]], operator=c["op"], value=c.get("value"), **owner)
        for c in raw
    ]


def _effect(rule: Rule, raw: Mapping[str, Any], lookups: Mapping[str, Mapping[str, Any]]) -> Effect:
    kind = raw["kind"]
    target = raw.get("target") or ""
    return Effect(
        rule=rule,
        kind=kind,
        points=int(raw.get("points") or 0),
        # A risk may name the model it is worded for (``engine.types.Effect.model``), kept in the same column.
        engagement_model=lookups["model"].get(target if kind == "model" else _text(raw, "model")),
        regime=lookups["regime"].get(target) if kind == "regime" else None,
        location=lookups["location"].get(target) if kind in ("location", "risk") else None,
        text=_text(raw, "text"),
        severity=_text(raw, "severity") if kind == "risk" else "",
        mitigation=_text(raw, "mitigation") if kind == "risk" else "",
        notice=raw.get("notice") is True and kind == "gate",
        evidence=raw.get("evidence") is True and kind == "gate",
        own=raw.get("own") is True and kind == "gate",
    )


def _text(raw: Mapping[str, Any], key: str, default: str = "") -> str:
    """A text field from the file: missing or null is empty; anything else becomes its text."""
    value = raw.get(key)
    return default if value is None else str(value)


def import_playbook(*, data: Mapping[str, Any], based_on: Playbook | None = None) -> Playbook:
    """Create a draft from exported data. Refuses the whole file, listing every problem; writes nothing then.

    The structure is checked by compiling it; then every row is built and validated (lengths, code formats),
    and only when all are valid are they written, a table at a time (one statement each, not one a row).
    """
    _check_data(data)
    meta = data["playbook"]
    lookups: dict[str, dict[str, Any]] = {
        "model": {m.code: m for m in EngagementModel.objects.all()},
        "regime": {r.code: r for r in Regime.objects.all()},
        "location": {loc.code: loc for loc in DeliveryLocation.objects.all()},
    }
    check = _Checker()
    playbook = check(
        Playbook(
            title=_text(meta, "title", "Untitled playbook"),
            notes=_text(meta, "notes"),
            wins_threshold=int(meta.get("wins_threshold", schema.WINS_THRESHOLD)),
            conditional_threshold=int(meta.get("conditional_threshold", schema.CONDITIONAL_THRESHOLD)),
            based_on=based_on,
        ),
        "playbook",
    )
    sections: list[tuple[Section, Mapping[str, Any]]] = []
    questions: list[tuple[Question, Mapping[str, Any]]] = []
    options: list[Option] = []
    for s_index, raw_section in enumerate(data["sections"]):
        section = Section(
            playbook=playbook,
            code=raw_section["code"],
            title=_text(raw_section, "title", raw_section["code"]),
            intro=_text(raw_section, "intro"),
            order=s_index,
            visible_when=raw_section.get("visible_when", schema.MODE),
        )
        sections.append((check(section, f"section {section.code}"), raw_section))
        for q_index, raw_q in enumerate(raw_section.get("questions", [])):
            question = Question(
                playbook=playbook,
                section=section,
                code=raw_q["code"],
                prompt=_text(raw_q, "prompt", raw_q["code"]),
                help_text=_text(raw_q, "help"),
                kind=raw_q["kind"],
                required=bool(raw_q.get("required", True)),
                min_value=raw_q.get("min"),
                max_value=raw_q.get("max"),
                unit=_text(raw_q, "unit"),
                role=raw_q.get("role") or "",
                fixed=raw_q.get("fixed") is True,
                order=q_index,
                visible_when=raw_q.get("visible_when", schema.MODE),
            )
            questions.append((check(question, f"question {question.code}"), raw_q))
            for i, o in enumerate(raw_q.get("options", [])):
                option = Option(
                    question=question,
                    code=o["code"],
                    label=_text(o, "label", o["code"]),
                    help_text=_text(o, "help"),
                    order=i,
                )
                options.append(check(option, f"question {question.code} option {option.code}"))
    rules: list[tuple[Rule, Mapping[str, Any]]] = []
    effects: list[Effect] = []
    for r_index, raw_rule in enumerate(data["rules"]):
        rule = Rule(
            playbook=playbook,
            code=raw_rule["code"],
            name=_text(raw_rule, "name", raw_rule["code"]),
            rationale=_text(raw_rule, "rationale"),
            match=raw_rule.get("match", schema.MODE),
            order=r_index,
            enabled=bool(raw_rule.get("enabled", True)),
        )
        rules.append((check(rule, f"rule {rule.code}"), raw_rule))
        effects += [check(_effect(rule, e, lookups), f"rule {rule.code} effect") for e in raw_rule.get("effects", [])]
    cases = [
        GoldenCase(
            playbook=playbook,
            name=_text(g, "name"),
            why=_text(g, "why"),
            answers=g.get("answers", {}),
            expected_verdict=_text(g, "expected_verdict"),
            expected_top_model=_text(g, "expected_top_model"),
            regimes_present=g.get("regimes_present", []),
            regimes_absent=g.get("regimes_absent", []),
            fit_min=g.get("fit_min"),
            fit_max=g.get("fit_max"),
        )
        for g in data.get("golden_cases", [])
    ]
    for case in cases:
        check(case, f"golden case {case.name!r}")
    if check.problems:
        raise PlaybookError(check.problems)
    with transaction.atomic():
        playbook.save()
        # Parents before children: bulk_create gives each row its id, which its children's keys then take.
        Section.objects.bulk_create([section for section, _ in sections])
        Question.objects.bulk_create([question for question, _ in questions])
        Rule.objects.bulk_create([rule for rule, _ in rules])
        # A condition asks about an earlier question (the compiler refuses any other), all stored by now.
        by_code = {question.code: question for question, _ in questions}
        conditions = [
            condition
            for owners, kind in ((sections, "section"), (questions, "question"), (rules, "rule"))
            for owner, raw in owners
            for condition in _conditions(playbook, raw.get("conditions", []), by_code, **{kind: owner})
        ]
        Option.objects.bulk_create(options)
        Condition.objects.bulk_create(conditions)
        Effect.objects.bulk_create(effects)
        GoldenCase.objects.bulk_create(cases)
    return playbook


def start_draft(*, playbook: Playbook) -> Playbook:
    """A new draft that deep-copies ``playbook`` (its parts and golden cases)."""
    data = export_playbook_data(playbook)
    return import_playbook(data=data, based_on=playbook)


def publish_playbook(*, playbook: Playbook, user: Any = None) -> Playbook:
    """Check, test and freeze a draft under the next version number. Refuses with every reason."""
    with transaction.atomic():
        playbook = Playbook.objects.select_for_update().get(pk=playbook.pk)
        if not playbook.is_draft:
            raise PlaybookError([f"Only drafts can be published; this one is {playbook.get_status_display().lower()}."])
        definition = build_definition(playbook)
        errors = [f"{f.kind} {f.code}: {f.message}".replace("playbook : ", "") for f in lint(definition) if f.is_error]
        if errors:
            raise PlaybookError([f"Lint: {e}" for e in errors])
        try:
            compiled = compile_playbook(definition)
        except DefinitionError as exc:
            raise PlaybookError(exc.problems) from exc
        failures = [r.summary() for r in run_golden_cases(compiled, playbook.golden_cases.all()) if not r.passed]
        if failures:
            raise PlaybookError([f"{GOLDEN_FAILED}{f}" for f in failures])
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [VERSION_LOCK])
        version = (Playbook.objects.aggregate(v=Max("version"))["v"] or 0) + 1
        definition["playbook"]["version"] = version
        playbook.version = version
        playbook.definition = definition
        playbook.status = Playbook.Status.PUBLISHED
        playbook.published_at = timezone.now()
        playbook.published_by = user
        playbook.save()
    return playbook


def retire_playbook(*, playbook: Playbook) -> Playbook:
    with transaction.atomic():
        playbook = Playbook.objects.select_for_update().get(pk=playbook.pk)
        if playbook.status != Playbook.Status.PUBLISHED:
            raise PlaybookError(["Only published playbooks can be retired."])
        playbook.status = Playbook.Status.RETIRED
        playbook.save(update_fields=["status", "updated_at"])
    return playbook
