"""Nightly monitoring jobs in django-celery-beat, so an administrator can move their time in the admin."""

from django.db import migrations

TASKS = [
    ("监管：逾期整改上报", "monitoring.escalate_overdue_findings", "30", "1"),
    ("监管：设施风险与应检日期", "monitoring.refresh_risk", "45", "1"),
]


def schedule(apps, schema_editor):
    Crontab = apps.get_model("django_celery_beat", "CrontabSchedule")
    Task = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, minute, hour in TASKS:
        cron, _ = Crontab.objects.get_or_create(
            minute=minute, hour=hour, day_of_week="*", day_of_month="*", month_of_year="*", timezone="Asia/Shanghai"
        )
        Task.objects.get_or_create(name=name, defaults={"task": task, "crontab": cron})


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name__in=[t[0] for t in TASKS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("monitoring", "0002_seed_checklist_templates"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
