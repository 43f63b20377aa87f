"""Periodic housekeeping for login security (schedule it in django-celery-beat)."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from hechuan_portal.common.jobs import RETRY_TRANSIENT


@shared_task(name="accounts.purge_expired_lockouts", **RETRY_TRANSIENT)
def purge_expired_lockouts() -> int:
    """Delete lockout counters older than the cool-off; idempotent. Returns the rows removed."""
    from axes.models import AccessAttempt

    threshold = timezone.now() - timezone.timedelta(hours=settings.AXES_COOLOFF_TIME)
    deleted, _ = AccessAttempt.objects.filter(attempt_time__lt=threshold).delete()
    return deleted


@shared_task(name="accounts.export_job", **RETRY_TRANSIENT)
def export_job(job_id: str) -> str | None:
    """Build a long export (`accounts/export_jobs.py`). Safe to run twice: a finished job is left as
    it is, and a retried one builds the whole file again from the start."""
    from . import export_jobs

    return export_jobs.run(job_id)
