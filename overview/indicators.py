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

from childcare import selectors as childcare_selectors
from eldercare import selectors as eldercare_selectors
from eldercare import services as eldercare_services
from facilities import selectors as facility_selectors
from facilities.models import BED_KINDS, Facility, FacilityStatus, ServiceLayer
from hechuan_portal.accounts.roles import SYSTEM
from hechuan_portal.common.months import month_end
from hechuan_portal.residents import selectors as resident_selectors
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
    help_text: str = ""  # the formula (口径), shown beside the tile and in docs/indicators.md
    counts: str = ""  # what counts, and from which records
    sources: tuple[str, ...] = ()  # the models read ("app_label.Model"); docs name their tables


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
    """The denominator of per-1,000 figures: `residents.selectors.population_by_town` (the communities'
    population where they carry one, else the registered residents with status normal)."""
    return {town: people for town, (people, _source) in resident_selectors.population_by_town().items()}


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
    """托位 (childcare.selectors.places_parts, the one definition) ÷ population × 1000."""
    places = childcare_selectors.places_parts()
    population = population_by_town()
    towns = set(places) | set(population)
    return {t: (Decimal(places.get(t, {}).get("total", 0)), Decimal(population.get(t, 0))) for t in towns}


def inclusive_share(period: dt.date) -> Parts:
    """普惠托位 ÷ 托位 (childcare.selectors.places_parts)."""
    return {
        t: (Decimal(p["inclusive"]), Decimal(p["total"]))
        for t, p in childcare_selectors.places_parts().items()
    }


def _coverage(layer_code: str) -> Callable[[dt.date], Parts]:
    """People living in communities within the layer's radius ÷ all people (latest coverage run):
    `facilities.selectors.coverage_by_town`, the grouping the coverage page shows."""

    def compute(period: dt.date) -> Parts:
        layer = ServiceLayer.objects.filter(code=layer_code).first()
        if layer is None:
            return {}
        towns = facility_selectors.coverage_by_town(user=SYSTEM, layer=layer)
        return {t.town_code: (Decimal(t.covered_people), Decimal(t.people)) for t in towns}

    return compute


