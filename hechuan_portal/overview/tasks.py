"""Celery wrappers: the nightly snapshot of the current month and the monthly report."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.utils import timezone

from . import rules, services


@shared_task(name="overview.snapshot_current_month")
def snapshot_current_month() -> int:
    """Refresh this month's indicator snapshot (idempotent upsert)."""
    return services.snapshot_refresh(period=rules.month_start(timezone.localdate()))


@shared_task(name="overview.generate_monthly_report")
def generate_monthly_report(period: str | None = None) -> str:
    """Build and keep the XLSX report of the previous month (or of `period`, 'YYYY-MM')."""
    today = timezone.localdate()
    last_month = rules.month_start(rules.month_start(today) - dt.timedelta(days=1))
    report = services.report_generate(period=rules.parse_period(period, default=last_month))
    return report.file.name
