"""Celery wrappers: the nightly match (beat, 02:00 Asia/Shanghai, editable in the admin)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from celery import shared_task
from django.utils import timezone

from hechuan_portal.accounts.roles import SYSTEM
from hechuan_portal.common.jobs import RETRY_TRANSIENT

from .matching import RunInProgress
from .services import allowance_match


@shared_task(name="subsidies.match_allowances", **RETRY_TRANSIENT)
def match_allowances_task(
    as_of: str | None = None, user_id: int | None = None, trigger: str = "beat"
) -> dict[str, Any]:
    """Run the match as the user who asked for it (the /manage/ button), else as SYSTEM (beat).

    A second concurrent run returns at once (the lock), never queues behind.
    """
    from hechuan_portal.accounts.models import User

    actor = (User.objects.filter(pk=user_id).first() if user_id else None) or SYSTEM
    day = dt.date.fromisoformat(as_of) if as_of else timezone.localdate()
    try:
        outcome = allowance_match(actor=actor, as_of=day, trigger=trigger)
    except RunInProgress:
        return {"status": "skipped"}
    return {"status": "succeeded", "run": outcome.run.pk, **outcome.counts}
