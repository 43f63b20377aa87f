"""The childcare periodic jobs as django-celery-beat rows, so an administrator can move them."""

from django.db import migrations


def add(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    hourly, _ = IntervalSchedule.objects.get_or_create(every=1, period="hours")
    nightly, _ = CrontabSchedule.objects.get_or_create(
        minute="30", hour="2", day_of_week="*", day_of_month="*", month_of_year="*", timezone="Asia/Shanghai"
    )
    PeriodicTask.objects.get_or_create(
        name="托育：递补通知逾期处理", defaults={"task": "childcare.expire_offers", "interval": hourly}
    )
    PeriodicTask.objects.get_or_create(
        name="托育：生成应检健康检查", defaults={"task": "childcare.generate_checkups", "crontab": nightly}
    )


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(
        task__in=["childcare.expire_offers", "childcare.generate_checkups"]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("childcare", "0002_default_priority_categories"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(add, remove)]
