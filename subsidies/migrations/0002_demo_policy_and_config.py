"""The demo policy of STANDARDS §6 (80–89 ¥50, 90–99 ¥100, 100+ ¥300 a month) and the settings row.

Chongqing's own figures are still to confirm: staff edit or supersede this policy in /manage/.
"""

import datetime as dt
from decimal import Decimal

from django.db import migrations

TIERS = [
    ("80-89", "80—89周岁", 80, 89, Decimal("50.00")),
    ("90-99", "90—99周岁", 90, 99, Decimal("100.00")),
    ("100+", "100周岁及以上", 100, None, Decimal("300.00")),
]


def create(apps, schema_editor):
    Policy = apps.get_model("subsidies", "AllowancePolicy")
    Tier = apps.get_model("subsidies", "AllowanceTier")
    Config = apps.get_model("subsidies", "AllowanceConfig")
    Config.objects.get_or_create(pk=1, defaults={"arrears_cap_months": 12})
    policy, created = Policy.objects.get_or_create(
        effective_from=dt.date(2020, 1, 1),
        defaults={"name": "高龄津贴（演示政策）", "note": "演示数据：金额待按重庆市标准确认。"},
    )
    if created:
        for code, label, low, high, amount in TIERS:
            Tier.objects.create(policy=policy, code=code, label=label, min_age=low, max_age=high, monthly_amount=amount)


class Migration(migrations.Migration):
    dependencies = [("subsidies", "0001_allowance_models")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
