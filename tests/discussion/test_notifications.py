"""Notifications: an inbox row per recipient for every notified kind, the header's count, the inbox,
email preferences, mails with links only sent by the worker, the daily digest, due diligence."""

from __future__ import annotations

import datetime
from io import StringIO
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client, TestCase
from django.urls import reverse

from apps.accounts.models import Organisation, User
from apps.common import events
from apps.discussion.models import NOTIFIED_KINDS, Activity, MailPreference, Notification, OverdueNotice
from apps.questionnaire.models import Assessment
from apps.recommendations.models import Recommendation
from apps.recommendations.services import submit_and_recommend
from tests.discussion.conftest import COMPLETE
from tests.factories import AssessmentFactory
from tests.vendors.factories import item_data, vendor_world

pytestmark = pytest.mark.django_db


def _announce(
    signal: Any, *, organisation: Organisation, actor: User | None, recipients: list[User], target: Any
) -> None:
    events.announce(
        signal,
        sender=type(target),
        organisation=organisation,
        actor=actor,
        recipients=recipients,
        target=target,
        url=f"/assessments/{target.pk}/review/",
        summary="Dana assigned you the section 'Data and compliance'",
    )


def test_every_kind_reaches_the_recipients_inbox_and_the_activity_but_comments_only_the_activity(
    organisation: Organisation,
    buyer: User,
    colleague: User,
    outsider: User,
    assessment: Assessment,
    django_capture_on_commit_callbacks: Any,
) -> None:
    for signal, kind in events.KINDS.items():
        with django_capture_on_commit_callbacks(execute=True):
            # The actor and a non-member among the recipients are never notified.
            _announce(
                signal,
                organisation=organisation,
                actor=buyer,
                recipients=[colleague, buyer, outsider],
                target=assessment,
            )
        rows = list(Notification.objects.filter(kind=kind).values_list("recipient", flat=True))
        assert rows == ([colleague.pk] if kind in NOTIFIED_KINDS else []), kind
        assert Activity.objects.filter(kind=kind, assessment=assessment, actor=buyer).count() == 1, kind
    # A comment reaches people through its mentions; changed answers only the recipients the event names
    # (the colleagues whose answers were replaced), so answering alone fills nobody's inbox.
    assert set(NOTIFIED_KINDS) == set(events.KINDS.values()) - {"comment_posted"}


