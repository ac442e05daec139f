"""A draft's answers read and written in one statement each, without holding its row lock in between.

An autosave used to lock and mark the draft (an UPDATE), read its answers, upsert and commit: five round
trips, with the lock held across them. Here the answers are read with the draft's status and row version
(``xmin``: every transaction that updates the row gives it a new one) in one statement, so the version is
exactly that of the answers read; the save is then one statement that marks the draft, upserts and clears,
but only while the row is still that version (a data-modifying CTE: the answers are written only when the
draft's UPDATE matched). Every change to an existing draft's answers updates its row in the same
transaction (``services.record_answers`` marks it; submitting and deleting change or remove it), so an
unchanged version means unchanged answers: what was decided from the read still holds when the write
commits. A concurrent save holding the row makes the UPDATE wait, then find a new version and write nothing;
the caller then does it again under the row lock (``services.record_answers``).

An autosave reads its assessment first anyway: there the version and the answers come in the same statement
(``with_draft``, ``draft_of``), one round trip fewer, with the same single snapshot of status, version and answers.

The same statement may also write what a registered extension joins to it (``extensions.Joined``: the timeline's
line of the save, apps/discussion/sitting.py), guarded by the draft's UPDATE having matched; PostgreSQL runs that
guard before the joined part touches a row, so the draft's row is always locked first, as on the locked path.

One statement is atomic and durable on its own (outside a transaction it commits as it ends, and waits for
the disk as any commit does); inside a caller's transaction it is part of it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from apps.accounts.models import User
from apps.questionnaire.extensions import Joined
from apps.questionnaire.models import Answer, Assessment

# (question code, value, answered_at, answered_by_id, answered_by's email), by question code
Row = tuple[str, Any, datetime | None, int | None, str | None]

_READ = f"""
SELECT a.status, a.xmin::text, x.question_code, x.value, x.answered_at, x.answered_by_id, u.email
  FROM {Assessment._meta.db_table} a
  LEFT JOIN {Answer._meta.db_table} x ON x.organisation_id = a.organisation_id AND x.assessment_id = a.id
  LEFT JOIN {User._meta.db_table} u ON u.id = x.answered_by_id
 WHERE a.organisation_id = %s AND a.id = %s
 ORDER BY x.question_code
"""

# The draft's UPDATE, the upsert and the clearing; then the ``Joined`` part, if any, and the final SELECT. The UPDATE
# finds the row by its primary key: its status is checked as ``(…) IS TRUE``, which no index serves, so the planner
# is not offered (organisation, status, updated_at) for it, through which it had read the organisation's drafts where
# the table is bloated by the updates themselves (the bench's database: 360 buffers a save instead of 6); the
# organisation stays a plain equality, as every tenant statement's must (tests/scaling/tenant_sql.py).
_WRITE = f"""
WITH draft AS (
    UPDATE {Assessment._meta.db_table} a SET updated_at = STATEMENT_TIMESTAMP()
     WHERE a.organisation_id = %(organisation)s AND a.id = %(assessment)s AND (a.status = %(draft_status)s) IS TRUE
       AND a.xmin = %(version)s::xid
    RETURNING a.id
), saved AS (
    INSERT INTO {Answer._meta.db_table}
           (assessment_id, organisation_id, question_code, value, updated_at, answered_by_id, answered_at)
    SELECT draft.id, %(organisation)s, v.code, v.value::jsonb, %(now)s, %(user)s, %(now)s
      FROM draft, unnest(%(codes)s::text[], %(values)s::text[]) AS v(code, value)
        ON CONFLICT (assessment_id, question_code) DO UPDATE
       SET value = EXCLUDED.value, updated_at = EXCLUDED.updated_at,
           answered_by_id = EXCLUDED.answered_by_id, answered_at = EXCLUDED.answered_at
    RETURNING 1
), cleared AS (
    DELETE FROM {Answer._meta.db_table} x
     WHERE x.organisation_id = %(organisation)s AND x.assessment_id IN (SELECT id FROM draft)
       AND x.question_code = ANY(%(clear)s)
    RETURNING 1
)"""

_A = Assessment._meta.db_table
# The same answers as ``_READ``'s, in its order, as one JSON array of [code, value, answered_at, by_id, email],
# for a query on the assessment's own table (``with_draft``).
_ANSWERS_JSON = f"""
SELECT json_agg(json_build_array(x.question_code, x.value, x.answered_at, x.answered_by_id, u.email)
                ORDER BY x.question_code)::text
  FROM {Answer._meta.db_table} x
  LEFT JOIN {User._meta.db_table} u ON u.id = x.answered_by_id
 WHERE x.organisation_id = "{_A}".organisation_id AND x.assessment_id = "{_A}".id
