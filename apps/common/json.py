"""A ``JSONField`` written by orjson, for the large documents the product stores.

A recommendation's snapshot is a couple of hundred kilobytes on a large playbook: the standard library's encoder
took about two milliseconds of every submit to write it, orjson a tenth of that (``engine.plain.dumps``). The
JSON is the same; only its spelling differs (non-ASCII characters as themselves rather than escaped), which
PostgreSQL's ``jsonb`` does not keep anyway. It reads back as any ``JSONField`` does.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from psycopg.types.json import Jsonb

from apps.playbooks.engine.plain import dumps


class FastJSONField(models.JSONField):
    def get_db_prep_value(self, value: Any, connection: Any, prepared: bool = False) -> Any:
        if not prepared:
            value = self.get_prep_value(value)
        if value is None:  # SQL NULL, as JSONField writes it
            return super().get_db_prep_value(value, connection, prepared=True)
        return Jsonb(value, dumps=dumps)  # the project runs on PostgreSQL alone (psycopg's jsonb adapter)
