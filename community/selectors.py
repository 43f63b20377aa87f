"""Reads of the community app: the pre-approval checks of a claim, the figures for the dashboard and
the time-bank statements."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Case, Count, DateField, Exists, F, OuterRef, Q, QuerySet, Subquery, Sum, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce

from facilities.models import Facility, FacilityKind, FacilityStatus
from hechuan_portal.common.months import month_bounds, month_start
from hechuan_portal.residents.models import HukouStatus, Resident

from .models import (
    CareKind,
    CarePlan,
    CareRecord,
    CareService,
    ClaimStatus,
    LedgerEntry,
    LedgerKind,
    Meal,
    MealClaim,
    MealWay,
    PersonCategory,
    Volunteer,
    VolunteerService,
)
from .rules import ELDER_AGE, OLDEST_AGE, care_service_of


def disabled_residents() -> QuerySet[Resident]:
    """The people assessed 失能 (latest signed ability grade at or above the eldercare policy's
    threshold, grade 2 by default): the one place the meal checks read it from. Callers (and tests)
    may pass their own source instead."""
    from eldercare.selectors import disabled_q

    return Resident.objects.filter(disabled_q())


def _age_limit(years: int) -> RawSQL:
    # The latest birth date of a person `years` old on the meal's day (PostgreSQL's calendar years).
    return RawSQL(
        f'("{Meal._meta.db_table}"."day" - make_interval(years => %s))::date',
        [int(years)],
        output_field=DateField(),
    )


def _month_meals(canteen: Facility, month: dt.date) -> QuerySet[Meal]:
    start, end = month_bounds(month_start(month))
    return Meal.objects.filter(canteen=canteen, day__gte=start, day__lt=end)


def daily_limit_findings(*, canteen: Facility, month: dt.date) -> list[dict[str, Any]]:
    """People who had more meals on a day (in all canteens) than the policy in force that day allows,
    on days they ate at `canteen`: resident, day, meals, limit."""
    start, end = month_bounds(month_start(month))
    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH days AS (
                SELECT d::date AS day,
                       (SELECT p.max_meals_per_day FROM community_mealpolicy p WHERE p.effective_from <= d::date
                        ORDER BY p.effective_from DESC LIMIT 1) AS max_meals
                FROM generate_series(%(start)s::date, %(end)s::date - 1, interval '1 day') AS d
            ), mine AS (
                SELECT DISTINCT resident_id, day FROM community_meal
                WHERE canteen_id = %(canteen)s AND day >= %(start)s AND day < %(end)s AND resident_id IS NOT NULL
            )
            SELECT m.resident_id, m.day, SUM(m.count) AS meals, d.max_meals
            FROM community_meal m JOIN mine ON mine.resident_id = m.resident_id AND mine.day = m.day
            JOIN days d ON d.day = m.day
            GROUP BY m.resident_id, m.day, d.max_meals
            HAVING SUM(m.count) > d.max_meals
            ORDER BY m.day, m.resident_id
            """,
            {"start": start, "end": end, "canteen": canteen.pk},
        )
        rows = cursor.fetchall()
    return [{"resident_id": r, "day": d, "meals": n, "limit": lim} for r, d, n, lim in rows]


def register_findings(*, canteen: Facility, month: dt.date) -> list[dict[str, Any]]:
    """Meals on a day after the diner's death or moving out, by the household register."""
    meals = (
        _month_meals(canteen, month)
        .filter(Q(resident__death_date__lt=F("day")) | Q(resident__moved_out_date__lt=F("day")))
        .order_by("day", "id")
        .values(
            "id", "resident_id", "day", "resident__status", "resident__death_date", "resident__moved_out_date"
        )
    )
    return [
        {
            "meal_id": m["id"],
            "resident_id": m["resident_id"],
            "day": m["day"],
            "status": m["resident__status"],
            "since": m["resident__death_date"] or m["resident__moved_out_date"],
        }
        for m in meals
    ]


def capacity_findings(*, canteen: Facility, month: dt.date) -> list[dict[str, Any]]:
    """Dine-in meals of the month above the canteen's seats × its opening days (days with meals).
    A canteen without seats on file is listed too: the check cannot pass without them."""
    totals = (
        _month_meals(canteen, month)
        .filter(way=MealWay.DINE_IN)
        .aggregate(meals=Coalesce(Sum("count"), 0), days=Count("day", distinct=True))
    )
    profile = getattr(canteen, "meal_profile", None)
    seats = profile.seats if profile is not None else None
    if not totals["meals"]:
        return []
    if seats is None or totals["meals"] > seats * totals["days"]:
        return [{"meals": totals["meals"], "seats": seats, "days": totals["days"]}]
    return []


