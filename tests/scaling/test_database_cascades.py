"""Deleting a draft, a shortlisted vendor or a member is one DELETE by organisation and id, and the database
deletes the rows under it (their foreign keys say ON DELETE CASCADE, apps/common/on_delete.py): Django's own
cascade would read and delete them by the parent's id alone, which a database partitioned by organisation sends
to every node (docs/scaling.md). These tests check the rows go, through the pages, and that the keys Django leaves
to the database do have their action there (a later migration that rebuilds a key would drop it silently).
Every statement of those requests is pinned to the organisation (tests/scaling/tenant_sql.py), with every kind of
row under the parent present."""

from __future__ import annotations

from typing import Any

import pytest
from django.apps import apps
from django.db import connection
from django.db import models as m
from django.test import Client
from django.urls import reverse

from apps.accounts.models import Membership, Organisation, User
from apps.discussion.models import Activity, Comment, OverdueNotice
from apps.questionnaire.models import Answer, Assessment
from apps.recommendations.services import submit_and_recommend
from apps.teamwork.models import SecondOpinion, SecondOpinionAnswer, SectionAssignment, Settlement, StakeholderRole
from apps.vendors.models import DiligenceItem, ShortlistEntry
from tests.factories import (
    AnswerFactory,
    AssessmentFactory,
    CommentFactory,
    DiligenceItemFactory,
    MembershipFactory,
    ShortlistEntryFactory,
    ShortlistFactory,
)
from tests.scaling.tenant_sql import assert_pinned_to_one_organisation, capture_statements, tenant_tables
from tests.security.conftest import COMPLETE
from tests.vendors.factories import VendorFactory

pytestmark = pytest.mark.django_db

# Beside the keys of tenant tables Django leaves to the database (on_delete=DO_NOTHING, which cascade, or set null
# on a key to the same table): "a" (no action) where the database is to refuse (a submitted assessment stays with its
# recommendation), and the keys Django cascades itself that the database cascades too, since their parents go
# with a parent the database deletes.
EXPECTED_ACTION = {
    ("recommendations_recommendation", "assessment_id"): "a",
    ("teamwork_secondopinionanswer", "opinion_id"): "c",
    ("teamwork_settlement", "opinion_id"): "c",
    ("discussion_comment", "parent_id"): "c",
    ("discussion_comment_mentions", "comment_id"): "c",
    ("discussion_overduenotice", "item_id"): "c",
}


def test_every_key_left_to_the_database_has_its_action_there() -> None:
    left = {
        (model._meta.db_table, field.column): "n" if field.null and field.related_model is model else "c"
        for model in apps.get_models()
        if model._meta.db_table in tenant_tables()
        for field in model._meta.concrete_fields
        if isinstance(field, m.ForeignKey) and field.remote_field.on_delete is m.DO_NOTHING and field.db_constraint
    }
    assert left, "no key is left to the database: this test checks nothing"
    expected = left | EXPECTED_ACTION
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.conrelid::regclass::text, a.attname, c.confdeltype FROM pg_constraint c "
            "JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1] WHERE c.contype = 'f'"
        )
        actual = {(table.strip('"'), column): action for table, column, action in cursor.fetchall()}
    assert {key: actual.get(key) for key in expected} == expected


def _second_opinion(assessment: Assessment, reviewer: Membership) -> SecondOpinion:
    org = assessment.organisation
    opinion = SecondOpinion.objects.create(
        assessment=assessment, organisation=org, section_code="work", reviewer=reviewer
    )
    SecondOpinionAnswer.objects.create(opinion=opinion, organisation=org, question_code="judgement", value="no")
    Settlement.objects.create(
        opinion=opinion, organisation=org, question_code="judgement", chosen_value="no", reason="x"
    )
    return opinion


def _team_rows(assessment: Assessment, member: Membership) -> None:
    """One of each row an assessment and a member carry, made for ``assessment`` and ``member``."""
    org = assessment.organisation
    assessment.answers.all().delete()  # the factory's own, so that each kind counts one
    AnswerFactory(assessment=assessment, question_code="judgement", value="yes")
    comment = CommentFactory(assessment=assessment)
    reply = CommentFactory(assessment=assessment, parent=comment)
    reply.mentions.add(member.user)
    Activity.objects.create(organisation=org, assessment=assessment, kind="mentioned", summary="x")
    SectionAssignment.objects.create(assessment=assessment, organisation=org, section_code="work", member=member)
    _second_opinion(assessment, member)


