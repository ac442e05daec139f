"""The organisation on every row of memo, fliprecord, packedanswers (docs/scaling.md, "A distributed PostgreSQL"):
added empty, filled from the parent row in one UPDATE each, then required."""

import django.db.models.deletion
from django.db import migrations, models

# The foreign keys are checked at once, so that the ALTER TABLE making the column required does not meet
# the UPDATE's deferred checks still pending in the same transaction.
BACKFILL = """
SET CONSTRAINTS ALL IMMEDIATE;
ALTER TABLE recommendations_fliprecord DISABLE TRIGGER recommendations_fliprecord_immutable;
UPDATE recommendations_memo AS child SET organisation_id = parent.organisation_id
    FROM recommendations_recommendation AS parent WHERE parent.id = child.recommendation_id;
UPDATE recommendations_fliprecord AS child SET organisation_id = parent.organisation_id
    FROM recommendations_recommendation AS parent WHERE parent.id = child.recommendation_id;
UPDATE recommendations_packedanswers AS child SET organisation_id = parent.organisation_id
    FROM recommendations_recommendation AS parent WHERE parent.id = child.recommendation_id;
ALTER TABLE recommendations_fliprecord ENABLE TRIGGER recommendations_fliprecord_immutable;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_shared_cache_table"),
        ("recommendations", "0008_packed_answers"),
    ]

    operations = [
        migrations.AddField(
            model_name="memo",
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
            model_name="fliprecord",
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
            model_name="packedanswers",
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
            model_name="memo",
            name="organisation",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="accounts.organisation",
            ),
        ),
        migrations.AlterField(
            model_name="fliprecord",
            name="organisation",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="accounts.organisation",
            ),
        ),
        migrations.AlterField(
            model_name="packedanswers",
            name="organisation",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="accounts.organisation",
            ),
        ),
        migrations.AddIndex(
            model_name="memo",
            index=models.Index(fields=["organisation", "recommendation"], name="memo_by_org"),
        ),
        migrations.AddIndex(
            model_name="fliprecord",
            index=models.Index(fields=["organisation", "recommendation"], name="fliprecord_by_org"),
        ),
        migrations.AddIndex(
            model_name="packedanswers",
            index=models.Index(fields=["organisation", "recommendation"], name="packedanswers_by_org"),
        ),
    ]
