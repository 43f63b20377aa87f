"""TRUNCATE bypasses row triggers, so the append-only audit log (0002) also refuses it, with a
statement-level trigger, whoever connects — the database owner included.

One exception: Django's test runner empties every table with TRUNCATE between transactional tests, in
a database it names `test_…`; there the statement is let through. The application's role is refused
TRUNCATE by privilege anyway (scripts/db_roles.sql).
"""

from django.db import migrations

SQL = r"""
CREATE OR REPLACE FUNCTION accounts_audit_refuse_truncate() RETURNS trigger AS $$
BEGIN
    IF current_database() LIKE 'test\_%' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'audit log is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER accounts_auditevent_no_truncate
    BEFORE TRUNCATE ON accounts_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION accounts_audit_refuse_truncate();
"""
REVERSE = """
DROP TRIGGER IF EXISTS accounts_auditevent_no_truncate ON accounts_auditevent;
DROP FUNCTION IF EXISTS accounts_audit_refuse_truncate();
"""


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_audit_append_only")]
    operations = [migrations.RunSQL(SQL, REVERSE)]
