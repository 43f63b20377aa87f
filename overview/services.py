"""Writes of the overview: monthly indicator snapshots and the kept monthly report."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from hechuan_portal.accounts.roles import SYSTEM, require
from hechuan_portal.areas.models import DISTRICT_CODE, AdminArea
from hechuan_portal.common.locks import LockName, lock_for_transaction
from hechuan_portal.common.months import month_start

from . import access, rules
from .indicators import INDICATORS
from .models import IndicatorSnapshot, MonthlyReport


@transaction.atomic
def snapshot_refresh(*, period: dt.date, actor: Any) -> int:
    """Compute every indicator for every town and the district for `period`; upsert the rows.

    District roles (and SYSTEM, for the nightly job) only. Idempotent: running it twice for a period
    leaves one row per (period, indicator, area) with the latest figures. Returns the number of rows
    written. Two refreshes of the same moment queue on one lock rather than race on the upsert.
    """
    require(access.can_refresh, actor)
    lock_for_transaction(LockName.OVERVIEW)
    period = month_start(period)
    town_codes = list(AdminArea.objects.towns().values_list("code", flat=True))
    rows: list[IndicatorSnapshot] = []
    for ind in INDICATORS:
        parts = ind.compute(period)
        total_num: Decimal = Decimal(0)
        total_den: Decimal | None = Decimal(0) if ind.has_denominator else None
        for town in town_codes:
            num, den = parts.get(town, (Decimal(0), Decimal(0) if ind.has_denominator else None))
            total_num += num
            if total_den is not None:
                total_den += den or 0
            rows.append(
                IndicatorSnapshot(
                    period=period,
                    indicator=ind.code,
                    area_id=town,
                    numerator=num,
                    denominator=den,
                    value=rules.indicator_value(num, den, ind.scale),
                )
            )
        rows.append(
            IndicatorSnapshot(
                period=period,
                indicator=ind.code,
                area_id=DISTRICT_CODE,
                numerator=total_num,
                denominator=total_den,
                value=rules.indicator_value(total_num, total_den, ind.scale),
            )
        )
    IndicatorSnapshot.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["period", "indicator", "area"],
        update_fields=["numerator", "denominator", "value", "computed_at"],
    )
    return len(rows)


def snapshot_ensure(*, period: dt.date, actor: Any) -> None:
    """Build this month's snapshot on its first viewing, before the nightly job has run.

    Any viewer of the overview may trigger it (the figures are the district's, computed as SYSTEM).
    A past month without a snapshot stays empty: today's figures must never be filed under it.
    """
    require(access.can_view, actor)
    if period != month_start(timezone.localdate()):
        return
    if not IndicatorSnapshot.objects.filter(period=period).exists():
        snapshot_refresh(period=period, actor=SYSTEM)


def report_generate(*, period: dt.date, actor: Any) -> MonthlyReport:
    """Build the district XLSX for `period` from its snapshots and keep it (replacing an older one)."""
    from .exports import report_workbook
    from .selectors import report_table

    require(access.can_download_kept, actor)
    period = month_start(period)
    table = report_table(user=SYSTEM, period=period)
    buf = io.BytesIO()
    report_workbook(table).save(buf)
    report, _ = MonthlyReport.objects.get_or_create(period=period, defaults={"file": ""})
    if report.file:
        report.file.delete(save=False)
    report.file.save(f"hechuan-yilaoyiyou-{period:%Y-%m}.xlsx", ContentFile(buf.getvalue()), save=False)
    report.generated_at = timezone.now()
    report.save()
    return report
