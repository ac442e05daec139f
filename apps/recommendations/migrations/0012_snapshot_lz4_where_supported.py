"""The snapshot column compressed by lz4 where the server has it (docs/performance.md, "Submit at 4 clients").

A submit's largest cost in PostgreSQL is compressing the snapshot it stores (about 180 kB of JSON on a 500-rule
playbook): pglz, the default, took 5.0 ms of the INSERT's CPU where lz4 took 2.2 ms, for the same stored size
(65 kB), and lz4 is also the cheaper to decompress on every read of the result page. Only values written from
now on are compressed by lz4; the rows already stored keep pglz and read as before (each value records its
method). A server built without lz4 (the embedded one under .data/) has no such method and keeps pglz: the
check asks the server which methods it has, so the migration runs the same on both.
"""

from typing import Any

from django.db import migrations

SUPPORTED = "SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'"
TABLE_COLUMN = "recommendations_recommendation ALTER COLUMN snapshot"


def lz4_where_supported(apps: Any, schema_editor: Any) -> None:
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(SUPPORTED)
        row = cursor.fetchone()
        if row and row[0]:
            cursor.execute(f"ALTER TABLE {TABLE_COLUMN} SET COMPRESSION lz4")


def server_default(apps: Any, schema_editor: Any) -> None:
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {TABLE_COLUMN} SET COMPRESSION default")


class Migration(migrations.Migration):
    dependencies = [
        ("recommendations", "0011_snapshot_written_by_orjson"),
    ]

    operations = [migrations.RunPython(lz4_where_supported, server_default)]
