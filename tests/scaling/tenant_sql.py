"""Does a captured SQL statement stay inside one organisation? The rule the Citus tests check (docs/scaling.md).

On a distributed PostgreSQL with ``organisation_id`` as the distribution column, a statement goes to one node
only when every distributed table in it is pinned to one organisation. So, for every SELECT, UPDATE and DELETE
(inserts carry the column already), **every occurrence of a tenant-owned table** (a table whose model has an
``organisation`` foreign key: every table whose keys lead to an organisation, tests/scaling/test_tenant_columns.py)
in the statement, subqueries and joins included, must be **pinned**:

- its ``organisation_id`` is compared with a value (``"t"."organisation_id" = 7`` or ``IN (7)``), in the WHERE or
  in a join's ON; or
- its ``organisation_id`` is equated (``=``, in a WHERE or an ON) with the ``organisation_id`` of another
  occurrence in the same statement that is pinned (a join on the distribution column, which Citus routes to the
  same node).

A join on the parent's id alone does not pin the child: Citus cannot tell which node holds the child's rows. A
raw statement naming one table may leave the column unqualified (``organisation_id = %s``).

EXEMPT lists the lookups that are not tenant queries (they find the organisation, so cannot filter by it), each
with its reason: the statement is exempt for that table only when it filters that table by the named column. A
table joined to an exempt lookup on ``organisation_id`` follows it (the header's unread count per membership):
Citus runs that join on each node holding one of the user's memberships.

Each part of a UNION is checked on its own; the pghistory context pghistory sends in front of a write is skipped.
"""

from __future__ import annotations

import re
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps import apps
from django.db import connection
from django.db import models as m

from apps.accounts.models import Organisation

# table -> (column the lookup is keyed by, why it cannot filter by the organisation)
EXEMPT: dict[str, tuple[str, str]] = {
    "accounts_membership": (
        "user_id",
        "the signed-in user's memberships, read once per request to learn which organisation the request is in "
        "(accounts.scoping); on Citus this is a lookup by user across nodes, or membership becomes a reference table",
    ),
    "accounts_invitation": (
        "email",
        "invitations sent to the signed-in user's email by any organisation: the invitee is not a member of it yet",
    ),
    "api_apikey": (
        "prefix",
        "the API key is found by its public prefix to learn its organisation (apps/api authentication)",
    ),
}

_KEYWORDS = {
    "ON", "WHERE", "INNER", "LEFT", "RIGHT", "FULL", "CROSS", "JOIN", "ORDER", "GROUP", "LIMIT", "OFFSET", "SET",
    "FOR", "HAVING", "UNION", "AS", "USING", "WINDOW", "RETURNING", "LATERAL", "NATURAL", "OUTER", "AND", "OR",
}  # fmt: skip
_OCCURRENCE = re.compile(r'\b(?:FROM|JOIN|UPDATE)\s+"?(\w+)"?(?:\s+(?:AS\s+)?"?(\w+)"?)?', re.IGNORECASE)
_HISTORY_CONTEXT = re.compile(r"^SELECT set_config\('pghistory\.context_id'.*?, true\);\s*", re.DOTALL)
_UNION = re.compile(r"\bUNION(?:\s+ALL)?\b", re.IGNORECASE)
# Compared with a value (a literal, or a parameter, positional or named): not with another column, nor a subquery.
_VALUE = r"(?:\d|%s|%\(\w+\)s|\'|\$\d)"
_ORG_VALUE = rf"\s*(?:=\s*(?:ANY\s*\(\s*)?{_VALUE}|IN\s*\(\s*{_VALUE})"


def tenant_tables() -> set[str]:
    """Every product table with an organisation column (all tenant-owned tables have one)."""
    return {
        model._meta.db_table
        for model in apps.get_models()
        if model.__module__.startswith("apps.")
        and any(
            isinstance(f, m.ForeignKey) and f.name == "organisation" and f.related_model is Organisation
            for f in model._meta.get_fields()
        )
    }


@dataclass(frozen=True)
class Occurrence:
    table: str
    name: str  # how the statement refers to it: its alias, or the table's name


