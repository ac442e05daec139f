"""Foreign keys whose rows the database deletes (or nulls) with the row they point at.

Why: Django's ``on_delete=CASCADE`` is done by Django, which reads and deletes the children by the parent's id
alone; on a database partitioned by organisation (docs/scaling.md) those statements reach every node. With the
action in the foreign key itself, the service deletes the parent by organisation and id in one statement and
PostgreSQL deletes the children beside it (on Citus, on the same node: the tables are co-located).

Django 6.1's ``models.DB_CASCADE`` says this in the model, but refuses it (fields.E323) when the parent's own
foreign keys are Python-level (``PROTECT`` to a playbook, ``CASCADE`` to the organisation ...), which ours are.
So the model says ``on_delete=models.DO_NOTHING`` (Django then leaves the rows to the database) with a comment
naming the migration, and the migration sets the action with ``OnDeleteInDatabase``.
``tests/scaling/test_tenant_queries.py`` checks that every such key has its action in the database.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.migrations.operations.base import Operation

ACTIONS = {"CASCADE", "SET NULL"}


class OnDeleteInDatabase(Operation):
    """Give the foreign key ``name`` of ``model_name`` an ``ON DELETE`` action (CASCADE or SET NULL) in the
    database. For a many-to-many field: the key of its table to this model. Reversible (back to no action)."""

    reduces_to_sql = True
    reversible = True

    def __init__(self, model_name: str, name: str, action: str = "CASCADE") -> None:
        if action not in ACTIONS:
            raise ValueError(f"ON DELETE {action!r} is not one of {sorted(ACTIONS)}")
        self.model_name, self.name, self.action = model_name, name, action

    def deconstruct(self) -> tuple[str, list[Any], dict[str, Any]]:
        return self.__class__.__name__, [self.model_name, self.name], {"action": self.action}

    def state_forwards(self, app_label: str, state: Any) -> None:
        pass  # the models already say DO_NOTHING: the action lives in the database only

    def database_forwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        self._set(schema_editor, to_state.apps.get_model(app_label, self.model_name), self.action)

    def database_backwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        self._set(schema_editor, to_state.apps.get_model(app_label, self.model_name), None)

    def describe(self) -> str:
        return f"ON DELETE {self.action} in the database for {self.model_name}.{self.name}"

    def _set(self, schema_editor: Any, model: type[models.Model], action: str | None) -> None:
        field: Any = model._meta.get_field(self.name)
        if field.many_to_many:
            through = field.remote_field.through
            field = next(f for f in through._meta.get_fields() if f.is_relation and f.related_model is model)
            model = through
        table, column = model._meta.db_table, field.column
        target, target_column = field.related_model._meta.db_table, field.target_field.column
        with schema_editor.connection.cursor() as cursor:
            constraints = schema_editor.connection.introspection.get_constraints(cursor, table)
        names = [n for n, c in constraints.items() if c["foreign_key"] and c["columns"] == [column]]
        if len(names) != 1:
            raise RuntimeError(f"expected one foreign key on {table}.{column}, found {names}")
        q = schema_editor.quote_name
        on_delete = f" ON DELETE {action}" if action else ""
        schema_editor.execute(
            f"ALTER TABLE {q(table)} DROP CONSTRAINT {q(names[0])}, ADD CONSTRAINT {q(names[0])} "
            f"FOREIGN KEY ({q(column)}) REFERENCES {q(target)} ({q(target_column)}){on_delete} "
            "DEFERRABLE INITIALLY DEFERRED"
        )
