"""The nightly match as a django-celery-beat PeriodicTask at 02:00 Asia/Shanghai (editable in the admin)."""

from django.db import migrations

TASK_NAME = "高龄津贴夜间匹配"


def create(apps, schema_editor):
    Crontab = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    schedule, _ = Crontab.objects.get_or_create(
        minute="0", hour="2", day_of_week="*", day_of_month="*", month_of_year="*", timezone="Asia/Shanghai"
    )
    PeriodicTask.objects.get_or_create(
        name=TASK_NAME,
        defaults={"task": "subsidies.match_allowances", "crontab": schedule, "enabled": True,
                  "description": "每晚对全部户籍人口进行高龄津贴资格匹配并生成当月发放名册草稿。"},
    )


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("subsidies", "0002_demo_policy_and_config"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(create, remove)]
