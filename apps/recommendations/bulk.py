"""Bulk re-score: an organisation's stored recommendations re-scored onto the current playbook, in the
background worker (one ``services.rescore`` per recommendation, so each is what the single re-score makes:
a new assessment based on the original, submitted when nothing new is asked, else a draft to finish).

The run is queued once per (organisation, current playbook, selection) with ``enqueue_once``. It is
idempotent: a recommendation whose assessment already has a copy on the current playbook is skipped, so a
retry or a worker that died half way finishes the rest without making doubles. Its progress is read from
the data itself (how many of the selected originals have a copy on the current playbook), so no second
record can drift from what was made.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.tasks import TaskResult, task

from apps.accounts.models import Organisation, User
from apps.playbooks.models import Playbook
from apps.questionnaire.models import Assessment
from apps.questionnaire.services import AssessmentError
from apps.recommendations import services
from apps.recommendations.models import Recommendation
from apps.tasks.queue import BULK, enqueue_once, latest

ALL = "all"
MOST = 500  # recommendations re-scored in one run; a larger organisation runs it again for the rest


def candidates(*, organisation: Organisation, playbook: Playbook) -> Any:
    """The organisation's stored recommendations on an older version than ``playbook`` whose assessment has no copy
    on it yet, newest first. One on a newer version (the newest retired since) is not one to re-score back onto older
    rules (review 97: they stayed listed, and were skipped on every run)."""
    copied = Assessment.objects.filter(organisation=organisation, playbook=playbook, based_on__isnull=False)
    rows = Recommendation.objects.filter(organisation=organisation).exclude(playbook=playbook)
    if playbook.version is not None:
        newer = Playbook.objects.filter(version__gt=playbook.version).values("pk")
        rows = rows.exclude(playbook_id__in=newer)
    return rows.exclude(assessment_id__in=copied.values("based_on_id")).order_by("-created_at", "-pk")


@task(priority=BULK)
def rescore_many(
    *, organisation_id: int, playbook_id: int, selection: str, user_id: int, total: int = 0
) -> dict[str, Any]:
    """Re-score the selection (``ALL``, or comma-separated recommendation ids of the organisation) onto the
    playbook; returns what was made: re-scored pairs, drafts to finish, and those skipped (with why).
    ``total`` (how many were to do when asked) is for the progress shown, not part of the work."""
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    playbook = Playbook.objects.current()
    user = User.objects.filter(pk=user_id).first()
    made: dict[str, Any] = {"rescored": [], "drafts": [], "skipped": []}
    if organisation is None or user is None or playbook is None or playbook.pk != playbook_id:
        made["skipped"].append([None, "A newer playbook was published since this was asked: ask again."])
        return made
    todo = candidates(organisation=organisation, playbook=playbook).select_related("assessment")
    if selection != ALL:
        todo = todo.filter(pk__in=[int(i) for i in selection.split(",")])
    for recommendation in todo[:MOST]:
        try:
            result = services.rescore(recommendation=recommendation, user=user)
        except AssessmentError as refused:
            made["skipped"].append([recommendation.pk, refused.messages[0]])
            continue
        if result.recommendation is None:
            made["drafts"].append([recommendation.pk, result.assessment.pk])
        else:
            made["rescored"].append([recommendation.pk, result.recommendation.pk])
    return made


def _identity(organisation: Organisation, playbook: Playbook, selection: str) -> dict[str, Any]:
    return {"organisation_id": organisation.pk, "playbook_id": playbook.pk, "selection": selection}


def selection_of(ids: list[int] | None) -> str:
    return ALL if not ids else ",".join(str(i) for i in sorted(set(ids)))


def request_rescore(*, organisation: Organisation, playbook: Playbook, user: User, ids: list[int] | None) -> TaskResult:
    """Queue the re-score of ``ids`` (all candidates when None), once per selection and playbook."""
    todo = candidates(organisation=organisation, playbook=playbook)
    total = min(todo.filter(pk__in=ids).count() if ids else todo.count(), MOST)
    identity = _identity(organisation, playbook, selection_of(ids))
    return enqueue_once(rescore_many, identity=identity, user_id=user.pk, total=total)


def last_run(*, organisation: Organisation) -> TaskResult | None:
    """The organisation's latest bulk re-score (any playbook, any selection), or None."""
    return latest(rescore_many, {"organisation_id": organisation.pk})


@dataclass(frozen=True)
class Progress:
    done: int
    total: int


def progress(*, organisation: Organisation, run: TaskResult) -> Progress:
    """How far a run has got: how many copies on its playbook were made since it was queued, of how many
    were to do when it was asked."""
    kwargs = run.kwargs
    done = Assessment.objects.filter(
        organisation=organisation,
        playbook_id=kwargs["playbook_id"],
        based_on__isnull=False,
        created_at__gte=run.enqueued_at,
    ).count()
    total = int(kwargs.get("total", 0))
    return Progress(done=min(done, total), total=total)
