"""The organisation on every row of shortlistentry, diligenceitem (docs/scaling.md, "A distributed PostgreSQL"):
added empty, filled from the parent row in one UPDATE each, then required."""

import django.db.models.deletion
from django.db import migrations, models

# The foreign keys are checked at once, so that the ALTER TABLE making the column required does not meet
# the UPDATE's deferred checks still pending in the same transaction.
BACKFILL = """
SET CONSTRAINTS ALL IMMEDIATE;
UPDATE vendors_shortlistentry AS child SET organisation_id = parent.organisation_id
    FROM vendors_shortlist AS parent WHERE parent.id = child.shortlist_id;
UPDATE vendors_diligenceitem AS child SET organisation_id = parent.organisation_id
    FROM vendors_shortlistentry AS parent WHERE parent.id = child.entry_id;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_shared_cache_table"),
        ("vendors", "0002_vendorengagementmodel_vendordeliverylocation_and_more"),
    ]

    operations = [
        migrations.AddField(
            model_name="shortlistentry",
            name="organisation",
            field=models.ForeignKey(
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="accounts.organisation",
            ),
        ),
        migrations.AddField(
            model_name="diligenceitem",
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
            model_name="shortlistentry",
            name="organisation",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="accounts.organisation",
            ),
        ),
        migrations.AlterField(
            model_name="diligenceitem",
            name="organisation",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="accounts.organisation",
            ),
        ),
        migrations.AddIndex(
            model_name="shortlistentry",
            index=models.Index(fields=["organisation", "shortlist"], name="shortlistentry_by_org"),
        ),
        migrations.AddIndex(
            model_name="diligenceitem",
            index=models.Index(fields=["organisation", "entry"], name="diligenceitem_by_org"),
        ),
    ]