def category_findings(
    *, canteen: Facility, month: dt.date, disabled: QuerySet[Resident] | None = None
) -> list[dict[str, Any]]:
    """Meals in a category the person's register data does not support on that day: 80岁以上 under 80,
    其他老年人 under 60, 低保/特困 without either flag, 失能 without an assessment (`disabled`)."""
    disabled = disabled_residents() if disabled is None else disabled
    unsupported = (
        Q(category=PersonCategory.AGE_80, resident__birth_date__gt=_age_limit(OLDEST_AGE))
        | Q(category=PersonCategory.OTHER_ELDER, resident__birth_date__gt=_age_limit(ELDER_AGE))
        | Q(category=PersonCategory.DIBAO_TEKUN, resident__dibao=False, resident__tekun=False)
        | (Q(category=PersonCategory.DISABLED) & ~Q(resident_id__in=disabled.values("pk")))
    )
    meals = (
        _month_meals(canteen, month)
        .filter(resident__isnull=False)
        .filter(unsupported)
        .order_by("day", "id")
        .values("id", "resident_id", "day", "category")
    )
    return [
        {"meal_id": m["id"], "resident_id": m["resident_id"], "day": m["day"], "category": m["category"]}
        for m in meals
    ]


def claim_findings(
    *, canteen: Facility, month: dt.date, disabled: QuerySet[Resident] | None = None
) -> dict[str, list[dict[str, Any]]]:
    """Every pre-approval check of a canteen's month, each with the rows it lists."""
    return {
        "daily_limit": daily_limit_findings(canteen=canteen, month=month),
        "register": register_findings(canteen=canteen, month=month),
        "capacity": capacity_findings(canteen=canteen, month=month),
        "category": category_findings(canteen=canteen, month=month, disabled=disabled),
    }


# --- dashboard figures ----------------------------------------------------------------------------


def meals_by_town_and_category(*, month: dt.date, user: Any) -> list[dict[str, Any]]:
    """Meals of `month` per town and person category (rows the user may see)."""
    start, end = month_bounds(month_start(month))
    return list(
        Meal.objects.visible_to(user)
        .filter(day__gte=start, day__lt=end)
        .values(town_id=F("canteen__town_id"), town_name=F("canteen__town__name"), cat=F("category"))
        .annotate(meals=Sum("count"))
        .order_by("town_id", "cat")
    )


def subsidy_paid_by_town(*, month: dt.date, user: Any) -> dict[str, Decimal]:
    """Government meal subsidy of `month` paid in closed rolls, per town of the canteen."""
    rows = (
        MealClaim.objects.visible_to(user)
        .filter(month=month_start(month), status=ClaimStatus.CLOSED)
        .values(town_id=F("canteen__town_id"))
        .annotate(total=Sum("government_amount"))
        .order_by("town_id")
    )
    return {r["town_id"]: r["total"] for r in rows}


def oldest_served_by_town(*, month: dt.date, user: Any) -> dict[str, tuple[int, int]]:
    """Per town of registration: (people 80 or older on the month's first day who had at least one
    meal in the month, all such people living there) — the share of 80+ elders served. Two grouped
    queries whatever the number of towns."""
    start, end = month_bounds(month_start(month))
    born_by = start.replace(year=start.year - OLDEST_AGE)
    oldest = Resident.objects.visible_to(user).filter(
        town__isnull=False, status=HukouStatus.NORMAL, birth_date__lte=born_by
    )
    served_meals = Meal.objects.filter(resident_id=OuterRef("pk"), day__gte=start, day__lt=end)
    everyone = dict(oldest.values("town_id").annotate(n=Count("id")).order_by().values_list("town_id", "n"))
    served = dict(
        oldest.filter(Exists(served_meals))
        .values("town_id")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("town_id", "n")
    )
    return {town: (served.get(town, 0), n) for town, n in sorted(everyone.items())}


def canteens_per_town(*, user: Any) -> list[dict[str, Any]]:
    """Operating elder canteens per town (the service circle's coverage comes from facilities)."""
    return list(
        Facility.objects.visible_to(user)
        .filter(kind=FacilityKind.ELDER_CANTEEN, status=FacilityStatus.OPERATING)
        .values("town_id")
        .annotate(canteens=Count("id"))
        .order_by("town_id")
    )


# --- time bank ------------------------------------------------------------------------------------


