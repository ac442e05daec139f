"""Two approvers deciding the same recommendation at the same moment: the decisions are taken one after
the other, so the second sees the first (here the one approval needed) and is told, never recorded after
the end."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from django.db import connection

from apps.accounts.models import Membership, Organisation, User
from apps.playbooks.models import Playbook
from apps.recommendations.models import Recommendation
from apps.signoff import services
from apps.signoff.models import Decision, DecisionStatus
from apps.signoff.status import sign_off_state
from tests.signoff.conftest import require_approval, stored


def _decide(rec: Recommendation, user: User, into: dict[str, Any]) -> None:
    try:
        membership = Membership.objects.get(user=user, organisation_id=rec.organisation_id)
        into[user.email] = services.decide(recommendation=rec, membership=membership, outcome="approved", reason="")
    except services.SignOffConflict as exc:
        into[user.email] = exc
    finally:
        connection.close()  # this thread's own database connection


def _someone_waits_for_a_row_lock() -> bool:
    with connection.cursor() as cursor:
        for _ in range(1200):  # bounded: at most about a minute
            cursor.execute("SELECT count(*) FROM pg_locks WHERE locktype IN ('transactionid', 'tuple') AND NOT granted")
            if cursor.fetchone()[0]:
                return True
            time.sleep(0.05)
    return False


@pytest.mark.django_db(transaction=True)
def test_two_approvers_at_once_make_one_approval_and_the_second_is_told(
    buyer: User,
    approver: User,
    second_approver: User,
    organisation: Organisation,
    playbook: Playbook,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    require_approval(organisation, approvals=1)
    rec = stored(organisation, buyer, playbook)
    gate, inside = threading.Event(), threading.Event()
    announce = services._announce_decision

    def slow_announce(*args: Any, **kwargs: Any) -> None:
        # The first decision is written but not committed while the second approver arrives.
        if not inside.is_set():
            inside.set()
            assert gate.wait(60)
        announce(*args, **kwargs)

    monkeypatch.setattr(services, "_announce_decision", slow_announce)
    results: dict[str, Any] = {}
    first = threading.Thread(target=_decide, args=(rec, approver, results))
    first.start()
    try:
        assert inside.wait(60)
        second = threading.Thread(target=_decide, args=(rec, second_approver, results))
        second.start()
        assert _someone_waits_for_a_row_lock()  # the second waits for the first's sign-off lock
    finally:
        gate.set()
        first.join(60)
    second.join(60)
    assert isinstance(results[approver.email], Decision)
    assert isinstance(results[second_approver.email], services.SignOffConflict)
    assert "already approved" in results[second_approver.email].message
    assert Decision.objects.filter(recommendation=rec).count() == 1
    assert sign_off_state(rec).status == DecisionStatus.APPROVED
