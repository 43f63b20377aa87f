"""TRUNCATE skips row triggers: refuse it on the audit log too (statement-level trigger)."""

from django.db import migrations

SQL = """
CREATE TRIGGER accounts_auditevent_no_truncate
    BEFORE TRUNCATE ON accounts_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION accounts_audit_refuse_change();
"""
REVERSE = "DROP TRIGGER IF EXISTS accounts_auditevent_no_truncate ON accounts_auditevent;"


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_audit_append_only")]
    operations = [migrations.RunSQL(SQL, REVERSE)]
