"""Writes to assessments: start, record answers, submit. Each runs in one transaction.

Answers are validated against the pinned playbook by the engine's own checks. An answer is saved
with one upsert statement; answers to questions that are hidden are refused (autosave) or ignored
(a whole step posted without JavaScript), and answers that become hidden are kept but never count.
Submitting is a conditional update from draft to submitted, so it happens exactly once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Now
from django.utils import timezone

from apps.accounts.models import Organisation, User
from apps.playbooks.engine import AnswerError, CompiledPlaybook, clean_answer
from apps.playbooks.engine.visibility import Visibility, visibility
from apps.playbooks.models import Playbook
from apps.playbooks.runtime import compiled_playbook
from apps.questionnaire.models import Answer, Assessment


class AssessmentError(ValidationError):
    """Refused with a message for the buyer; nothing was written."""


@dataclass
class SaveResult:
    saved: dict[str, Any] = field(default_factory=dict)
    cleared: list[str] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)
    answers: dict[str, Any] = field(default_factory=dict)
    visible_before: set[str] = field(default_factory=set)
    visible_after: set[str] = field(default_factory=set)
    # What ``answers`` show once saved, for the caller to reuse (None when nothing was written).
    seen: Visibility | None = None


def stored_answers(assessment: Assessment) -> dict[str, Any]:
    return dict(assessment.answers.values_list("question_code", "value"))


def start_assessment(*, organisation: Organisation, user: User, title: str, function: str | None) -> Assessment:
    playbook = Playbook.objects.current()
    if playbook is None:
        raise AssessmentError("No published playbook yet: a curator must publish one first.")
    compiled = compiled_playbook(playbook)
    function_code = compiled.roles.get("function")
    with transaction.atomic():
        assessment = Assessment.objects.create(
            organisation=organisation, created_by=user, title=title.strip(), playbook=playbook
        )
        if function and function_code:
            try:
                value = clean_answer(compiled.questions[function_code], function)
            except AnswerError as exc:
                raise AssessmentError(exc.message) from exc
            Answer.objects.create(assessment=assessment, question_code=function_code, value=value)
    return assessment


def _touch_draft(assessment: Assessment) -> None:
    """Lock the draft's row for this transaction and mark it changed, in one statement (the UPDATE takes
    the row lock a SELECT ... FOR UPDATE would); refused once the assessment has been submitted."""
    if not Assessment.objects.filter(pk=assessment.pk, status=Assessment.Status.DRAFT).update(updated_at=Now()):
        raise AssessmentError("This assessment has been submitted; its answers can no longer change.")


def _lock_draft(assessment: Assessment) -> Assessment:
    locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if not locked.is_draft:
        raise AssessmentError("This assessment has been submitted; its answers can no longer change.")
    return locked


def record_answers(
    *, assessment: Assessment, values: Mapping[str, Any], strict_visibility: bool = True, save_valid: bool = False
) -> SaveResult:
    """Validate and store ``values`` (question code to raw value; blank clears the answer).

    With ``strict_visibility`` (autosave), an answer to a hidden question is an error; without it (a
    whole step posted without JavaScript), such values are ignored. Nothing is written if any value
    is invalid, unless ``save_valid`` (a whole step): then the valid values are stored and only the
    invalid ones are reported in ``errors``, so one typo never costs the buyer the rest of the step.
    ``answers`` is what is stored afterwards, in every case.
    """
    compiled: CompiledPlaybook = compiled_playbook(assessment.playbook)
    result = SaveResult()
    cleaned: dict[str, Any] = {}
    for code, raw in values.items():
        question = compiled.questions.get(code)
        if question is None:
            result.errors[code] = "This question is not part of this assessment's playbook."
            continue
        try:
            cleaned[code] = clean_answer(question, raw)
        except AnswerError as exc:
            result.errors[code] = exc.message
    if not cleaned or (result.errors and not save_valid):
        result.answers = stored_answers(assessment)
        return result
    with transaction.atomic():
        _touch_draft(assessment)
        stored = stored_answers(assessment)
        merged = dict(stored)
        result.visible_before = set(visibility(compiled, stored).questions)
        for code, value in cleaned.items():
            if value is None:
                merged.pop(code, None)
            else:
                merged[code] = value
        # Restoring the stored values of hidden questions below cannot change this: hidden answers never count.
        seen = visibility(compiled, merged)
        shown = result.visible_after = set(seen.questions)
        hidden = [code for code in cleaned if code not in shown]
        if hidden and strict_visibility:
            result.errors.update((code, "This question doesn't apply given your other answers.") for code in hidden)
            transaction.set_rollback(True)
            result.answers = stored
            return result
        for code in hidden:  # ignored: what is stored for them stays as it was
            del cleaned[code]
            if code in stored:
                merged[code] = stored[code]
            else:
                merged.pop(code, None)
        to_save = {c: v for c, v in cleaned.items() if v is not None}
        to_clear = [c for c, v in cleaned.items() if v is None]
        if to_save:
            Answer.objects.bulk_create(
                [Answer(assessment=assessment, question_code=c, value=v) for c, v in to_save.items()],
                update_conflicts=True,
                unique_fields=["assessment", "question_code"],
                update_fields=["value", "updated_at"],
            )
        if to_clear:
            Answer.objects.filter(assessment=assessment, question_code__in=to_clear).delete()
    result.saved, result.cleared = to_save, to_clear
    result.answers, result.seen = merged, seen
    return result


def missing_answers(assessment: Assessment, answers: Mapping[str, Any] | None = None) -> list[str]:
    """The visible required questions ``answers`` (default: the stored ones) leave unanswered."""
    compiled = compiled_playbook(assessment.playbook)
    answers = stored_answers(assessment) if answers is None else answers
    return list(visibility(compiled, answers).missing)


def submit_assessment(*, assessment: Assessment, user: User) -> tuple[Assessment, bool]:
    """Submit once. Returns (assessment, newly_submitted); a repeat lands on the submitted one."""
    with transaction.atomic():
        locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
        if not locked.is_draft:
            return locked, False
        missing = missing_answers(locked)
        if missing:
            compiled = compiled_playbook(locked.playbook)
            raise AssessmentError([f"Not answered yet: {compiled.questions[c].prompt}" for c in missing])
        updated = Assessment.objects.filter(pk=locked.pk, status=Assessment.Status.DRAFT).update(
            status=Assessment.Status.SUBMITTED, submitted_at=timezone.now(), submitted_by=user, updated_at=Now()
        )
        locked.refresh_from_db()
    return locked, bool(updated)


def delete_draft(*, assessment: Assessment) -> None:
    """Delete a draft with its answers (and nothing else). A submitted assessment is refused: its
    recommendation is an immutable record and keeps the assessment (``on_delete=PROTECT``)."""
    with transaction.atomic():
        locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
        if not locked.is_draft:
            raise AssessmentError("This assessment has been submitted, so it stays with its recommendation.")
        locked.delete()
