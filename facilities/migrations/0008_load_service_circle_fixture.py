"""The service-circle layers now come from fixtures/service_circle.json (0003 keeps its literals):
layers the file lists and the table lacks are created; existing ones, maybe edited, stay."""

from django.db import migrations


def load(apps, schema_editor):
    from facilities.reference import load_service_layers

    load_service_layers(apps)


class Migration(migrations.Migration):
    dependencies = [("facilities", "0007_status_change_transition_log")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
