"""Database guards the services rely on but do not replace:

- a claim in a closed roll (status closed) can be neither changed nor deleted, nor can its roll;
- the time-bank ledger is append-only: no UPDATE, no DELETE.
"""

from django.db import migrations

SQL = """
CREATE FUNCTION community_refuse_closed_claim() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status = 'closed' THEN
        RAISE EXCEPTION 'community: closed record % is frozen', OLD.id USING ERRCODE = 'check_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER community_mealclaim_frozen BEFORE UPDATE OR DELETE ON community_mealclaim
    FOR EACH ROW EXECUTE FUNCTION community_refuse_closed_claim();
CREATE TRIGGER community_claimroll_frozen BEFORE UPDATE OR DELETE ON community_claimroll
    FOR EACH ROW EXECUTE FUNCTION community_refuse_closed_claim();

CREATE FUNCTION community_ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'community: the time-bank ledger is append-only' USING ERRCODE = 'check_violation';
END $$;

CREATE TRIGGER community_ledgerentry_append_only BEFORE UPDATE OR DELETE ON community_ledgerentry
    FOR EACH ROW EXECUTE FUNCTION community_ledger_append_only();
"""

REVERSE = """
DROP TRIGGER community_ledgerentry_append_only ON community_ledgerentry;
DROP FUNCTION community_ledger_append_only();
DROP TRIGGER community_claimroll_frozen ON community_claimroll;
DROP TRIGGER community_mealclaim_frozen ON community_mealclaim;
DROP FUNCTION community_refuse_closed_claim();
"""


class Migration(migrations.Migration):
    dependencies = [("community", "0001_meals_claims_time_bank")]

    operations = [migrations.RunSQL(SQL, REVERSE)]
