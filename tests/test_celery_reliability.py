"""Celery is configured for at-least-once delivery, and tasks are queued only after commit."""

import pytest
import redis
from django.conf import settings
from django.db import transaction

from hechuan_portal.accounts.tasks import purge_expired_lockouts
from hechuan_portal.celery import app


def test_celery_settings_give_at_least_once_delivery():
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.worker_prefetch_multiplier == 1
    assert app.conf.task_time_limit < settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert app.conf.task_soft_time_limit < app.conf.task_time_limit
    # Every registered task's own limit also stays under the visibility timeout.
    for name, task in app.tasks.items():
        if task.time_limit is not None:
            assert task.time_limit < settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"], name
    assert app.conf.broker_url == settings.REDIS_URL


def test_project_tasks_have_delay_on_commit():
    # The Django fix-up makes every task a DjangoTask: `task.delay_on_commit(...)` is the convention.
    from celery.contrib.django.task import DjangoTask

    assert isinstance(purge_expired_lockouts._get_current_object(), DjangoTask)


@pytest.fixture
def broker():
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    client.delete("celery")
    yield client
    client.delete("celery")


@pytest.mark.django_db(transaction=True)
def test_task_is_queued_only_after_commit(broker):
    with transaction.atomic():
        purge_expired_lockouts.delay_on_commit()
        assert broker.llen("celery") == 0  # nothing sent while the transaction is open
    assert broker.llen("celery") == 1


@pytest.mark.django_db(transaction=True)
def test_rolled_back_transaction_queues_nothing(broker):
    with pytest.raises(RuntimeError), transaction.atomic():
        purge_expired_lockouts.delay_on_commit()
        raise RuntimeError("rollback")
    assert broker.llen("celery") == 0


@pytest.mark.django_db
def test_purge_expired_lockouts_is_idempotent():
    from axes.models import AccessAttempt
    from django.utils import timezone

    old = timezone.now() - timezone.timedelta(hours=1)
    AccessAttempt.objects.create(username="x", ip_address="10.0.0.1", user_agent="", failures_since_start=3)
    AccessAttempt.objects.filter(username="x").update(attempt_time=old)
    assert purge_expired_lockouts() == 1
    assert purge_expired_lockouts() == 0
