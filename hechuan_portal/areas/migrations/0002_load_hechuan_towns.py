"""The district and its 30 towns/streets, NBS 统计用区划代码 2023 (STANDARDS §2).

The data is written into this migration on purpose: a landed migration must never change, and the
reference list must be present after `migrate` on an empty database.
"""

from django.db import migrations

DISTRICT = ("500117000000", "合川区")
TOWNS = [
    ("500117001000", "合阳城街道"), ("500117002000", "钓鱼城街道"), ("500117003000", "南津街街道"),
    ("500117004000", "盐井街道"), ("500117005000", "草街街道"), ("500117006000", "云门街道"),
    ("500117007000", "大石街道"), ("500117100000", "沙鱼镇"), ("500117101000", "官渡镇"),
    ("500117102000", "涞滩镇"), ("500117103000", "肖家镇"), ("500117104000", "古楼镇"),
    ("500117105000", "三庙镇"), ("500117106000", "二郎镇"), ("500117107000", "龙凤镇"),
    ("500117108000", "隆兴镇"), ("500117109000", "铜溪镇"), ("500117112000", "双凤镇"),
    ("500117113000", "狮滩镇"), ("500117114000", "清平镇"), ("500117115000", "土场镇"),
    ("500117116000", "小沔镇"), ("500117117000", "三汇镇"), ("500117118000", "香龙镇"),
    ("500117120000", "钱塘镇"), ("500117121000", "龙市镇"), ("500117123000", "燕窝镇"),
    ("500117124000", "太和镇"), ("500117125000", "渭沱镇"), ("500117126000", "双槐镇"),
]


def load(apps, schema_editor):
    AdminArea = apps.get_model("areas", "AdminArea")
    district, _ = AdminArea.objects.update_or_create(
        code=DISTRICT[0], defaults={"name": DISTRICT[1], "level": "district", "parent": None}
    )
    for code, name in TOWNS:
        AdminArea.objects.update_or_create(code=code, defaults={"name": name, "level": "town", "parent": district})


def unload(apps, schema_editor):
    AdminArea = apps.get_model("areas", "AdminArea")
    AdminArea.objects.filter(code__in=[c for c, _ in TOWNS]).delete()
    AdminArea.objects.filter(code=DISTRICT[0]).delete()


class Migration(migrations.Migration):
    dependencies = [("areas", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
