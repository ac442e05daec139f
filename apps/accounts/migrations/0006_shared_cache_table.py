"""The shared cache's table (settings.CACHES, Django's database cache), made by migrate so every deployment
and every test database has it. Nothing to do when the cache is Redis (REDIS_URL): createcachetable only
makes tables for database caches, and skips one that exists."""

from typing import Any

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps: Any, schema_editor: Any) -> None:
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_sso_domains"),
    ]

    operations = [
        migrations.RunPython(create_cache_table, migrations.RunPython.noop, elidable=False),
    ]
