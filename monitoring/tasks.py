"""Celery tasks: thin wrappers, safe to run twice."""

from __future__ import annotations

from celery import shared_task

from hechuan_portal.accounts.roles import SYSTEM
from hechuan_portal.common.jobs import RETRY_TRANSIENT

from . import services


@shared_task(name="monitoring.escalate_overdue_findings", **RETRY_TRANSIENT)
def escalate_overdue_findings() -> int:
    """Nightly: move findings past their deadline to the district list."""
    return services.findings_escalate_overdue(actor=SYSTEM)


@shared_task(name="monitoring.refresh_risk", **RETRY_TRANSIENT)
def refresh_risk() -> int:
    """Nightly: recompute every facility's risk score and next due inspection date."""
    return services.risk_refresh(actor=SYSTEM)


@shared_task(name="monitoring.refresh_visit_due", **RETRY_TRANSIENT)
def refresh_visit_due() -> int:
    """Nightly: rebuild the 探访关爱 list (people turning 60, the eldercare policy of the day). Safe
    to repeat: it rewrites the whole table from the register and the visits, so a second run after a
    transient error writes the same rows."""
    return services.visit_due_refresh(actor=SYSTEM)
