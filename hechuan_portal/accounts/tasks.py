"""Periodic housekeeping for login security (schedule it in django-celery-beat)."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.utils import timezone


@shared_task(acks_late=True)
def purge_expired_lockouts() -> int:
    """Delete lockout counters older than the cool-off; idempotent. Returns the rows removed."""
    from axes.models import AccessAttempt

    threshold = timezone.now() - timezone.timedelta(hours=settings.AXES_COOLOFF_TIME)
    deleted, _ = AccessAttempt.objects.filter(attempt_time__lt=threshold).delete()
    return deleted
