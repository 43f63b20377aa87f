"""Demo policies for home adaptation (basic items subsidised up to ¥3,000 a home, once; 低保/特困 and
grade ≥ 1) and family care beds (grade ≥ 2; ¥300 a bed-month when the provider made at least 4 visits
and 8 hours), and the adaptation catalogue from fixtures/eldercare_adaptation_items.json. Figures to
confirm with the district (docs/eldercare.md)."""

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

from django.db import migrations

CATALOGUE = Path(__file__).resolve().parents[2] / "fixtures" / "eldercare_adaptation_items.json"


def seed(apps, schema_editor):
    AdaptationPolicy = apps.get_model("eldercare", "AdaptationPolicy")
    CareBedPolicy = apps.get_model("eldercare", "CareBedPolicy")
    Item = apps.get_model("eldercare", "AdaptationItem")
    AdaptationPolicy.objects.get_or_create(
        effective_from=dt.date(2022, 1, 1),
        defaults={"name": "适老化改造（演示政策）", "household_cap": Decimal("3000.00")},
    )
    CareBedPolicy.objects.get_or_create(
        effective_from=dt.date(2022, 1, 1),
        defaults={"name": "家庭养老床位（演示政策）", "monthly_subsidy": Decimal("300.00")},
    )
    for row in json.loads(CATALOGUE.read_text(encoding="utf-8")):
        Item.objects.get_or_create(code=row["code"], defaults={**row, "unit_price": Decimal(row["unit_price"])})


class Migration(migrations.Migration):
    dependencies = [("eldercare", "0006_care_beds_and_home_adaptation")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
