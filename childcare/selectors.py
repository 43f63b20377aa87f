"""Read use-cases of the childcare app: lists with their joins, the 托位 indicator, overdue lists,
voucher reports. Each starts from the model's `visible_to(user)`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Case, Count, DateField, F, Func, IntegerField, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from facilities.models import CHILDCARE_KINDS, Facility, FacilityStatus
from hechuan_portal.accounts.scope import scope_for
from hechuan_portal.areas.models import DISTRICT_CODE, AdminArea
from hechuan_portal.residents.selectors import POPULATION_MIXED, POPULATION_REGISTER, population_by_town

from . import standards as std
from .models import (
    Checkup,
    Child,
    ChildcareClass,
    Enrolment,
    EnrolmentStatus,
    FollowUp,
    Voucher,
    VoucherStatus,
)


def class_list(*, user: Any) -> QuerySet[ChildcareClass]:
    """The user's classes with their facility and town."""
    return ChildcareClass.objects.visible_to(user).select_related("facility", "facility__town")


def child_list(*, user: Any) -> QuerySet[Child]:
    """The user's children with their town, community and facility."""
    return Child.objects.visible_to(user).select_related("town", "community", "facility")


@dataclass(frozen=True)
class PlacesRow:
    code: str
    name: str
    population: int
    places: int
    inclusive: int
    occupied: int
    population_source: str = POPULATION_REGISTER

    @property
    def per_thousand(self) -> Decimal | None:
        return std.places_per_thousand(self.places, self.population)

    @property
    def inclusive_share(self) -> Decimal | None:
        return std.share(self.inclusive, self.places)


def places_facilities() -> QuerySet[Facility]:
    """The facilities whose 托位 count: operating childcare facilities (a planned, suspended or closed
    one offers no place today)."""
    return Facility.objects.filter(kind__in=CHILDCARE_KINDS, status=FacilityStatus.OPERATING)


def places_parts() -> dict[str, dict[str, int]]:
    """THE definition of 托位 by town, one grouped query: {town: {"total", "inclusive", "occupied"}}.

    A facility's 托位 are `Facility.places_total`: the capacity of its classes, kept equal to Σ class
    capacity by `services.facility_places_sync` on every class change, or its filed capacity where it
    records no classes; `places_inclusive` (普惠) and `places_occupied` (在托, Σ active enrolments kept
    by the enrolment services) likewise. The dashboard (每千人口托位数, 普惠托位占比), this app's
    托位概况 page and its API, and the finder's vacancies (`places_total − places_occupied`) all read
    these fields. See docs/indicators.md.
    """
    rows = (
        places_facilities()
        .values("town")
        .annotate(
            total=Coalesce(Sum("places_total"), 0),
            inclusive=Coalesce(Sum("places_inclusive"), 0),
            occupied=Coalesce(Sum("places_occupied"), 0),
        )
        .order_by()
    )
    return {r["town"]: {k: int(r[k]) for k in ("total", "inclusive", "occupied")} for r in rows if r["town"]}


def places_visible_towns(user: Any) -> list[str] | None:
    """The towns whose 托位 a user sees: None = every town (district roles); a town officer their town;
    an operator the towns of their facilities."""
    scope = scope_for(user)
    if scope.everything:
        return None
    if scope.town_code:
        return [scope.town_code]
    return sorted(set(Facility.objects.visible_to(user).values_list("town", flat=True)) - {None})


def places_by_town(*, user: Any) -> tuple[list[PlacesRow], PlacesRow]:
    """托位 per 1,000 people and 普惠 share for each town the user may see, and their total (the
    district for district roles; an officer's or operator's own town(s) otherwise). Population is
    `residents.selectors.population_by_town` (the dashboard's denominator)."""
    towns = places_visible_towns(user)
    population = population_by_town()
    places = places_parts()
    area_qs = AdminArea.objects.towns().order_by("code")
    if towns is not None:
        area_qs = area_qs.filter(code__in=towns)
    rows = []
    for town in area_qs:
        p = places.get(town.code, {})
        people, source = population.get(town.code, (0, POPULATION_REGISTER))
        rows.append(
            PlacesRow(
                code=town.code,
                name=town.name,
                population=people,
                places=p.get("total", 0),
                inclusive=p.get("inclusive", 0),
                occupied=p.get("occupied", 0),
                population_source=source,
            )
        )
    sources = {r.population_source for r in rows if r.population}
    if towns is None:
        district = AdminArea.objects.filter(code=DISTRICT_CODE).values_list("name", flat=True).first()
        code, name = DISTRICT_CODE, district or str(_("合川区"))
    elif len(rows) == 1:
        code, name = rows[0].code, rows[0].name
    else:
        code, name = "", str(_("合计"))
    total = PlacesRow(
        code=code,
        name=name,
        population=sum(r.population for r in rows),
        places=sum(r.places for r in rows),
        inclusive=sum(r.inclusive for r in rows),
        occupied=sum(r.occupied for r in rows),
        population_source=sources.pop() if len(sources) == 1 else POPULATION_MIXED,
    )
    return rows, total


