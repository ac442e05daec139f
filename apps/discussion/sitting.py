"""An autosave's timeline line in one statement: added to its author's line of the sitting, or a new line.

Every autosave announces ``answers_changed``, and the timeline gathers one person's saves of a sitting into
one line (``services.record_activity``). Done with the ORM that is a transaction of its own after the save's
commit: BEGIN, SET LOCAL synchronous_commit, SELECT ... FOR UPDATE of the latest line, UPDATE or INSERT,
COMMIT, five round trips on every autosave. Here it is one statement, committing on its own:

- ``latest``: the assessment's latest line, as the statement's snapshot has it;
- ``gathered``: that line, if it is still an answers line of this actor from within the sitting and reads
  "<actor's email> changed <n> answer(s) in “...”", gets the count ``n + answers`` in the sentence
  ``events.answers_changed_summary`` would write (worked out here from the line's own text, so that two saves
  at once each add their count: the second UPDATE waits for the first's row lock, then works from the row
  the first left);
- ``added``: a new line when the latest is not one to gather into (none, another kind, another person's,
  older than the sitting);
- ``set_config('synchronous_commit', 'off', true)``: the statement's own transaction commits without waiting
  for the disk, as ``common.durability.without_waiting_for_disk`` would have it (a transaction-local setting
  holds for that transaction's commit: PostgreSQL decides by the setting in effect when it commits). Only
  outside a caller's transaction, whose commit is the caller's and stays durable.

The same common table expressions can be part of the autosave's own statement instead (``answers_line_in_save``),
guarded by its draft's row having matched: the line is then written and committed with the answers, one round trip
and one commit fewer, and the event's listener leaves it be.

When neither applies (a gatherable line whose text this statement does not read, such as one cut at the
front for a very long email address, or one a concurrent save changed into something else), nothing is
written and the caller takes the locked path, which decides in Python.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.db import connection

from apps.accounts.models import User
from apps.common import events
from apps.discussion.models import Activity, Kind
from apps.questionnaire.extensions import Joined
from apps.questionnaire.models import Assessment

# What Python's str.rstrip() strips (every character whose isspace() is true): PostgreSQL's rtrim takes the set.
WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
    "\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)

_T = Activity._meta.db_table
_FIELDS = Activity._meta.concrete_fields
_RETURNING = ", ".join(str(f.column) for f in _FIELDS)
# The count after "<who> changed ": what events.answers_changed_count reads there (digits, then the words).
_COUNT = "substring(substr(l.summary, length(%(who)s) + 10) FROM '^([0-9]+) answers? in “')"


def _ctes(guard: str) -> str:
    """``latest``, ``gathered`` and ``added``; ``guard``: one more condition for writing either line."""
    return f"""latest AS (
    SELECT t.id, t.kind, t.actor_id, t.created_at FROM {_T} t
     WHERE t.organisation_id = %(organisation)s AND t.assessment_id = %(assessment)s
     ORDER BY t.created_at DESC, t.id DESC
     LIMIT 1
), gathered AS (
    UPDATE {_T} l
       SET created_at = greatest(l.created_at, %(now)s), url = %(url)s, summary = (
           -- events.answers_changed_summary(who, n, title)
           SELECT right(s.start || CASE WHEN length(%(title)s) > %(length)s - length(s.start) - 1
                                        THEN rtrim(left(%(title)s, greatest(%(length)s - length(s.start) - 2, 0)),
                                                   %(whitespace)s) || '…'
                                        ELSE %(title)s END || '”', %(length)s)
             FROM (SELECT %(who)s || ' changed ' || c.n || ' answer' || CASE WHEN c.n <> 1 THEN 's' ELSE '' END
                          || ' in “' AS start
                     FROM (SELECT {_COUNT}::numeric + %(answers)s AS n) c) s
       )
     WHERE l.id = (SELECT id FROM latest) AND l.organisation_id = %(organisation)s
       AND l.kind = %(kind)s AND l.actor_id = %(actor)s AND l.created_at >= %(since)s
       AND starts_with(l.summary, %(who)s || ' changed ') AND {_COUNT} IS NOT NULL AND right(l.summary, 1) = '”'{guard}
    RETURNING {_RETURNING}
), added AS (
    INSERT INTO {_T} (organisation_id, assessment_id, actor_id, kind, summary, url, created_at)
    SELECT %(organisation)s, %(assessment)s, %(actor)s, %(kind)s, %(summary)s, %(url)s, %(now)s
     WHERE NOT EXISTS (SELECT FROM gathered)
       AND NOT EXISTS (SELECT FROM latest
                        WHERE kind = %(kind)s AND actor_id = %(actor)s AND created_at >= %(since)s){guard}
    RETURNING {_RETURNING}
)"""


_SAVE = f"""
WITH {_ctes("")}
SELECT {_RETURNING}, CASE WHEN %(own_commit)s THEN set_config('synchronous_commit', 'off', true) END
  FROM (SELECT * FROM gathered UNION ALL SELECT * FROM added) line