def test_answers_changed_without_recipients_is_activity_only(
    organisation: Organisation, buyer: User, assessment: Assessment, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        _announce(events.answers_changed, organisation=organisation, actor=buyer, recipients=[], target=assessment)
    assert not Notification.objects.exists()
    assert Activity.objects.filter(kind="answers_changed", assessment=assessment).count() == 1


def test_a_rolled_back_change_notifies_nobody(
    organisation: Organisation,
    buyer: User,
    colleague: User,
    assessment: Assessment,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        _announce(
            events.section_assigned, organisation=organisation, actor=buyer, recipients=[colleague], target=assessment
        )
        transaction.set_rollback(True)
    assert not Notification.objects.exists()


def _notify(organisation: Organisation, recipient: User, count: int, kind: Any = events.divergence_to_settle) -> None:
    target = Assessment.objects.filter(organisation=organisation).first()
    for _ in range(count):
        with TestCase.captureOnCommitCallbacks(execute=True):
            _announce(kind, organisation=organisation, actor=None, recipients=[recipient], target=target)


def test_the_header_shows_the_unread_count_and_the_inbox_marks_read(
    colleague_client: Client, organisation: Organisation, colleague: User, assessment: Assessment
) -> None:
    _notify(organisation, colleague, 3)
    page = colleague_client.get(reverse("questionnaire:list")).content.decode()
    assert 'Inbox <span class="badge">3<span class="visually-hidden"> unread</span>' in page
    first = Notification.objects.filter(recipient=colleague).first()
    assert first is not None
    response = colleague_client.post(reverse("discussion:read", args=[first.pk]), {"open": "1"})
    assert response.status_code == 302 and response["Location"] == first.url
    first.refresh_from_db()
    assert first.read_at is not None
    assert Notification.objects.filter(recipient=colleague, read_at__isnull=True).count() == 2
    assert colleague_client.post(reverse("discussion:read_all")).status_code == 302
    assert not Notification.objects.filter(recipient=colleague, read_at__isnull=True).exists()
    assert 'class="site-account__inbox"' in colleague_client.get(reverse("discussion:inbox")).content.decode()


def test_a_colleagues_or_an_outsiders_notification_is_404(
    colleague_client: Client, outsider_client: Client, organisation: Organisation, buyer: User, assessment: Assessment
) -> None:
    _notify(organisation, buyer, 1)
    note = Notification.objects.get()
    for client in (colleague_client, outsider_client):
        assert client.post(reverse("discussion:read", args=[note.pk])).status_code == 404
    note.refresh_from_db()
    assert note.read_at is None


@pytest.mark.parametrize("count", [2, 30])
def test_the_inbox_keeps_its_query_budget(
    colleague_client: Client,
    organisation: Organisation,
    colleague: User,
    assessment: Assessment,
    count: int,
    django_assert_num_queries: Any,
) -> None:
    _notify(organisation, colleague, count)
    url = reverse("discussion:inbox")
    colleague_client.get(url)
    # session, user, memberships (with the header's unread count), the page's count and its rows (with actors)
    with django_assert_num_queries(5):
        assert colleague_client.get(url).status_code == 200


def test_mail_follows_each_persons_preferences_and_carries_only_a_link(
    colleague_client: Client, organisation: Organisation, colleague: User, assessment: Assessment
) -> None:
    _notify(organisation, colleague, 1, events.divergence_to_settle)  # not mailed by default
    assert mail.outbox == []
    _notify(organisation, colleague, 1, events.approval_requested)  # mailed by default
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "/assessments/" in body and "Data and compliance" not in body
    response = colleague_client.post(reverse("discussion:preferences"), {"kinds": ["divergence_to_settle"]})
    assert response.status_code == 302
    assert MailPreference.objects.get(user=colleague).kinds == ["divergence_to_settle"]
    _notify(organisation, colleague, 1, events.approval_requested)
    _notify(organisation, colleague, 1, events.divergence_to_settle)
    assert len(mail.outbox) == 2 and "divergence" in mail.outbox[1].subject.lower()
    # A kind that does not exist is refused and the preferences stay as they were.
    assert colleague_client.post(reverse("discussion:preferences"), {"kinds": ["everything"]}).status_code == 400
    assert MailPreference.objects.get(user=colleague).kinds == ["divergence_to_settle"]


def test_the_daily_digest_sends_one_mail_of_unread_notifications_once(
    colleague_client: Client, organisation: Organisation, colleague: User, assessment: Assessment
) -> None:
    colleague_client.post(reverse("discussion:preferences"), {"kinds": ["approval_requested"], "daily_digest": "on"})
    _notify(organisation, colleague, 2, events.approval_requested)
    _notify(organisation, colleague, 1, events.divergence_to_settle)
    assert mail.outbox == []  # held for the digest
    call_command("send_digests", stdout=StringIO())
    assert len(mail.outbox) == 1 and mail.outbox[0].subject.startswith("3 unread notifications")
    assert "Data and compliance" not in mail.outbox[0].body
    call_command("send_digests", stdout=StringIO())
    assert len(mail.outbox) == 1


def test_naming_a_due_diligence_owner_tells_them_and_an_overdue_item_is_announced_once(
    colleague_client: Client,
    buyer_client: Client,
    colleague: User,
    buyer: User,
    recommendation: Recommendation,
    django_capture_on_commit_callbacks: Any,
) -> None:
    world = vendor_world(recommendation, buyer)
    url = reverse("vendors:diligence_item", args=[world.item.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = buyer_client.post(url, item_data(world.item, owner=colleague.pk, due_date="2026-01-05"))
    assert response.status_code in (200, 302)
    assigned = Notification.objects.get(kind="diligence_assigned")
    assert assigned.recipient == colleague and assigned.url == reverse("vendors:diligence", args=[world.entry.pk])
    assert Activity.objects.filter(kind="diligence_assigned", recommendation=recommendation).exists()
    from apps.discussion.services import announce_overdue_items

    with django_capture_on_commit_callbacks(execute=True):
        assert announce_overdue_items(today=datetime.date(2026, 1, 6)) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert announce_overdue_items(today=datetime.date(2026, 1, 7)) == 0
    assert Notification.objects.filter(kind="diligence_overdue", recipient=colleague).count() == 1
    assert OverdueNotice.objects.count() == 1


def _send(
    signal: Any,
    *,
    organisation: Organisation,
    actor: User | None,
    recipients: list[User],
    target: Any,
    url: str,
    **extra: Any,
) -> None:
    events.send(
        signal,
        sender=type(target),
        organisation=organisation,
        actor=actor,
        recipients=recipients,
        target=target,
        url=url,
        summary="A notice",
        **extra,
    )


def test_a_notice_that_asked_for_something_done_is_marked_read(
    organisation: Organisation, buyer: User, colleague: User, assessment: Assessment, recommendation: Recommendation
) -> None:
    # Review 76: an approval asked for stayed unread after the approver decided, and a difference to settle after the
    # assessment was submitted.
    page = f"/recommendations/{recommendation.pk}/"
    kw = {"organisation": organisation, "target": recommendation}
    _send(events.approval_requested, actor=None, recipients=[colleague, buyer], url=page, **kw)
    _send(events.decision_made, actor=colleague, recipients=[], url=page, **kw)
    unread = Notification.objects.filter(kind="approval_requested", read_at__isnull=True)
    assert list(unread.values_list("recipient", flat=True)) == [buyer.pk]  # the other approver has still to decide
    # Once a decision completes the sign-off, nobody is asked any more (review 78).
    _send(events.decision_made, actor=colleague, recipients=[], url=page, closed=True, **kw)
    assert not unread.exists()
    # A draft's notices to answer, give an opinion or settle are done once it is submitted; another draft's are not.
    other = AssessmentFactory(organisation=organisation, created_by=buyer, playbook=assessment.playbook)
    for draft in (assessment, other):
        _send(events.divergence_to_settle, actor=None, recipients=[buyer], url=f"/assessments/{draft.pk}/review/",
              organisation=organisation, target=draft)  # fmt: skip
        _send(events.second_opinion_requested, actor=None, recipients=[colleague],
              url=f"/team/assessments/{draft.pk}/opinion/work/", organisation=organisation, target=draft)  # fmt: skip
    Answer = assessment.answers.model  # noqa: N806
    for code, value in COMPLETE.items():
        Answer.objects.update_or_create(
            organisation=organisation, assessment=assessment, question_code=code, defaults={"value": value}
        )
    with TestCase.captureOnCommitCallbacks(execute=True):
        submit_and_recommend(assessment=assessment, user=buyer)
    left = Notification.objects.filter(kind__in=["divergence_to_settle", "second_opinion_requested"], read_at=None)
    assert sorted(n.url for n in left) == sorted(
        [f"/assessments/{other.pk}/review/", f"/team/assessments/{other.pk}/opinion/work/"]
    )
