"""The indicators that read other apps' records, each on a small hand-made layout."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.utils import timezone

from conftest import TOWN_A, TOWN_B
from facilities.models import CommunityCoverage, ServiceLayer
from hechuan_portal.accounts.roles import SYSTEM
from monitoring.models import (
    ChecklistItem,
    ChecklistTemplate,
    Finding,
    FindingStatus,
    Inspection,
    LocationCheck,
    WelfareVisit,
)
from monitoring.tests.factories import FacilityFactory, ResidentFactory, community
from overview.models import IndicatorSnapshot
from overview.services import snapshot_refresh
from subsidies.models import AllowanceGrant, GrantStatus, PaymentLine, PayrollPeriod

pytestmark = pytest.mark.django_db

LOCATION_OK = LocationCheck.values[0]

TODAY = timezone.localdate()
PERIOD = TODAY.replace(day=1)


def values(area):
    return {s.indicator: s.value for s in IndicatorSnapshot.objects.filter(period=PERIOD, area_id=area)}


def test_coverage_counts_people_in_covered_communities():
    layer = ServiceLayer.objects.get(code="elder_home_care")
    now = timezone.now()
    a1, a2 = community("500117001001", "甲社区"), community("500117001002", "乙社区")
    CommunityCoverage.objects.create(community=a1, town_id=TOWN_A, layer=layer, covered=True, people=300, distance_m=420, computed_at=now)
    CommunityCoverage.objects.create(community=a2, town_id=TOWN_A, layer=layer, covered=False, people=100, distance_m=2400, computed_at=now)
    snapshot_refresh(period=PERIOD, actor=SYSTEM)
    assert values(TOWN_A)["elder_coverage"] == D("75.00")  # 300 of 400 elders
    assert values(TOWN_A)["toddler_coverage"] is None  # no childcare layer rows: undefined, not 0


def test_allowance_recipients_and_cost():
    people = [ResidentFactory(town_id=TOWN_A), ResidentFactory(town_id=TOWN_A), ResidentFactory(town_id=TOWN_B)]
    for person, status in zip(people, [GrantStatus.ACTIVE, GrantStatus.SUSPENDED, GrantStatus.ACTIVE], strict=True):
        AllowanceGrant.objects.create(resident=person, status=status, tier_code="80-89", tier_label="80–89岁",
                                      monthly_amount=D("50.00"), start_month=PERIOD)
    roll = PayrollPeriod.objects.create(month=PERIOD)
    last_month = (PERIOD - dt.timedelta(days=1)).replace(day=1)
    for person, amount, kind, month in [(people[0], "50.00", "normal", PERIOD),
                                        (people[0], "50.00", "arrears", last_month),
                                        (people[2], "100.00", "normal", PERIOD)]:
        PaymentLine.objects.create(period=roll, resident=person, town_id=person.town_id, month=month,
                                   tier_code="80-89", tier_label="80–89岁", amount=D(amount), kind=kind)
    snapshot_refresh(period=PERIOD, actor=SYSTEM)
    assert values(TOWN_A)["allowance_recipients"] == D("1.00")
    assert values(TOWN_A)["allowance_cost"] == D("100.00")
    assert values("500117000000")["allowance_cost"] == D("200.00")


def test_inspections_done_and_findings():
    template = ChecklistTemplate.objects.first()
    items = list(ChecklistItem.objects.filter(template=template)[:3])
    home = FacilityFactory(town_id=TOWN_A)
    done = Inspection.objects.create(facility=home, template=template, due_on=PERIOD, status="completed",
                                     result="rectify", score=D("80.0"), inspected_at=timezone.now(),
                                     location_check=LOCATION_OK)
    Inspection.objects.create(facility=home, template=template, due_on=PERIOD, status="scheduled")
    Inspection.objects.create(facility=home, template=template, due_on=PERIOD, status="cancelled")
    Finding.objects.create(inspection=done, facility=home, item=items[0], description="灭火器过期", severity="major",
                           deadline=TODAY - dt.timedelta(days=1))
    Finding.objects.create(inspection=done, facility=home, item=items[1], description="台账缺失", severity="minor",
                           deadline=TODAY + dt.timedelta(days=10))
    Finding.objects.create(inspection=done, facility=home, item=items[2], description="已整改", severity="minor",
                           deadline=TODAY - dt.timedelta(days=5), status=FindingStatus.CLOSED,
                           closed_at=timezone.now())
    snapshot_refresh(period=PERIOD, actor=SYSTEM)
    a = values(TOWN_A)
    assert a["inspections_done"] == D("50.00")  # 1 of 2 (the cancelled one does not count)
    assert a["findings_open"] == D("2.00")
    assert a["findings_overdue"] == D("1.00")


def test_visit_rate_uses_monitorings_rule(officer_a):
    alone = [ResidentFactory(town_id=TOWN_A, birth_date=dt.date(1940, 1, 1), lives_alone=True) for _ in range(4)]
    ResidentFactory(town_id=TOWN_A, birth_date=dt.date(1990, 1, 1), lives_alone=True)  # too young: not covered
    for person in alone[:3]:
        WelfareVisit.objects.create(resident=person, town_id=TOWN_A, visited_on=PERIOD, method="home",
                                    condition="stable", next_due_on=PERIOD + dt.timedelta(days=30), visitor=officer_a)
    snapshot_refresh(period=PERIOD, actor=SYSTEM)
    assert values(TOWN_A)["visit_rate"] == D("75.00")
