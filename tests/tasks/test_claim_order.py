"""What the worker claims first: mail a person waits for at the sign-in page before other work, and work over many
rows after what a person waits for page by page (review 65: a reset mail waited 44 s behind another organisation's
36 memos)."""

from __future__ import annotations

import pytest

from apps.accounts.tasks import send_invitation_mail, send_password_reset_mail
from apps.recommendations.bulk import rescore_many
from apps.recommendations.exports import export_history
from apps.recommendations.tasks import draw_memo
from apps.tasks.queue import BULK, URGENT
from tests.tasks.conftest import in_process_worker

pytestmark = pytest.mark.django_db


def _memo(recommendation_id: int, organisation_id: int) -> str:
    """A memo of ``organisation_id``'s queued; its task's id."""
    queued = draw_memo.enqueue(
        recommendation_id=recommendation_id, renderer_version="v", user_id=1, base_url="http://x.test",
        organisation_id=organisation_id,
    )  # fmt: skip
    return str(queued.id)


def test_mail_goes_before_memos_queued_earlier_and_bulk_work_after_them() -> None:
    export = export_history.enqueue(organisation_id=1, query="", newest=1)
    memos = [
        draw_memo.enqueue(recommendation_id=i, renderer_version="v", user_id=1, base_url="http://x.test")
        for i in range(1, 4)
    ]
    reset = send_password_reset_mail.enqueue(email="a@b.test", domain="x.test", use_https=True)
    worker = in_process_worker()

    claimed = [worker.claim_next() for _ in range(5)]
    assert [str(row.pk) for row in claimed if row is not None] == [
        reset.id, *[m.id for m in memos], export.id
    ]  # fmt: skip


def test_the_priorities_are_the_ones_the_tasks_declare() -> None:
    assert send_password_reset_mail.priority == send_invitation_mail.priority == URGENT > 0
    assert export_history.priority == rescore_many.priority == BULK < 0 == draw_memo.priority


def test_an_urgent_only_worker_sends_mail_and_leaves_everything_else() -> None:
    # Review 67: a reset waited 19 s behind a bulk re-score already running, which a priority cannot interrupt. A
    # worker started with --min-priority 50 (make run starts one; docs/operations.md) takes only the urgent mail.
    memo = draw_memo.enqueue(recommendation_id=1, renderer_version="v", user_id=1, base_url="http://x.test")
    export = export_history.enqueue(organisation_id=1, query="", newest=1)
    invitation = send_invitation_mail.enqueue(invitation_id=1, base_url="http://x.test")
    worker = in_process_worker(min_priority=URGENT)

    claimed = worker.claim_next()
    assert claimed is not None and str(claimed.pk) == invitation.id
    assert worker.claim_next() is None
    everything = in_process_worker()
    assert {str(row.pk) for row in (everything.claim_next(), everything.claim_next()) if row} == {memo.id, export.id}


def test_memos_go_in_order_of_arrival_whatever_webhooks_their_organisations_have() -> None:
    # Review 70: the turn between organisations read each one's latest webhook attempt for every task, so an
    # organisation without webhooks had all its memos drawn before an earlier one of an organisation with them.
    from django.utils import timezone

    from apps.api.models import WebhookDelivery, WebhookEndpoint
    from tests.factories import OrganisationFactory

    with_hooks, without = OrganisationFactory(), OrganisationFactory()
    endpoint = WebhookEndpoint.objects.create(
        organisation=with_hooks, url="https://hooks.example/in", events=["recommendation.stored"], secret="s" * 32
    )
    WebhookDelivery.objects.create(
        organisation=with_hooks, endpoint=endpoint, event="recommendation.stored", payload={}, attempts=1,
        last_attempt_at=timezone.now(),
    )  # fmt: skip

    order = [_memo(1, with_hooks.pk), *(_memo(i, without.pk) for i in range(2, 5))]
    worker = in_process_worker()
    claimed = [worker.claim_next() for _ in range(4)]
    assert [str(row.pk) for row in claimed if row is not None] == order


def test_organisations_take_turns_on_the_default_queue() -> None:
    # Review 75: twelve memos of one organisation held another's, queued after them, for 61 s: the default queue took
    # tasks in order of arrival. It now takes the organisation served least recently first, as webhook deliveries do.
    from apps.recommendations.tasks import work_out_flips
    from apps.tasks.models import QueueTurn

    busy = [_memo(i, 101) for i in range(1, 6)]
    other = [_memo(10, 202), str(work_out_flips.enqueue(recommendation_id=11, organisation_id=202).id)]
    worker = in_process_worker()
    claimed = [str(row.pk) for _ in range(7) if (row := worker.claim_next()) is not None]
    # The busy organisation's first, then the other's (never served), then each in turn while both have work.
    assert claimed == [busy[0], other[0], busy[1], other[1], *busy[2:]]
    assert set(QueueTurn.objects.values_list("organisation_id", flat=True)) == {101, 202}
    # A task naming no organisation (a digest, a curator's preview) waits for no turn: in order of arrival.
    from apps.discussion.tasks import send_digest

    late = _memo(12, 101)
    digest = str(send_digest.enqueue(user_id=1, base_url="http://x.test").id)
    assert [str(r.pk) for _ in range(2) if (r := worker.claim_next())] == [digest, late]


def test_a_signal_while_the_worker_exits_is_ignored_so_the_database_clean_up_runs() -> None:
    # Stopping make run sent the worker a second SIGTERM while it exited; the handler raised SystemExit again inside
    # the embedded database's exit clean-up, which was broken off and left the development server running.
    import signal

    saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    worker = in_process_worker()
    try:
        with pytest.raises(SystemExit) as stopped:
            worker.shutdown(signal.SIGTERM, None)
        assert stopped.value.code == 0 and not worker.running
        assert signal.getsignal(signal.SIGTERM) is signal.SIG_IGN and signal.getsignal(signal.SIGINT) is signal.SIG_IGN
        assert worker.shutdown(signal.SIGTERM, None) is None  # on its way out: nothing raised
    finally:
        for s, handler in saved.items():
            signal.signal(s, handler)
