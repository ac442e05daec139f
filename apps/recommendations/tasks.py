"""Background work on recommendations: drawing the decision memo (4 to 9 seconds of CPU), and working
out what would flip a newly stored recommendation (off the submit path; ``insight.record_flips``).

The stored ``Memo`` row is the result. The task is idempotent: run twice (a retry, a worker that died
after storing), it finds the memo stored and draws nothing.
"""

from __future__ import annotations

import logging

from django.db import DatabaseError
from django.tasks import TaskResult, task

from apps.accounts.models import Organisation, User
from apps.accounts.scoping import pin_to_organisation
from apps.common.durability import without_waiting_for_disk
from apps.recommendations import insight, memo
from apps.recommendations.models import Recommendation
from apps.tasks.queue import enqueue_once, latest
from kpo_advisor.middleware import lost_database

logger = logging.getLogger(__name__)


@task()
def draw_memo(
    *, recommendation_id: int, renderer_version: str, user_id: int, base_url: str, organisation_id: int | None = None
) -> str:
    """Draw and store the memo; returns its sha256 ("" when there is nothing to draw any more: the
    recommendation was deleted, or a newer renderer took over and will be asked for anew).

    ``organisation_id`` is the recommendation's: a task gets ids, not a request, and each query (and each tenant
    table it joins) names the organisation, as a page's do (docs/scaling.md). A task queued before tasks carried
    it (none given) looks it up first, so a deploy does not fail the memos already in the queue."""
    if organisation_id is None:
        organisation_id = _organisation_of(recommendation_id)
        if organisation_id is None:
            return ""
    organisation = Organisation(pk=organisation_id)  # only its id is read, to filter by
    found = pin_to_organisation(Recommendation.objects.select_related("created_by", "playbook", "memo"), organisation)
    found = found.filter(pk=recommendation_id)
    rec = memo.with_memo_version(found).first()
    user = User.objects.filter(pk=user_id).first()
    if rec is None or user is None or renderer_version != memo.memo_version(rec):
        return ""
    return memo.stored_memo(recommendation=rec, user=user, base_url=base_url).sha256


def _identity(rec: Recommendation) -> dict[str, object]:
    return {"recommendation_id": rec.pk, "renderer_version": memo.memo_version(rec)}


def request_memo(*, recommendation: Recommendation, user: User, base_url: str, again: bool = False) -> TaskResult:
    """Queue the memo's drawing, once per recommendation and renderer version, whoever asks; ``again``: afresh when
    the drawing finished without storing it (``enqueue_once``)."""
    return enqueue_once(
        draw_memo,
        identity=_identity(recommendation),
        again=again,
        organisation_id=recommendation.organisation_id,
        user_id=user.pk,
        base_url=base_url,
    )


def memo_progress(*, recommendation: Recommendation) -> TaskResult | None:
    """Where the drawing of this memo stands (the latest task for it), without queueing anything."""
    return latest(draw_memo, _identity(recommendation))


@task()
def work_out_flips(*, recommendation_id: int, organisation_id: int | None = None) -> int:
    """Store what would flip the recommendation (nothing when it is stored already, or the recommendation
    is gone); returns how many flips it holds. Its queries name ``organisation_id``, as ``draw_memo``'s do
    (looked up first for a task queued without it)."""
    if organisation_id is None:
        organisation_id = _organisation_of(recommendation_id)
        if organisation_id is None:
            return 0
    found = pin_to_organisation(Recommendation.objects.select_related("playbook"), Organisation(pk=organisation_id))
    rec = found.filter(pk=recommendation_id).first()
    return 0 if rec is None else len(insight.stored_flips(rec))


def _organisation_of(recommendation_id: int) -> int | None:
    # Only for tasks queued before they carried their organisation: the one lookup by id alone.
    return Recommendation.objects.filter(pk=recommendation_id).values_list("organisation_id", flat=True).first()


def request_flips(*, recommendation: Recommendation) -> TaskResult | None:
    """Queue working out what would flip ``recommendation``, which was just stored (submit calls this after
    its commit, once per recommendation; nothing else queues this task: the result page works it out itself
    when it comes first). So there is no earlier task to find, and one INSERT queues it, without the locked
    look-up ``enqueue_once`` makes (four more statements on every submit)."""
    # Lost to a database crash, it costs nothing: the result page works it out (common/durability.py). Lost to the
    # database going away just after the submit's commit, likewise: one warning line, as every request that loses the
    # database logs (review 160: a 112-line traceback at ERROR from the commit hook, for nothing lost).
    try:
        with without_waiting_for_disk():
            return work_out_flips.enqueue(
                recommendation_id=recommendation.pk, organisation_id=recommendation.organisation_id
            )
    except DatabaseError as exc:
        if not lost_database(exc):
            raise
        logger.warning(
            "What would flip recommendation %s is not queued (database unavailable: %r); its first view works it out.",
            recommendation.pk,
            exc,
        )
        return None
