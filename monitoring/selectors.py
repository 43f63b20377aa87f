"""Read use-cases of the monitoring app. Every one starts from `visible_to(user)`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.db.models.lookups import Exact
from django.utils import timezone

from facilities.models import Facility, FacilityStatus
from hechuan_portal.areas.models import AdminArea
from hechuan_portal.common.months import add_months, month_bounds
from hechuan_portal.residents.models import HukouStatus, Resident

from . import rules
from .filters import FindingFilter, InspectionFilter, PlanFilter, RiskFilter
from .models import (
    FacilityRisk,
    Finding,
    FindingStatus,
    Inspection,
    InspectionPlan,
    InspectionResult,
    InspectionStatus,
    StaffQualification,
    VisitDue,
    WelfareVisit,
)
from .standards import config

# ---------------------------------------------------------------------------------------------
# Public


@dataclass(frozen=True)
class PublicInspection:
    """What the public facility page may show: a date and a verdict, nothing about people."""

    inspected_on: date
    result: str
    result_label: str


def latest_public_inspection(facility: Facility) -> PublicInspection | None:
    """The facility's latest completed inspection (date and result), or None."""
    row = (
        Inspection.objects.filter(facility=facility, status=InspectionStatus.COMPLETED)
        .order_by("-inspected_at", "-pk")
        .values("inspected_at", "result")
        .first()
    )
    if row is None:
        return None
    return PublicInspection(
        inspected_on=timezone.localdate(row["inspected_at"]),
        result=row["result"],
        result_label=str(InspectionResult(row["result"]).label),
    )


# ---------------------------------------------------------------------------------------------
# Inspections, findings, plans


def inspection_list(*, user: Any, data: Mapping[str, Any] | None = None) -> InspectionFilter:
    qs = (
        Inspection.objects.visible_to(user)
        .select_related("facility", "facility__town", "template", "plan")
        .order_by("-due_on", "-pk")
    )
    return InspectionFilter(data, queryset=qs)


