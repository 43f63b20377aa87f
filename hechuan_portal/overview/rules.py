"""Pure rules of the overview: indicator values, traffic lights and periods. No ORM."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

GREEN, AMBER, RED, NONE = "green", "amber", "red", "none"
TWO_PLACES = Decimal("0.01")


def indicator_value(numerator: Decimal, denominator: Decimal | None, scale: int) -> Decimal | None:
    """numerator (a count or sum) or numerator/denominator×scale; None when the ratio is undefined."""
    if denominator is None:
        return Decimal(numerator).quantize(TWO_PLACES, ROUND_HALF_UP)
    if denominator == 0:
        return None
    return (Decimal(numerator) / Decimal(denominator) * scale).quantize(TWO_PLACES, ROUND_HALF_UP)


def traffic_light(
    value: Decimal | None, *, target: Decimal | None, comparator: str, amber_margin: Decimal
) -> str:
    """green when the target is met, amber when short of it by at most the margin, red otherwise."""
    if value is None or target is None:
        return NONE
    gap = (target - value) if comparator == "ge" else (value - target)
    if gap <= 0:
        return GREEN
    return AMBER if gap <= amber_margin else RED


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def previous_months(period: dt.date, count: int) -> list[dt.date]:
    """The `count` month starts ending with `period`, oldest first."""
    months = []
    year, month = period.year, period.month
    for _ in range(count):
        months.append(dt.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]


def month_end(period: dt.date) -> dt.date:
    nxt = dt.date(period.year + (period.month == 12), period.month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def parse_period(text: str | None, *, default: dt.date) -> dt.date:
    """'YYYY-MM' → first day of that month; anything else → default."""
    try:
        year, month = (int(p) for p in (text or "").split("-"))
        return dt.date(year, month, 1)
    except ValueError:
        return default
