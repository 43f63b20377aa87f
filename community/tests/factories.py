"""Test data for the community app: canteens, a cost-sharing policy, people of the register."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from facilities.models import FacilityKind
from facilities.tests.factories import FacilityFactory
from hechuan_portal.accounts.roles import SYSTEM
from hechuan_portal.residents.tests.factories import ResidentFactory, make_id

from .. import services
from ..models import CanteenProfile

SHARES = {
    "age_80": {"individual": Decimal("5"), "government": Decimal("4"), "enterprise": Decimal("1")},
    "dibao_tekun": {"individual": Decimal("3"), "government": Decimal("6"), "enterprise": Decimal("1")},
    "disabled": {"individual": Decimal("4"), "government": Decimal("5"), "enterprise": Decimal("1")},
    "other_elder": {"individual": Decimal("7"), "government": Decimal("2"), "enterprise": Decimal("1")},
    "non_elder": {"individual": Decimal("12")},
}


def canteen(seats: int | None = 50, **kwargs):
    facility = FacilityFactory(kind=FacilityKind.ELDER_CANTEEN, canteen_subtype="community", **kwargs)
    if seats is not None:
        CanteenProfile.objects.create(
            canteen=facility, seats=seats, payee_name="合川区某食堂", payee_account="6222"
        )
    return facility


def policy(
    effective_from: dt.date = dt.date(2026, 1, 1), *, government: dict | None = None, max_meals: int = 2
):
    shares = {c: dict(s) for c, s in SHARES.items()}
    for category, amount in (government or {}).items():
        shares[category]["government"] = Decimal(amount)
    return services.policy_create(
        actor=SYSTEM,
        name=f"助餐政策 {effective_from}",
        effective_from=effective_from,
        max_meals_per_day=max_meals,
        shares=shares,
    )


def person(birth: dt.date = dt.date(1940, 5, 10), **kwargs):
    """A resident and their ID number (the file carries the number; the register stores only its index)."""
    number = make_id(birth)
    return ResidentFactory(birth_date=birth, id_number=number, **kwargs), number


def csv_file(rows: list[list[str]], header: list[str] | None = None) -> bytes:
    header = header or ["日期", "身份证号", "人员类别", "就餐方式", "份数"]
    lines = [",".join(header)] + [",".join(r) for r in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")
