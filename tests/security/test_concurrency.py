"""Concurrency with real concurrent database connections (one per thread).

Covered elsewhere, not repeated here:
- double submit from two threads gives one recommendation:
  tests/recommendations/test_recommendations.py::test_two_simultaneous_submits_give_one_recommendation
- two curators publishing at once get distinct versions:
  tests/playbooks/test_curation.py::test_two_curators_publishing_at_once_get_distinct_versions
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import close_old_connections, connection, transaction
from django.test import Client
from django.urls import reverse

from apps.accounts.models import Organisation, User
from apps.playbooks.models import Playbook
from apps.questionnaire.models import Answer, Assessment
from apps.questionnaire.services import record_answers
from tests.factories import AssessmentFactory


def in_parallel(*work: Callable[[], Any]) -> list[Any]:
    """Run each callable in its own thread (own connection), released together; results or exceptions."""
    barrier = threading.Barrier(len(work))
    results: list[Any] = [None] * len(work)

    def run(i: int) -> None:
        try:
            barrier.wait()
            results[i] = work[i]()
        except Exception as exc:  # reported by the caller's assertions
            results[i] = exc
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(work))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def _xmin(assessment: Assessment) -> int:
    # The id of the (sub)transaction that wrote the row version we see: the writer's fingerprint.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT xmin::text::bigint FROM questionnaire_answer WHERE assessment_id = %s AND question_code = 'hours'",
            [assessment.pk],
        )
        return int(cursor.fetchone()[0])


def _autosave(assessment: Assessment, value: Any) -> tuple[Any, int]:
    """Autosave ``value`` as a tab would; returns it with the fingerprint of the row version it wrote."""
    with transaction.atomic():
        result = record_answers(assessment=assessment, values={"hours": value})
        assert not result.errors, result.errors
        return value, _xmin(assessment)


@pytest.mark.django_db(transaction=True)
def test_two_tabs_autosaving_the_same_question_last_write_wins(
    organisation: Organisation, buyer: User, playbook: Playbook
) -> None:
    assessment = AssessmentFactory(
        organisation=organisation, created_by=buyer, title="Tabs", playbook=playbook, answers={"judgement": True}
    )  # "judgement" shows "hours"
    for round_ in range(5):
        a, b = 1000 + round_, 2000 + round_
        results = in_parallel(lambda a=a: _autosave(assessment, a), lambda b=b: _autosave(assessment, b))
        assert not [r for r in results if isinstance(r, Exception)], results
        rows = list(Answer.objects.filter(assessment=assessment, question_code="hours"))
        assert len(rows) == 1
        # The stored row is the version the last committed write produced, with that write's value.
        winner = [value for value, xmin in results if xmin == _xmin(assessment)]
        assert winner == [rows[0].value], f"round {round_}: stored {rows[0].value}, writes {results}"


@pytest.mark.django_db(transaction=True)
def test_two_tabs_autosaving_over_http_both_succeed(
    organisation: Organisation, buyer: User, colleague: User, playbook: Playbook
) -> None:
    assessment = AssessmentFactory(organisation=organisation, created_by=buyer, title="Tabs", playbook=playbook)
    url = reverse("questionnaire:answer", args=[assessment.pk, "judgement"])

    def tab(user: User, value: str) -> int:
        client = Client()
        client.force_login(user)
        return client.post(url, {"judgement": value}, headers={"HX-Request": "true"}).status_code

    assert in_parallel(lambda: tab(buyer, "yes"), lambda: tab(colleague, "no")) == [200, 200]
    assert Answer.objects.filter(assessment=assessment, question_code="judgement").count() == 1


def _scored(organisation: Organisation, user: User, playbook: Playbook) -> Any:
    from apps.recommendations.services import submit_and_recommend

    answers = {"function": "legal", "judgement": True, "hours": 4000, "data": ["none"]}
    a = AssessmentFactory(
        organisation=organisation, created_by=user, title="Original", playbook=playbook, answers=answers
    )
    return submit_and_recommend(assessment=a, user=user)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("action", ["what_if_save", "rescore"])
def test_a_double_click_on_save_as_new_or_re_score_makes_one_assessment(
    organisation: Organisation, buyer: User, playbook: Playbook, action: str
) -> None:
    rec = _scored(organisation, buyer, playbook)
    if action == "rescore":  # a re-score needs a newer playbook than the recommendation's
        from apps.playbooks.services import import_playbook, publish_playbook
        from tests.playbook_data import small_playbook

        publish_playbook(playbook=import_playbook(data=small_playbook()))
    url = reverse(f"recommendations:{action}", args=[rec.pk])
    data = {"hours": "6000", "whatif_title": "Bigger team"} if action == "what_if_save" else {}

    def click() -> tuple[int, str]:
        client = Client()
        client.force_login(buyer)
        response = client.post(url, data)
        return response.status_code, response["Location"]

    first, second = in_parallel(click, click)
    assert first == second and first[0] == 302, (first, second)
    assert Assessment.objects.filter(based_on=rec.assessment).count() == 1
    # And once more a moment later (a retry): still the same one.
    assert click() == first
    assert Assessment.objects.filter(based_on=rec.assessment).count() == 1


@pytest.mark.django_db(transaction=True)
def test_an_invitation_accepted_and_cancelled_at_once_is_one_or_the_other(
    organisation: Organisation, buyer: User
) -> None:
    # Review 82: accepting while the owner cancelled deadlocked in 5 of 8 rounds, one side answered 503; the loser
    # is told it was already answered or withdrawn (409), and the invitation is accepted or cancelled, not both.
    from django.core.exceptions import ValidationError

    from apps.accounts import services
    from apps.accounts.models import Invitation, Membership
    from tests.factories import UserFactory

    for round_ in range(4):
        invitee = UserFactory(email=f"race{round_}@other.test")
        invitation = Invitation.objects.create(
            organisation=organisation, email=invitee.email, role="viewer", invited_by=buyer
        )
        results = in_parallel(
            lambda i=invitation, u=invitee: services.accept_invitation(invitation=i, user=u),
            lambda i=invitation: services.cancel_invitation(invitation=i, by=buyer),
        )
        losers = [r for r in results if isinstance(r, Exception)]
        assert len(losers) == 1 and isinstance(losers[0], ValidationError), results
        stored = Invitation.objects.get(pk=invitation.pk)
        joined = Membership.objects.filter(organisation=organisation, user=invitee).exists()
        assert (stored.accepted_at is not None) == joined != (stored.cancelled_at is not None)
