"""A question's fieldset, written in Python (``apps.questionnaire.fieldsets``), is byte for byte the markup the
template include it replaced drew (kept below as the oracle), for every question of the reference playbook and
for made-up questions with markup in their words, in every state a page draws: shown or hidden, answered or
not, refused, with or without autosave, editable or read-only, swapped out of band or not."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest
from django.template import engines

from apps.playbooks.engine.types import Option, Question
from apps.playbooks.models import Playbook
from apps.playbooks.runtime import compiled_playbook
from apps.questionnaire import fieldsets
from apps.questionnaire.progress import QuestionView
from apps.questionnaire.services import Given

# The template include the fieldsets replaced (templates/questionnaire/_question.html until then).
ORACLE = (Path(__file__).parent / "question_fieldset_oracle.html").read_text()


class _Assessment:
    pk = 12


def _values(question: Question) -> list[Any]:
    if question.kind == "yes_no":
        return [None, True, False]
    if question.kind == "single":
        return [None, *(o.code for o in question.options)]
    if question.kind == "multi":
        codes = [o.code for o in question.options]
        return [None, [], codes[:1], codes[1:], codes]
    return [None, 0, 1500, 2.5, 1234567.891, "12 & <b>", -3]


def _check(compiled: Any, question: Question) -> int:
    template = engines["django"].from_string(ORACLE)
    pattern = fieldsets.answer_url_pattern(_Assessment.pk)
    given = Given(by="a@b.test", at=None)
    checked = 0
    for value, error, visible, autosave, can_edit, oob in itertools.product(
        _values(question), ["", "Enter a <number> & try"], [True, False], [True, False], [True, False], [True, False]
    ):
        item = QuestionView(
            question=question, visible=visible, value=value, error=error, given=given if value else None
        )
        context = {"item": item, "autosave": autosave, "can_edit": can_edit, "oob": oob, "assessment": _Assessment()}
        expected = template.render(context)
        got = fieldsets.fieldset(compiled, item, autosave=autosave, can_edit=can_edit, oob=oob, answer_url=pattern)
        assert got == expected, (question.code, value, error, visible, autosave, can_edit, oob)
        checked += 1
    return checked


def test_every_reference_question_is_drawn_as_the_template_drew_it(reference: Playbook) -> None:
    compiled = compiled_playbook(reference)
    kinds = {q.kind for q in compiled.questions.values()}
    assert kinds == {"single", "multi", "yes_no", "integer", "money", "percent"}
    assert sum(_check(compiled, q) for q in compiled.questions.values()) > 1000


@pytest.mark.parametrize(
    "question",
    [
        Question("q1", "s", 'Is it <b>bold</b> & "quoted"?', "yes_no", True, help="Help & <i>more</i>"),
        Question(
            "q2",
            "s",
            "Pick <one>",
            "single",
            False,
            options=(Option("a", "A & B", "hint <x>"), Option("b", "'quoted'"), Option("c", "C")),
        ),
        Question("q3", "s", "Several", "multi", True, options=(Option("x", "X"), Option("y", "Y", "why?"))),
        Question("q4", "s", "Money", "money", False, help="In dollars", min=0.0, max=2_000_000.0),
        Question("q5", "s", "Share", "percent", True, min=None, max=100.0),
        Question("q6", "s", "Count", "integer", True, min=1.5, unit="people <each>"),
        Question("q7", "s", "Open", "integer", False),
    ],
)
def test_markup_in_a_curator_s_words_is_escaped_as_the_template_escaped_it(question: Question) -> None:
    assert _check(None, question)
