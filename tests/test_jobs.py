"""Jobs (issue 22): tasks safe to repeat retry transient database/Redis errors with backoff; the
lockout purge is scheduled in beat; the deployment docs promise no Redis Sentinel support."""

from pathlib import Path

import pytest
import redis
from django.db import OperationalError

from hechuan_portal.accounts.tasks import purge_expired_lockouts
from hechuan_portal.celery import app
from hechuan_portal.common.jobs import TRANSIENT_ERRORS

app.loader.import_default_modules()  # every app's tasks.py, as a worker loads them

REPEATABLE = [
    "accounts.export_job",
    "accounts.purge_expired_lockouts",
    "childcare.expire_offers",
    "childcare.generate_checkups",
    "eldercare.refresh_coverage",
    "facilities.import_job",
    "facilities.refresh_coverage",
    "monitoring.escalate_overdue_findings",
    "monitoring.refresh_risk",
    "overview.generate_monthly_report",
    "overview.snapshot_current_month",
    "subsidies.match_allowances",
]


@pytest.mark.parametrize("name", REPEATABLE)
def test_repeatable_tasks_retry_transient_errors_with_backoff(name):
    task = app.tasks[name]
    assert set(task.autoretry_for) == set(TRANSIENT_ERRORS)
    assert task.retry_backoff and task.retry_jitter and task.max_retries == 5 and task.acks_late


def test_the_household_import_is_not_retried():
    # A half-run import marks its batch failed; running it again is the user's decision.
    assert not getattr(app.tasks["residents.import_batch"], "autoretry_for", ())


@pytest.mark.django_db
def test_a_lost_connection_is_retried_and_the_task_then_succeeds(monkeypatch):
    from axes.models import AccessAttempt

    calls = []
    real = AccessAttempt.objects.filter

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return real(*args, **kwargs)

    monkeypatch.setattr(AccessAttempt.objects, "filter", flaky)
    result = purge_expired_lockouts.apply()  # eagerly: a retry runs at once
    assert result.successful() and result.get() == 0 and len(calls) == 2


@pytest.mark.django_db
def test_redis_timeouts_count_as_transient():
    assert (
        redis.exceptions.TimeoutError in TRANSIENT_ERRORS
        and redis.exceptions.ConnectionError in TRANSIENT_ERRORS
    )


@pytest.mark.django_db
def test_lockout_purge_is_scheduled_hourly_and_every_schedule_names_a_real_task():
    from django_celery_beat.models import PeriodicTask

    purge = PeriodicTask.objects.get(task="accounts.purge_expired_lockouts")
    assert purge.enabled and purge.crontab.hour == "*" and purge.crontab.minute == "17"
    for scheduled in PeriodicTask.objects.exclude(task__startswith="celery."):
        assert scheduled.task in app.tasks, scheduled.name


def test_deployment_docs_do_not_promise_redis_sentinel():
    # The broker, the cache and /healthz read one REDIS_URL: Sentinel is said to be unsupported.
    root = Path(__file__).resolve().parent.parent
    deployment = (root / "docs/DEPLOYMENT.md").read_text(encoding="utf-8").lower()
    assert "sentinel or" not in deployment and "sentinel /" not in deployment
    assert "sentinel discovery is not supported" in deployment
    for doc in ("README.md", ".env.example"):
        path = root / doc
        if path.exists():
            assert "sentinel" not in path.read_text(encoding="utf-8").lower(), doc