"""

# The same line as part of an autosave's own statement (questionnaire.drafts, ``extensions.Joined``): written only
# when its draft's row matched (``draft`` has a row; the draft's row lock is then taken before the line's), and
# committed with the answers, as durably. Its parameters are named ``line_...``, apart from the save's.
_JOINED = re.sub(r"%\((\w+)\)s", r"%(line_\1)s", _ctes("\n       AND EXISTS (SELECT FROM draft)"))
_JOINED_WRITTEN = "EXISTS (SELECT FROM gathered) OR EXISTS (SELECT FROM added)"


def _params(
    assessment: Assessment,
    actor: User,
    answers: int,
    summary: str,
    url: str,
    now: datetime.datetime,
    since: datetime.datetime,
) -> dict[str, Any]:
    return {
        "organisation": assessment.organisation_id,
        "assessment": assessment.pk,
        "actor": actor.pk,
        "kind": Kind.ANSWERS_CHANGED.value,
        "who": actor.email,
        "title": assessment.title,
        "answers": answers,
        "length": events.SUMMARY_LENGTH,
        "whitespace": WHITESPACE,
        "summary": summary[: events.SUMMARY_LENGTH],
        "url": url[:500],
        "now": now,
        "since": since,
    }


def answers_line_in_save(
    *,
    assessment: Assessment,
    actor: User,
    answers: int,
    summary: str,
    url: str,
    now: datetime.datetime,
    since: datetime.datetime,
) -> Joined | None:
    """``save_answers_line``'s line as part of the save's own statement (``questionnaire.extensions.Timeline``);
    None when the line is left to the locked path. The part writes nothing (``written`` false) where that
    statement would return None."""
    if " changed " in actor.email:  # as in save_answers_line
        return None
    params = _params(assessment, actor, answers, summary, url, now, since)
    return Joined(
        ctes=_JOINED, params={f"line_{name}": value for name, value in params.items()}, written=_JOINED_WRITTEN
    )


def save_answers_line(
    *,
    assessment: Assessment,
    actor: User,
    answers: int,
    summary: str,
    url: str,
    now: datetime.datetime,
    since: datetime.datetime,
) -> Activity | None:
    """``answers`` more in ``actor``'s line of the sitting (saved since ``since``), or a new line reading
    ``summary``, at ``now``; None (nothing written) when the caller must decide under the lock."""
    if " changed " in actor.email:  # the count would not be the first that events.answers_changed_count reads
        return None
    params = _params(assessment, actor, answers, summary, url, now, since)
    params["own_commit"] = not connection.in_atomic_block
    with connection.cursor() as cursor:
        cursor.execute(_SAVE, params)
        row = cursor.fetchone()
    if row is None:
        return None
    return Activity.from_db(connection.alias, [f.attname for f in _FIELDS], row[:-1])
