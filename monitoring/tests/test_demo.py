from __future__ import annotations

import io
from datetime import date

import pytest

from monitoring import demo
from monitoring.models import Finding, Inspection, InspectionPlan, PlanDraw, StaffQualification, WelfareVisit

from .conftest import TOWN_A, TOWN_B
from .factories import FacilityFactory, ResidentFactory

pytestmark = pytest.mark.django_db


def _fingerprint():
    return {
        "inspections": sorted(
            Inspection.objects.values_list(
                "facility__name", "template__code", "status", "result", "score", "location_check"
            )
        ),
        "findings": sorted(
            Finding.objects.values_list("facility__name", "item__text", "severity", "status", "deadline")
        ),
        "draws": sorted(PlanDraw.objects.values_list("seed", "result")),
        "staff": sorted(
            StaffQualification.objects.values_list(
                "facility__name", "certificate_number", "certificate_expiry"
            )
        ),
        "visits": sorted(
            WelfareVisit.objects.values_list(
                "resident__name", "visited_on", "method", "condition", "next_due_on"
            )
        ),
    }


def test_seed_is_deterministic_and_rerunnable():
    for n in range(12):
        FacilityFactory(
            name=f"演示养老院{n}", town_id=TOWN_A if n % 2 else TOWN_B, is_demo=True, beds_occupied=n * 3
        )
    for n in range(4):
        FacilityFactory(
            name=f"演示托育{n}",
            kind="nursery",
            town_id=TOWN_A,
            is_demo=True,
            beds_total=0,
            places_total=40,
            places_occupied=20,
        )
    for n in range(30):
        ResidentFactory(
            name=f"演示老人{n}", birth_date=date(1935 + n, 1, 1), lives_alone=n % 2 == 0, tekun=n % 3 == 0
        )
    out = io.StringIO()
    demo.seed(residents=30, stdout=out)
    assert "monitoring:" in out.getvalue()
    first = _fingerprint()
    assert InspectionPlan.objects.filter(is_demo=True).count() == 3
    assert first["inspections"] and first["visits"] and first["staff"]
    assert all(i[2] in {"completed", "scheduled"} for i in first["inspections"])
    demo.seed(residents=30, stdout=io.StringIO())
    assert _fingerprint() == first
    assert InspectionPlan.objects.count() == 3
