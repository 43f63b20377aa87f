"""The service-circle layers with STANDARDS §7's default radii (editable afterwards in the admin).

The figures are copied here, not imported from standards.py: a landed migration must not change
when the defaults in code do.
"""

from django.db import migrations

LAYERS = [
    ("elder_home_care", "社区居家养老服务", ["community_elder_station", "elder_care_center", "day_care", "nursing_home"], 1000, "elders", "GB 50180-2018 15分钟生活圈；STANDARDS §7 居家养老 1000 m"),
    ("day_care", "日间照料", ["day_care"], 500, "elders", "GB 50180-2018 5分钟生活圈 ≈ 500 m"),
    ("elder_meals", "老年助餐", ["elder_canteen"], 1000, "elders", "与居家养老服务同为 1000 m"),
    ("childcare_near", "托育（就近）", ["nursery", "childcare_point", "kindergarten", "employer_nursery"], 300, "children", "省级托育规划草案 5分钟 / 300 m"),
    ("childcare_15min", "托育（15分钟服务圈）", ["nursery", "childcare_point", "kindergarten", "employer_nursery"], 1000, "children", "合川区 2027 年城市15分钟婴幼儿服务圈目标 1000 m"),
]


def load(apps, schema_editor):
    ServiceLayer = apps.get_model("facilities", "ServiceLayer")
    for order, (code, name, kinds, radius, population, note) in enumerate(LAYERS):
        ServiceLayer.objects.update_or_create(
            code=code,
            defaults={"name": name, "kinds": kinds, "radius_m": radius, "population": population,
                      "note": note, "sort_order": order},
        )


def unload(apps, schema_editor):
    apps.get_model("facilities", "ServiceLayer").objects.filter(code__in=[row[0] for row in LAYERS]).delete()


class Migration(migrations.Migration):
    dependencies = [("facilities", "0002_service_circle")]
    operations = [migrations.RunPython(load, unload)]
