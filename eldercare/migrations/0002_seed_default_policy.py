"""The demo grading policy: STANDARDS §5's figures (GB/T 42195-2022 bands 90 / 66–89 / 46–65 / 30–45 /
0–29, the appendix-B item ranges, two upward rules combining to one level, re-assessment after 12
months, 失能 from grade 2). The district edits or supersedes it with a later effective date."""

import datetime as dt

from django.db import migrations

# Appendix B's item ranges, written out so this migration never changes with the code.
ITEM_MAX = {
    "B.1.1": 4,
    "B.1.2": 4,
    "B.1.3": 4,
    "B.1.4": 4,
    "B.1.5": 4,
    "B.1.6": 4,
    "B.1.7": 4,
    "B.1.8": 4,
    "B.2.1": 4,
    "B.2.2": 4,
    "B.2.3": 4,
    "B.2.4": 3,
    "B.3.1": 4,
    "B.3.2": 4,
    "B.3.3": 4,
    "B.3.4": 4,
    "B.3.5": 4,
    "B.3.6": 4,
    "B.3.7": 1,
    "B.3.8": 1,
    "B.3.9": 2,
    "B.4.1": 2,
    "B.4.2": 2,
    "B.4.3": 4,
    "B.4.4": 3,
    "B.4.5": 4,
}


def seed(apps, schema_editor):
    Policy = apps.get_model("eldercare", "AssessmentPolicy")
    Policy.objects.get_or_create(
        effective_from=dt.date(2022, 1, 1),
        defaults={
            "name": "GB/T 42195-2022 默认政策",
            "item_max": ITEM_MAX,
            "note": "STANDARDS §5 默认值；复评间隔与多项上调规则的合并方式待区民政局确认。",
        },
    )


class Migration(migrations.Migration):
    dependencies = [("eldercare", "0001_assessment_models")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
