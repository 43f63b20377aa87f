"""Celery tasks: thin wrappers around services, safe to run twice."""

from __future__ import annotations

from celery import shared_task

from hechuan_portal.accounts.roles import SYSTEM
from hechuan_portal.common.jobs import RETRY_TRANSIENT

from . import services


@shared_task(name="eldercare.refresh_coverage", **RETRY_TRANSIENT)
def refresh_coverage() -> int:
    """Nightly: recount each town's people 80+ and those with a valid assessment (the to-assess
    lists' sizes and the dashboard's coverage indicator)."""
    return services.coverage_refresh(actor=SYSTEM)
