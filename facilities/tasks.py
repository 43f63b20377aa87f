"""Celery wrappers: each calls one service and is safe to run twice."""

from __future__ import annotations

from celery import shared_task
from django.contrib.auth import get_user_model

from hechuan_portal.accounts.roles import SYSTEM

from .services import CoverageBusy, coverage_refresh


@shared_task(name="facilities.refresh_coverage", acks_late=True)
def refresh_coverage(user_id: int | None = None) -> int | None:
    """Recompute the 15-minute service circle; a run already in progress makes this one a no-op.

    `user_id` is who pressed the button (the run names them); the nightly schedule passes none and
    the run is the system's.
    """
    actor = (get_user_model().objects.filter(pk=user_id).first() if user_id else None) or SYSTEM
    try:
        return coverage_refresh(actor=actor).pk
    except CoverageBusy:
        return None
