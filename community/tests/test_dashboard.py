"""Figures for the dashboard (overview wires them in): meals by town and category, subsidy paid,
the share of 80+ elders served, canteens per town."""

import datetime as dt
import io
from decimal import Decimal

import pytest

from hechuan_portal.accounts.roles import SYSTEM

from .. import selectors, services
from . import factories as f

pytestmark = pytest.mark.django_db
DEC = dt.date(2026, 12, 1)
TOWN_A, TOWN_B = "500117001000", "500117002000"


def _meals(canteen, rows):
    services.meals_import(
        actor=SYSTEM,
        canteen=canteen,
        source=io.BytesIO(f.csv_file(rows)),
        file_name="x.csv",
        today=dt.date(2027, 1, 5),
    )


def test_dashboard_figures(officer_a, district_admin):
    f.policy()
    a, b = f.canteen(), f.canteen(town_id=TOWN_B)
    f.canteen(status="planned")
    _, old = f.person(dt.date(1940, 1, 1))
    f.person(dt.date(1941, 1, 1))  # 80+, not served
    f.person(dt.date(1970, 1, 1))
    _meals(a, [["2026-12-01", old, "80岁以上", "堂食", ""], ["2026-12-01", "", "非老年人", "堂食", "3"]])
    _meals(b, [["2026-12-02", old, "80岁以上", "送餐上门", ""]])
    assert selectors.meals_by_town_and_category(month=DEC, user=district_admin) == [
        {"town_id": TOWN_A, "town_name": "合阳城街道", "cat": "age_80", "meals": 1},
        {"town_id": TOWN_A, "town_name": "合阳城街道", "cat": "non_elder", "meals": 3},
        {"town_id": TOWN_B, "town_name": "钓鱼城街道", "cat": "age_80", "meals": 1},
    ]
    assert [r["town_id"] for r in selectors.meals_by_town_and_category(month=DEC, user=officer_a)] == [
        TOWN_A,
        TOWN_A,
    ]
    f.person(dt.date(1940, 1, 1), hukou_code=TOWN_B, town_id=TOWN_B)  # 80+ in town B, not served
    assert selectors.oldest_served_by_town(month=DEC, user=district_admin) == {TOWN_A: (1, 2), TOWN_B: (0, 1)}
    assert selectors.oldest_served_by_town(month=DEC, user=officer_a) == {TOWN_A: (1, 2)}
    assert selectors.canteens_per_town(user=district_admin) == [
        {"town_id": TOWN_A, "canteens": 1},
        {"town_id": TOWN_B, "canteens": 1},
    ]
    assert selectors.subsidy_paid_by_town(month=DEC, user=district_admin) == {}
    services.claims_compute(actor=SYSTEM, month=DEC)
    for claim in a.meal_claims.all() | b.meal_claims.all():
        services.claim_review(actor=SYSTEM, claim=claim)
        services.claim_approve(actor=SYSTEM, claim=claim)
    services.roll_draft(actor=SYSTEM, month=DEC)
    services.roll_close(actor=SYSTEM, month=DEC)
    assert selectors.subsidy_paid_by_town(month=DEC, user=district_admin) == {
        TOWN_A: Decimal("4.00"),
        TOWN_B: Decimal("4.00"),
    }
    assert selectors.subsidy_paid_by_town(month=DEC, user=officer_a) == {TOWN_A: Decimal("4.00")}
