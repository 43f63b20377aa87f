"""Celery wrappers: the nightly match (beat, 02:00 Asia/Shanghai, editable in the admin)."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.utils import timezone

from .matching import RunInProgress
from .services import allowance_match


@shared_task(name="subsidies.match_allowances")
def match_allowances_task(
    as_of: str | None = None, user_id: int | None = None, trigger: str = "beat"
) -> dict:
    """Run the match; a second concurrent run returns at once (the lock), never queues behind."""
    from hechuan_portal.accounts.models import User

    user = User.objects.filter(pk=user_id).first() if user_id else None
    day = dt.date.fromisoformat(as_of) if as_of else timezone.localdate()
    try:
        outcome = allowance_match(as_of=day, trigger=trigger, user=user)
    except RunInProgress:
        return {"status": "skipped"}
    return {"status": "succeeded", "run": outcome.run.pk, **outcome.counts}
