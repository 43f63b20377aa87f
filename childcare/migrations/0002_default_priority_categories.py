"""The waitlist's priority categories as data; staff edit points or add categories in the admin."""

from django.db import migrations

DEFAULTS = [
    ("third_child", "三孩家庭", 3),
    ("second_child", "二孩家庭", 2),
    ("dual_earner", "双职工家庭", 1),
]


def add(apps, schema_editor):
    PriorityCategory = apps.get_model("childcare", "PriorityCategory")
    for code, name, points in DEFAULTS:
        PriorityCategory.objects.get_or_create(code=code, defaults={"name": name, "points": points})


class Migration(migrations.Migration):
    dependencies = [("childcare", "0001_childcare_models")]

    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