class AddMonths(Func):
    """date + n months in SQL, clamped to the month's end like `common.months.add_months`
    (PostgreSQL's date + interval does the same: 31 Jan + 1 month = 28/29 Feb)."""

    output_field = DateField()

    def as_sql(self, compiler, connection, **extra_context):
        date_sql, date_params = compiler.compile(self.source_expressions[0])
        months_sql, months_params = compiler.compile(self.source_expressions[1])
        return f"CAST({date_sql} + make_interval(months => {months_sql}) AS date)", [*date_params, *months_params]


def children_to_move(*, user: Any, today: dt.date) -> QuerySet[Enrolment]:
    """Active enrolments whose child has outgrown the class type (STANDARDS §4): on or after the day
    the child reaches the type's upper age (`max_age_months`, exclusive). Listed for a move to the
    next class type, never refused retroactively. Annotated `outgrown_on`; earliest first."""
    limit = Case(
        *[When(klass__class_type=code, then=Value(s.max_age_months)) for code, s in std.CLASS_STANDARDS.items()],
        output_field=IntegerField(),
    )
    return (
        Enrolment.objects.visible_to(user)
        .filter(status=EnrolmentStatus.ACTIVE)
        .annotate(outgrown_on=AddMonths(F("child__birth_date"), limit))
        .filter(outgrown_on__lte=today)
        .select_related("child", "klass", "facility", "facility__town")
        .order_by("outgrown_on", "id")
    )


def overdue_checkups(*, user: Any, today: dt.date) -> QuerySet[Checkup]:
    """Check-ups not done by their due date plus the grace period, oldest first."""
    cutoff = today - dt.timedelta(days=std.CHECKUP_GRACE_DAYS)
    return (
        Checkup.objects.visible_to(user)
        .filter(status="due", due_date__lt=cutoff)
        .select_related("child", "facility", "facility__town")
        .order_by("due_date", "id")
    )


def overdue_follow_ups(*, user: Any, today: dt.date) -> QuerySet[FollowUp]:
    """Follow-ups not completed by their due date, oldest first."""
    return (
        FollowUp.objects.visible_to(user)
        .filter(completed_on__isnull=True, due_date__lt=today)
        .select_related("child", "facility", "facility__town", "clinic")
        .order_by("due_date", "id")
    )


def overdue_counts(*, user: Any, today: dt.date) -> dict[str, list[dict[str, Any]]]:
    """Overdue check-ups and follow-ups counted per town and per facility."""
    cutoff = today - dt.timedelta(days=std.CHECKUP_GRACE_DAYS)
    checkups = Checkup.objects.visible_to(user).filter(status="due", due_date__lt=cutoff)
    follow_ups = FollowUp.objects.visible_to(user).filter(completed_on__isnull=True, due_date__lt=today)

    def group(qs: QuerySet[Any], *fields: str) -> list[dict[str, Any]]:
        return list(qs.values(*fields).annotate(n=Count("id", distinct=True)).order_by(*fields))

    return {
        "checkups_by_town": group(checkups, "facility__town", "facility__town__name"),
        "checkups_by_facility": group(checkups, "facility", "facility__name"),
        "follow_ups_by_town": group(follow_ups, "facility__town", "facility__town__name"),
        "follow_ups_by_facility": group(follow_ups, "facility", "facility__name"),
    }


def voucher_report(*, user: Any, today: dt.date) -> dict[str, list[dict[str, Any]]]:
    """Issued / redeemed / expired per town (of the child) and redeemed per facility."""
    qs = Voucher.objects.visible_to(user)
    expired = Q(status=VoucherStatus.ISSUED, batch__expires_on__lt=today)
    by_town = list(
        qs.values("town", "town__name")
        .annotate(
            issued=Count("id"),
            redeemed=Count("id", filter=Q(status=VoucherStatus.REDEEMED)),
            expired=Count("id", filter=expired),
        )
        .order_by("town")
    )
    by_facility = list(
        qs.filter(status=VoucherStatus.REDEEMED)
        .values("redeemed_facility", "redeemed_facility__name", "redeemed_facility__town__name")
        .annotate(redeemed=Count("id"))
        .order_by("redeemed_facility")
    )
    return {"by_town": by_town, "by_facility": by_facility}
