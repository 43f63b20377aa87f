"""The lockout purge (`accounts.purge_expired_lockouts`) hourly in django-celery-beat (issue 22, jobs);
an administrator can move or pause it in the admin."""

from django.db import migrations

NAME = "登录安全：清除过期的锁定计数"
TASK = "accounts.purge_expired_lockouts"


def schedule(apps, schema_editor):
    Crontab = apps.get_model("django_celery_beat", "CrontabSchedule")
    Task = apps.get_model("django_celery_beat", "PeriodicTask")
    hourly, _ = Crontab.objects.get_or_create(
        minute="17", hour="*", day_of_week="*", day_of_month="*", month_of_year="*", timezone="Asia/Shanghai"
    )
    Task.objects.get_or_create(name=NAME, defaults={"task": TASK, "crontab": hourly})


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_api_tokens_security_stamp"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
