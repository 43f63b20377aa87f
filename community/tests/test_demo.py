"""The community demo data: built through the services from the demo register and facilities, marked
演示数据, and safe to run again (meals replace their days, the ledger is never rewritten)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.contrib.gis.geos import Point

from facilities.models import Facility, FacilityKind, FacilityStatus
from hechuan_portal.residents.tests.factories import ResidentFactory, make_id

from .. import demo
from ..models import CareRecord, Donation, LedgerEntry, Meal, MealClaim, Volunteer

pytestmark = pytest.mark.django_db
TOWN = "500117001000"


def test_demo_seed_builds_meals_claims_time_bank_and_care_and_runs_again():
    where = {"town_id": TOWN, "location": Point(106.27, 29.99, srid=4326), "status": FacilityStatus.OPERATING}
    Facility.objects.create(
        name="演示数据：食堂",
        kind=FacilityKind.ELDER_CANTEEN,
        canteen_subtype="community",
        is_demo=True,
        **where,
    )
    Facility.objects.create(name="演示数据：助浴点", kind=FacilityKind.BATHING_POINT, is_demo=True, **where)
    for n in range(40):
        birth = dt.date(1930 + n, 1 + n % 12, 1 + n % 27)
        ResidentFactory(id_number=make_id(birth, prefix=TOWN[:6]), birth_date=birth, hukou_code=TOWN,
                        source="演示数据", tekun=n % 4 == 0)  # fmt: skip
    out = io.StringIO()
    demo.seed(residents=40, stdout=out)
    assert "演示数据" in out.getvalue()
    meals = Meal.objects.count()
    assert meals > 0 and MealClaim.objects.exists() and Donation.objects.count() == 3
    assert Volunteer.objects.exists() and LedgerEntry.objects.exists()
    assert CareRecord.objects.filter(photos__isnull=False).exists()
    assert CareRecord.objects.filter(satisfaction__isnull=False).exists()
    ledger = LedgerEntry.objects.count()
    demo.seed(residents=40, stdout=io.StringIO())
    assert Meal.objects.count() == meals and Donation.objects.count() == 3
    assert LedgerEntry.objects.count() == ledger
