"""Indicator definitions. Each compute is one aggregate query grouped by town (never a loop)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from django.db.models import Count, Sum
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from facilities.models import BED_KINDS, CHILDCARE_KINDS, Facility, FacilityStatus
from hechuan_portal.residents.models import HukouStatus, Resident

from .registry import Indicator, Parts, register

ZERO = Decimal(0)


def _facility_list_url(**params) -> Callable[[str], str]:
    def build(town: str) -> str:
        try:
            base = reverse("facilities:list")
        except NoReverseMatch:
            return ""
        return f"{base}?{urlencode({'town': town, **params})}"

    return build


def _operating():
    return Facility.objects.filter(status=FacilityStatus.OPERATING)


def _pairs(rows, num: str, den: str | None) -> Parts:
    return {
        r["town"]: (Decimal(r[num] or 0), None if den is None else Decimal(r[den] or 0))
        for r in rows
        if r["town"]
    }


def population_by_town() -> dict[str, int]:
    """Registered residents living (户籍正常) in each town: the denominator of per-1,000 figures."""
    rows = (
        Resident.objects.filter(status=HukouStatus.NORMAL, town__isnull=False)
        .values("town")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {r["town"]: r["n"] for r in rows}


def facilities_operating(period: dt.date) -> Parts:
    rows = _operating().values("town").annotate(n=Count("id")).order_by()
    return _pairs(rows, "n", None)


def elder_beds(period: dt.date) -> Parts:
    rows = _operating().filter(kind__in=BED_KINDS).values("town").annotate(n=Sum("beds_total")).order_by()
    return _pairs(rows, "n", None)


def bed_occupancy(period: dt.date) -> Parts:
    rows = (
        _operating()
        .filter(kind__in=BED_KINDS)
        .values("town")
        .annotate(used=Sum("beds_occupied"), total=Sum("beds_total"))
        .order_by()
    )
    return _pairs(rows, "used", "total")


def nursing_bed_share(period: dt.date) -> Parts:
    rows = (
        _operating()
        .filter(kind__in=BED_KINDS)
        .values("town")
        .annotate(nursing=Sum("beds_nursing"), total=Sum("beds_total"))
        .order_by()
    )
    return _pairs(rows, "nursing", "total")


def places_per_1000(period: dt.date) -> Parts:
    places = dict(
        _operating()
        .filter(kind__in=CHILDCARE_KINDS)
        .values_list("town")
        .annotate(n=Sum("places_total"))
        .order_by()
    )
    population = population_by_town()
    towns = set(places) | set(population)
    return {t: (Decimal(places.get(t) or 0), Decimal(population.get(t, 0))) for t in towns}


def inclusive_share(period: dt.date) -> Parts:
    rows = (
        _operating()
        .filter(kind__in=CHILDCARE_KINDS)
        .values("town")
        .annotate(inclusive=Sum("places_inclusive"), total=Sum("places_total"))
        .order_by()
    )
    return _pairs(rows, "inclusive", "total")


register(
    Indicator(
        code="facilities_operating",
        label=_("运营中的服务设施"),
        unit=_("个"),
        group="facilities",
        compute=facilities_operating,
        drill=_facility_list_url(status="operating"),
    )
)
register(
    Indicator(
        code="elder_beds",
        label=_("养老床位"),
        unit=_("张"),
        group="elder",
        compute=elder_beds,
        drill=_facility_list_url(status="operating"),
    )
)
register(
    Indicator(
        code="bed_occupancy",
        label=_("床位利用率"),
        unit="%",
        group="elder",
        compute=bed_occupancy,
        scale=100,
        has_denominator=True,
        drill=_facility_list_url(status="operating"),
        help_text=_("已用床位 ÷ 床位总数（运营中的养老机构、区域养老服务中心、日间照料中心）"),
    )
)
register(
    Indicator(
        code="nursing_bed_share",
        label=_("护理型床位占比"),
        unit="%",
        group="elder",
        compute=nursing_bed_share,
        scale=100,
        has_denominator=True,
        drill=_facility_list_url(status="operating"),
    )
)
register(
    Indicator(
        code="places_per_1000",
        label=_("每千人口托位数"),
        unit=_("个"),
        group="child",
        compute=places_per_1000,
        scale=1000,
        has_denominator=True,
        drill=_facility_list_url(status="operating"),
        help_text=_("托位总数 ÷ 户籍人口 × 1000"),
    )
)
register(
    Indicator(
        code="inclusive_share",
        label=_("普惠托位占比"),
        unit="%",
        group="child",
        compute=inclusive_share,
        scale=100,
        has_denominator=True,
        drill=_facility_list_url(status="operating"),
    )
)
