"""Issue 21 item 9: every read of a child's or an elder's personal record is audited, the same way
(`accounts/audit.py: audit_read`) — the API's lists and records, the staff pages, the overdue
check-up list and the evidence files. The rows name the record (or the kind and how many), the reader
and the town; never the values."""

from __future__ import annotations

import pytest
from django.test import Client

from conftest import TOWN_A, TOWN_B, _client_for, make_user
from eldercare.tests import matrix_world as eldercare_world
from hechuan_portal.accounts.models import AuditEvent, Role

from . import matrix_world


@pytest.fixture(autouse=True)
def _fast(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def cast(db):
    return {
        "district_admin": make_user("r_admin", Role.DISTRICT_ADMIN),
        "district_staff": make_user("r_staff", Role.DISTRICT_STAFF),
        "officer_a": make_user("r_officer_a", Role.TOWN_OFFICER, TOWN_A),
        "officer_b": make_user("r_officer_b", Role.TOWN_OFFICER, TOWN_B),
        "operator": make_user("r_operator", Role.FACILITY_OPERATOR, TOWN_A),
    }


def _reads(user) -> list[tuple[str, str, str, dict]]:
    """(object type, object id, area, changes) of the VIEW rows `user` left, oldest first."""
    rows = AuditEvent.objects.filter(action="view", actor=user).order_by("id")
    return [(e.object_type, e.object_id, e.area_code, e.changes) for e in rows]


def _get(client: Client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)


def test_visits_api_list_and_record_reads_are_audited(cast):
    world = matrix_world.monitoring(cast)
    officer, visit = cast["officer_a"], world["a"]["visit"]
    client = _client_for(officer)
    assert client.get("/api/v1/monitoring/visits/").json()["count"] == 1
    _get(client, f"/api/v1/monitoring/visits/{visit.pk}/")
    assert _reads(officer) == [
        ("monitoring.welfarevisit", "", TOWN_A, {"rows": 1}),
        ("monitoring.welfarevisit", str(visit.pk), TOWN_A, {}),
    ]
    # Another town's visit is not found, and a refused read leaves no row claiming it was read.
    other = _client_for(cast["officer_b"])
    assert other.get(f"/api/v1/monitoring/visits/{visit.pk}/").status_code == 404
    assert _reads(cast["officer_b"]) == []


def test_enrolment_and_waitlist_api_reads_are_audited(cast):
    world = matrix_world.childcare(cast)
    operator, enrolment, entry = cast["operator"], world["a"]["enrolment"], world["a"]["waitlist"]
    client = _client_for(operator)
    assert client.get("/api/v1/childcare/enrolments/").json()["count"] == 1
    _get(client, f"/api/v1/childcare/enrolments/{enrolment.pk}/")
    assert client.get("/api/v1/childcare/waitlist/").json()["count"] == 1
    _get(client, f"/api/v1/childcare/waitlist/{entry.pk}/")
    assert _reads(operator) == [
        ("childcare.enrolment", "", TOWN_A, {"rows": 1}),
        ("childcare.enrolment", str(enrolment.pk), TOWN_A, {}),
        ("childcare.waitlistentry", "", TOWN_A, {"rows": 1}),
        ("childcare.waitlistentry", str(entry.pk), TOWN_A, {}),
    ]


def test_the_overdue_checkup_list_is_an_audited_read(cast):
    world = matrix_world.childcare(cast)
    operator = cast["operator"]  # screening data: the facility's own staff (and the clinic) see it
    page = _client_for(operator).get("/manage/childcare/overdue/")
    assert page.status_code == 200
    assert world["a"]["child"].name in page.content.decode()
    assert world["b"]["child"].name not in page.content.decode()
    assert _reads(operator) == [
        ("childcare.checkup", "", TOWN_A, {"rows": 1}),
        ("childcare.followup", "", TOWN_A, {"rows": 1}),
    ]


def test_evidence_and_photo_downloads_are_audited(cast):
    world = matrix_world.monitoring(cast)
    operator, evidence, photo = cast["operator"], world["a"]["evidence"], world["a"]["photo"]
    client = _client_for(operator)
    response = client.get(f"/manage/monitoring/evidence/{evidence.pk}/")
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"\x89PNG")
    _get(client, f"/manage/monitoring/photos/{photo.pk}/")
    assert _reads(operator) == [
        ("monitoring.findingevidence", str(evidence.pk), TOWN_A, {}),
        ("monitoring.inspectionphoto", str(photo.pk), TOWN_A, {}),
    ]
    # Out of scope: 404 and no row.
    assert client.get(f"/manage/monitoring/evidence/{world['b']['evidence'].pk}/").status_code == 404
    assert len(_reads(operator)) == 2
    # Served by the one helper: never cached, never sniffed; a row whose file is gone is a 404, unaudited.
    assert "no-store" in response["Cache-Control"] and response["X-Content-Type-Options"] == "nosniff"
    evidence.file.storage.delete(evidence.file.name)
    assert client.get(f"/manage/monitoring/evidence/{evidence.pk}/").status_code == 404
    assert len(_reads(operator)) == 2


def test_elder_page_assessments_api_and_child_page_use_the_one_helper(cast):
    elders = eldercare_world.world(cast)
    children = matrix_world.childcare(cast)
    officer = cast["officer_a"]
    client = _client_for(officer)
    resident, assessment = elders["a"]["resident"], elders["a"]["assessment"]
    child = children["a"]["child"]
    _get(client, f"/manage/eldercare/elders/{resident.pk}/")
    assert client.get("/api/v1/eldercare/assessments/").json()["count"] == 1
    _get(client, f"/api/v1/eldercare/assessments/{assessment.pk}/")
    _get(client, f"/manage/childcare/children/{child.pk}/")
    assert _reads(officer) == [
        ("residents.resident", str(resident.pk), TOWN_A, {}),
        ("eldercare.assessment", "", TOWN_A, {"rows": 1}),
        ("eldercare.assessment", str(assessment.pk), TOWN_A, {}),
        ("childcare.child", str(child.pk), TOWN_A, {}),
    ]
    events = AuditEvent.objects.filter(actor=officer, action="view")
    assert all(e.actor_username == "r_officer_a" and e.ip for e in events)
