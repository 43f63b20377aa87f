"""Rule 10 for rolls closed before the lines kept the bank file's columns: copy them from the
register as it stands now (the best record there is), in one UPDATE over every closed roll."""

from django.db import migrations


def backfill(apps, schema_editor):
    line = apps.get_model("subsidies", "PaymentLine")._meta.db_table
    period = apps.get_model("subsidies", "PayrollPeriod")._meta.db_table
    resident = apps.get_model("residents", "Resident")._meta.db_table
    schema_editor.execute(
        f"""
        UPDATE {line} l SET id_cipher = r.id_cipher, name = r.name, hukou_code = r.hukou_code
        FROM {period} p, {resident} r
        WHERE p.id = l.period_id AND p.status = %s AND r.id = l.resident_id AND l.id_cipher IS NULL
        """,
        ["closed"],
    )


class Migration(migrations.Migration):
    dependencies = [
        ("subsidies", "0006_frozen_bank_columns_on_lines"),
        ("residents", "0012_id_corrections"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
