"""The dashboard's indicators: a plain tuple, `INDICATORS`, in the order the pages show them.

Each indicator's `compute(period)` returns {town_code: (numerator, denominator | None)} for the month
starting on `period`, in one aggregate query grouped by town (never a loop). The district figure is
Σnumerator / Σdenominator, so it is always consistent with the towns. Stock indicators (beds, places)
read the current state; flow indicators (inspections, visits, payments) read the month.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, Q, Sum
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from eldercare import selectors as eldercare_selectors
from facilities.models import BED_KINDS, CHILDCARE_KINDS, CommunityCoverage, Facility, FacilityStatus
from hechuan_portal.accounts.roles import SYSTEM
from hechuan_portal.common.months import month_end
from hechuan_portal.residents.models import HukouStatus, Resident
from monitoring import selectors as monitoring_selectors
from monitoring.models import Finding, FindingStatus, Inspection, InspectionStatus
from subsidies.models import AllowanceGrant, GrantStatus, PaymentLine

Parts = dict[str, tuple[Decimal, Decimal | None]]


@dataclass(frozen=True)
class Indicator:
    code: str
    label: str
    unit: str
    group: str
    compute: Callable[[dt.date], Parts]
    scale: int = 1
    has_denominator: bool = False
    drill: Callable[[str], str] | None = None  # town code → URL of the records behind the figure
    help_text: str = ""


def _list_url(name: str, **params) -> Callable[[str], str]:
    """The staff list behind a figure, filtered to one town."""

    def build(town: str) -> str:
        try:
            base = reverse(name)
        except NoReverseMatch:
            return ""
        return f"{base}?{urlencode({'town': town, **params})}"

    return build


def _facility_list_url(**params) -> Callable[[str], str]:
    return _list_url("facilities:list", **params)


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



def _coverage(layer_code: str) -> Callable[[dt.date], Parts]:
    """People living in communities within the layer's radius ÷ all people (latest coverage run)."""

    def compute(period: dt.date) -> Parts:
        rows = (
            CommunityCoverage.objects.filter(layer__code=layer_code)
            .values("town")
            .annotate(covered=Sum("people", filter=Q(covered=True)), people=Sum("people"))
            .order_by()
        )
        return _pairs(rows, "covered", "people")

    return compute


def allowance_recipients(period: dt.date) -> Parts:
    rows = (
        AllowanceGrant.objects.filter(status=GrantStatus.ACTIVE)
        .values(town=F("resident__town"))
        .annotate(n=Count("id"))
        .order_by()
    )
    return _pairs(rows, "n", None)


def allowance_cost(period: dt.date) -> Parts:
    """The month's payment roll (normal lines and arrears), whether draft or closed."""
    rows = (
        PaymentLine.objects.filter(period__month=period).values("town").annotate(n=Sum("amount")).order_by()
    )
    return _pairs(rows, "n", None)


def inspections_done(period: dt.date) -> Parts:
    """Inspections completed ÷ inspections due in the month (cancelled ones excluded)."""
    end = month_end(period)
    rows = (
        Inspection.objects.filter(due_on__gte=period, due_on__lte=end)
        .exclude(status=InspectionStatus.CANCELLED)
        .values(town=F("facility__town"))
        .annotate(done=Count("id", filter=Q(status=InspectionStatus.COMPLETED)), planned=Count("id"))
        .order_by()
    )
    return _pairs(rows, "done", "planned")


_UNRESOLVED = [FindingStatus.OPEN, FindingStatus.SUBMITTED, FindingStatus.RETURNED, FindingStatus.ESCALATED]


def _unresolved_findings(qs) -> Parts:
    rows = qs.filter(status__in=_UNRESOLVED).values(town=F("facility__town")).annotate(n=Count("id")).order_by()
    return _pairs(rows, "n", None)


def findings_open(period: dt.date) -> Parts:
    return _unresolved_findings(Finding.objects.all())


def findings_overdue(period: dt.date) -> Parts:
    return _unresolved_findings(Finding.objects.filter(deadline__lt=timezone.localdate()))


def visit_rate(period: dt.date) -> Parts:
    """Elders due a monthly visit who had one in the month ÷ all of them (monitoring's own rule)."""
    _communities, towns = monitoring_selectors.visit_rates(user=SYSTEM, year=period.year, month=period.month)
    return {t.town_code: (Decimal(t.visited), Decimal(t.covered)) for t in towns}


# The dashboard, the report and the API show the indicators in this order.
def _as_of(period: dt.date) -> dt.date:
    """A stock read on a month: its last day, or today while the month runs."""
    return min(month_end(period), timezone.localdate())


def elder_assessment_coverage(period: dt.date) -> Parts:
    """80岁以上能力评估覆盖率: people 80+ with a valid (signed, within the re-assessment interval)
    ability assessment ÷ people 80+ (eldercare.selectors, one GROUP BY)."""
    rows = eldercare_selectors.coverage_by_town(as_of=_as_of(period))
    return {r["town_id"]: (Decimal(r["assessed"]), Decimal(r["aged80"])) for r in rows if r["town_id"]}