"""


@dataclass(frozen=True)
class Draft:
    """An assessment's status and row version, with its answers as that version holds them."""

    is_draft: bool
    version: str
    rows: list[Row]


def read_draft(assessment: Assessment) -> Draft | None:
    """The draft as stored now (None when it is gone), in one statement: one snapshot for all of it."""
    with connection.cursor() as cursor:
        cursor.execute(_READ, [assessment.organisation_id, assessment.pk])
        found = cursor.fetchall()
    if not found:
        return None
    status, version = found[0][0], found[0][1]
    rows = [
        (code, json.loads(value), at, by_id, email)  # as the JSONField reads it (its decoder: none)
        for _, _, code, value, at, by_id, email in found
        if code is not None
    ]
    return Draft(is_draft=status == Assessment.Status.DRAFT, version=version, rows=rows)


def with_draft(assessments: QuerySet[Assessment]) -> QuerySet[Assessment]:
    """``assessments`` each read with its row version and its answers in the same statement (``draft_of``)."""
    return assessments.annotate(
        draft_version=RawSQL(f'"{_A}".xmin::text', ()), draft_answers=RawSQL(f"({_ANSWERS_JSON})", ())
    )


def draft_of(assessment: Assessment) -> Draft:
    """The draft as ``with_draft`` read it with ``assessment``: what ``read_draft`` would have returned then."""
    listed = json.loads(assessment.draft_answers or "[]")  # type: ignore[attr-defined]  # with_draft's column
    rows: list[Row] = [
        (code, value, datetime.fromisoformat(at) if at is not None else None, by_id, email)
        for code, value, at, by_id, email in listed
    ]
    version = assessment.draft_version  # type: ignore[attr-defined]  # with_draft's column
    return Draft(is_draft=assessment.status == Assessment.Status.DRAFT, version=version, rows=rows)


@dataclass(frozen=True)
class Written:
    matched: bool  # the draft's row was still the version read, and the save is written
    joined: bool  # the ``also`` part wrote (by its own ``written``)


def write_if_unchanged(
    assessment: Assessment,
    version: str,
    *,
    save: Mapping[str, Any],
    clear: Sequence[str],
    user: User | None,
    now: datetime,
    also: Joined | None = None,
) -> Written:
    """Mark the draft, store ``save`` and delete ``clear``, given by ``user`` at ``now``, in one statement, if
    the draft's row is still ``version``; not ``matched`` (and nothing written) when it is not, or not a draft any
    more. ``also``: more for the same statement to write (its tables locked after the draft's row), only when it
    matched."""
    # The values as the JSONField writes them (its encoder: none).
    params: dict[str, Any] = {
        "organisation": assessment.organisation_id,
        "assessment": assessment.pk,
        "draft_status": Assessment.Status.DRAFT.value,
        "version": version,
        "now": now,
        "user": user.pk if user is not None else None,
        "codes": list(save),
        "values": [json.dumps(value) for value in save.values()],
        "clear": list(clear),
    }
    sql = _WRITE
    if also is not None:
        if set(also.params) & set(params):
            raise ValueError("A joined part's parameters must not reuse the save's names.")
        sql += f", {also.ctes}\nSELECT (SELECT count(*) FROM draft), {also.written}\n"
        params.update(also.params)
    else:
        sql += "\nSELECT (SELECT count(*) FROM draft), false\n"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        matched, joined = cursor.fetchone()
    return Written(matched=bool(matched), joined=bool(matched) and bool(joined))