def occurrences(sql: str, tables: set[str]) -> list[Occurrence]:
    found = []
    for match in _OCCURRENCE.finditer(sql):
        table, alias = match.group(1), match.group(2)
        if table not in tables:
            continue
        named = alias if alias and alias.upper() not in _KEYWORDS else table
        found.append(Occurrence(table, named))
    return found


def _column(name: str, column: str) -> str:
    return rf'"?{re.escape(name)}"?\s*\.\s*"?{column}"?'


def _pinned(sql: str, found: list[Occurrence]) -> set[str]:
    """The names of the occurrences pinned to one organisation, exempt lookups counted as anchors."""
    names = {o.name for o in found}
    pinned = {n for n in names if re.search(_column(n, "organisation_id") + _ORG_VALUE, sql, re.IGNORECASE)}
    if len(found) == 1 and re.search(r'(?<![.\w"])"?organisation_id"?' + _ORG_VALUE, sql, re.IGNORECASE):
        pinned |= names
    pinned |= {o.name for o in found if _exempt(sql, o)}
    # A join or WHERE equating two occurrences' organisation_id pins both once one is pinned (Citus joins
    # co-located tables on the distribution column on each node); one equated to an exempt lookup follows it.
    pairs = re.findall(
        r'"?(\w+)"?\s*\.\s*"?organisation_id"?\s*=\s*\(?"?(\w+)"?\s*\.\s*"?organisation_id"?', sql, re.IGNORECASE
    )
    changed = True
    while changed:
        changed = False
        for left, right in pairs:
            if (left in pinned) != (right in pinned):
                pinned |= {left, right}
                changed = True
    return pinned


def _exempt(sql: str, occurrence: Occurrence) -> bool:
    exempt = EXEMPT.get(occurrence.table)
    return bool(exempt) and bool(re.search(_column(occurrence.name, exempt[0]) + r"\s*(?:=|IN\b)", sql, re.IGNORECASE))


def unpinned(sql: str, tables: set[str]) -> list[str]:
    """The tenant tables a statement touches without pinning them to one organisation (empty when it is fine)."""
    # pghistory sends its context in front of a write, in the same round trip: the statement is what follows.
    sql = _HISTORY_CONTEXT.sub("", sql.strip())
    if not sql.lstrip("( ").upper().startswith(("SELECT", "UPDATE", "DELETE", "WITH")):
        return []
    # The parts of a UNION name the same tables without aliases: each part is checked on its own.
    return [table for part in _UNION.split(sql) for table in _unpinned_part(part, tables)]


def _unpinned_part(sql: str, tables: set[str]) -> list[str]:
    found = occurrences(sql, tables)
    pinned = _pinned(sql, found)
    return [occurrence.table for occurrence in found if occurrence.name not in pinned]


@dataclass(frozen=True)
class Statement:
    sql: str
    origin: str  # the innermost product code (apps/...) that sent it, for the failure message


_ROOT = Path(__file__).resolve().parents[2]


@contextmanager
def capture_statements() -> Iterator[list[Statement]]:
    """Every statement sent on the default connection inside the block, with the product line that sent it
    (Django's CaptureQueriesContext gives the SQL only; this wrapper also sees where it came from)."""
    statements: list[Statement] = []

    def record(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]) -> Any:
        statements.append(Statement(sql, _origin()))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        yield statements


def _origin() -> str:
    frames = [f for f in traceback.extract_stack() if f.filename.startswith(str(_ROOT / "apps"))]
    if not frames:
        return "?"
    frame = frames[-1]
    return f"{Path(frame.filename).relative_to(_ROOT)}:{frame.lineno} {frame.name}"


def assert_pinned_to_one_organisation(statements: list[Statement]) -> None:
    tables = tenant_tables()
    problems = [
        f"{sorted(set(loose))} from {s.origin}:\n  {s.sql}" for s in statements if (loose := unpinned(s.sql, tables))
    ]
    assert not problems, "statements not pinned to one organisation:\n\n" + "\n\n".join(problems)
