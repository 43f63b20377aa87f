"""Month arithmetic, once for the whole portal. A month is the date of its first day."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterator

from django.utils import timezone


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_begins_at(month: dt.date) -> dt.datetime:
    """The moment `month` begins by the district's clock (TIME_ZONE, Asia/Shanghai), as an aware
    datetime: a range of these, unlike `__date` lookups, can be served by an index on a timestamp."""
    return timezone.make_aware(dt.datetime.combine(month_start(month), dt.time.min))


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` plus whole months; the 31st becomes the last day of a shorter month."""
    year, month0 = divmod(day.year * 12 + day.month - 1 + months, 12)
    month = month0 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def month_end(month: dt.date) -> dt.date:
    """The last day of `month`'s month."""
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def month_bounds(month: dt.date) -> tuple[dt.date, dt.date]:
    """The first day of the month and the first day of the next (a half-open range)."""
    first = month_start(month)
    return first, add_months(first, 1)


def months_between(first: dt.date, last: dt.date) -> list[dt.date]:
    """Every month start from `first`'s month to `last`'s month inclusive."""
    return list(iter_months(first, last))


def iter_months(first: dt.date, last: dt.date) -> Iterator[dt.date]:
    month, end = month_start(first), month_start(last)
    while month <= end:
        yield month
        month = add_months(month, 1)


def previous_months(period: dt.date, count: int) -> list[dt.date]:
    """The `count` month starts ending with `period`'s month, oldest first."""
    last = month_start(period)
    return [add_months(last, -n) for n in range(count - 1, -1, -1)]


def months_apart(earlier: dt.date, later: dt.date) -> int:
    """Whole calendar months from `earlier`'s month to `later`'s month."""
    return (later.year - earlier.year) * 12 + later.month - earlier.month


def age_in_months(birth: dt.date, on: dt.date) -> int:
    """Completed months of age on `on` (born 2025-01-31: 1 month old on 2025-02-28)."""
    months = months_apart(birth, on)
    if add_months(birth, months) > on:
        months -= 1
    return months


def parse_month(text: str | None) -> dt.date | None:
    """'YYYY-MM' → the month's first day; None when it is not a month between 1900 and 9999."""
    try:
        year_text, month_text = (text or "").strip().split("-")
        if len(year_text) != 4 or not year_text.isascii() or not month_text.isascii():
            return None
        year, month = int(year_text), int(month_text)
        if year < 1900 or not 1 <= month <= 12:
            return None
        return dt.date(year, month, 1)
    except ValueError:
        return None
