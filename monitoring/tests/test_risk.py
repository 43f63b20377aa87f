from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hechuan_portal.accounts.roles import SYSTEM
from monitoring import services
from monitoring.models import FacilityRisk, StaffQualification, Topic

from .conftest import TOWN_A, TOWN_B
from .factories import FacilityFactory

pytestmark = pytest.mark.django_db
TODAY = date(2026, 6, 1)


def _inspect(facility, user, fail=(), when=None):
    inspection = services.inspection_create(
        facility=facility, topic=Topic.FIRE_SAFETY, due_on=TODAY, actor=user
    )
    answers = [
        services.AnswerInput(i.pk, "no" if i.position in fail else "yes", "x" if i.position in fail else "")
        for i in inspection.template.items.all()
    ]
    services.inspection_record(inspection=inspection, actor=user, answers=answers, inspected_at=when)
    return inspection


def _at(day):
    return timezone.make_aware(timezone.datetime.combine(day, timezone.datetime.min.time().replace(hour=10)))


def test_never_inspected_is_due_today(facility_a):
    services.risk_refresh(actor=SYSTEM, today=TODAY)
    risk = FacilityRisk.objects.get(facility=facility_a)
    assert (risk.score, risk.band, risk.last_inspected_on, risk.next_due_on) == (0, "low", None, TODAY)


def test_risk_factors_decide_the_next_due_date(facility_a, officer_a):
    last = TODAY - timedelta(days=20)
    # Item 3 (major) and item 6 (minor) fail; deadlines 15 and 30 days after → one overdue on TODAY.
    _inspect(facility_a, officer_a, fail={3, 6}, when=_at(last))
    services.risk_refresh(actor=SYSTEM, today=TODAY)
    risk = FacilityRisk.objects.get(facility=facility_a)
    assert risk.factors["findings_major"] == 1 and risk.factors["findings_minor"] == 1
    assert risk.factors["overdue_findings"] == 1
    assert (risk.score, risk.band) == (5 + 2 + 10, "medium")
    assert risk.last_inspected_on == last and risk.next_due_on == last + timedelta(days=180)
    # An expired licence and a full home with too few caregivers push it to high risk: 90 days.
    facility_a.licence_expiry = TODAY - timedelta(days=1)
    facility_a.beds_occupied = facility_a.beds_total = 30
    facility_a.save()
    StaffQualification.objects.create(
        facility=facility_a,
        name="张三",
        role="caregiver",
        certificate_number="C1",
        certificate_expiry=TODAY + timedelta(days=400),
    )
    services.risk_refresh(actor=SYSTEM, today=TODAY)
    risk.refresh_from_db()
    assert risk.factors["staff_required"] == {"caregiver": 3} and risk.factors["staff_shortfalls"] == {
        "caregiver": 2
    }
    assert (risk.score, risk.band) == (17 + 20 + 8 + 15, "high")
    assert risk.next_due_on == last + timedelta(days=90)


def test_childcare_filing_and_expiring_licence(db):
    nursery = FacilityFactory(
        kind="nursery", filing_status="pending", licence_expiry=TODAY + timedelta(days=30), beds_total=0
    )
    services.risk_refresh(actor=SYSTEM, today=TODAY)
    risk = FacilityRisk.objects.get(facility=nursery)
    assert (
        risk.factors["filing_missing"]
        and risk.factors["licence_expiring"]
        and not risk.factors["licence_expired"]
    )
    assert (risk.score, risk.band) == (15 + 8, "medium")


def test_due_list_per_town(facility_a, facility_b, officer_a_client, staff_client, operator_client):
    services.risk_refresh(actor=SYSTEM)
    body = officer_a_client.get(reverse("monitoring:due_list")).content.decode()
    assert facility_a.name in body and facility_b.name not in body
    body = staff_client.get(reverse("monitoring:due_list"), {"town": TOWN_B}).content.decode()
    assert facility_b.name in body and facility_a.name not in body
    assert operator_client.get(reverse("monitoring:due_list")).status_code == 403


def test_due_list_query_count_does_not_grow(officer_a_client, django_assert_num_queries):
    FacilityFactory(town_id=TOWN_A)
    services.risk_refresh(actor=SYSTEM)
    url = reverse("monitoring:due_list")
    officer_a_client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        officer_a_client.get(url)
    for n in range(20):
        FacilityFactory(town_id=TOWN_A, name=f"多{n}")
    services.risk_refresh(actor=SYSTEM)
    with django_assert_num_queries(len(ctx.captured_queries)):
        officer_a_client.get(url)


def test_certificate_alerts_and_understaffing(
    facility_a, operator_client, officer_b_client, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    facility_a.beds_occupied = 11
    facility_a.save()
    url = reverse("monitoring:staff_facility", args=[facility_a.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = operator_client.post(
            url,
            {
                "name": "李四",
                "role": "caregiver",
                "certificate_number": "HL-001",
                "certificate_expiry": (today + timedelta(days=20)).isoformat(),
                "active": "on",
            },
        )
    assert response.status_code == 302
    risk = FacilityRisk.objects.get(facility=facility_a)
    assert risk.factors["staff_shortfalls"] == {"caregiver": 1}
    page = operator_client.get(reverse("monitoring:staff_overview")).content.decode()
    assert "李四" in page and "即将到期" in page and "缺护理员 1 名" in page
    assert officer_b_client.get(url).status_code == 404
    assert officer_b_client.post(url, {"name": "x"}).status_code == 404
    assert StaffQualification.objects.count() == 1


def test_nightly_command_and_schedule(facility_a, officer_a):
    from io import StringIO

    from django.core.management import call_command
    from django_celery_beat.models import PeriodicTask

    from monitoring.models import Finding

    inspection = _inspect(facility_a, officer_a, fail={6}, when=_at(TODAY - timedelta(days=40)))
    out = StringIO()
    call_command("monitoring_nightly", "--date", TODAY.isoformat(), stdout=out)
    assert out.getvalue().strip() == "escalated=1 facilities_refreshed=1"
    assert Finding.objects.get(inspection=inspection).status == "escalated"
    assert set(
        PeriodicTask.objects.filter(task__startswith="monitoring.").values_list("task", flat=True)
    ) == {
        "monitoring.escalate_overdue_findings",
        "monitoring.refresh_risk",
        "monitoring.refresh_visit_due",  # the precomputed visit list (issue 20)
    }
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("monitoring_nightly", "--date", "2026-13-01")
