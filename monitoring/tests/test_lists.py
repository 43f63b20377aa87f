"""Every list (HTML and API) keeps a constant number of queries, and stays inside the user's scope."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hechuan_portal.accounts.roles import SYSTEM
from monitoring import services
from monitoring.models import Topic

from .conftest import TOWN_A, TOWN_B
from .factories import FacilityFactory, ResidentFactory, community

pytestmark = pytest.mark.django_db

LISTS = [
    "/manage/monitoring/",
    "/manage/monitoring/inspections/",
    "/manage/monitoring/findings/",
    "/manage/monitoring/plans/",
    "/manage/monitoring/due/",
    "/manage/monitoring/staff/",
    "/manage/monitoring/visits/",
    "/manage/monitoring/visits/rates/",
    "/api/v1/monitoring/templates/",
    "/api/v1/monitoring/plans/",
    "/api/v1/monitoring/inspections/",
    "/api/v1/monitoring/findings/",
    "/api/v1/monitoring/visits/",
]


def _add(n, officer, start=0):
    east = community("500117001001", "东津沱社区")
    plan = services.plan_create(
        actor=officer,
        name=f"计划{start}",
        topic=Topic.FIRE_SAFETY,
        starts_on=date(2026, 1, 1),
        ends_on=date(2026, 12, 31),
    )
    for k in range(start, start + n):
        f = FacilityFactory(name=f"列表养老院{k}", town_id=TOWN_A)
        f.staff_qualifications.create(
            name=f"员工{k}",
            role="caregiver",
            certificate_number=f"L{k}",
            certificate_expiry=timezone.localdate() + timedelta(days=10),
        )
        inspection = services.inspection_create(
            facility=f, topic=Topic.FIRE_SAFETY, due_on=timezone.localdate(), actor=officer, plan=None
        )
        answers = [
            services.AnswerInput(i.pk, "no" if i.position == 6 else "yes", "问题")
            for i in inspection.template.items.all()
        ]
        services.inspection_record(inspection=inspection, actor=officer, answers=answers)
        r = ResidentFactory(name=f"老人{k}", birth_date=date(1940, 1, 1), lives_alone=True, community=east)
        services.visit_record(
            resident=r, actor=officer, visited_on=timezone.localdate(), method="home", condition="good"
        )
    services.risk_refresh(actor=SYSTEM)
    return plan


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(ctx.captured_queries)


DISTRICT_LISTS = [*LISTS, "/manage/monitoring/findings/escalated/"]


def test_query_counts_do_not_grow_with_rows(officer_a, officer_a_client, staff_client):
    _add(1, officer_a)
    services.findings_escalate_overdue(actor=SYSTEM, today=timezone.localdate() + timedelta(days=40))
    for url in LISTS:
        officer_a_client.get(url)  # warm caches (content types, sessions)
        staff_client.get(url)
    one = {url: _count(officer_a_client, url) for url in LISTS}
    one_d = {url: _count(staff_client, url) for url in DISTRICT_LISTS}
    _add(12, officer_a, start=100)
    services.findings_escalate_overdue(actor=SYSTEM, today=timezone.localdate() + timedelta(days=40))
    many = {url: _count(officer_a_client, url) for url in LISTS}
    many_d = {url: _count(staff_client, url) for url in DISTRICT_LISTS}
    assert many == one
    assert many_d == one_d


def test_lists_are_scoped(officer_a, officer_b, officer_b_client, operator_client, auditor_client, operator):
    _add(2, officer_a)
    b = FacilityFactory(name="钓鱼城", town_id=TOWN_B)
    b.operators.add(operator)
    for url in (
        "/api/v1/monitoring/inspections/",
        "/api/v1/monitoring/findings/",
        "/api/v1/monitoring/visits/",
    ):
        assert officer_b_client.get(url).json()["count"] == 0
        assert operator_client.get(url).json()["count"] == 0
        assert auditor_client.get(url).status_code == 403
    assert officer_b_client.get("/api/v1/monitoring/plans/").json()["count"] == 0
    body = officer_b_client.get("/manage/monitoring/inspections/").content.decode()
    assert "列表养老院" not in body, body[body.find("列表养老院") - 600 : body.find("列表养老院")]
    assert auditor_client.get("/manage/monitoring/").status_code == 403


def test_api_inspection_create_and_record(officer_a_client, officer_b_client, operator_client, facility_a):
    payload = {"facility": facility_a.pk, "topic": "food_safety", "due_on": "2026-04-01"}
    assert (
        officer_b_client.post(
            "/api/v1/monitoring/inspections/", payload, content_type="application/json"
        ).status_code
        == 404
    )
    denied = operator_client.post("/api/v1/monitoring/inspections/", payload, content_type="application/json")
    assert denied.status_code == 403 and denied.json()["code"] == "not_allowed"
    created = officer_a_client.post(
        "/api/v1/monitoring/inspections/", payload, content_type="application/json"
    )
    assert created.status_code == 201
    body = created.json()
    assert (body["template_code"], body["template_version"], body["status"]) == ("food_elder", 1, "scheduled")
    items = officer_a_client.get(f"/api/v1/monitoring/templates/{body['template']}/").json()["items"]
    answers = [{"item": i["id"], "answer": "yes"} for i in items]
    far = {"answers": answers, "lng": facility_a.location.x + 0.02, "lat": facility_a.location.y}
    refused = officer_a_client.post(
        f"/api/v1/monitoring/inspections/{body['id']}/record/", far, content_type="application/json"
    )
    assert refused.status_code == 400 and refused.json()["code"] == "location_note_required"
    far["location_note"] = "机构新址"
    done = officer_a_client.post(
        f"/api/v1/monitoring/inspections/{body['id']}/record/", far, content_type="application/json"
    )
    assert done.status_code == 200
    assert (done.json()["result"], done.json()["location_check"], done.json()["score"]) == (
        "pass",
        "too_far",
        "100.0",
    )
