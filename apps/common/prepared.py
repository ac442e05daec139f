"""Querysets of a fixed shape, compiled to SQL once per process and run with each request's ids.

Composing a queryset and compiling it costs the ORM far more CPU than the round trip of a small query: the
memberships with the unread count about 2.3 ms against 0.14 ms for running its SQL, the assessment with its
playbook, author and organisation 1.7 against 0.3 ms (docs/performance.md, "The step page's queries"). Every
page runs a few such queries whose SQL differs only in ids. A ``PreparedQuery`` builds its queryset once, with
a stand-in number for each id, keeps the SQL and the compiler (which knows the columns, their converters and
the ``select_related`` objects), and on each call puts the ids in place of the stand-ins: the same statement,
the same rows, the same model instances as the queryset's own evaluation.

Only for shapes that do not depend on the values: the values are ids (ints), never None or lists (``IS NULL``
and ``IN`` change the SQL); no ``prefetch_related``, no related manager's known objects.
"""

from __future__ import annotations

import inspect
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import connections, router
from django.db.models import QuerySet
from django.db.models.query import ModelIterable, ValuesListIterable, get_related_populators
from django.db.models.sql.compiler import SQLCompiler
from django.db.transaction import TransactionManagementError

# Stand-ins for the ids while compiling: inside int4, as an id out of an integer column's range makes the ORM
# compile no query at all, and far above any id an organisation's data reaches, so a constant of the query
# (a limit, a Coalesce default) is never taken for one.
_STAND_IN = 2_000_000_011


@dataclass(frozen=True)
class _Compiled:
    using: str
    sql: str
    params: tuple[Any, ...]
    slots: tuple[str | None, ...]  # per parameter: the value's name, or None for a constant of the query
    compiler: SQLCompiler
    models: bool  # model instances (ModelIterable), else tuples (values_list)
    fetch_mode: Any  # the queryset's (Django's default unless it asked for another)


class PreparedQuery:
    """``build``'s queryset, compiled once per process, thread and database: ``prepared(organisation=1, pk=2)``
    returns the list the queryset ``build(organisation=1, pk=2)`` evaluates to, with the same SQL."""

    def __init__(self, build: Callable[..., QuerySet[Any, Any]]) -> None:
        self._build = build
        self._names = tuple(inspect.signature(build).parameters)
        self._local = threading.local()  # a compiler holds its thread's connection
        self._model: type[Any] | None = None
        self._for_write = self._for_update = False  # set with ``_model``, from the queryset

    def __call__(self, **values: int) -> list[Any]:
        if set(values) != set(self._names) or any(type(v) is not int for v in values.values()):
            raise TypeError(f"PreparedQuery takes the ids {', '.join(self._names)}, as ints.")
        c = self._compiled()
        if self._for_update and connections[c.using].get_autocommit():  # the ORM's own check, on every call
            raise TransactionManagementError("select_for_update cannot be used outside of a transaction.")
        params = [p if name is None else values[name] for name, p in zip(c.slots, c.params, strict=True)]
        with connections[c.using].cursor() as cursor:
            cursor.execute(c.sql, params)
            rows = list(c.compiler.results_iter([cursor.fetchall()], tuple_expected=not c.models))
        return self._instances(c, rows) if c.models else rows

    def _compiled(self) -> _Compiled:
        by_alias: dict[str, _Compiled] = self._local.__dict__.setdefault("by_alias", {})
        if self._model is None:
            queryset = self._stand_in_queryset()
            self._for_write, self._for_update = queryset._for_write, bool(queryset.query.select_for_update)
            self._model = queryset.model
        # Routed per call as the queryset would be (the replica router reads a context variable); a locking read
        # is a write's, as the ORM routes it.
        using = (router.db_for_write if self._for_write else router.db_for_read)(self._model)
        found = by_alias.get(using)
        if found is None or found.compiler.connection is not connections[using]:
            found = by_alias[using] = self._compile(using)
        return found

    def _stand_in_queryset(self) -> Any:  # Any: _compile reads the queryset's private state
        return self._build(**{name: _STAND_IN + i for i, name in enumerate(self._names)})

    def _compile(self, using: str) -> _Compiled:
        # A queryset of this thread's own: compiling sets up its query.
        queryset = self._stand_in_queryset()
        query = queryset.query
        models = queryset._iterable_class is ModelIterable
        tuples = (
            queryset._iterable_class is ValuesListIterable and not query.extra_select and not query.annotation_select
        )
        others = (
            queryset._prefetch_related_lookups or queryset._known_related_objects or queryset._fetch_mode.track_peers
        )
        if not (models or tuples) or others:
            raise ImproperlyConfigured("PreparedQuery takes a plain or select_related queryset, or a values_list.")
        compiler = query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        stand_ins = {_STAND_IN + i: name for i, name in enumerate(self._names)}
        slots = tuple(stand_ins.get(p) if type(p) is int else None for p in params)
        if set(slots) - {None} != set(self._names):
            raise ImproperlyConfigured(f"PreparedQuery: a value of {self._names} is not a parameter of {sql}")
        return _Compiled(using, sql, tuple(params), slots, compiler, models, queryset._fetch_mode)

    @staticmethod
    def _instances(c: _Compiled, rows: list[Any]) -> list[Any]:
        """What ``ModelIterable`` makes of the rows: the model, its ``select_related`` objects, its annotations."""
        compiler, db = c.compiler, c.using
        select, klass_info, annotations = compiler.select, compiler.klass_info, compiler.annotation_col_map
        assert klass_info is not None  # a model query's compiler always has it
        model, fields = klass_info["model"], klass_info["select_fields"]
        start, end = fields[0], fields[-1] + 1
        names = [f[0].target.attname for f in select[start:end]]
        fetch_mode = c.fetch_mode
        related = get_related_populators(klass_info, select, db, fetch_mode)
        found = []
        for row in rows:
            obj = model.from_db(db, names, row[start:end], fetch_mode=fetch_mode)
            for populator in related:
                populator.populate(row, obj)
            for name, position in (annotations or {}).items():
                setattr(obj, name, row[position])
            found.append(obj)
        return found
