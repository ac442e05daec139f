"""A decision record is immutable: PostgreSQL itself refuses to UPDATE or DELETE one (as it refuses to
update a recommendation), whatever code or console tries. A sign-off's approvals needed is fixed too."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION signoff_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% is immutable: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER signoff_decision_immutable
    BEFORE UPDATE OR DELETE ON signoff_decision
    FOR EACH ROW EXECUTE FUNCTION signoff_refuse_change();

CREATE TRIGGER signoff_signoff_immutable
    BEFORE UPDATE OR DELETE ON signoff_signoff
    FOR EACH ROW EXECUTE FUNCTION signoff_refuse_change();
"""

DROP = """
DROP TRIGGER IF EXISTS signoff_decision_immutable ON signoff_decision;
DROP TRIGGER IF EXISTS signoff_signoff_immutable ON signoff_signoff;
DROP FUNCTION IF EXISTS signoff_refuse_change();
"""


class Migration(migrations.Migration):
    dependencies = [("signoff", "0001_sign_off_and_decisions")]

    operations = [migrations.RunSQL(CREATE, DROP)]
