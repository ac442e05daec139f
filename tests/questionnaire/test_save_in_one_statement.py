"""A save reads the answers with the draft's row version and writes in one statement only while the row is still
that version (apps/questionnaire/drafts.py); a colleague's save in between sends it back under the row lock.

The colleague's save is made between the read and the write, in its own transaction (these tests commit), so
the write sees a new row version exactly as it would after a concurrent save."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from apps.accounts.models import Organisation, User
from apps.playbooks.models import Playbook
from apps.questionnaire import drafts, services
from apps.questionnaire.models import Answer, Assessment
from tests.factories import AssessmentFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _colleague_saves_between_read_and_write(monkeypatch: Any, assessment: Assessment, colleague: User, values: dict):
    read = drafts.read_draft
    calls: list[str] = []

    def read_then_colleague_saves(a: Assessment) -> Any:
        found = read(a)
        if not calls:
            calls.append("colleague")
            result = services.record_answers(assessment=assessment, values=values, user=colleague)
            assert not result.errors, result.errors
        return found

    monkeypatch.setattr(drafts, "read_draft", read_then_colleague_saves)
    return calls


def _stored(assessment: Assessment) -> dict[str, Any]:
    return dict(Answer.objects.filter(assessment=assessment).values_list("question_code", "value"))


def test_a_save_without_a_concurrent_one_is_one_statement_after_the_read(
    organisation: Organisation, buyer: User, playbook: Playbook
) -> None:
    assessment = AssessmentFactory(organisation=organisation, created_by=buyer, playbook=playbook)
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        result = services.record_answers(assessment=assessment, values={"judgement": "yes"}, user=buyer)
    assert result.saved == {"judgement": True} and not result.errors
    # the read, the write, and after its commit the timeline line (apps/discussion)
    assert [q["sql"].split()[0] for q in queries.captured_queries[:2]] == ["SELECT", "WITH"]
    assert _stored(assessment) == {"judgement": True}
    row = Answer.objects.get(assessment=assessment)
    assert row.answered_by == buyer and row.answered_at == result.answered_at


def test_a_colleagues_save_in_between_is_replaced_and_reported(
    organisation: Organisation, buyer: User, colleague: User, playbook: Playbook, monkeypatch: Any
) -> None:
    assessment = AssessmentFactory(
        organisation=organisation, created_by=buyer, playbook=playbook, answers={"judgement": True, "hours": 100}
    )
    loaded = services.loaded_stamp(None)
    calls = _colleague_saves_between_read_and_write(monkeypatch, assessment, colleague, {"hours": "200"})
    result = services.record_answers(
        assessment=assessment, values={"hours": "300"}, user=buyer, loaded={"hours": loaded}
    )
    assert calls == ["colleague"]
    assert not result.errors and result.saved == {"hours": 300}
    # Decided from the colleague's answer, read again under the lock: theirs was replaced, and the saver is told.
    assert result.replaced["hours"].by == colleague.email
    assert _stored(assessment) == {"judgement": True, "hours": 300}
    assert Answer.objects.get(assessment=assessment, question_code="hours").answered_by == buyer


def test_an_answer_a_colleagues_save_in_between_hid_is_refused_and_nothing_is_stored(
    organisation: Organisation, buyer: User, colleague: User, playbook: Playbook, monkeypatch: Any
) -> None:
    assessment = AssessmentFactory(
        organisation=organisation, created_by=buyer, playbook=playbook, answers={"judgement": True}
    )  # "judgement" shows "hours"
    _colleague_saves_between_read_and_write(monkeypatch, assessment, colleague, {"judgement": "no"})
    result = services.record_answers(assessment=assessment, values={"hours": "300"}, user=buyer)
    assert result.errors == {"hours": "This question doesn't apply given your other answers."}
    assert result.answers == {"judgement": False}
    assert _stored(assessment) == {"judgement": False}


def test_a_submit_in_between_refuses_the_save(
    organisation: Organisation, buyer: User, playbook: Playbook, monkeypatch: Any
) -> None:
    assessment = AssessmentFactory(organisation=organisation, created_by=buyer, playbook=playbook)
    read = drafts.read_draft

    def read_then_submitted(a: Assessment) -> Any:
        found = read(a)
        Assessment.objects.filter(pk=a.pk).update(status=Assessment.Status.SUBMITTED, submitted_at=a.created_at)
        return found

    monkeypatch.setattr(drafts, "read_draft", read_then_submitted)
    with pytest.raises(services.AssessmentError):
        services.record_answers(assessment=assessment, values={"judgement": "yes"}, user=buyer)
    assert _stored(assessment) == {}


def test_the_draft_read_with_its_assessment_is_the_one_read_alone(
    organisation: Organisation, buyer: User, colleague: User, playbook: Playbook
) -> None:
    from apps.questionnaire.views import _ASSESSMENT_WITH_DRAFT

    assessment = AssessmentFactory(
        organisation=organisation, created_by=buyer, playbook=playbook, answers={"judgement": True, "hours": 100}
    )
    services.record_answers(assessment=assessment, values={"hours": "250"}, user=colleague)
    Answer.objects.filter(assessment=assessment, question_code="judgement").update(answered_by=None, answered_at=None)
    for pk in (assessment.pk, AssessmentFactory(organisation=organisation, created_by=buyer, playbook=playbook).pk):
        [read] = _ASSESSMENT_WITH_DRAFT(organisation=organisation.pk, pk=pk)
        assert drafts.draft_of(read) == drafts.read_draft(read)
    [read] = _ASSESSMENT_WITH_DRAFT(organisation=organisation.pk, pk=assessment.pk)
    # one answer with who gave it and when, one without
    assert [(code, at is not None, by) for code, _, at, _, by in drafts.draft_of(read).rows] == [
        ("hours", True, colleague.email),
        ("judgement", False, None),
    ]


def test_a_colleagues_save_after_the_page_read_the_draft_sends_the_save_under_the_lock(
    organisation: Organisation, buyer: User, colleague: User, playbook: Playbook
) -> None:
    from apps.questionnaire.views import _ASSESSMENT_WITH_DRAFT

    assessment = AssessmentFactory(
        organisation=organisation, created_by=buyer, playbook=playbook, answers={"judgement": True, "hours": 100}
    )
    [read] = _ASSESSMENT_WITH_DRAFT(organisation=organisation.pk, pk=assessment.pk)
    services.record_answers(assessment=assessment, values={"hours": "200"}, user=colleague)
    loaded = {"hours": services.loaded_stamp(None)}
    result = services.record_answers(
        assessment=read, values={"hours": "300"}, user=buyer, loaded=loaded, draft=drafts.draft_of(read)
    )
    assert not result.errors and result.saved == {"hours": 300}
    assert result.replaced["hours"].by == colleague.email  # decided again from the colleague's answer
    assert _stored(assessment) == {"judgement": True, "hours": 300}


def test_a_timeline_line_the_database_refuses_costs_no_answer(
    organisation: Organisation, buyer: User, playbook: Playbook, monkeypatch: Any, caplog: Any
) -> None:
    from apps.discussion.models import Activity
    from apps.questionnaire import extensions

    class Refused:
        def answers_line(self, **kwargs: Any) -> extensions.Joined:
            # A part the database refuses once the draft matched: a division by zero over the draft's row.
            ctes = "refused AS (SELECT 1 / 0 AS n FROM draft)"
            return extensions.Joined(ctes=ctes, params={}, written="EXISTS (SELECT FROM refused WHERE n > 0)")

    assessment = AssessmentFactory(organisation=organisation, created_by=buyer, playbook=playbook)
    monkeypatch.setattr(extensions, "timeline", Refused())
    result = services.record_answers(assessment=assessment, values={"judgement": "yes"}, user=buyer)
    assert not result.errors and result.saved == {"judgement": True}
    assert _stored(assessment) == {"judgement": True}
    assert "timeline line was refused" in caplog.text
    # the line is written as for a save without one of its own: by the event's listener
    assert Activity.objects.filter(assessment=assessment).count() == 1
