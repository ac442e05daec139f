"""An autosave's timeline line in one statement (apps/discussion/sitting.py): the same lines as the locked path,
one statement, its commit not waiting for the disk, and two saves at once both counted."""

from __future__ import annotations

import sys
import threading
import time
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.accounts.models import Organisation, User
from apps.common import events
from apps.discussion import services, sitting
from apps.discussion.models import Activity, Kind
from apps.questionnaire.models import Assessment
from tests.factories import AssessmentFactory, MembershipFactory


def _line(assessment: Assessment, actor: User, count: int) -> Activity | None:
    """What the questionnaire's save announces reaches the timeline so (receivers.record_activity)."""
    return services.record_activity(
        kind=Kind.ANSWERS_CHANGED,
        organisation=assessment.organisation,
        actor=actor,
        target=assessment,
        url=f"/assessments/{assessment.pk}/review/",
        summary=events.answers_changed_summary(actor.email, count, assessment.title),
        answers=count,
    )


def _line_in_save(assessment: Assessment, actor: User, count: int) -> None:
    """The same line as part of a save's own statement (``services.AnswersTimeline``, questionnaire.drafts), the
    draft's row matched: what that statement's line part writes, or, when it writes none, what the event's
    listener then does."""
    url, summary = (
        f"/assessments/{assessment.pk}/review/",
        events.answers_changed_summary(actor.email, count, assessment.title),
    )
    part = services.AnswersTimeline().answers_line(
        assessment=assessment, actor=actor, answers=count, summary=summary, url=url, now=timezone.now()
    )
    if part is not None:
        with connection.cursor() as cursor:
            sql = f"WITH draft AS (SELECT %(line_assessment)s AS id), {part.ctes}\nSELECT {part.written}"
            cursor.execute(sql, part.params)
            if cursor.fetchone()[0]:
                return
    _line(assessment, actor, count)


WRITERS = {"alone": _line, "in the save": _line_in_save}


def _summaries(assessment: Assessment) -> list[str]:
    lines = Activity.objects.filter(assessment=assessment).order_by("created_at", "pk")
    return list(lines.values_list("summary", flat=True))


def test_rtrims_set_is_what_python_strips() -> None:
    assert "".join(c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace()) == sitting.WHITESPACE


LONG = "a" * 60 + "@" + "b" * 60 + ".example"
CASES = [
    # (email, first title, title when the next save comes, counts saved in turn)
    ("ana@acme.test", "Legal review 2027", "Legal review 2027", [1, 1, 3, 4, 1]),  # 1, 2 answers, then 9 -> 10
    ("ana@acme.test", "Renamed", "Legal review 2028", [2, 98]),  # the line takes the title of the latest save
    (LONG, "T" * 200, "T" * 200, [1, 2, 7]),  # the title shortened to keep the closing quote
    (LONG, "T" * 100 + " \u3000\t x" * 20, "T" * 100 + " \u3000\t x" * 20, [1, 8, 1]),  # cut at whitespace
    ("z" * 240 + "@x.test", "Title", "Title", [1, 1]),  # no room for the title at all
]


@pytest.mark.django_db
@pytest.mark.parametrize("writer", WRITERS)
@pytest.mark.parametrize(("email", "first", "then", "counts"), CASES)
def test_the_statement_writes_the_sentence_the_locked_path_would(
    organisation: Organisation, email: str, first: str, then: str, counts: list[int], writer: str
) -> None:
    actor = MembershipFactory(organisation=organisation, user__email=email).user
    assessment = AssessmentFactory(organisation=organisation, created_by=actor, title=first)
    WRITERS[writer](assessment, actor, counts[0])
    assessment.title = then
    for count in counts[1:]:
        with CaptureQueriesContext(connection) as queries:
            WRITERS[writer](assessment, actor, count)
        assert len(queries) == 1, [q["sql"] for q in queries.captured_queries]  # no lock, no fallback
    assert _summaries(assessment) == [events.answers_changed_summary(email, sum(counts), then)]


_SEEN = iter(range(10**9))
_CHARACTERS = st.characters(exclude_characters="\x00", exclude_categories=("Cs",)) | st.sampled_from(" \t\u3000x")


