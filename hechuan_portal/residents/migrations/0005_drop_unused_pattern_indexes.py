from django.db import migrations

# Django gives every varchar index a `varchar_pattern_ops` twin for LIKE 'prefix%' lookups. On the
# residents table nothing filters id_index (a keyed hash), town_id or community_id with LIKE, and
# each of the three twins is one more index the household import's INSERT … SELECT of 1.5 million
# rows has to maintain (issue 9, docs/performance.md). The ordinary b-tree indexes stay.
DROP = """
DO $$
DECLARE idx text;
BEGIN
    FOR idx IN
        SELECT indexname FROM pg_indexes
         WHERE schemaname = current_schema() AND tablename = 'residents_resident'
           AND indexdef LIKE '%varchar_pattern_ops%'
           AND (indexdef LIKE '%(id_index %' OR indexdef LIKE '%(town_id %' OR indexdef LIKE '%(community_id %')
    LOOP
        EXECUTE format('DROP INDEX %I', idx);
    END LOOP;
END $$;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("residents", "0004_resident_search_name_order_index"),
    ]

    operations = [migrations.RunSQL(DROP, migrations.RunSQL.noop)]
