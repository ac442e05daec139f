"""The organisation on every row of overduenotice (docs/scaling.md, "A distributed PostgreSQL"):
added empty, filled from the parent row in one UPDATE each, then required."""

import django.db.models.deletion
from django.db import migrations, models

# The foreign keys are checked at once, so that the ALTER TABLE making the column required does not meet
# the UPDATE's deferred checks still pending in the same transaction.
BACKFILL = """
SET CONSTRAINTS ALL IMMEDIATE;
UPDATE discussion_overduenotice AS child SET organisation_id = parent.organisation_id
    FROM vendors_diligenceitem AS parent WHERE parent.id = child.item_id;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_shared_cache_table"),
        ("discussion", "0002_answers_replaced_reach_the_inbox"),
        ("vendors", "0003_shortlist_rows_carry_organisation"),
    ]

    operations = [
        migrations.AddField(
            model_name="overduenotice",
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
            model_name="overduenotice",
            name="organisation",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="accounts.organisation",
            ),
        ),
        migrations.AddIndex(
            model_name="overduenotice",
            index=models.Index(fields=["organisation", "item"], name="overduenotice_by_org"),
        ),
    ]