def institution_support_rate(period: dt.date) -> Parts:
    """兜底保障: 低保/特困 elders assessed 失能 who are placed in an institution or have a family care
    bed ÷ all such elders (eldercare.selectors, one GROUP BY)."""
    rows = eldercare_selectors.institution_support_by_town(as_of=_as_of(period))
    return {r["town_id"]: (Decimal(r["served"]), Decimal(r["eligible"])) for r in rows if r["town_id"]}


INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        code="facilities_operating",
        label=_("运营中的服务设施"),
        unit=_("个"),
        group="facilities",
        compute=facilities_operating,
        drill=_facility_list_url(status="operating"),
    ),
    Indicator(
        code="elder_beds",
        label=_("养老床位"),
        unit=_("张"),
        group="elder",
        compute=elder_beds,
        drill=_facility_list_url(status="operating"),
    ),
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
    ),
    Indicator(
        code="nursing_bed_share",
        label=_("护理型床位占比"),
        unit="%",
        group="elder",
        compute=nursing_bed_share,
        scale=100,
        has_denominator=True,
        drill=_facility_list_url(status="operating"),
    ),
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
    ),
    Indicator(
        code="inclusive_share",
        label=_("普惠托位占比"),
        unit="%",
        group="child",
        compute=inclusive_share,
        scale=100,
        has_denominator=True,
        drill=_facility_list_url(status="operating"),
    ),
    Indicator(
        code="elder_coverage",
        label=_("15分钟养老服务圈覆盖率"),
        unit="%",
        group="elder",
        compute=_coverage("elder_home_care"),
        scale=100,
        has_denominator=True,
        drill=_list_url("facilities:coverage", layer="elder_home_care"),
        help_text=_("居住在社区居家养老服务设施步行半径内的60岁及以上老年人 ÷ 全部60岁及以上老年人"),
    ),
    Indicator(
        code="toddler_coverage",
        label=_("15分钟婴幼儿服务圈覆盖率"),
        unit="%",
        group="child",
        compute=_coverage("childcare_15min"),
        scale=100,
        has_denominator=True,
        drill=_list_url("facilities:coverage", layer="childcare_15min"),
        help_text=_("居住在托育设施步行半径内的0–3岁婴幼儿 ÷ 全部0–3岁婴幼儿"),
    ),
    Indicator(
        code="allowance_recipients",
        label=_("高龄津贴享受人数"),
        unit=_("人"),
        group="allowance",
        compute=allowance_recipients,
        drill=_list_url("subsidies:dashboard"),
    ),
    Indicator(
        code="allowance_cost",
        label=_("本月高龄津贴发放金额"),
        unit=_("元"),
        group="allowance",
        compute=allowance_cost,
        # the allowance dashboard (cost per town), which every role seeing this figure may open;
        # the roll itself is a district page and a town officer's link to it answered 403
        drill=_list_url("subsidies:dashboard"),
    ),
    Indicator(
        code="inspections_done",
        label=_("本月检查完成率"),
        unit="%",
        group="monitoring",
        compute=inspections_done,
        scale=100,
        has_denominator=True,
        drill=_list_url("monitoring:inspection_list"),
        help_text=_("本月已完成检查 ÷ 本月计划检查（不含已取消）"),
    ),
    Indicator(
        code="findings_open",
        label=_("未销号问题"),
        unit=_("个"),
        group="monitoring",
        compute=findings_open,
        drill=_list_url("monitoring:finding_list"),
    ),
    Indicator(
        code="findings_overdue",
        label=_("逾期未整改问题"),
        unit=_("个"),
        group="monitoring",
        compute=findings_overdue,
        drill=_list_url("monitoring:finding_list"),
    ),
    Indicator(
        code="elder_assessment_coverage",
        label=_("80岁以上能力评估覆盖率"),
        unit="%",
        group="elder",
        compute=elder_assessment_coverage,
        scale=100,
        has_denominator=True,
        drill=_list_url("eldercare:to_assess"),
        help_text=_("有有效能力评估（已签字、未超过复评间隔）的80岁及以上户籍老年人 ÷ 全部80岁及以上户籍老年人"),
    ),
    Indicator(
        code="institution_support_rate",
        label=_("失能特困低保老年人兜底服务率"),
        unit="%",
        group="elder",
        compute=institution_support_rate,
        scale=100,
        has_denominator=True,
        drill=_list_url("eldercare:support"),
        help_text=_("已入住机构或有家庭养老床位的低保、特困失能老年人 ÷ 全部低保、特困失能老年人"),
    ),
    Indicator(
        code="visit_rate",
        label=_("特殊困难老年人月探访率"),
        unit="%",
        group="monitoring",
        compute=visit_rate,
        scale=100,
        has_denominator=True,
        drill=_list_url("monitoring:visit_rates"),
    ),
)

_BY_CODE = {indicator.code: indicator for indicator in INDICATORS}


def by_code(code: str) -> Indicator | None:
    return _BY_CODE.get(code)
