"""Submitting an assessment into a recommendation, and re-scoring one under the current playbook.

Submit is one transaction: the assessment row is locked, moved from draft to submitted by a
conditional update, scored by the engine, and its recommendation stored. A second request (double
click, another tab, a retry) waits on the lock, finds the assessment submitted, and lands on the
same recommendation; the one-recommendation-per-assessment constraint backs this up.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from typing import Any

from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import Organisation, User
from apps.common import events
from apps.playbooks.engine import CompiledPlaybook, Evaluation, clean_answers, evaluate
from apps.playbooks.engine.visibility import visibility
from apps.playbooks.models import Playbook
from apps.playbooks.runtime import compiled_playbook, frozen_guidance
from apps.questionnaire import services as questionnaire
from apps.questionnaire.models import Answer, Assessment
from apps.recommendations.cost_caveat import cost_note
from apps.recommendations.impact import pack_answers
from apps.recommendations.models import Recommendation
from apps.recommendations.snapshot import written_snapshot
from apps.recommendations.tasks import request_flips
from apps.signoff import services as signoff


def build_recommendation(
    *,
    compiled: CompiledPlaybook,
    evaluation: Evaluation,
    answers: Mapping[str, Any],
    title: str,
    organisation_id: int,
    playbook_id: int,
    assessment: Assessment | None = None,
    user: User | None = None,
) -> Recommendation:
    """An unsaved Recommendation from an evaluation: its snapshot written by the one writer, and the
    columns the history filters on (verdict, fit score, top model, function, regimes) read back from that
    snapshot, so the columns and the page can never disagree. Submit saves it; what-if only shows it.

    The snapshot holds the memo guidance the playbook froze. What would flip it is not in it: submit does
    not wait for that search, which is stored beside the recommendation (``insight.stored_flips``)."""
    guidance = frozen_guidance(playbook_id)
    snapshot, record = written_snapshot(compiled, evaluation, answers, title=title, guidance=guidance, flips=None)
    ev = record.evaluation
    recommendation = Recommendation(
        organisation_id=organisation_id,
        playbook_id=playbook_id,
        engine_version=record.engine_version,
        title=title,
        verdict=ev.verdict,
        fit_score=ev.fit_score,
        top_model=ev.top_model or "",
        cost_note=cost_note(ev),
        function=record.function.code,
        regimes=[r.code for r in ev.regimes],
        snapshot=snapshot,
    )
    if assessment is not None:
        recommendation.assessment = assessment
    if user is not None:
        recommendation.created_by = user
    recommendation.record = record  # already parsed; saves parsing it again
    return recommendation


def submit_and_recommend(*, assessment: Assessment, user: User, locked: bool = False) -> Recommendation:
    """Submit ``assessment`` (once) and return its recommendation. Raises AssessmentError when incomplete.
    ``locked``: the caller read it with its row locked, in the transaction this runs in (the submit page)."""
    # The caller's instance keeps what it loaded with it (the page: its playbook and organisation), which
    # submitting cannot change; the one submit_assessment returns may be read again and have neither.
    given = assessment
    # Locked by the caller: its transaction is this one (a savepoint would only add two statements).
    with transaction.atomic(savepoint=not locked):
        submitted = questionnaire.submit_assessment(assessment=given, user=user, locked=locked)
        assessment = submitted.assessment
        if not submitted.newly:
            return Recommendation.objects.get(organisation_id=assessment.organisation_id, assessment=assessment)
        compiled = compiled_playbook(given.playbook)
        stored = submitted.answers  # read under the draft's lock by the submit, so the ones it checked
        recommendation = build_recommendation(
            compiled=compiled,
            evaluation=evaluate(compiled, stored),
            answers=stored,
            title=assessment.title,
            organisation_id=assessment.organisation_id,
            playbook_id=assessment.playbook_id,
            assessment=assessment,
            user=user,
        )
        recommendation.save()
        # Its answers packed for re-scoring many at once (the impact preview): one INSERT.
        pack_answers(recommendation=recommendation, compiled=compiled, answers=stored)
        # Whether it needs approval is fixed as it is stored, in the same transaction (apps/signoff), so it is
        # never seen without its sign-off; a re-score or saved what-if comes through here and is asked anew.
        signoff.open_sign_off(recommendation=recommendation, user=user)
        # Webhooks and the timeline hear of it in the same transaction, so a commit never leaves it unannounced
        # (review 108: the database stopped between the commit and the announcement, and its deliveries were lost).
        # What would flip it is queued after the commit (a rollback queues nothing); lost to a crash, it costs
        # nothing, as the first view works it out.
        _stored(recommendation=recommendation, organisation=given.organisation, user=user)
        transaction.on_commit(partial(request_flips, recommendation=recommendation), robust=True)
        return recommendation


def _stored(*, recommendation: Recommendation, organisation: Organisation, user: User) -> None:
    """A recommendation just stored, in its transaction: its timeline line and its webhook deliveries (the listeners
    of ``recommendation_stored``), committed with it or not at all."""
    events.announce(
        events.recommendation_stored,
        sender=Recommendation,
        organisation=organisation,
        actor=user,
        recipients=[],
        target=recommendation,
        url=reverse("recommendations:detail", args=[recommendation.pk]),
        summary=f"A recommendation was stored for “{recommendation.title}”.",
    )


@dataclass
class Rescore:
    assessment: Assessment
    recommendation: Recommendation | None
    unmapped: dict[str, str]
    # The same answers saved by the same person under the same name moments before: that copy, nothing new made.
    reused: bool = False


def rescore(*, recommendation: Recommendation, user: User) -> Rescore:
    """Copy the answers, by question code, into a new assessment on the current playbook and score it.

    Answers whose question is gone or whose value no longer fits are listed in ``unmapped``. When the
    current playbook asks something the old one did not, the new assessment stays a draft to finish.
    """
    playbook = Playbook.objects.current()
    if playbook is None:
        raise questionnaire.AssessmentError("No published playbook to re-score against.")
    if playbook.pk == recommendation.playbook_id:
        # The same answers on the same rules give the same result: a copy would only be a look-alike.
        raise questionnaire.AssessmentError(
            f"This recommendation is already scored on the current playbook (version {playbook.version}): "
            "re-scoring would give the same result. To try other answers, use What if…"
        )
    scored_on = Playbook.objects.filter(pk=recommendation.playbook_id).values_list("version", flat=True).first()
    if scored_on is not None and playbook.version is not None and playbook.version < scored_on:
        # The newest version was retired: re-scoring would go back to older rules (review 95).
        raise questionnaire.AssessmentError(
            f"This recommendation is scored on version {scored_on}, newer than the current playbook (version "
            f"{playbook.version}, since a newer one was retired): re-scoring would go back to older rules."
        )
    original = recommendation.assessment
    compiled = compiled_playbook(playbook)
    old = questionnaire.stored_answers(original)
    answers, problems = clean_answers(compiled.questions, old, ignore_unknown=True)
    unmapped = {code: "no such question in the current playbook" for code in old if code not in compiled.questions}
    unmapped.update(problems)
    # The original's title shortened, not the note after it: a 200-character title had lost its closing bracket
    # (review 63).
    note = f" (re-scored on v{playbook.version})"
    base = original.title if len(original.title) + len(note) <= 200 else original.title[: 199 - len(note)] + "…"
    title = f"{base}{note}"
    return _copy(
        original=original,
        user=user,
        title=title,
        playbook_id=playbook.pk,
        answers=answers,
        unmapped=unmapped,
        once_per_playbook=True,
    )


def save_what_if(*, recommendation: Recommendation, answers: dict[str, Any], title: str, user: User) -> Rescore:
    """Store a what-if as a new assessment on the recommendation's own playbook version, based on the
    original, and submit it when nothing required is missing (otherwise it stays a draft to finish). Answers to
    questions the others hide are not stored, as a step's save does not store them (review 132: the saved copy held
    them, and its step drew them hidden)."""
    shown = dict(visibility(compiled_playbook(recommendation.playbook), answers).answers)
    return _copy(
        original=recommendation.assessment,
        user=user,
        title=title,
        playbook_id=recommendation.playbook_id,
        answers=shown,
        unmapped={},
    )


# A second identical request this soon after the first (a double click, a retry, another tab) is the same
# request: it gets the first one's assessment back instead of a duplicate.
REPEAT_WINDOW = timedelta(minutes=2)


def _copy(
    *,
    original: Assessment,
    user: User,
    title: str,
    playbook_id: int,
    answers: dict[str, Any],
    unmapped: dict[str, str],
    once_per_playbook: bool = False,
) -> Rescore:
    """A new assessment based on ``original`` with ``answers``, submitted and scored when nothing required
    is missing (otherwise a draft to finish). The original's row is locked while looking for a copy the
    same user just made, so two identical requests at once make one assessment, not two. ``once_per_playbook`` (a
    re-score): any copy of ``original`` on that playbook, whoever made it and whenever, is the one returned (review 95:
    a colleague's page left open, or three clicks at once, made a re-score each)."""
    title = title[:200]
    with transaction.atomic():
        own = Assessment.objects.filter(organisation_id=original.organisation_id)
        own.select_for_update().filter(pk=original.pk).first()
        if once_per_playbook:
            made = own.filter(based_on=original, playbook_id=playbook_id).order_by("pk").first()
            if made is not None:
                found = Recommendation.objects.filter(organisation_id=made.organisation_id, assessment=made).first()
                return Rescore(made, found, unmapped, reused=True)
        recent = own.filter(
            based_on=original,
            created_by=user,
            title=title,
            playbook_id=playbook_id,
            created_at__gte=timezone.now() - REPEAT_WINDOW,
        ).order_by("-pk")
        for made in recent:
            if questionnaire.stored_answers(made) == answers:
                found = Recommendation.objects.filter(organisation_id=made.organisation_id, assessment=made).first()
                return Rescore(made, found, unmapped, reused=True)
        new = Assessment.objects.create(
            organisation_id=original.organisation_id,
            created_by=user,
            title=title,
            playbook_id=playbook_id,
            based_on=original,
        )
        Answer.objects.bulk_create(
            Answer(organisation_id=new.organisation_id, assessment=new, question_code=c, value=v)
            for c, v in answers.items()
        )
        if questionnaire.missing_answers(new, answers):
            return Rescore(new, None, unmapped)
        return Rescore(new, submit_and_recommend(assessment=new, user=user), unmapped)


def rebuild_portfolio_counts() -> None:
    """Recompute every organisation's portfolio counts from the recommendations (the triggers keep them
    current; this is for data written with triggers off, such as a bulk load in replica mode)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT recommendations_rebuild_portfolio_counts()")
