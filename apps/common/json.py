"""A ``JSONField`` written by orjson, for the large documents the product stores.

A recommendation's snapshot is a couple of hundred kilobytes on a large playbook: the standard library's encoder
took about two milliseconds of every submit to write it, orjson a tenth of that (``engine.plain.dumps``). The
JSON is the same; only its spelling differs (non-ASCII characters as themselves rather than escaped), which
PostgreSQL's ``jsonb`` does not keep anyway. It is read by orjson too: the standard library's decoder took about
a millisecond of every result page and what-if to read a large snapshot back, orjson under half that. What it
reads is what it wrote: orjson refuses to write an integer past 64 bits (which it would read back as a float), and
text it cannot read at all (NaN, which only another writer could have stored) is read as any ``JSONField`` does.
"""

from __future__ import annotations

from typing import Any

import orjson
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

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if isinstance(value, str) and self.decoder is None:
            try:
                return orjson.loads(value)
            except orjson.JSONDecodeError:
                pass
        return super().from_db_value(value, expression, connection)
