"""Read use-cases of the childcare app: lists with their joins, the 托位 indicator, overdue lists,
voucher reports. Each starts from the model's `visible_to(user)`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from facilities.models import CHILDCARE_KINDS, Facility, FacilityStatus
from hechuan_portal.areas.models import AdminArea
from hechuan_portal.residents.models import HukouStatus, Resident

from . import standards as std
from .models import Checkup, Child, ChildcareClass, FollowUp, Voucher, VoucherStatus


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

    @property
    def per_thousand(self) -> Decimal | None:
        return std.places_per_thousand(self.places, self.population)

    @property
    def inclusive_share(self) -> Decimal | None:
        return std.share(self.inclusive, self.places)


def places_by_town() -> tuple[list[PlacesRow], PlacesRow]:
    """托位 per 1,000 residents and 普惠 share for every town and the district. Population is the
    in-district registered residents with status normal. Two grouped queries plus the towns."""
    population = dict(
        Resident.objects.filter(town__isnull=False, status=HukouStatus.NORMAL)
        .values("town")
        .annotate(n=Count("id"))
        .values_list("town", "n")
    )
    places: dict[str, Any] = {
        row["town"]: row
        for row in Facility.objects.filter(kind__in=CHILDCARE_KINDS)
        .exclude(status=FacilityStatus.CLOSED)
        .values("town")
        .annotate(
            total=Coalesce(Sum("places_total"), 0),
            inclusive=Coalesce(Sum("places_inclusive"), 0),
            occupied=Coalesce(Sum("places_occupied"), 0),
        )
    }
    rows = []
    for town in AdminArea.objects.towns().order_by("code"):
        p: dict[str, Any] = places.get(town.code, {})
        rows.append(
            PlacesRow(
                code=town.code,
                name=town.name,
                population=population.get(town.code, 0),
                places=p.get("total", 0),
                inclusive=p.get("inclusive", 0),
                occupied=p.get("occupied", 0),
            )
        )
    district = PlacesRow(
        code="500117000000",
        name="合川区",
        population=sum(r.population for r in rows),
        places=sum(r.places for r in rows),
        inclusive=sum(r.inclusive for r in rows),
        occupied=sum(r.occupied for r in rows),
    )
    return rows, district


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
