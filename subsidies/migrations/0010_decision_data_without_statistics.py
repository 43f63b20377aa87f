from django.db import migrations

# A decision's `data` (the inputs it used, as JSON) is shown, never searched: no statistics for it.
# Computing them (sorting a sample of 30,000 JSON documents) was three quarters of the ANALYZE that
# follows a district's first match (`matching.ANALYZE_AFTER_WRITES`), and of every autovacuum analyse.
SQL = "ALTER TABLE subsidies_allowancedecision ALTER COLUMN data SET STATISTICS 0"
REVERSE = "ALTER TABLE subsidies_allowancedecision ALTER COLUMN data SET STATISTICS -1"


class Migration(migrations.Migration):
    dependencies = [("subsidies", "0009_decision_month_index")]

    operations = [migrations.RunSQL(SQL, REVERSE)]
