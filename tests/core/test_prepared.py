"""A prepared query runs its queryset's SQL with each call's ids and gives what the queryset gives."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.accounts.models import Membership
from apps.accounts.scoping import MEMBERSHIP_ANNOTATIONS
from apps.common.prepared import PreparedQuery
from apps.discussion.models import Comment
from apps.discussion.services import post_comment
from apps.questionnaire.models import Answer, Assessment
from tests.factories import AssessmentFactory, MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def _memberships(user: int) -> Any:
    make = MEMBERSHIP_ANNOTATIONS
    return Membership.objects.for_user(user).annotate(**{name: f(user) for name, f in make.items()}).order_by("pk")


def _same(prepared: PreparedQuery, **values: int) -> list[Any]:
    """The prepared query's result, after checking it against the queryset's own: the same SQL, the same rows."""
    with CaptureQueriesContext(connection) as theirs:
        expected = list(prepared._build(**values))
    with CaptureQueriesContext(connection) as ours:
        got = prepared(**values)
    assert [q["sql"] for q in ours.captured_queries] == [q["sql"] for q in theirs.captured_queries]
    assert len(got) == len(expected)
    for a, b in zip(got, expected, strict=True):
        if isinstance(b, tuple):
            assert a == b
            continue
        assert type(a) is type(b) and a.__dict__.keys() == b.__dict__.keys()
        assert {k: v for k, v in a.__dict__.items() if k != "_state"} == {
            k: v for k, v in b.__dict__.items() if k != "_state"
        }
        assert a._state.db == b._state.db and not a._state.adding
        assert a._state.fields_cache.keys() == b._state.fields_cache.keys()
        for name, related in b._state.fields_cache.items():
            assert a._state.fields_cache[name].__dict__.keys() == related.__dict__.keys()
            assert a._state.fields_cache[name].pk == related.pk
    return got


def test_memberships_with_organisation_and_annotation(buyer: Any, organisation: Any, other_organisation: Any) -> None:
    MembershipFactory(user=buyer, organisation=other_organisation, role=Membership.Role.VIEWER)
    prepared = PreparedQuery(_memberships)
    got = _same(prepared, user=buyer.pk)
    assert {m.organisation.name for m in got} == {organisation.name, other_organisation.name}
    assert all(hasattr(m, name) for m in got for name in MEMBERSHIP_ANNOTATIONS)
    with CaptureQueriesContext(connection) as q:
        [m.organisation.slug for m in got]
    assert not q.captured_queries  # the organisation came with the row


def test_each_call_its_own_ids(buyer: Any, colleague: Any, organisation: Any) -> None:
    other = OrganisationFactory()
    MembershipFactory(user=colleague, organisation=other)
    prepared = PreparedQuery(_memberships)
    assert {m.organisation_id for m in _same(prepared, user=buyer.pk)} == {organisation.pk}
    assert {m.organisation_id for m in _same(prepared, user=colleague.pk)} == {organisation.pk, other.pk}
    assert _same(prepared, user=colleague.pk + buyer.pk + 1000) == []


def test_values_list_and_deferred_select_related(buyer: Any, colleague: Any, organisation: Any, playbook: Any) -> None:
    a = Assessment.objects.create(organisation=organisation, created_by=buyer, title="A", playbook=playbook)
    Answer.objects.create(organisation=organisation, assessment=a, question_code="q1", value={"x": [1, 2]})
    Answer.objects.create(organisation=organisation, assessment=a, question_code="q2", value=3.5, answered_by=buyer)
    post_comment(organisation=organisation, author=colleague, body="Why?", assessment=a, question_code="q1")
    answers = PreparedQuery(
        lambda organisation, assessment: (
            Answer.objects.filter(organisation_id=organisation, assessment_id=assessment)
            .order_by("question_code")
            .values_list("question_code", "value", "answered_by__email", "answered_at")
        )
    )
    rows = _same(answers, organisation=organisation.pk, assessment=a.pk)
    assert [r[:3] for r in rows] == [("q1", {"x": [1, 2]}, None), ("q2", 3.5, buyer.email)]
    assessments = PreparedQuery(
        lambda organisation, pk: (
            Assessment.objects.select_related("playbook", "created_by", "organisation")
            .defer("playbook__definition")
            .filter(organisation_id=organisation, pk=pk)
        )
    )
    (got,) = _same(assessments, organisation=organisation.pk, pk=a.pk)
    assert "definition" not in got.playbook.__dict__ and got.created_by == buyer
    comments = PreparedQuery(
        lambda organisation, assessment: Comment.objects.on_assessment_id(organisation, assessment)
    )
    (comment,) = _same(comments, organisation=organisation.pk, assessment=a.pk)
    assert comment.author == colleague and comment.body == "Why?"


def test_refuses_what_it_cannot_keep() -> None:
    with pytest.raises(TypeError):
        PreparedQuery(_memberships)(user=None)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        PreparedQuery(_memberships)(other=1)
    ignored = PreparedQuery(lambda user: Membership.objects.all())  # the value would never reach the SQL
    with pytest.raises(ImproperlyConfigured):
        ignored(user=1)
    prefetching = PreparedQuery(lambda user: Membership.objects.filter(user_id=user).prefetch_related("user"))
    with pytest.raises(ImproperlyConfigured):
        prefetching(user=1)


def test_an_id_beyond_the_column_finds_nothing(buyer_client: Any, organisation: Any) -> None:
    # The ORM answers such an id without a query; the prepared statement asks PostgreSQL, which finds nothing.
    assert PreparedQuery(_memberships)(user=2**80) == []
    assert buyer_client.get(f"/assessments/{2**70}/steps/s0/").status_code == 404


def test_the_signed_in_user_is_read_as_model_backend_reads_it(buyer: Any, colleague: Any) -> None:
    from django.contrib.auth.backends import ModelBackend

    from apps.accounts.backends import _USER, ThrottledModelBackend

    for user in (buyer, colleague):
        _same(_USER, pk=user.pk)
        with CaptureQueriesContext(connection) as theirs:
            expected = ModelBackend().get_user(user.pk)
        with CaptureQueriesContext(connection) as ours:
            got = ThrottledModelBackend().get_user(user.pk)
        assert [q["sql"] for q in ours.captured_queries] == [q["sql"] for q in theirs.captured_queries]
        assert got is not None and expected is not None and got.__dict__.keys() == expected.__dict__.keys()
        assert {k: v for k, v in got.__dict__.items() if k != "_state"} == {
            k: v for k, v in expected.__dict__.items() if k != "_state"
        }
    colleague.is_active = False
    colleague.save(update_fields=["is_active"])
    assert ThrottledModelBackend().get_user(colleague.pk) is None  # as ModelBackend: refused
    assert ThrottledModelBackend().get_user(2_000_000_000) is None  # gone


def test_a_locking_read_is_routed_as_a_write_and_refused_outside_a_transaction(
    buyer: Any, organisation: Any, monkeypatch: Any
) -> None:
    """As the ORM does with ``select_for_update``: routed by ``db_for_write``, and refused in autocommit on every
    call, not only on the first (the ORM checks while compiling, which a prepared query does once)."""
    from django.db import router, transaction
    from django.db.transaction import TransactionManagementError

    locked = PreparedQuery(lambda pk: Assessment.objects.select_for_update().filter(pk=pk))
    plain = PreparedQuery(lambda pk: Assessment.objects.filter(pk=pk))
    assessment = AssessmentFactory(organisation=organisation, created_by=buyer)
    asked: list[str] = []
    monkeypatch.setattr(router, "db_for_write", lambda model, **hints: asked.append("write") or "default")
    monkeypatch.setattr(router, "db_for_read", lambda model, **hints: asked.append("read") or "default")
    with transaction.atomic():
        assert locked(pk=assessment.pk) == [assessment]
    assert plain(pk=assessment.pk) == [assessment]
    assert asked == ["write", "read"]
    # The test runs in a transaction of its own: the connection is made to say it is in autocommit.
    monkeypatch.setattr(connection, "get_autocommit", lambda: True)
    with pytest.raises(TransactionManagementError):
        locked(pk=assessment.pk)
    assert plain(pk=assessment.pk) == [assessment]