KINDS: list[type[m.Model]] = [
    Answer,
    Comment,
    Activity,
    SectionAssignment,
    SecondOpinion,
    SecondOpinionAnswer,
    Settlement,
]


def _counts(**filters: Any) -> dict[type[m.Model], int]:
    return {model: model._default_manager.filter(**filters).count() for model in KINDS}


def test_deleting_a_draft_deletes_its_answers_comments_assignments_and_opinions(
    buyer_client: Client, buyer: User, organisation: Organisation, colleague: User
) -> None:
    member = Membership.objects.get(user=colleague)
    draft = AssessmentFactory(organisation=organisation, created_by=buyer)
    kept = AssessmentFactory(organisation=organisation, created_by=buyer)
    _team_rows(draft, member)
    _team_rows(kept, member)
    StakeholderRole.objects.create(membership=member, organisation=organisation, role="legal")

    with capture_statements() as statements:
        response = buyer_client.post(reverse("questionnaire:delete", args=[draft.pk]))

    assert response.status_code == 302
    assert_pinned_to_one_organisation(statements)
    assert not Assessment.objects.filter(pk=draft.pk).exists()
    # The other draft's rows stay, one of each (and its comment's reply).
    assert _counts(organisation=organisation) == {**dict.fromkeys(KINDS, 1), Comment: 2}
    assert Comment.mentions.through.objects.filter(comment__assessment=kept).count() == 1
    assert StakeholderRole.objects.filter(membership=member).count() == 1  # a member's, not the draft's


def test_removing_a_member_deletes_their_roles_assignments_and_opinions(
    buyer_client: Client, buyer: User, organisation: Organisation, colleague: User
) -> None:
    member = Membership.objects.get(user=colleague)
    staying = MembershipFactory(organisation=organisation, role=Membership.Role.EDITOR)
    for someone in (member, staying):
        _team_rows(AssessmentFactory(organisation=organisation, created_by=buyer), someone)
        StakeholderRole.objects.create(membership=someone, organisation=organisation, role="legal")

    with capture_statements() as statements:
        response = buyer_client.post(reverse("accounts:remove_member", args=[member.pk]), {"confirm": "yes"})

    assert response.status_code == 302
    assert_pinned_to_one_organisation(statements)
    assert not Membership.objects.filter(pk=member.pk).exists()
    assert StakeholderRole.objects.filter(organisation=organisation).get().membership == staying
    assert SectionAssignment.objects.filter(organisation=organisation).get().member == staying
    assert SecondOpinion.objects.filter(organisation=organisation).get().reviewer == staying
    assert SecondOpinionAnswer.objects.filter(organisation=organisation).count() == 1
    assert Settlement.objects.filter(organisation=organisation).count() == 1


def test_removing_a_vendor_deletes_its_checklist_and_overdue_notices(
    buyer_client: Client, buyer: User, organisation: Organisation, playbook: Any
) -> None:
    scored = AssessmentFactory(organisation=organisation, created_by=buyer, playbook=playbook, answers=COMPLETE)
    recommendation = submit_and_recommend(assessment=scored, user=buyer)
    shortlist = ShortlistFactory(recommendation=recommendation, created_by=buyer)
    removed, kept = (ShortlistEntryFactory(shortlist=shortlist, vendor=VendorFactory()) for _ in range(2))
    for entry in (removed, kept):
        item = DiligenceItemFactory(entry=entry)
        OverdueNotice.objects.create(item=item, organisation=organisation, due_date="2026-11-01")

    with capture_statements() as statements:
        response = buyer_client.post(reverse("vendors:remove", args=[removed.pk]), {"confirm": "yes"})

    assert response.status_code == 302
    assert_pinned_to_one_organisation(statements)
    assert list(ShortlistEntry.objects.filter(organisation=organisation)) == [kept]
    assert DiligenceItem.objects.filter(organisation=organisation).get().entry == kept
    assert OverdueNotice.objects.filter(organisation=organisation).get().item.entry == kept
