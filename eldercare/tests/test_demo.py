"""The demo data of elder care: built through the services from the demo register and facilities,
marked 演示数据, and safe to run again."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.contrib.gis.geos import Point

from facilities.models import Facility, FacilityKind, FacilityStatus

from .. import demo
from ..models import AdaptationCase, Assessment, CareBed, CareBedClaim, GuaranteedBeds, Placement
from .factories import TOWN_A, elder

pytestmark = pytest.mark.django_db


def test_demo_seed_builds_every_flow_and_runs_again():
    for kind in (FacilityKind.ELDER_CARE_CENTER, FacilityKind.NURSING_HOME):
        Facility.objects.create(
            name=f"演示数据：{kind}", kind=kind, town_id=TOWN_A, location=Point(106.27, 29.99, srid=4326),
            status=FacilityStatus.OPERATING, is_demo=True, beds_total=60,
        )  # fmt: skip
    for n in range(60):
        flags = {"tekun": True} if n % 3 == 0 else {"dibao": True} if n % 3 == 1 else {}
        elder(dt.date(1930 + n % 15, 1 + n % 12, 1 + n % 27), source="演示数据", **flags)
    out = io.StringIO()
    demo.seed(residents=60, stdout=out)
    assert "演示数据" in out.getvalue()
    assert Assessment.objects.signed().count() == 60
    assert CareBed.objects.filter(status="active").exists() and CareBedClaim.objects.exists()
    assert AdaptationCase.objects.filter(status="accepted", subsidy__gt=0).exists()
    assert AdaptationCase.objects.filter(status="refused").exists()
    assert Placement.objects.exists() and GuaranteedBeds.objects.get().used == Placement.objects.count()
    counts = (CareBed.objects.count(), AdaptationCase.objects.count(), Placement.objects.count())
    demo.seed(residents=60, stdout=io.StringIO())
    assert Assessment.objects.count() == 60  # signed assessments are kept, not duplicated
    assert (CareBed.objects.count(), AdaptationCase.objects.count(), Placement.objects.count()) == counts