def volunteer_statement(*, volunteer: Volunteer) -> list[LedgerEntry]:
    """Every ledger entry of a volunteer in order, with its source (the printable statement)."""
    return list(volunteer.ledger.select_related("service", "counterpart__resident").order_by("id"))


def _statement_volunteers(*, user: Any, town_id: str | None, community_id: str | None) -> QuerySet[Volunteer]:
    qs = Volunteer.objects.visible_to(user)
    if town_id:
        qs = qs.filter(town_id=town_id)
    if community_id:
        qs = qs.filter(community_id=community_id)
    return qs


def community_statement(
    *, user: Any, town_id: str | None = None, community_id: str | None = None
) -> QuerySet[Volunteer]:
    """Each visible volunteer with hours earned, given away, redeemed and expired, and the balance;
    of one town or one village/community when given."""

    def total(*kinds: str) -> Coalesce:
        return Coalesce(Sum("ledger__hours", filter=Q(ledger__kind__in=kinds)), Decimal("0"))

    return (
        _statement_volunteers(user=user, town_id=town_id, community_id=community_id)
        .select_related("resident", "community")
        .annotate(
            earned=total(LedgerKind.EARN, LedgerKind.TRANSFER_IN),
            given=total(LedgerKind.TRANSFER_OUT),
            redeemed=total(LedgerKind.REDEEM),
            expired=total(LedgerKind.EXPIRE),
        )
        .order_by("town_id", "id")
    )


def statement_totals(
    *, user: Any, town_id: str | None = None, community_id: str | None = None
) -> dict[str, Decimal]:
    """The hours of a community statement's volunteers, all pages together: earned (with transfers
    in), given, redeemed, expired, and the balance — one query."""

    def total(*kinds: str) -> Coalesce:
        return Coalesce(Sum("hours", filter=Q(kind__in=kinds)), Decimal("0"))

    volunteers = _statement_volunteers(user=user, town_id=town_id, community_id=community_id)
    return LedgerEntry.objects.filter(volunteer__in=volunteers.values("pk")).aggregate(
        earned=total(LedgerKind.EARN, LedgerKind.TRANSFER_IN),
        given=total(LedgerKind.TRANSFER_OUT),
        redeemed=total(LedgerKind.REDEEM),
        expired=total(LedgerKind.EXPIRE),
        balance=Coalesce(Sum("hours"), Decimal("0")),
    )


def volunteer_services(*, user: Any) -> QuerySet[VolunteerService]:
    """The service records a user works with: those given by a volunteer of their scope (who records
    them) and those received by a person of their town (who confirms them), pending first."""
    volunteers = Volunteer.objects.visible_to(user).values("pk")
    return (
        VolunteerService.objects.filter(
            Q(volunteer__in=volunteers) | Q(pk__in=VolunteerService.objects.visible_to(user).values("pk"))
        )
        .select_related("volunteer__resident", "recipient", "town")
        .order_by("-status", "-day", "-id")
    )


# --- bathing and cleaning -------------------------------------------------------------------------


def plan_delivery(*, user: Any, month: dt.date) -> QuerySet[CarePlan]:
    """Each visible monthly plan of `month` with `delivered`, the visits of its service recorded in the
    month (any of the three bathing ways for a bathing plan): one query whatever the number of plans.
    The share delivered is `delivered / visits`."""
    start, end = month_bounds(month_start(month))
    records = CareRecord.objects.filter(
        resident_id=OuterRef("resident_id"), performed_at__date__gte=start, performed_at__date__lt=end
    )

    def visits_of(kinds: list[str]) -> Coalesce:
        counted = records.filter(kind__in=kinds).order_by().values("resident_id").annotate(n=Count("id"))
        return Coalesce(Subquery(counted.values("n")[:1]), 0)

    bathing = [k for k in CareKind.values if care_service_of(k) == CareService.BATHING]
    return (
        CarePlan.objects.visible_to(user)
        .filter(month=start)
        .select_related("resident")
        .annotate(
            delivered=Case(
                When(service=CareService.BATHING, then=visits_of(bathing)),
                default=visits_of([CareKind.CLEANING]),
            )
        )
        .order_by("town_id", "resident_id", "service")
    )


def resident_by_number(raw: str, *, user: Any = None) -> Resident | None:
    """The person of the register with this ID number (through the blind index), or None; with
    `user`, only a person within that user's scope (anyone else is not found)."""
    from hechuan_portal.common import crypto, idcard

    try:
        number = idcard.parse(raw).number
    except idcard.IdNumberError:
        return None
    people = Resident.objects.visible_to(user) if user is not None else Resident.objects.all()
    return people.select_related("community", "town").filter(id_index=crypto.blind_index(number)).first()
