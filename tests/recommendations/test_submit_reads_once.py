"""Submit reads what a published playbook froze once per process, and what the page already loaded not again:
the memo guidance comes from the per-process cache (``runtime.frozen_guidance``), the playbook and the
organisation from the assessment the page looked up; what would flip it is queued with one INSERT."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from apps.accounts.models import Organisation, User
from apps.playbooks.models import Playbook
from apps.playbooks.runtime import frozen_guidance
from apps.playbooks.services import publish_playbook, start_draft
from apps.recommendations import tasks
from apps.recommendations.models import Recommendation
from tests.factories import AssessmentFactory

pytestmark = pytest.mark.django_db


def test_a_published_playbooks_guidance_is_read_once_and_a_drafts_on_every_call(
    reference: Playbook, django_assert_num_queries: Any
) -> None:
    draft = start_draft(playbook=reference)
    with django_assert_num_queries(2):
        assert frozen_guidance(draft.pk) is None
        assert frozen_guidance(draft.pk) is None  # a draft is not cached: it may be published next

    published = publish_playbook(playbook=draft)
    with django_assert_num_queries(1):
        first = frozen_guidance(published.pk)
        again = frozen_guidance(published.pk)

    assert published.definition is not None
    assert first is not None and [dict(item) for item in first] == published.definition["catalogue"]["guidance"]
    assert again is first


def test_a_second_submit_reads_neither_the_guidance_nor_the_organisation_nor_the_playbook_again(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    answers = reference.golden_cases.get(name__startswith="US hedge fund").answers
    first, second = (
        AssessmentFactory(organisation=organisation, created_by=buyer, playbook=reference, answers=answers)
        for _ in range(2)
    )
    assert buyer_client.post(reverse("recommendations:submit", args=[first.pk])).status_code == 302

    with CaptureQueriesContext(connection) as queries:
        response = buyer_client.post(reverse("recommendations:submit", args=[second.pk]))

    assert response.status_code == 302
    stored = Recommendation.objects.get(assessment=second)
    assert stored.record.guidance is not None and stored.record.guidance.clauses
    sql = [q["sql"] for q in queries.captured_queries]
    assert not [s for s in sql if "guidance" in s and "playbooks_playbook" in s]
    assert not [s for s in sql if 'FROM "accounts_organisation" WHERE' in s]
    # The page's own lookup joins the playbook; submitting locks the assessment and uses the playbook the page
    # loaded, and scores the answers it checked under the lock (read once).
    assert not [s for s in sql if 'FROM "playbooks_playbook"' in s]
    assert len([s for s in sql if 'FROM "questionnaire_answer"' in s]) == 1


def test_submit_queues_what_would_flip_it_with_one_insert_after_its_commit(
    reference: Playbook,
    organisation: Organisation,
    buyer: User,
    buyer_client: Client,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": settings.TASK_QUEUES}}
    answers = reference.golden_cases.get(name__startswith="US hedge fund").answers
    assessment = AssessmentFactory(organisation=organisation, created_by=buyer, playbook=reference, answers=answers)

    with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks(execute=True):
        response = buyer_client.post(reverse("recommendations:submit", args=[assessment.pk]))

    assert response.status_code == 302
    stored = Recommendation.objects.get(assessment=assessment)
    queued = DBTaskResult.objects.filter(task_path=tasks.work_out_flips.module_path)
    assert [row.args_kwargs["kwargs"] for row in queued] == [
        {"recommendation_id": stored.pk, "organisation_id": stored.organisation_id}
    ]
    # The recommendation is new, so there is no earlier task to look for: no lock, no look-up, one INSERT.
    about_flips = [q["sql"] for q in queries.captured_queries if "work_out_flips" in q["sql"]]
    assert len(about_flips) == 1 and about_flips[0].startswith('INSERT INTO "django_tasks_database_dbtaskresult"')


def test_working_out_flips_names_the_organisation_and_a_task_queued_without_it_still_runs(
    reference: Playbook, organisation: Organisation, other_organisation: Organisation, buyer: User
) -> None:
    from apps.recommendations.models import FlipRecord
    from apps.recommendations.services import submit_and_recommend

    answers = reference.golden_cases.get(name__startswith="US hedge fund").answers
    draft = AssessmentFactory(organisation=organisation, created_by=buyer, playbook=reference, answers=answers)
    rec = submit_and_recommend(assessment=draft, user=buyer)

    # Another organisation's id finds nothing, so works out nothing.
    assert tasks.work_out_flips.call(recommendation_id=rec.pk, organisation_id=other_organisation.pk) == 0
    assert not FlipRecord.objects.filter(recommendation=rec).exists()
    with CaptureQueriesContext(connection) as queries:
        worked = tasks.work_out_flips.call(recommendation_id=rec.pk, organisation_id=organisation.pk)
    assert worked > 0 and FlipRecord.objects.filter(organisation=organisation, recommendation=rec).exists()
    reads = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT")]
    assert reads and all('"organisation_id" = ' in sql for sql in reads if "recommendations_" in sql)
    # A task queued before tasks carried the organisation (none given) looks it up and runs.
    assert tasks.work_out_flips.call(recommendation_id=rec.pk) == worked
    assert tasks.work_out_flips.call(recommendation_id=rec.pk + 10_000) == 0


def test_submit_reads_the_memberships_without_the_headers_count_and_a_refusal_still_shows_it(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    from tests.factories import NotificationFactory

    NotificationFactory(organisation=organisation, recipient=buyer)
    answers = reference.golden_cases.get(name__startswith="US hedge fund").answers
    draft = AssessmentFactory(organisation=organisation, created_by=buyer, playbook=reference, answers=answers)
    with CaptureQueriesContext(connection) as queries:
        assert buyer_client.post(reverse("recommendations:submit", args=[draft.pk])).status_code == 302
    # A redirect draws no header, so reads no count. (The stored recommendation's listeners, in its transaction,
    # mark read the notices that asked for answers: a write, not the header's read.)
    reads = [q for q in queries.captured_queries if "discussion_notification" in q["sql"]]
    assert not [q for q in reads if q["sql"].lstrip().upper().startswith("SELECT")]

    # A refused submit shows the review page again, header and all: its count is read with a query of its own.
    empty = AssessmentFactory(organisation=organisation, created_by=buyer, playbook=reference, answers={})
    with CaptureQueriesContext(connection) as queries:
        refused = buyer_client.post(reverse("recommendations:submit", args=[empty.pk]))
    assert refused.status_code == 400
    assert len([q for q in queries.captured_queries if "discussion_notification" in q["sql"]]) == 1
    assert b'Inbox <span class="badge">1<span class="visually-hidden"> unread' in refused.content


def test_a_buyers_submit_sends_no_audit_context_with_its_writes(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    # Only curated data is audited, and only staff change it (kpo_advisor.middleware.AuditContextMiddleware);
    # tests/playbooks/test_audit_and_permissions.py shows a curator's admin edit recorded with who made it.
    answers = reference.golden_cases.get(name__startswith="US hedge fund").answers
    draft = AssessmentFactory(organisation=organisation, created_by=buyer, playbook=reference, answers=answers)
    with CaptureQueriesContext(connection) as queries:
        assert buyer_client.post(reverse("recommendations:submit", args=[draft.pk])).status_code == 302
    writes = [q["sql"] for q in queries.captured_queries if "INSERT" in q["sql"] or "UPDATE" in q["sql"]]
    assert writes and not [sql for sql in writes if "pghistory" in sql]


@pytest.mark.django_db(transaction=True)
def test_a_locked_read_counts_only_inside_the_transaction_that_submits(
    reference: Playbook, organisation: Organisation, buyer: User
) -> None:
    from django.db import transaction

    from apps.questionnaire.models import Assessment
    from apps.questionnaire.services import submit_assessment

    answers = reference.golden_cases.get(name__startswith="US hedge fund").answers
    draft = AssessmentFactory(organisation=organisation, created_by=buyer, playbook=reference, answers=answers)
    with pytest.raises(RuntimeError):  # its lock went with its own transaction: nothing is submitted
        submit_assessment(assessment=draft, user=buyer, locked=True)
    assert Assessment.objects.get(pk=draft.pk).is_draft
    with transaction.atomic():
        row = Assessment.objects.select_for_update().get(organisation=organisation, pk=draft.pk)
        submitted = submit_assessment(assessment=row, user=buyer, locked=True)
    assert submitted.newly and submitted.assessment is row
    stored = Assessment.objects.get(pk=draft.pk)
    assert not stored.is_draft and stored.submitted_by == buyer
    assert (stored.submitted_at, stored.updated_at) == (row.submitted_at, row.updated_at)


def test_a_submit_whose_author_was_made_a_viewer_while_it_waited_is_refused(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client, monkeypatch: Any
) -> None:
    """Review 103: a submit that waited on the draft's lock while its author was made a viewer went through. The
    role is read again, locked, once the draft is held."""
    from apps.accounts.models import Membership
    from apps.recommendations import views

    answers = reference.golden_cases.get(name__startswith="Textbook KPO: steady market analytics").answers
    a = AssessmentFactory(
        organisation=organisation, created_by=buyer, title="Raced", playbook=reference, answers=answers
    )
    locked = views._LOCKED_DRAFT

    def demoted_meanwhile(**kwargs: Any) -> Any:
        Membership.objects.filter(organisation=organisation, user=buyer).update(role=Membership.Role.VIEWER)
        return locked(**kwargs)

    monkeypatch.setattr(views, "_LOCKED_DRAFT", demoted_meanwhile)
    refused = buyer_client.post(reverse("recommendations:submit", args=[a.pk]))
    assert refused.status_code == 403
    assert not Recommendation.objects.filter(assessment=a).exists()
    a.refresh_from_db()
    assert a.is_draft