def with_finding_counts(qs: QuerySet[Inspection]) -> QuerySet[Inspection]:
    """`n_findings` on each inspection: a correlated count the database computes for the rows a page
    shows (a GROUP BY over the join of every inspection to its findings ran before the page's LIMIT:
    0.4 s at 50,000 inspections, issue 20)."""
    findings = (
        Finding.objects.filter(inspection=OuterRef("pk"))
        .order_by()
        .values("inspection")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return qs.annotate(n_findings=Coalesce(Subquery(findings, output_field=IntegerField()), 0))


def scheduled_inspections(*, user: Any) -> QuerySet[Inspection]:
    """Inspections still to do, soonest first (the dashboard's list; `monitoring_insp_due_idx`),
    with their drawn inspectors, which decide whether the user may record each one."""
    return (
        inspection_list(user=user)
        .qs.filter(status=InspectionStatus.SCHEDULED)
        .prefetch_related("inspectors")
        .order_by("due_on", "pk")
    )


def inspection_detail_qs(user: Any) -> QuerySet[Inspection]:
    return (
        Inspection.objects.visible_to(user)
        .select_related("facility", "facility__town", "template", "plan", "recorded_by")
        .prefetch_related("inspectors", "photos")
    )


def finding_list(*, user: Any, data: Mapping[str, Any] | None = None) -> FindingFilter:
    qs = Finding.objects.visible_to(user).select_related("facility", "facility__town", "item", "inspection")
    return FindingFilter(data, queryset=qs)


def escalated_findings(*, user: Any) -> QuerySet[Finding]:
    """The district list: findings escalated for missing their deadline and not yet closed."""
    return (
        Finding.objects.visible_to(user)
        .filter(escalated_at__isnull=False)
        .exclude(status=FindingStatus.CLOSED)
        .select_related("facility", "facility__town", "item")
        .order_by("deadline", "pk")
    )


def finding_detail_qs(user: Any) -> QuerySet[Finding]:
    return (
        Finding.objects.visible_to(user)
        .select_related("facility", "facility__town", "item", "inspection", "inspection__template")
        .prefetch_related(Prefetch("transitions__actor"), "evidence")
    )


def plan_list(*, user: Any, data: Mapping[str, Any] | None = None) -> PlanFilter:
    qs = (
        InspectionPlan.objects.visible_to(user)
        .select_related("town", "created_by")
        .annotate(
            n_targets=Count("inspections", distinct=True),
            n_done=Count(
                "inspections", filter=Q(inspections__status=InspectionStatus.COMPLETED), distinct=True
            ),
        )
        .order_by("-starts_on", "-pk")
    )
    return PlanFilter(data, queryset=qs)


def due_inspections(
    *, user: Any, data: Mapping[str, Any] | None = None, today: date | None = None, horizon_days: int = 30
) -> RiskFilter:
    """Facilities due for inspection within `horizon_days` (or overdue), per the risk schedule."""
    today = today or timezone.localdate()
    qs = (
        FacilityRisk.objects.visible_to(user)
        # Planned and closed facilities are not inspected; their risk rows may linger from before.
        .filter(
            next_due_on__lte=today + timedelta(days=horizon_days),
            facility__status__in=[FacilityStatus.OPERATING, FacilityStatus.SUSPENDED],
        )
        .select_related("facility", "facility__town")
        .annotate(
            overdue=Case(
                When(next_due_on__lt=today, then=Value(1)), default=Value(0), output_field=IntegerField()
            )
        )
        .order_by("next_due_on", "facility_id")
    )
    return RiskFilter(data, queryset=qs)


def expiring_certificates(*, user: Any, today: date | None = None) -> QuerySet[StaffQualification]:
    """Certificates that expired or expire within the warning window, for active staff."""
    today = today or timezone.localdate()
    warn = today + timedelta(days=config()["certificate_warning_days"])
    return (
        StaffQualification.objects.visible_to(user)
        .filter(active=True, certificate_expiry__lte=warn)
        .select_related("facility", "facility__town")
        .order_by("certificate_expiry", "pk")
    )


def understaffed_facilities(*, user: Any) -> QuerySet[FacilityRisk]:
    """Facilities whose latest risk computation found fewer certified staff than required."""
    return (
        FacilityRisk.objects.visible_to(user)
        .filter(factors__staff_breaches__gt=0)
        .select_related("facility", "facility__town")
        .order_by("facility__town_id", "facility__name")
    )


# ---------------------------------------------------------------------------------------------
# 探访关爱


def years_before(day: date, years: int) -> date:
    """The latest birth date of someone at least `years` old on `day` (29 Feb → 28 Feb)."""
    return add_months(day, -12 * years)


def _covered_q(as_of: date, cfg: dict[str, Any]) -> tuple[Q, Q, Q]:
    """(covered, alone, key) conditions of STANDARDS §8 on a resident row: 60+ and any of
    独居/空巢/留守 (alone) or 失能/计生特殊家庭/特困/重残 (key). 失能 is the latest signed ability
    assessment's grade at or above the eldercare policy's threshold."""
    # eldercare reads visits for the elder's page; the visit list reads its grades: the two apps meet
    # at call time, not at import time.
    from eldercare.selectors import disabled_q

    alone = Q(lives_alone=True) | Q(empty_nest=True) | Q(left_behind=True)
    severe = Q(disability_grade__in=cfg["severe_disability_grades"])
    key = Q(tekun=True) | Q(special_family=True) | severe | disabled_q()
    covered = Q(birth_date__lte=years_before(as_of, cfg["visit_min_age"])) & (alone | key)
    return covered, alone, key


def visit_tier(as_of: date, cfg: dict[str, Any], *, critical: Q, only_covered: bool = False) -> Case:
    """The visit frequency an elder needs on `as_of`, as SQL on a resident row — the one
    implementation of STANDARDS §8's tiers (the visit list annotates it, `services.resident_tier`
    asks it of one person). NULL when the person is not covered. Weekly: 80+ and 独居/空巢/留守, or
    `critical` (a critical condition at the last visit); monthly: 失能, 特困, 计生特殊家庭, 重残;
    other covered elders quarterly. `only_covered`: the rows are already filtered to the covered."""
    covered, alone, key = _covered_q(as_of, cfg)
    high = Q(birth_date__lte=years_before(as_of, cfg["visit_high_risk_age"]))
    # Each branch asks `covered` itself rather than a first "NOT covered" branch: a NULL flag (no
    # disability grade) makes `covered` NULL, and NOT NULL is no more true than NULL.
    weekly, monthly = critical | (alone & high), key
    if only_covered:
        branches, default = [], Value("quarterly")
    else:
        weekly, monthly = covered & weekly, covered & monthly
        branches, default = [When(covered, then=Value("quarterly"))], Value(None)
    return Case(
        When(weekly, then=Value("weekly")),
        When(monthly, then=Value("monthly")),
        *branches,
        default=default,
        output_field=CharField(),
    )


def latest_visit(field: str) -> Subquery:
    """A field of the outer resident row's latest visit (NULL when never visited)."""
    return Subquery(
        WelfareVisit.objects.filter(resident=OuterRef("pk")).order_by("-visited_on", "-pk").values(field)[:1]
    )


def covered_elders(*, as_of: date) -> QuerySet[Resident]:
    """Everyone STANDARDS §8 covers on `as_of` (registered in the district, status normal, 60+ and
    any of the alone/key conditions): the rows of the precomputed visit list
    (`services.visit_due_refresh`)."""
    covered, _alone, _key = _covered_q(as_of, config())
    return Resident.objects.filter(status=HukouStatus.NORMAL, town__isnull=False).filter(covered)


def visit_candidates(*, user: Any, today: date | None = None, community: str | None = None) -> QuerySet:
    """Elders in scope who must be visited (rows of `VisitDue`, whose primary key is the resident's),
    with their tier (`visit_tier`), last visit, next due date and status. The tier is computed for
    the rows shown only, the person themselves fetched with them (`resident`)."""
    cfg = config()
    today = today or timezone.localdate()
    soon = today + timedelta(days=cfg["visit_due_soon_days"])
    critical = Q(Exact(OuterRef("last_condition"), Value("critical")))
    tier = (
        Resident.objects.filter(pk=OuterRef("pk"))
        .annotate(tier=visit_tier(today, cfg, critical=critical, only_covered=True))
        .values("tier")[:1]
    )
    qs = (
        VisitDue.objects.visible_to(user)
        # Fetched for the page's rows only: joined to the 95,000 rows of the district, the register
        # and the areas' columns went through the sort (issue 20).
        .prefetch_related(
            "resident",
            Prefetch("town", queryset=AdminArea.objects.only("code", "name")),
            Prefetch("community", queryset=AdminArea.objects.only("code", "name")),
        )
        .annotate(
            tier=Subquery(tier, output_field=CharField()),
            due_state=Case(
                When(next_due_on__isnull=True, then=Value("never")),
                When(next_due_on__lt=today, then=Value("overdue")),
                When(next_due_on__lte=soon, then=Value("due")),
                default=Value("ok"),
                output_field=CharField(),
            ),
            due_rank=Case(
                When(next_due_on__isnull=True, then=Value(1)),
                When(next_due_on__lt=today, then=Value(0)),
                When(next_due_on__lte=soon, then=Value(2)),
                default=Value(3),
                output_field=IntegerField(),
            ),
        )
        .order_by("due_rank", "next_due_on", "community_id", "name", "pk")
    )
    if community:
        qs = qs.filter(community_id=community)
    return qs


@dataclass
class RateRow:
    town_code: str
    town_name: str
    community_code: str | None
    community_name: str
    covered: int
    visited: int

    @property
    def rate(self):
        return rules.visit_rate(self.visited, self.covered)

    @property
    def gap(self) -> int:
        return self.covered - self.visited


def visit_rates(
    *, user: Any, year: int, month: int, today: date | None = None
) -> tuple[list[RateRow], list[RateRow]]:
    """Monthly visit rate per community and per town (target 100%): elders covered at the end of
    the month (or today, for the current month) and how many had at least one visit in it."""
    cfg = config()
    today = today or timezone.localdate()
    start, end = month_bounds(date(year, month, 1))
    as_of = min(end - timedelta(days=1), today)
    covered, _, _ = _covered_q(as_of, cfg)
    visited = WelfareVisit.objects.filter(resident=OuterRef("pk"), visited_on__gte=start, visited_on__lt=end)
    rows = (
        Resident.objects.visible_to(user)
        .filter(status=HukouStatus.NORMAL, town__isnull=False)
        .filter(covered)
        .annotate(was_visited=Exists(visited))
        .values("town_id", "town__name", "community_id", "community__name")
        .annotate(n=Count("pk"), v=Count("pk", filter=Q(was_visited=True)))
        .order_by("town_id", "community_id")
    )
    communities = [
        RateRow(r["town_id"], r["town__name"], r["community_id"], r["community__name"] or "", r["n"], r["v"])
        for r in rows
    ]
    towns: dict[str, RateRow] = {}
    for r in communities:
        t = towns.setdefault(r.town_code, RateRow(r.town_code, r.town_name, None, "", 0, 0))
        t.covered += r.covered
        t.visited += r.visited
    return communities, list(towns.values())
