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

from apps.playbooks.engine.compiler import CompiledPlaybook
from apps.playbooks.engine.types import Question


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


def visibility(pb: CompiledPlaybook, answers: Mapping[str, Any]) -> Visibility:
    """What ``answers`` show of ``pb``: visible questions and sections, the answers that count, and the
    visible required questions, answered or not."""
    effective: dict[str, Any] = {}
    visible: list[str] = []
    sections: list[str] = []
    required: list[str] = []
    missing: list[str] = []
    questions = pb.questions
    for section in pb.sections:
        if not pb.section_visible[section.code](effective):
            continue
        sections.append(section.code)
        for code in section.questions:
            if pb.question_visible[code](effective):
                visible.append(code)
                value = answers.get(code)
                if value is not None:
                    effective[code] = value
                if questions[code].required:
                    required.append(code)
                    if value is None:
                        missing.append(code)
    return Visibility(tuple(visible), tuple(sections), effective, tuple(required), tuple(missing), questions)


def visible_answers(pb: CompiledPlaybook, answers: Mapping[str, Any]) -> tuple[list[str], list[str], dict[str, Any]]:
    """(visible questions, visible sections, effective answers): ``visibility`` as the older tuple."""
    seen = visibility(pb, answers)
    return list(seen.questions), list(seen.sections), dict(seen.answers)