@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    local=st.text("abcxyz0189.-_+", min_size=1, max_size=40) | st.text("ab.", min_size=100, max_size=180),
    title=st.text(_CHARACTERS, max_size=200),
    renamed=st.text(_CHARACTERS, max_size=40) | st.text(_CHARACTERS, min_size=200, max_size=320),
    first=st.integers(1, 10**6),
    then=st.integers(1, 10**6),
    writer=st.sampled_from(sorted(WRITERS)),
)
def test_any_email_title_and_counts_give_the_sentence_python_writes(
    organisation: Organisation, local: str, title: str, renamed: str, first: int, then: int, writer: str
) -> None:
    """The statement's sentence is a second home of ``events.answers_changed_summary``'s rule: held to it over any
    email, title (whitespace of every kind, characters beyond the BMP) and count."""
    email = f"{next(_SEEN)}{local}@example.test"
    actor = MembershipFactory(organisation=organisation, user__email=email).user
    assessment = AssessmentFactory(organisation=organisation, created_by=actor, title=title)
    WRITERS[writer](assessment, actor, first)
    assessment.title = renamed
    WRITERS[writer](assessment, actor, then)
    assert _summaries(assessment) == [events.answers_changed_summary(email, first + then, renamed)]


@pytest.mark.django_db
def test_a_line_the_statement_cannot_read_is_left_to_the_locked_path(organisation: Organisation) -> None:
    """An email with " changed " in it: the count is not the first thing events.answers_changed_count reads."""
    actor = MembershipFactory(organisation=organisation, user__email='"a changed 4 answers in “x"@acme.test').user
    assessment = AssessmentFactory(organisation=organisation, created_by=actor, title="Legal review")
    for count in (1, 2):
        with CaptureQueriesContext(connection) as queries:
            _line(assessment, actor, count)
        assert any("FOR UPDATE" in q["sql"] for q in queries.captured_queries)
    # The locked path reads the first count, the one in the email (4), as it always did: 4 + 2.
    assert _summaries(assessment) == [events.answers_changed_summary(actor.email, 6, "Legal review")]


@pytest.mark.django_db
@pytest.mark.parametrize("writer", WRITERS)
def test_a_colleagues_line_a_long_pause_or_another_kind_starts_a_new_line(
    organisation: Organisation, buyer: User, colleague: User, writer: str
) -> None:
    write = WRITERS[writer]
    assessment = AssessmentFactory(organisation=organisation, created_by=buyer, title="Legal review")
    write(assessment, buyer, 1)
    write(assessment, colleague, 2)
    write(assessment, buyer, 1)
    Activity.objects.filter(pk=Activity.objects.latest("created_at", "pk").pk).update(
        created_at=timezone.now() - services.ANSWERS_SITTING - timedelta(seconds=1)
    )
    write(assessment, buyer, 3)
    services.record_activity(
        kind=Kind.COMMENT_POSTED, organisation=organisation, actor=buyer, target=assessment, url="/", summary="Said"
    )
    write(assessment, buyer, 4)
    say = events.answers_changed_summary
    expected = [say(buyer.email, 1, "Legal review"), say(colleague.email, 2, "Legal review")]
    expected += [say(buyer.email, n, "Legal review") for n in (1, 3)] + ["Said", say(buyer.email, 4, "Legal review")]
    written = Activity.objects.filter(assessment=assessment).order_by("pk")  # the pause moved one line back
    assert list(written.values_list("summary", flat=True)) == expected


