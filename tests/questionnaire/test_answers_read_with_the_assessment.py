"""The step and review pages read an assessment's answers, and who gave each and when, in the assessment's own
statement (``drafts.with_draft``): the same values, in the same order, with the same givers and the same stamps an
autosave posts back, as reading the answers by a query of their own (the ORM's JSON and datetime decoding)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from django.urls import reverse

from apps.accounts.models import Organisation, User
from apps.playbooks.models import Playbook
from apps.questionnaire import drafts, services
from apps.questionnaire.models import Answer, Assessment
from apps.questionnaire.views import _ASSESSMENT_AND_TEAM, _ASSESSMENT_WITH_DRAFT

pytestmark = pytest.mark.django_db

# Values of every kind a JSONField holds, and times with and without microseconds (PostgreSQL writes a
# fraction's trailing zeros away; Python's isoformat writes six digits or none).
VALUES: dict[str, tuple[Any, datetime | None]] = {
    "a-text": ("legal", datetime(2026, 3, 1, 9, 30, 0, 120000, tzinfo=UTC)),
    "b-list": (["phi", "eu-personal"], datetime(2026, 3, 1, 9, 30, 0, 0, tzinfo=UTC)),
    "c-int": (8000, datetime(2026, 3, 1, 9, 30, 0, 5, tzinfo=UTC)),
    "d-float": (2.5, datetime(2026, 3, 1, 9, 30, 0, 999999, tzinfo=UTC)),
    "e-big": (1000000, None),
    "f-yes": (True, datetime(2030, 12, 31, 23, 59, 59, 100, tzinfo=UTC)),
    "g-no": (False, datetime(2026, 1, 1, tzinfo=UTC)),
    "h-quote": ('He said "no" \\ then <b>yes</b> ✓', datetime(2026, 6, 1, 12, tzinfo=UTC)),
    "i-small": (0.1, datetime(2026, 6, 1, 12, 0, 0, 10, tzinfo=UTC)),
    "j-empty": ([], datetime(2026, 6, 1, 12, 0, 0, 1000, tzinfo=UTC)),
}


def _by_their_own_query(assessment: Assessment) -> tuple[dict[str, Any], dict[str, services.Given]]:
    """The answers as the pages read them before: a query of their own, decoded by the ORM."""
    rows = (
        Answer.objects.filter(organisation_id=assessment.organisation_id, assessment_id=assessment.pk)
        .order_by("question_code")
        .values_list("question_code", "value", "answered_by__email", "answered_at")
    )
    answers, given = {}, {}
    for code, value, email, at in rows:
        answers[code] = value
        given[code] = services.Given(by=email or "", at=at, value=value)
    return answers, given


def test_the_answers_read_with_the_assessment_are_those_a_query_of_their_own_reads(
    organisation: Organisation, buyer: User, colleague: User, playbook: Playbook
) -> None:
    assessment = Assessment.objects.create(organisation=organisation, created_by=buyer, title="t", playbook=playbook)
    for i, (code, (value, at)) in enumerate(VALUES.items()):
        Answer.objects.create(
            organisation=organisation,
            assessment=assessment,
            question_code=code,
            value=value,
            answered_by=(buyer, colleague, None)[i % 3],
            answered_at=at,
        )
    membership = buyer.memberships.get(organisation=organisation)
    for read in (
        _ASSESSMENT_WITH_DRAFT(organisation=organisation.pk, pk=assessment.pk),
        _ASSESSMENT_AND_TEAM(organisation=organisation.pk, pk=assessment.pk, member=membership.pk),
    ):
        answers, given = services.given_answers(drafts.draft_of(read[0]))
        old_answers, old_given = _by_their_own_query(assessment)
        assert list(answers.items()) == list(old_answers.items())
        assert {c: type(v) for c, v in answers.items()} == {c: type(v) for c, v in old_answers.items()}
        assert given == old_given
        assert {c: g.stamp for c, g in given.items()} == {c: g.stamp for c, g in old_given.items()}


def test_a_step_without_answers_reads_none(
    organisation: Organisation, buyer: User, buyer_client: Any, playbook: Playbook
) -> None:
    assessment = Assessment.objects.create(organisation=organisation, created_by=buyer, title="t", playbook=playbook)
    found = _ASSESSMENT_WITH_DRAFT(organisation=organisation.pk, pk=assessment.pk)
    assert services.given_answers(drafts.draft_of(found[0])) == ({}, {})
    assert buyer_client.get(reverse("questionnaire:step", args=[assessment.pk, "work"])).status_code == 200
    assert buyer_client.get(reverse("questionnaire:review", args=[assessment.pk])).status_code == 200
