"""Reads of the overview. A fixed handful of queries whatever the size of the district's data.

Selectors never write: the view that finds this month's snapshot missing calls
`services.snapshot_ensure` first.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from hechuan_portal.accounts.roles import is_district, require
from hechuan_portal.areas.models import DISTRICT_CODE, AdminArea
from hechuan_portal.common.formatting import month_label
from hechuan_portal.common.months import previous_months
from hechuan_portal.db_router import reads_from_replica

from . import access, rules
from .indicators import INDICATORS, Indicator
from .models import IndicatorSnapshot, IndicatorTarget

TREND_MONTHS = 12


def overview_area(user: Any) -> str:
    """The area whose figures a user sees: the district for district roles, the officer's town.

    Callers ask `access.can_view` first; anyone else is refused here too.
    """
    require(access.can_view, user)
    # can_view admits district roles and town officers only: an officer's area is their town.
    return DISTRICT_CODE if is_district(user) else str(user.area_id)


def visible_area_codes(user: Any) -> list[str] | None:
    """None = every area; otherwise the one town an officer may see."""
    area = overview_area(user)
    return None if area == DISTRICT_CODE else [area]


@dataclass
class Figure:
    indicator: Indicator
    value: Decimal | None
    numerator: Decimal | None
    denominator: Decimal | None
    status: str
    target: IndicatorTarget | None
    # (month as the active language writes it, value): the trend table and the sparkline's tooltip
    trend: list[tuple[str, float | None]] = field(default_factory=list)


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _targets() -> dict[str, IndicatorTarget]:
    return {t.indicator: t for t in IndicatorTarget.objects.all()}


def _status(value: Decimal | None, target: IndicatorTarget | None) -> str:
    if target is None:
        return rules.NONE
    return rules.traffic_light(
        value, target=target.target, comparator=target.comparator, amber_margin=target.amber_margin
    )


@reads_from_replica
def dashboard(*, user: Any, period: dt.date) -> dict:
    """Headline figures with their 12-month trend for the user's area."""
    area_code = overview_area(user)
    months = previous_months(period, TREND_MONTHS)
    rows = IndicatorSnapshot.objects.filter(area_id=area_code, period__in=months).only(
        "period", "indicator", "value", "numerator", "denominator"
    )
    by_indicator: dict[str, dict[dt.date, IndicatorSnapshot]] = defaultdict(dict)
    for row in rows:
        by_indicator[row.indicator][row.period] = row
    targets = _targets()
    figures = []
    for ind in INDICATORS:
        history = by_indicator.get(ind.code, {})
        current = history.get(period)
        value = current.value if current else None
        figures.append(
            Figure(
                indicator=ind,
                value=value,
                numerator=current.numerator if current else None,
                denominator=current.denominator if current else None,
                status=_status(value, targets.get(ind.code)),
                target=targets.get(ind.code),
                trend=[(month_label(m), _float(history[m].value if m in history else None)) for m in months],
            )
        )
    area = AdminArea.objects.only("code", "name").get(code=area_code)
    return {"area": area, "period": period, "figures": figures, "months": [month_label(m) for m in months]}


@reads_from_replica
def indicator_by_town(*, user: Any, indicator: Indicator, period: dt.date) -> dict:
    """One indicator for every town the user may see (district roles: all 30 and the district)."""
    codes = visible_area_codes(user)
    qs = IndicatorSnapshot.objects.filter(period=period, indicator=indicator.code).select_related("area")
    if codes is not None:
        qs = qs.filter(area_id__in=codes)
    target = _targets().get(indicator.code)
    towns, district = [], None
    for row in qs.order_by("area_id"):
        item = {
            "area": row.area,
            "value": row.value,
            "numerator": row.numerator,
            "denominator": row.denominator,
            "status": _status(row.value, target),
            "drill": indicator.drill(row.area_id) if indicator.drill and row.area_id != DISTRICT_CODE else "",
        }
        if row.area_id == DISTRICT_CODE:
            district = item
        else:
            towns.append(item)
    return {"indicator": indicator, "target": target, "towns": towns, "district": district, "period": period}


@reads_from_replica
def town_trend(*, user: Any, indicator: Indicator, town_code: str, period: dt.date) -> dict:
    require(access.can_view_town, user, town_code)
    months = previous_months(period, TREND_MONTHS)
    rows = {
        r.period: r
        for r in IndicatorSnapshot.objects.filter(
            indicator=indicator.code, area_id=town_code, period__in=months
        )
    }
    target = _targets().get(indicator.code)
    series = [(month_label(m), rows[m].value if m in rows else None) for m in months]
    current = rows.get(period)
    return {
        "indicator": indicator,
        "target": target,
        "series": series,
        "current": current,
        "status": _status(current.value if current else None, target),
        "drill": indicator.drill(town_code) if indicator.drill else "",
    }


@reads_from_replica
def report_table(*, user: Any, period: dt.date) -> dict:
    """Every indicator by town for `period` (the monthly report), limited to the user's scope."""
    codes = visible_area_codes(user)
    qs = IndicatorSnapshot.objects.filter(period=period)
    if codes is not None:
        qs = qs.filter(area_id__in=codes)
    values: dict[str, dict[str, Decimal | None]] = defaultdict(dict)
    for row in qs.only("area_id", "indicator", "value"):
        values[row.area_id][row.indicator] = row.value
    area_qs = AdminArea.objects.filter(code__in=list(values)).order_by("code").only("code", "name", "level")
    targets = _targets()
    inds = INDICATORS
    rows: list[dict[str, Any]] = [
        {
            "area": a,
            "cells": [
                (values[a.code].get(i.code), _status(values[a.code].get(i.code), targets.get(i.code)))
                for i in inds
            ],
        }
        for a in area_qs
    ]
    rows.sort(key=lambda r: (r["area"].code != DISTRICT_CODE, r["area"].code))
    return {"period": period, "indicators": inds, "rows": rows}
