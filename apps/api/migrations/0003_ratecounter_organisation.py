"""The organisation on every row of ratecounter (docs/scaling.md, "A distributed PostgreSQL"):
added empty, filled from the parent row in one UPDATE each, then required."""

import django.db.models.deletion
from django.db import migrations, models

# The foreign keys are checked at once, so that the ALTER TABLE making the column required does not meet
# the UPDATE's deferred checks still pending in the same transaction.
BACKFILL = """
SET CONSTRAINTS ALL IMMEDIATE;
UPDATE api_ratecounter AS child SET organisation_id = parent.organisation_id
    FROM api_apikey AS parent WHERE parent.id = child.api_key_id;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_shared_cache_table"),
        ("api", "0002_webhooks"),
    ]

    operations = [
        migrations.AddField(
            model_name="ratecounter",
            name="organisation",
            field=models.ForeignKey(
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="accounts.organisation",
            ),
        ),
        migrations.RunSQL(BACKFILL, migrations.RunSQL.noop),
        migrations.AlterField(
            model_name="ratecounter",
            name="organisation",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="accounts.organisation",
            ),
        ),
        migrations.AddIndex(
            model_name="ratecounter",
            index=models.Index(fields=["organisation", "api_key"], name="api_rate_by_org"),
        ),
    ]
