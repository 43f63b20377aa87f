"""Default indicator targets (editable in the admin) and the overview's periodic tasks.

Targets: 托位 per 1,000 ≥ 4.5 (issue 7), 15-minute coverage 100% (work plan: 2027), monthly visit
rate 100% (STANDARDS §8), nursing-type bed share ≥ 55% (national 14th five-year elder-care plan,
*to confirm* locally), no overdue rectification findings.
"""

from django.db import migrations

TARGETS = [
    ("places_per_1000", "ge", "4.50", "0.50", "一老一幼 issue 7 / 国家托育指标"),
    ("nursing_bed_share", "ge", "55.00", "5.00", "“十四五”国家老龄事业发展和养老服务体系规划（待确认）"),
    ("elder_coverage", "ge", "100.00", "10.00", "合川府办发〔2025〕27号：2027年基本建成15分钟社区居家养老服务圈"),
    ("toddler_coverage", "ge", "100.00", "10.00", "合川府办发〔2025〕27号：2027年基本建成城市15分钟婴幼儿服务圈"),
    ("visit_rate", "ge", "100.00", "5.00", "特殊困难老年人月探访率100%"),
    ("findings_overdue", "le", "0.00", "2.00", "整改逾期问题清零"),
]


def load(apps, schema_editor):
    Target = apps.get_model("overview", "IndicatorTarget")
    for code, comparator, target, margin, source in TARGETS:
        Target.objects.update_or_create(
            indicator=code,
            defaults={"comparator": comparator, "target": target, "amber_margin": margin, "source": source},
        )
    Crontab = apps.get_model("django_celery_beat", "CrontabSchedule")
    Task = apps.get_model("django_celery_beat", "PeriodicTask")
    nightly, _ = Crontab.objects.get_or_create(
        minute="0", hour="3", day_of_week="*", day_of_month="*", month_of_year="*", timezone="Asia/Shanghai"
    )
    monthly, _ = Crontab.objects.get_or_create(
        minute="0", hour="4", day_of_week="*", day_of_month="1", month_of_year="*", timezone="Asia/Shanghai"
    )
    Task.objects.update_or_create(
        name="一网统管：本月指标快照", defaults={"task": "overview.snapshot_current_month", "crontab": nightly}
    )
    Task.objects.update_or_create(
        name="一网统管：上月月度报表", defaults={"task": "overview.generate_monthly_report", "crontab": monthly}
    )


def unload(apps, schema_editor):
    apps.get_model("overview", "IndicatorTarget").objects.filter(indicator__in=[t[0] for t in TARGETS]).delete()
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(
        task__in=["overview.snapshot_current_month", "overview.generate_monthly_report"]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("overview", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(load, unload)]
