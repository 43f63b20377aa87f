"""Checklist templates from fixtures/checklists.json, the one source from now on.

0002 seeded the same version-1 templates from a table in its own code (kept as history); on a
database 0002 already seeded this loads nothing. Templates added to the file later are created by
the next `migrate` or `seed_demo`.
"""

from django.db import migrations


def load(apps, schema_editor):
    from monitoring.reference import load_checklists

    load_checklists(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0005_findingtransition_on_transitionlog")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
