"""A recommendation is an immutable snapshot: PostgreSQL itself refuses to UPDATE one."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION recommendations_refuse_update() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'recommendations are immutable; re-score to make a new one'
        USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER recommendations_recommendation_immutable
    BEFORE UPDATE ON recommendations_recommendation
    FOR EACH ROW EXECUTE FUNCTION recommendations_refuse_update();
"""

DROP = """
DROP TRIGGER IF EXISTS recommendations_recommendation_immutable ON recommendations_recommendation;
DROP FUNCTION IF EXISTS recommendations_refuse_update();
"""


class Migration(migrations.Migration):
    dependencies = [("recommendations", "0001_initial")]

    operations = [migrations.RunSQL(CREATE, DROP)]
