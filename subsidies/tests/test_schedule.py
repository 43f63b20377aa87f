import pytest
from django_celery_beat.models import PeriodicTask

from hechuan_portal.celery import app

pytestmark = pytest.mark.django_db


def test_nightly_match_is_a_beat_task_at_two_shanghai_time():
    task = PeriodicTask.objects.get(name="高龄津贴夜间匹配")
    cron = task.crontab
    assert (task.task, task.enabled) == ("subsidies.match_allowances", True)
    assert (cron.minute, cron.hour, cron.day_of_month, cron.month_of_year, cron.day_of_week) == (
        "0",
        "2",
        "*",
        "*",
        "*",
    )
    assert str(cron.timezone) == "Asia/Shanghai"
    app.loader.import_default_modules()
    assert "subsidies.match_allowances" in app.tasks and "residents.import_batch" in app.tasks


def test_the_task_runs_the_match_and_reports_a_skip_when_locked():
    import psycopg
    from django.db import connection

    from hechuan_portal.common.locks import LockName, lock_key
    from subsidies.tasks import match_allowances_task

    assert match_allowances_task.run(as_of="2027-01-01")["status"] == "succeeded"
    db = connection.settings_dict
    # Another session holds the lock.
    other = psycopg.connect(
        dbname=db["NAME"], user=db["USER"], host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432,
        password=db["PASSWORD"] or None, autocommit=True,
    )  # fmt: skip
    try:
        other.execute("SELECT pg_advisory_lock(%s)", [lock_key(LockName.REGISTER)])
        assert match_allowances_task.run(as_of="2027-01-01") == {"status": "skipped"}
    finally:
        other.close()
