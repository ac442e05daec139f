"""The organisation on every row of stakeholderrole, sectionassignment, secondopinion, secondopinionanswer, settlement (docs/scaling.md, "A distributed PostgreSQL"):
added empty, filled from the parent row in one UPDATE each, then required."""

import django.db.models.deletion
from django.db import migrations, models

# The foreign keys are checked at once, so that the ALTER TABLE making the column required does not meet
# the UPDATE's deferred checks still pending in the same transaction.
BACKFILL = """
SET CONSTRAINTS ALL IMMEDIATE;
UPDATE teamwork_stakeholderrole AS child SET organisation_id = parent.organisation_id
    FROM accounts_membership AS parent WHERE parent.id = child.membership_id;
UPDATE teamwork_sectionassignment AS child SET organisation_id = parent.organisation_id
    FROM questionnaire_assessment AS parent WHERE parent.id = child.assessment_id;
UPDATE teamwork_secondopinion AS child SET organisation_id = parent.organisation_id
    FROM questionnaire_assessment AS parent WHERE parent.id = child.assessment_id;
UPDATE teamwork_secondopinionanswer AS child SET organisation_id = parent.organisation_id
    FROM teamwork_secondopinion AS parent WHERE parent.id = child.opinion_id;
UPDATE teamwork_settlement AS child SET organisation_id = parent.organisation_id
    FROM teamwork_secondopinion AS parent WHERE parent.id = child.opinion_id;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_shared_cache_table"),
        ("teamwork", "0001_contributors_and_second_opinions"),
    ]

    operations = [
        migrations.AddField(
            model_name="stakeholderrole",
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
            model_name="sectionassignment",
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
            model_name="secondopinion",
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
            model_name="secondopinionanswer",
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
            model_name="settlement",
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
            model_name="stakeholderrole",
            name="organisation",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="accounts.organisation",
            ),
        ),
        migrations.AlterField(
            model_name="sectionassignment",
            name="organisation",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="accounts.organisation",
            ),
        ),
        migrations.AlterField(
            model_name="secondopinion",
            name="organisation",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="accounts.organisation",
            ),
        ),
        migrations.AlterField(
            model_name="secondopinionanswer",
            name="organisation",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="accounts.organisation",
            ),
        ),
        migrations.AlterField(
            model_name="settlement",
            name="organisation",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="accounts.organisation",
            ),
        ),
        migrations.AddIndex(
            model_name="stakeholderrole",
            index=models.Index(fields=["organisation", "membership"], name="stakeholderrole_by_org"),
        ),
        migrations.AddIndex(
            model_name="sectionassignment",
            index=models.Index(fields=["organisation", "assessment"], name="assignment_by_org"),
        ),
        migrations.AddIndex(
            model_name="secondopinion",
            index=models.Index(fields=["organisation", "assessment"], name="second_opinion_by_org"),
        ),
        migrations.AddIndex(
            model_name="secondopinionanswer",
            index=models.Index(fields=["organisation", "opinion"], name="second_opinion_answer_by_org"),
        ),
        migrations.AddIndex(
            model_name="settlement",
            index=models.Index(fields=["organisation", "opinion"], name="settlement_by_org"),
        ),
    ]