def allowance_recipients(period: dt.date) -> Parts:
    rows = (
        # The town copied onto the grant, as the subsidies dashboard counts it (no join to the register).
        AllowanceGrant.objects.filter(status=GrantStatus.ACTIVE)
        .values("town")
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
    rows = (
        qs.filter(status__in=_UNRESOLVED).values(town=F("facility__town")).annotate(n=Count("id")).order_by()
    )
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
    ability assessment ÷ people 80+: the day's eldercare summary rows, which the eldercare page reads."""
    as_of = _as_of(period)
    eldercare_services.coverage_ensure(as_of=as_of)
    rows = eldercare_selectors.coverage_rows(as_of=as_of)
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
        help_text=_("状态为“运营中”的服务设施数"),
        counts=_("设施登记中的各类养老、托育、医养结合设施，按设施所在镇街；筹建、暂停、关闭的不计"),
        sources=("facilities.Facility",),
    ),
    Indicator(
        code="elder_beds",
        label=_("养老床位"),
        unit=_("张"),
        group="elder",
        compute=elder_beds,
        drill=_facility_list_url(status="operating"),
        help_text=_("运营中养老机构、区域养老服务中心、日间照料中心的床位总数之和"),
        counts=_("各设施最近一次上报的床位总数"),
        sources=("facilities.Facility",),
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
        counts=_("各设施最近一次上报的已用床位与床位总数"),
        sources=("facilities.Facility",),
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
        help_text=_("护理型床位 ÷ 床位总数（运营中的养老机构、区域养老服务中心、日间照料中心）"),
        counts=_("各设施最近一次上报的护理型床位与床位总数"),
        sources=("facilities.Facility",),
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
        help_text=_("托位 ÷ 人口 × 1000"),
        counts=_(
            "托位：运营中托育机构（托育中心、普惠托育点、幼儿园托班、职工托育室）各班级托位之和，未登记班级的机构按备案托位；人口：各村社区人口（随区划边界导入）之和，镇街没有该数据时为户籍状态正常的户籍人口"
        ),
        sources=("facilities.Facility", "childcare.ChildcareClass", "areas.AdminArea", "residents.Resident"),
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
        help_text=_("普惠托位 ÷ 托位"),
        counts=_("托位口径同“每千人口托位数”；普惠托位为标记为普惠的班级的托位"),
        sources=("facilities.Facility", "childcare.ChildcareClass"),
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
        counts=_(
            "最近一次服务圈计算：村社区中心点到最近的运营中设施的椭球面直线距离不超过图层半径即为覆盖；人数按村社区人口估算（60岁及以上占25%），村社区没有人口数据时按户籍登记人数"
        ),
        sources=(
            "facilities.CommunityCoverage",
            "facilities.Facility",
            "areas.AdminArea",
            "residents.Resident",
        ),
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
        counts=_(
            "最近一次服务圈计算，覆盖判定同上；人数按村社区人口估算（0–3岁占2.5%），村社区没有人口数据时按户籍登记人数"
        ),
        sources=(
            "facilities.CommunityCoverage",
            "facilities.Facility",
            "areas.AdminArea",
            "residents.Resident",
        ),
    ),
    Indicator(
        code="allowance_recipients",
        label=_("高龄津贴享受人数"),
        unit=_("人"),
        group="allowance",
        compute=allowance_recipients,
        drill=_list_url("subsidies:dashboard"),
        help_text=_("高龄津贴状态为“享受中”的人数"),
        counts=_("按享受人户籍所在镇街"),
        sources=("subsidies.AllowanceGrant", "residents.Resident"),
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
        help_text=_("本月发放名册各行金额之和（含补发）"),
        counts=_("本月名册，无论草稿或已关闭，按享受人所在镇街"),
        sources=("subsidies.PaymentLine",),
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
        counts=_("应检日期在本月的检查，按被检设施所在镇街"),
        sources=("monitoring.Inspection", "facilities.Facility"),
    ),
    Indicator(
        code="findings_open",
        label=_("未销号问题"),
        unit=_("个"),
        group="monitoring",
        compute=findings_open,
        drill=_list_url("monitoring:finding_list"),
        help_text=_("未销号的问题数"),
        counts=_("状态为待整改、已提交、被退回、已升级的问题，按设施所在镇街"),
        sources=("monitoring.Finding", "facilities.Facility"),
    ),
    Indicator(
        code="findings_overdue",
        label=_("逾期未整改问题"),
        unit=_("个"),
        group="monitoring",
        compute=findings_overdue,
        drill=_list_url("monitoring:finding_list"),
        help_text=_("整改期限早于今天且未销号的问题数"),
        counts=_("同“未销号问题”，且整改期限已过"),
        sources=("monitoring.Finding", "facilities.Facility"),
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
        help_text=_(
            "有有效能力评估（已签字、未超过复评间隔）的80岁及以上户籍老年人 ÷ 全部80岁及以上户籍老年人"
        ),
        counts=_("截至本月末（本月进行中时截至今天）的80岁及以上户籍老年人及其能力评估，按户籍所在镇街"),
        sources=("eldercare.AssessmentCoverage", "residents.Resident", "eldercare.Assessment"),
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
        counts=_("低保、特困且评估为失能的户籍老年人，截至本月末（本月进行中时截至今天）"),
        sources=("residents.Resident", "eldercare.Assessment", "eldercare.CareBed"),
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
        help_text=_("本月已探访的特殊困难老年人 ÷ 应探访的特殊困难老年人"),
        counts=_(
            "应探访：月末在册、符合探访关爱条件（独居、空巢、留守、失能、计生特殊家庭等）的户籍老年人；已探访：本月有探访记录"
        ),
        sources=("residents.Resident", "monitoring.WelfareVisit"),
    ),
)

_BY_CODE = {indicator.code: indicator for indicator in INDICATORS}


def by_code(code: str) -> Indicator | None:
    return _BY_CODE.get(code)
