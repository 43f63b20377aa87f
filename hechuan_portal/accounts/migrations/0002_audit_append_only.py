"""Make the audit log append-only in the database itself: UPDATE and DELETE raise an error.

Administrators and the application alike can only INSERT; retention purges (after 180 days at the
earliest) must be done by the database owner disabling this trigger deliberately.
"""

from django.db import migrations

SQL = """
CREATE OR REPLACE FUNCTION accounts_audit_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit log is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER accounts_auditevent_append_only
    BEFORE UPDATE OR DELETE ON accounts_auditevent
    FOR EACH ROW EXECUTE FUNCTION accounts_audit_refuse_change();
"""
REVERSE = """
DROP TRIGGER IF EXISTS accounts_auditevent_append_only ON accounts_auditevent;
DROP FUNCTION IF EXISTS accounts_audit_refuse_change();
"""


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunSQL(SQL, REVERSE)]