def _wal_syncs() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_force_next_flush()")
        cursor.execute(
            "SELECT coalesce(sum(fsyncs), 0) FROM pg_stat_get_backend_io(pg_backend_pid()) WHERE object = 'wal'"
        )
        return int(cursor.fetchone()[0])


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_it_is_one_statement_whose_commit_does_not_wait_for_the_disk(
    organisation: Organisation, buyer: User
) -> None:
    if connection.pg_version < 180000:  # per-backend I/O statistics are new in PostgreSQL 18
        pytest.skip("needs pg_stat_get_backend_io")
    assessment = AssessmentFactory(organisation=organisation, created_by=buyer, title="Legal review")
    _line(assessment, buyer, 1)  # a new line
    before = _wal_syncs()
    with CaptureQueriesContext(connection) as queries:
        for _ in range(5):
            _line(assessment, buyer, 1)  # added to it
    assert len(queries) == 5 and not connection.in_atomic_block
    assert _wal_syncs() == before  # each committed without flushing the log to disk
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone()[0] == "on"  # the setting ended with each statement's transaction
    assert _summaries(assessment) == [events.answers_changed_summary(buyer.email, 6, "Legal review")]
    # A durable commit on the same connection does flush: the measure can see one.
    Assessment.objects.filter(pk=assessment.pk).update(title="Legal review")
    assert _wal_syncs() > before


@pytest.mark.django_db(transaction=True)
def test_inside_a_callers_transaction_its_commit_stays_durable(organisation: Organisation, buyer: User) -> None:
    assessment = AssessmentFactory(organisation=organisation, created_by=buyer, title="Legal review")
    with transaction.atomic():
        _line(assessment, buyer, 1)
        _line(assessment, buyer, 1)
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            assert cursor.fetchone()[0] == "on"
    assert _summaries(assessment) == [events.answers_changed_summary(buyer.email, 2, "Legal review")]


@pytest.mark.django_db(transaction=True)
def test_two_saves_at_once_by_one_person_add_both_counts(organisation: Organisation, buyer: User) -> None:
    assessment = AssessmentFactory(organisation=organisation, created_by=buyer, title="Legal review")
    _line(assessment, buyer, 1)
    first_holds_the_line = threading.Event()
    pids: dict[str, int] = {}
    failures: list[BaseException] = []

    def first() -> None:
        try:
            with transaction.atomic():
                _line(assessment, buyer, 2)
                first_holds_the_line.set()
                _wait_until_blocked(pids)  # the second save now waits for this row lock
        except BaseException as exc:  # reported below, in the test's thread
            failures.append(exc)
        finally:
            connection.close()

    def second() -> None:
        try:
            first_holds_the_line.wait(10)
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                pids["second"] = cursor.fetchone()[0]
            _line(assessment, buyer, 4)
        except BaseException as exc:
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not failures, failures
    assert _summaries(assessment) == [events.answers_changed_summary(buyer.email, 7, "Legal review")]


def _wait_until_blocked(pids: dict[str, int]) -> None:
    for _ in range(200):
        if "second" in pids:
            with connection.cursor() as cursor:
                cursor.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pids["second"]])
                row = cursor.fetchone()
            if row and row[0] == "Lock":
                return
        time.sleep(0.05)
    raise AssertionError("the second save never waited for the first's row lock")


@pytest.mark.django_db(transaction=True)
def test_two_autosaves_at_once_by_one_person_are_both_on_the_line(
    organisation: Organisation, buyer: User, playbook: Any
) -> None:
    """The line in the save's own statement: the second save waits for the first's draft row, finds a new version,
    and is saved again under the lock, its line added after its commit (the listener's path)."""
    from apps.questionnaire.services import record_answers

    assessment = AssessmentFactory(organisation=organisation, created_by=buyer, playbook=playbook, title="Legal review")
    first_holds_the_draft = threading.Event()
    pids: dict[str, int] = {}
    failures: list[BaseException] = []

    def first() -> None:
        try:
            with transaction.atomic():
                record_answers(assessment=assessment, values={"judgement": "yes"}, user=buyer)
                first_holds_the_draft.set()
                _wait_until_blocked(pids)  # the second save now waits for the draft's row
        except BaseException as exc:  # reported below, in the test's thread
            failures.append(exc)
        finally:
            connection.close()

    def second() -> None:
        try:
            first_holds_the_draft.wait(10)
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                pids["second"] = cursor.fetchone()[0]
            record_answers(assessment=assessment, values={"judgement": "no"}, user=buyer)
        except BaseException as exc:
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not failures, failures
    assert _summaries(assessment) == [events.answers_changed_summary(buyer.email, 2, "Legal review")]
