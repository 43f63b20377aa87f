import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, transaction
from rest_framework.test import APIClient

from conftest import PASSWORD, TOWN_A, TOWN_B
from facilities.models import Facility, FacilityKind
from hechuan_portal.accounts.models import AuditAction, AuditEvent, Role, User
from hechuan_portal.accounts.scope import scope_for

pytestmark = pytest.mark.django_db


def test_create_portal_user_makes_an_officer_with_a_town():
    call_command("create_portal_user", "li_officer", role="town_officer", area=TOWN_A, password=PASSWORD)
    user = User.objects.get(username="li_officer")
    assert (user.role, user.area_id) == (Role.TOWN_OFFICER, TOWN_A)
    assert user.check_password(PASSWORD)
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_id=str(user.pk)).count() == 1


def test_officer_without_a_town_is_refused_and_nothing_is_created():
    with pytest.raises(CommandError, match="镇街"):
        call_command("create_portal_user", "nobody", role="town_officer", password=PASSWORD)
    assert not User.objects.filter(username="nobody").exists()


def test_officer_with_the_district_code_is_refused():
    with pytest.raises(CommandError):
        call_command("create_portal_user", "x", role="town_officer", area="500117000000", password=PASSWORD)


def test_simple_password_is_refused():
    with pytest.raises(CommandError, match="至少三类"):
        call_command("create_portal_user", "weak", role="district_staff", password="abcdefghijk")
    assert not User.objects.filter(username="weak").exists()


def test_scope_for_each_role(district_admin, district_staff, officer_a, operator, auditor):
    assert scope_for(district_admin).everything
    assert scope_for(district_staff).everything
    assert scope_for(officer_a).town_code == TOWN_A
    assert scope_for(operator).operator_id == operator.pk
    assert scope_for(auditor).nothing


def _facility(name, town, **extra):
    from django.contrib.gis.geos import Point

    return Facility.objects.create(
        name=name, kind=FacilityKind.DAY_CARE, town_id=town, location=Point(106.27, 29.99, srid=4326), **extra
    )


def test_visible_to_limits_every_role_to_its_scope(district_staff, officer_a, officer_b, operator, auditor):
    a = _facility("甲日间照料中心", TOWN_A)
    b = _facility("乙日间照料中心", TOWN_B)
    a.operators.add(operator)
    visible = {
        u.username: set(Facility.objects.visible_to(u).values_list("name", flat=True))
        for u in (district_staff, officer_a, officer_b, operator, auditor)
    }
    assert visible == {
        "staff_a": {a.name, b.name},
        "officer_a": {a.name},
        "officer_b": {b.name},
        "operator_a": {a.name},
        "auditor_a": set(),
    }


def test_anonymous_sees_nothing_scoped():
    from django.contrib.auth.models import AnonymousUser

    _facility("丙", TOWN_A)
    assert Facility.objects.visible_to(AnonymousUser()).count() == 0


def test_token_auth_round_trip(officer_a):
    client = APIClient()
    response = client.post(
        "/api/v1/auth/token/", {"username": "officer_a", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200
    token = response.json()["token"]
    assert client.get("/api/v1/auth/me/").status_code in (401, 403)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = client.get("/api/v1/auth/me/").json()
    assert me["role"] == "town_officer" and me["area"] == TOWN_A and me["area_name"] == "合阳城街道"


def test_token_with_wrong_password_is_refused(officer_a):
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": "officer_a", "password": "nope"}, format="json"
    )
    assert response.status_code == 400
    assert "token" not in response.json()


def test_login_and_failed_login_are_audited(client, officer_a):
    client.post("/accounts/login/", {"username": "officer_a", "password": "wrong"})
    response = client.post("/accounts/login/", {"username": "officer_a", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/manage/"
    actions = list(AuditEvent.objects.order_by("id").values_list("action", flat=True))
    assert actions == [AuditAction.LOGIN_FAILED, AuditAction.LOGIN]


def test_audit_rows_cannot_be_changed_or_deleted(district_admin):
    event = AuditEvent.objects.create(actor=district_admin, actor_username="admin_a", action=AuditAction.VIEW)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(reason="tampered")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).reason == ""


def test_manage_requires_login(client):
    response = client.get("/manage/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_manage_home_shows_the_officers_town(officer_a_client):
    body = officer_a_client.get("/manage/").content.decode()
    assert "管辖范围：合阳城街道" in body
