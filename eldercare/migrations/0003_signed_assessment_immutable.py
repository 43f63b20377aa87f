"""A signed assessment is never changed or deleted: a correction is a new assessment (issue 23).

The service refuses it too; the trigger holds the rule for every other path (admin, shell, SQL).
Integrity-constraint SQLSTATE, so Django raises IntegrityError and the API answers its usual 400.
"""

from django.db import migrations

SQL = """
CREATE OR REPLACE FUNCTION eldercare_assessment_refuse_change() RETURNS trigger AS $$
BEGIN
    IF OLD.signed_at IS NOT NULL THEN
        RAISE EXCEPTION 'signed assessment % is immutable (% refused)', OLD.id, TG_OP
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER eldercare_assessment_signed_immutable
    BEFORE UPDATE OR DELETE ON eldercare_assessment
    FOR EACH ROW EXECUTE FUNCTION eldercare_assessment_refuse_change();
"""
REVERSE = """
DROP TRIGGER IF EXISTS eldercare_assessment_signed_immutable ON eldercare_assessment;
DROP FUNCTION IF EXISTS eldercare_assessment_refuse_change();
"""


class Migration(migrations.Migration):
    dependencies = [("eldercare", "0002_seed_default_policy")]
    operations = [migrations.RunSQL(SQL, REVERSE)]
