"""Celery wrappers: the nightly snapshot of the current month and the monthly report."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from hechuan_portal.accounts.roles import SYSTEM
from hechuan_portal.common.jobs import RETRY_TRANSIENT
from hechuan_portal.common.months import add_months, month_start, parse_month

from . import services


@shared_task(name="overview.snapshot_current_month", **RETRY_TRANSIENT)
def snapshot_current_month() -> int:
    """Refresh this month's indicator snapshot (idempotent upsert)."""
    return services.snapshot_refresh(period=month_start(timezone.localdate()), actor=SYSTEM)


@shared_task(name="overview.generate_monthly_report", **RETRY_TRANSIENT)
def generate_monthly_report(period: str | None = None) -> str:
    """Build and keep the XLSX report of the previous month (or of `period`, 'YYYY-MM')."""
    last_month = add_months(month_start(timezone.localdate()), -1)
    report = services.report_generate(period=parse_month(period) or last_month, actor=SYSTEM)
    return report.file.name
