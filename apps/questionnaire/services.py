"""Writes to assessments: start, record answers, submit. Each runs in one transaction.

Answers are validated against the pinned playbook by the engine's own checks. An answer is saved
with one upsert statement; answers to questions that are hidden are refused (autosave) or ignored
(a whole step posted without JavaScript), and answers that become hidden are kept but never count.
Submitting is a conditional update from draft to submitted, so it happens exactly once.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, OperationalError, connection, transaction
from django.db.models import QuerySet
from django.db.models.functions import Now
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import Membership, Organisation, User
from apps.common import events
from apps.common.prepared import PreparedQuery
from apps.playbooks.engine import AnswerError, CompiledPlaybook, clean_answer
from apps.playbooks.engine.answers import answer_text, currency_problems
from apps.playbooks.engine.checks import checks_for_answers
from apps.playbooks.engine.visibility import Visibility, visibility
from apps.playbooks.models import Playbook
from apps.playbooks.runtime import compiled_playbook
from apps.questionnaire import drafts, extensions
from apps.questionnaire.models import Answer, Assessment, DeletedDraft

logger = logging.getLogger(__name__)


class AssessmentError(ValidationError):
    """Refused with a message for the buyer; nothing was written."""


@dataclass(frozen=True)
class Replaced:
    """An answer this save replaced that was changed after the saver loaded the page: a colleague's, or the saver's
    own in another window (``own``; review 104: typed over in a second tab without a word)."""

    by: str
    by_id: int | None
    # None: the answer the page showed was removed since (review 119: typed over with a plain "Saved"); who removed
    # it and when are not kept with the answers.
    at: datetime | None
    # Their answer, in words, so it can be given again if it was the right one ("" when not known).
    was: str = ""
    own: bool = False

    @property
    def removed(self) -> bool:
        return self.at is None

    @property
    def message(self) -> str:
        if self.at is None:
            return "The answer this page showed was removed after it was opened; yours is now stored in its place."
        at = timezone.localtime(self.at).strftime("%H:%M %Z")
        if self.own:
            that = f" (that answer: {self.was})" if self.was else ""
            return (
                f"You changed this answer in another window at {at}{that}, after this page was opened; this one "
                "replaced it."
            )
        theirs = f" (their answer: {self.was})" if self.was else ""
        return f"{self.by} changed this answer at {at}{theirs}; yours replaced it."


@dataclass(frozen=True)
class Kept:
    """An answer a whole step's save left as it is: the box was sent as the page drew it, and the stored answer
    changed after the page was drawn (a colleague's save, or the saver's own in another window), so sending it again
    would have put the older answer back (review 56)."""

    by: str
    at: datetime | None
    own: bool
    now: str  # the answer kept, in words

    @property
    def message(self) -> str:
        who = (
            "You changed this answer in another window"
            if self.own
            else f"{self.by or 'A colleague'} changed this answer"
        )
        at = f" at {timezone.localtime(self.at).strftime('%H:%M %Z')}" if self.at else ""
        return f"{who}{at}, after this page was opened; that answer is kept ({self.now})."


# How a refused submit names each required answer missing (the review page lists them as links instead).
NOT_ANSWERED = "Not answered yet: "


def drawn_digest(value: Any) -> str:
    """A short digest of an answer as a page draws it ("" for no answer), which a whole step posts back beside each
    box (``<code>__loaded``, after the stamp and a "|"), so the save can tell a box sent as it was drawn from one the
    buyer changed. Numbers compare by value (12 and 12.0 alike) and a multiple choice whatever its order."""
    if value is None:
        return ""
    return hashlib.sha256(json.dumps(_canonical(value), sort_keys=True).encode()).hexdigest()[:16]


def _canonical(value: Any) -> Any:
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, list | tuple):
        return sorted(json.dumps(_canonical(v), sort_keys=True) for v in value)
    try:
        return float(value)  # Decimal
    except (TypeError, ValueError):
        return str(value)


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
    # Colleagues' answers replaced although the saver had loaded an older one (``loaded``), by code.
    replaced: dict[str, Replaced] = field(default_factory=dict)
    # Answers changed since the page was drawn that a whole step sent unchanged, and so left as they are, by code.
    kept: dict[str, Kept] = field(default_factory=dict)
    # When the saved answers were given: the stamp the page posts back as ``loaded`` next time.
    answered_at: datetime | None = None


def loaded_stamp(when: datetime | None) -> str:
    """The ``answered_at`` a page loaded, as it posts it back (``record_answers``' ``loaded``)."""
    return when.isoformat() if when else ""


def _own(assessment: Assessment) -> QuerySet[Assessment]:
    """The assessment's organisation's assessments: each query on one assessment also names its organisation,
    the distribution column on Citus (docs/scaling.md), so that it goes to the one node holding it."""
    return Assessment.objects.filter(organisation_id=assessment.organisation_id)


def answers_of(assessment: Assessment) -> QuerySet[Answer]:
    """The assessment's answers, by its organisation too (see ``_own``), by question: the model's order within
    one assessment, without joining the assessment for its own order."""
    return _answers(assessment.organisation_id, assessment.pk)


def _answers(organisation: int, assessment: int) -> QuerySet[Answer]:
    return Answer.objects.filter(organisation_id=organisation, assessment_id=assessment).order_by("question_code")


# Compiled once per process (apps/common/prepared.py): submit, the review page and many others read them.
_STORED = PreparedQuery(
    lambda organisation, assessment: _answers(organisation, assessment).values_list("question_code", "value")
)


def stored_answers(assessment: Assessment) -> dict[str, Any]:
    return dict(_STORED(organisation=assessment.organisation_id, assessment=assessment.pk))


@dataclass(frozen=True)
class Given:
    """Who gave a stored answer and when (``by`` empty when no one is recorded), and the answer itself, whose
    ``drawn_digest`` is worked out only for the answers a page draws (a step shows a few of many)."""

    by: str
    at: datetime | None
    value: Any = None

    @property
    def digest(self) -> str:
        return drawn_digest(self.value)

    @property
    def stamp(self) -> str:
        """What a page drawing the answer posts back: when it was given, and what it was (``posted_loaded``)."""
        return f"{loaded_stamp(self.at)}|{self.digest}"


def outside_sections(compiled: CompiledPlaybook, answers: Mapping[str, Any], sections: Iterable[str]) -> dict[str, Any]:
    """``answers`` without those to the questions of ``sections``: what a member owing a second opinion on them may
    see (pages and API alike), or the other sections' answers a second opinion is given beside."""
    left_out = frozenset(sections)
    if not left_out:
        return dict(answers)
    questions = compiled.questions
    return {c: v for c, v in answers.items() if c not in questions or questions[c].section not in left_out}


def given_answers(draft: drafts.Draft) -> tuple[dict[str, Any], dict[str, Given]]:
    """The stored answers, and who gave each and when (the step and review pages), from the draft read in the
    assessment's own statement (``drafts.with_draft``, ``drafts.draft_of``): no query of its own."""
    answers: dict[str, Any] = {}
    given: dict[str, Given] = {}
    for code, value, at, _by, email in draft.rows:
        answers[code] = value
        given[code] = Given(by=email or "", at=at, value=value)
    return answers, given


def start_assessment(
    *, organisation: Organisation, user: User, title: str, function: str | None, start_key: str = ""
) -> Assessment:
    """A new draft on the current playbook. ``start_key``: the start page's one-time key. The draft is stored under
    the key together with the title and function it asks for (``_start_key``), so the same form sent twice by the
    same person (a double click) returns the draft the first send started, while the form sent again with another
    title or function (restored by Back and filled in again) starts one draft of its own, once however often it is
    sent (review 90: the new title had been dropped without a word, then started a draft on every send)."""
    playbook = Playbook.objects.current()
    if playbook is None:
        raise AssessmentError("No published playbook yet: a curator must publish one first.")
    compiled = compiled_playbook(playbook)
    function_code = compiled.roles.get("function")
    title = title.strip()
    start_key = _start_key(start_key, title, function) if start_key else ""
    started = Assessment.objects.filter(organisation=organisation, created_by=user, start_key=start_key)
    if start_key and (earlier := started.first()) is not None:
        return earlier
    try:
        with transaction.atomic():
            assessment = Assessment.objects.create(
                organisation=organisation, created_by=user, title=title, playbook=playbook, start_key=start_key
            )
            if function and function_code:
                try:
                    value = clean_answer(compiled.questions[function_code], function)
                except AnswerError as exc:
                    raise AssessmentError(exc.message) from exc
                Answer.objects.create(
                    organisation=organisation, assessment=assessment, question_code=function_code, value=value
                )
    except IntegrityError:
        # The same key, title and function committed a moment ago by the other of two sends (this one waited on it).
        if not start_key or (earlier := started.first()) is None:
            raise
        return earlier
    return assessment


def _start_key(key: str, title: str, function: str | None) -> str:
    """The key a draft is stored under: the page's one-time key with the title and function sent with it (40
    characters, the column's width)."""
    return hashlib.sha256(f"{key}\x1f{title}\x1f{function or ''}".encode()).hexdigest()[:40]


SUBMITTED = "This assessment has been submitted; its answers can no longer change."
# Said instead when the draft is gone (review 85: a save racing its deletion was told it had been submitted).
DELETED = "This draft has been deleted, so nothing more can be saved to it."


def _gone_or_submitted(assessment: Assessment) -> AssessmentError:
    """Why a draft can no longer be written: deleted, or submitted."""
    return AssessmentError(SUBMITTED if _own(assessment).filter(pk=assessment.pk).exists() else DELETED)


def _touch_draft(assessment: Assessment) -> None:
    """Lock the draft's row for this transaction and mark it changed, in one statement (the UPDATE takes
    the row lock a SELECT ... FOR UPDATE would); refused once the assessment has been submitted."""
    if not _own(assessment).filter(pk=assessment.pk, status=Assessment.Status.DRAFT).update(updated_at=Now()):
        raise _gone_or_submitted(assessment)


def _lock_draft(assessment: Assessment) -> Assessment:
    locked = _own(assessment).select_for_update().get(pk=assessment.pk)
    if not locked.is_draft:
        raise AssessmentError("This assessment has been submitted; its answers can no longer change.")
    return locked


def record_answers(
    *,
    assessment: Assessment,
    values: Mapping[str, Any],
    strict_visibility: bool = True,
    save_valid: bool = False,
    user: User | None = None,
    loaded: Mapping[str, str] | None = None,
    drawn: Mapping[str, str] | None = None,
    draft: drafts.Draft | None = None,
    hidden_sections: Collection[str] = (),
) -> SaveResult:
    """Validate and store ``values`` (question code to raw value; blank clears the answer) as given by ``user``.

    With ``strict_visibility`` (autosave), an answer to a hidden question is an error; without it (a
    whole step posted without JavaScript), such values are ignored. Nothing is written if any value
    is invalid, unless ``save_valid`` (a whole step): then the valid values are stored and only the
    invalid ones are reported in ``errors``, so one typo never costs the buyer the rest of the step.
    ``answers`` is what is stored afterwards, in every case.

    ``loaded`` is, per code, the ``answered_at`` the page showed (``loaded_stamp``). When a colleague has
    changed that answer since, the later save still wins (the draft's row lock orders the two), and the
    colleague's answer it replaced is in ``replaced`` (for the saver) and announced (for the colleague):
    neither loses an answer without being told.

    ``drawn`` (a whole step's save) is, per code, the ``drawn_digest`` of the answer the page showed. A box sent as
    it was drawn is not written when the stored answer changed since (it is in ``kept``: sending it again would put
    the older answer back over a colleague's), and an answer sent as it is stored is not written at all, so a save
    counts, and credits to the saver, only the answers it changes.

    ``draft``: the draft as read with ``assessment`` (``drafts.with_draft``), which spares reading it again.

    ``hidden_sections``: the sections whose second opinion the saver owes: which questions apply is worked out as if
    they had no answers, as the saver's pages show them (review 77: a save accepted or refused by a hidden answer
    told what it was).
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
    for code, why in currency_problems(
        compiled.questions, compiled.roles, values, cleaned, lambda: stored_answers(assessment)
    ).items():
        del cleaned[code]
        result.errors[code] = why
    if not cleaned or (result.errors and not save_valid):
        result.answers = stored_answers(assessment)
        return _hidden_refusals_dropped(compiled, result, strict_visibility)
    # First without the lock: the answers read with the draft's row version, then one statement that writes
    # only if the row is still that version (apps/questionnaire/drafts.py). A save that raced another is done
    # again under the draft's row lock, which orders the two.
    seen_as = _Seen(loaded or {}, drawn, frozenset(hidden_sections))
    done = _save(assessment, compiled, cleaned, strict_visibility, seen_as, user, result.errors, draft)
    if done is not None:
        return _hidden_refusals_dropped(compiled, done, strict_visibility)
    with transaction.atomic():
        _touch_draft(assessment)  # the row lock, held to the commit: the version read next cannot change
        done = _save(assessment, compiled, cleaned, strict_visibility, seen_as, user, result.errors)
        if done is None:
            raise RuntimeError("The draft's row changed under its lock.")
        if done.seen is None:  # refused: the mark goes too
            transaction.set_rollback(True)
    return _hidden_refusals_dropped(compiled, done, strict_visibility)


def _hidden_refusals_dropped(compiled: CompiledPlaybook, result: SaveResult, strict_visibility: bool) -> SaveResult:
    """A whole step's save ignores what is sent for a question its answers hide, a value it would refuse as well as
    one it would take (review 129: the page asked to correct a question it drew hidden); autosave refuses both."""
    if strict_visibility or not result.errors:
        return result
    shown = set(result.seen.questions if result.seen is not None else visibility(compiled, result.answers).questions)
    result.errors = {c: e for c, e in result.errors.items() if c in shown or c not in compiled.questions}
    return result


@dataclass(frozen=True)
class _Seen:
    """What the saving page showed: per code, the stamp (``loaded``) and, for a whole step, the digest (``drawn``)."""

    loaded: Mapping[str, str]
    drawn: Mapping[str, str] | None
    hidden: frozenset[str] = frozenset()  # sections whose answers the saver may not see


def _save(
    assessment: Assessment,
    compiled: CompiledPlaybook,
    cleaned: Mapping[str, Any],
    strict_visibility: bool,
    seen_as: _Seen,
    user: User | None,
    errors: dict[str, str],
    known: drafts.Draft | None = None,
) -> SaveResult | None:
    """Read the draft (unless ``known``: read already), decide, and write in one statement if its row has not
    changed since the read: the result (refused ones included: ``seen`` None, nothing written), or None when the
    row changed (nothing written)."""
    draft = known if known is not None else drafts.read_draft(assessment)
    if draft is None:
        raise AssessmentError(DELETED)
    if not draft.is_draft:
        raise AssessmentError(SUBMITTED)
    result = SaveResult(errors=dict(errors))
    plan = _Plan(compiled, cleaned, draft.rows, strict_visibility, seen_as, user, result)
    if plan.refused:
        return result
    now = timezone.now()
    count = len(plan.save) + len(plan.clear)
    change = _Change(assessment, user, count, result.replaced) if count else None
    line = change.timeline_line(now) if change else None
    try:
        written = drafts.write_if_unchanged(
            assessment, draft.version, save=plan.save, clear=plan.clear, user=user, now=now, also=line
        )
    except OperationalError:
        raise  # the database is away: the caller says so, and nothing was written
    except DatabaseError:
        # The timeline's part must never cost the buyer an answer: where it was refused (and, outside a
        # transaction, nothing of the statement was written) the answers are written alone, and the line is
        # left to the event's listener, as for a save that writes no line of its own.
        if line is None or not connection.get_autocommit():
            raise
        logger.exception("The timeline line was refused in the save's statement; the answers are saved without it.")
        line = None
        written = drafts.write_if_unchanged(
            assessment, draft.version, save=plan.save, clear=plan.clear, user=user, now=now
        )
    if not written.matched:
        return None
    if change:
        change.announce(line_written=written.joined)
    result.saved, result.cleared, result.answered_at = plan.save, plan.clear, now
    return result


class _Plan:
    """What a save of ``cleaned`` over the stored ``rows`` does: the answers to store and to clear, and what
    they show; filled into ``result``. ``refused`` (strict visibility, an answer to a hidden question): the
    errors and the stored answers are in ``result``, and nothing is to be written."""

    def __init__(
        self,
        compiled: CompiledPlaybook,
        cleaned: Mapping[str, Any],
        rows: Sequence[drafts.Row],
        strict_visibility: bool,
        seen_as: _Seen,
        user: User | None,
        result: SaveResult,
    ) -> None:
        cleaned = dict(cleaned)
        stored = {code: value for code, value, *_ in rows}
        given = {code: (at, by_id, email) for code, _, at, by_id, email in rows}
        if seen_as.drawn is not None:
            _unchanged_left_out(compiled, cleaned, stored, given, seen_as.drawn, user, result)
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
        if seen_as.hidden:
            shown = set(visibility(compiled, outside_sections(compiled, merged, seen_as.hidden)).questions)
        hidden = [code for code in cleaned if code not in shown]
        self.refused = bool(hidden and strict_visibility)
        if self.refused:
            result.errors.update((code, "This question doesn't apply given your other answers.") for code in hidden)
            result.answers = stored
            return
        for code in hidden:  # ignored: what is stored for them stays as it was
            del cleaned[code]
            if code in stored:
                merged[code] = stored[code]
            else:
                merged.pop(code, None)
        self.save = {c: v for c, v in cleaned.items() if v is not None}
        self.clear = [c for c, v in cleaned.items() if v is None]
        result.replaced = _replaced(compiled, cleaned, stored, given, seen_as.loaded, user)
        result.answers, result.seen = merged, seen


def _unchanged_left_out(
    compiled: CompiledPlaybook,
    cleaned: dict[str, Any],
    stored: Mapping[str, Any],
    given: Mapping[str, tuple[datetime | None, int | None, str | None]],
    drawn: Mapping[str, str],
    user: User | None,
    result: SaveResult,
) -> None:
    """Take out of a whole step's ``cleaned`` the answers it would not change (sent as stored), and those sent as
    the page drew them where the stored answer changed since (in ``result.kept``)."""
    for code, value in list(cleaned.items()):
        now = stored.get(code)
        if _canonical(value) == _canonical(now):
            del cleaned[code]
        elif code in drawn and drawn_digest(value) == drawn[code]:
            del cleaned[code]
            at, by_id, email = given.get(code, (None, None, None))
            own = user is not None and by_id == user.pk
            words = answer_text(compiled.questions[code], now) if now is not None else "no answer"
            result.kept[code] = Kept(by=email or "", at=at, own=own, now=words)


def _replaced(
    compiled: CompiledPlaybook,
    cleaned: Mapping[str, Any],
    stored: Mapping[str, Any],
    given: Mapping[str, tuple[datetime | None, int | None, str | None]],
    loaded: Mapping[str, str],
    user: User | None,
) -> dict[str, Replaced]:
    """The answers among ``cleaned`` that changed after the saver loaded them (and now differ): a colleague's, or the
    saver's own from another window (``Replaced.own``)."""
    replaced = {}
    for code, value in cleaned.items():
        if code not in loaded or stored.get(code) == value:
            continue
        if code not in given:
            if loaded[code]:  # drawn answered, and no answer now: removed since the page was opened
                replaced[code] = Replaced(by="Someone", by_id=None, at=None)
            continue
        at, by_id, email = given[code]
        if at is None or loaded_stamp(at) == loaded[code]:
            continue
        was = answer_text(compiled.questions[code], stored[code]) if code in stored else ""
        own = user is not None and by_id == user.pk
        replaced[code] = Replaced(by=email or "Someone", by_id=by_id, at=at, was=was, own=own)
    return replaced


class _Change:
    """What a save of ``count`` answers by ``user`` announces (``events.answers_changed``)."""

    def __init__(self, assessment: Assessment, user: User | None, count: int, replaced: Mapping[str, Replaced]):
        # A colleague's answers replaced: the saver's own from another window are no one else's news.
        # A removed answer typed over is told to the saver alone: who removed it is not known.
        replaced = {code: r for code, r in replaced.items() if not r.own and not r.removed}
        self.assessment, self.user, self.count, self.replaced = assessment, user, count, replaced
        who = user.email if user else "Someone"
        self.summary = events.answers_changed_summary(who, count, assessment.title)
        if replaced:
            self.summary += f", replacing {len(replaced)} given by a colleague since they loaded the page"
        self.url = reverse("questionnaire:review", args=[assessment.pk])

    def timeline_line(self, now: datetime) -> extensions.Joined | None:
        """The timeline's line, for the save's own statement to write (``extensions.Timeline``), when it is one a
        sitting gathers: a person's save that replaced no colleague's answer (that line stands on its own)."""
        if self.user is None or self.replaced:
            return None
        return extensions.timeline.answers_line(
            assessment=self.assessment, actor=self.user, answers=self.count, summary=self.summary, url=self.url, now=now
        )

    def _hidden_from(self, user: User) -> bool:
        """Whether an answer of ``user``'s that the save replaced is in a section whose second opinion they owe: the
        first answers there are hidden from them, so they are not told theirs changed (review 82: the inbox said
        "replacing 1 given by a colleague" of a section hidden from its reader)."""
        membership = Membership.objects.filter(organisation_id=self.assessment.organisation_id, user=user).first()
        if membership is None:
            return False
        hidden = extensions.team.member_view(membership, self.assessment).hidden
        if not hidden:
            return False
        compiled = compiled_playbook(self.assessment.playbook)
        return any(
            r.by_id == user.pk and compiled.questions[code].section in hidden
            for code, r in self.replaced.items()
            if code in compiled.questions
        )

    def announce(self, *, line_written: bool) -> None:
        # The colleagues whose answers were replaced are told; the activity shows the change for everyone.
        replaced = self.replaced
        by = {r.by_id for r in replaced.values() if r.by_id}
        recipients = [u for u in User.objects.filter(pk__in=by) if not self._hidden_from(u)] if replaced else []
        events.announce(
            events.answers_changed,
            sender=Assessment,
            organisation=self.assessment.organisation,
            actor=self.user,
            recipients=recipients,
            target=self.assessment,
            url=self.url,
            summary=self.summary,
            answers=None if replaced else self.count,
            line_written=line_written,
        )


def missing_answers(assessment: Assessment, answers: Mapping[str, Any] | None = None) -> list[str]:
    """The visible required questions ``answers`` (default: the stored ones) leave unanswered."""
    compiled = compiled_playbook(assessment.playbook)
    answers = stored_answers(assessment) if answers is None else answers
    return list(visibility(compiled, answers).missing)


@dataclass(frozen=True)
class Submitted:
    assessment: Assessment
    newly: bool  # False: it had been submitted already (a repeat lands on it)
    answers: dict[str, Any]  # the answers checked under the lock, the ones to score (empty on a repeat)


def submit_assessment(*, assessment: Assessment, user: User, locked: bool = False) -> Submitted:
    """Submit once; a repeat lands on the submitted one. ``assessment`` may come with its playbook loaded
    (the page's), which submitting cannot change. ``locked``: the caller read ``assessment`` with its row
    locked (``select_for_update``) in the transaction this runs in, so it is not read again."""
    if locked and not connection.in_atomic_block:  # a lock taken outside a transaction is already released
        raise RuntimeError("A locked assessment is read in the transaction that submits it.")
    # Part of the caller's transaction when there is one (submit_and_recommend's): a refusal rolls all of it
    # back, so a savepoint of its own would only add two statements.
    with transaction.atomic(savepoint=False):
        row = assessment if locked else _own(assessment).select_for_update().get(pk=assessment.pk)
        if not row.is_draft:
            return Submitted(row, False, {})
        compiled = compiled_playbook(assessment.playbook)
        answers = stored_answers(row)
        seen = visibility(compiled, answers)
        missing = list(seen.missing)
        # Checked under the draft's lock, so a settlement or an answer cannot slip in between; first, and whether or
        # not answers are missing, so a member owing an opinion is told so, not "not submitted yet" with the missing
        # answers of the sections hidden from them left out (review 77).
        problems = extensions.team.submit_problems(row, compiled, answers, user.pk)
        # Hours no one can work are a slip, not an unusual answer: a result on them would compare unlike figures. Said
        # only when the team's problems are none: with an opinion owed, they would quote the hidden answers.
        if not problems:
            # The answers that show, as the review page reads them: a hidden one left from before (the weeks of work
            # done once, its horizon since changed) no longer counts (review 82: it let impossible hours through).
            problems = [c.text for c in checks_for_answers(compiled.roles, seen.answers) if c.impossible]
        if problems or missing:
            raise AssessmentError(problems + [f"{NOT_ANSWERED}{compiled.questions[c].prompt}" for c in missing])
        now = timezone.now()
        updated = (
            _own(row)
            .filter(pk=row.pk, status=Assessment.Status.DRAFT)
            .update(status=Assessment.Status.SUBMITTED, submitted_by=user, submitted_at=now, updated_at=now)
        )
        # Under the lock, the update is what the row now holds: set here instead of read back.
        row.status, row.submitted_by = Assessment.Status.SUBMITTED, user
        row.submitted_at = row.updated_at = now
    return Submitted(row, bool(updated), answers)


class DraftGrew(AssessmentError):
    """The draft's answers are not the ones the confirmation that asked to delete it showed (more of them, or changed
    since): nothing is deleted."""

    def __init__(self, shown: int, now: int) -> None:
        self.now = now
        if now > shown:
            since = (
                f"answers were given: the draft now holds {now} answer{'' if now == 1 else 's'}, not the {shown} this "
                "page said would be deleted"
            )
        else:
            since = "its answers were changed"
        super().__init__(
            f"Since this page was drawn, {since}. Nothing was deleted. Look at the draft before you delete it, or "
            "delete it below if you still want to."
        )


def answers_digest(assessment: Assessment) -> str:
    """A short digest of the draft's answers (each question and its answer's ``drawn_digest``, as a step compares
    them), which its delete page carries: a colleague's answer changed since, not only one added, then stops a delete
    from that page (review 110)."""
    each = "\n".join(
        f"{code}={drawn_digest(value)}" for code, value in answers_of(assessment).values_list("question_code", "value")
    )
    return hashlib.sha256(each.encode()).hexdigest()[:16]


def delete_draft(
    *, assessment: Assessment, by: User | None = None, answers_shown: int | None = None, digest: str | None = None
) -> None:
    """Delete a draft with its answers (and nothing else), keeping its id and title with who deleted it
    (``DeletedDraft``). A submitted assessment is refused: its recommendation is an immutable record and keeps the
    assessment (``on_delete=PROTECT``). ``answers_shown`` and ``digest``: the answers the confirmation said would go
    and their digest (``answers_digest``); more now, or others (a colleague's since), raises DraftGrew, and nothing is
    deleted (reviews 108 and 110)."""
    with transaction.atomic():
        locked = _own(assessment).select_for_update().get(pk=assessment.pk)
        if not locked.is_draft:
            raise AssessmentError("This assessment has been submitted, so it stays with its recommendation.")
        if answers_shown is not None or digest is not None:
            now = answers_of(locked).count()
            grew = answers_shown is not None and now > answers_shown
            if grew or (digest is not None and digest != answers_digest(locked)):
                raise DraftGrew(answers_shown if answers_shown is not None else now, now)
        DeletedDraft.objects.update_or_create(
            organisation_id=locked.organisation_id,
            assessment_id=locked.pk,
            defaults={
                "title": locked.title,
                "playbook_id": locked.playbook_id,
                "deleted_by": by,
                "comment_ids": list(
                    locked.comments.filter(organisation_id=locked.organisation_id).values_list("pk", flat=True)
                ),
            },
        )
        # One DELETE by organisation and id: the database deletes the answers, comments, assignments and second
        # opinions with it (their keys cascade, apps/common/on_delete.py), where Django would read and delete
        # each by the draft's id alone.
        _own(locked).filter(pk=locked.pk).delete()
        # Every notice that leads to it leads nowhere now (review 78: its requests to answer stayed unread).
        pk = locked.pk
        events.announce_withdrawn(
            sender=Assessment,
            organisation=locked.organisation_id,
            kinds=None,
            under=(f"/assessments/{pk}/", f"/team/assessments/{pk}/", f"/discussion/assessments/{pk}/"),
        )
