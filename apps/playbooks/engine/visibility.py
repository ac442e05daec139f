"""Which questions a buyer sees, and which of them still need an answer: the one place this is worked out.

Questions are walked in order; a section or question is shown when its conditions hold on the answers
to the questions shown before it, so a hidden question's answer never counts (the caller keeps it, in
case the buyer changes their mind). The questionnaire's steps, autosave, review and submit, what-if and
the evaluator all read one ``Visibility``; a request works it out once and passes it along.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from apps.playbooks.engine.compiler import CompiledPlaybook, rule_index
from apps.playbooks.engine.types import Predicate, Question

# Per section: its code, its condition (None: always shown), and per question its code, its condition
# (None: always shown) and whether it is required.
_Plan = tuple[tuple[str, Predicate | None, tuple[tuple[str, Predicate | None, bool], ...]], ...]


@dataclass(frozen=True)
class Visibility:
    questions: tuple[str, ...]  # visible questions, in playbook order
    sections: tuple[str, ...]  # visible sections, in playbook order
    answers: Mapping[str, Any]  # the answers that count: those to visible questions
    required: tuple[str, ...]  # visible required questions, in order
    missing: tuple[str, ...]  # visible required questions not answered yet, in order
    playbook_questions: Mapping[str, Question]  # the playbook's questions, to find a code's section

    @property
    def answered(self) -> int:
        """How many visible required questions are answered."""
        return len(self.required) - len(self.missing)

    def required_in(self, section: str) -> tuple[str, ...]:
        return tuple(c for c in self.required if self.playbook_questions[c].section == section)

    def missing_in(self, section: str) -> tuple[str, ...]:
        return tuple(c for c in self.missing if self.playbook_questions[c].section == section)

    @property
    def first_open_section(self) -> str | None:
        """The first visible section with a required question still unanswered (None: all done)."""
        return self.playbook_questions[self.missing[0]].section if self.missing else None


def walk_plan(pb: CompiledPlaybook) -> _Plan:
    """The walk, worked out once per compiled playbook: most questions have no condition, and skipping
    the call of an always-true predicate is most of what a walk costs."""
    memo = rule_index(pb).memo
    plan: _Plan | None = memo.get("visibility")
    if plan is None:
        plan = memo["visibility"] = tuple(
            (
                section.code,
                pb.section_visible[section.code] if pb.section_conditions[section.code][0] else None,
                tuple(
                    (
                        code,
                        pb.question_visible[code] if pb.question_conditions[code][0] else None,
                        pb.questions[code].required,
                    )
                    for code in section.questions
                ),
            )
            for section in pb.sections
        )
    return plan


def visibility(pb: CompiledPlaybook, answers: Mapping[str, Any]) -> Visibility:
    """What ``answers`` show of ``pb``: visible questions and sections, the answers that count, and the
    visible required questions, answered or not."""
    effective: dict[str, Any] = {}
    visible: list[str] = []
    sections: list[str] = []
    required: list[str] = []
    missing: list[str] = []
    for section, shown, questions in walk_plan(pb):
        if shown is not None and not shown(effective):
            continue
        sections.append(section)
        for code, condition, needed in questions:
            if condition is None or condition(effective):
                visible.append(code)
                value = answers.get(code)
                if value is not None:
                    effective[code] = value
                if needed:
                    required.append(code)
                    if value is None:
                        missing.append(code)
    return Visibility(tuple(visible), tuple(sections), effective, tuple(required), tuple(missing), pb.questions)


def counted_answers(pb: CompiledPlaybook, answers: Mapping[str, Any]) -> dict[str, Any]:
    """``visibility(pb, answers).answers`` alone, for scoring (``outcome``): the same walk without the
    lists a page needs."""
    effective: dict[str, Any] = {}
    get = answers.get
    for _, shown, questions in walk_plan(pb):
        if shown is not None and not shown(effective):
            continue
        for code, condition, _ in questions:
            if condition is None or condition(effective):
                value = get(code)
                if value is not None:
                    effective[code] = value
    return effective


def visible_answers(pb: CompiledPlaybook, answers: Mapping[str, Any]) -> tuple[list[str], list[str], dict[str, Any]]:
    """(visible questions, visible sections, effective answers): ``visibility`` as the older tuple."""
    seen = visibility(pb, answers)
    return list(seen.questions), list(seen.sections), dict(seen.answers)
