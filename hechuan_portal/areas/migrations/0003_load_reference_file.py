"""Load the district and its towns from fixtures/areas.json, the one source of the reference list.

0002 keeps its literals (a landed migration never changes); from here on the file is the source, and
this migration brings a database in line with it (update or create by code, idempotent).
"""

from django.db import migrations


def load(apps, schema_editor):
    from hechuan_portal.areas.reference import read_reference

    AdminArea = apps.get_model("areas", "AdminArea")
    for area in read_reference():
        AdminArea.objects.update_or_create(
            code=area.code, defaults={"name": area.name, "level": area.level, "parent_id": area.parent}
        )


class Migration(migrations.Migration):
    dependencies = [("areas", "0002_load_hechuan_towns")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
