"""Writes of the overview: monthly indicator snapshots and the kept monthly report."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from hechuan_portal.areas.models import DISTRICT_CODE, AdminArea

from . import rules
from .models import IndicatorSnapshot, MonthlyReport
from .registry import indicators


@transaction.atomic
def snapshot_refresh(*, period: dt.date) -> int:
    """Compute every indicator for every town and the district for `period`; upsert the rows.

    Idempotent: running it twice for a period leaves one row per (period, indicator, area) with the
    latest figures. Returns the number of rows written.
    """
    period = rules.month_start(period)
    town_codes = list(AdminArea.objects.towns().values_list("code", flat=True))
    rows = []
    for ind in indicators():
        parts = ind.compute(period)
        total_num, total_den = Decimal(0), Decimal(0) if ind.has_denominator else None
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


def report_generate(*, period: dt.date) -> MonthlyReport:
    """Build the district XLSX for `period` from its snapshots and keep it (replacing an older one)."""
    from .exports import report_workbook
    from .selectors import report_table

    period = rules.month_start(period)
    table = report_table(user=None, period=period, district_wide=True)
    buf = io.BytesIO()
    report_workbook(table).save(buf)
    report, _ = MonthlyReport.objects.get_or_create(period=period, defaults={"file": ""})
    if report.file:
        report.file.delete(save=False)
    report.file.save(f"hechuan-yilaoyiyou-{period:%Y-%m}.xlsx", ContentFile(buf.getvalue()), save=False)
    report.generated_at = timezone.now()
    report.save()
    return report
