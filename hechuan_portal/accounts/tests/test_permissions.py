"""The API's default permission: auditors are refused (403 `not_allowed`), every other role passes."""

import pytest
from django.conf import settings
from rest_framework.test import APIClient, APIRequestFactory
from rest_framework.views import APIView

from conftest import TOWN_A, make_user
from hechuan_portal.accounts.models import AuditEvent, Role
from hechuan_portal.accounts.permissions import IsAuthenticatedNotAuditor
from hechuan_portal.accounts.services import api_token_create

pytestmark = pytest.mark.django_db

REFUSAL = {"code": "not_allowed", "detail": "您的角色不能执行该操作。", "field": None}


def _allowed(user) -> bool:
    request = APIView().initialize_request(APIRequestFactory().get("/api/v1/"))
    request.user = user
    return IsAuthenticatedNotAuditor().has_permission(request, None)


def test_it_is_the_api_default():
    assert settings.REST_FRAMEWORK["DEFAULT_PERMISSION_CLASSES"] == [
        "hechuan_portal.accounts.permissions.IsAuthenticatedNotAuditor"
    ]


@pytest.mark.parametrize(
    ("role", "area", "allowed"),
    [
        (Role.DISTRICT_ADMIN, None, True),
        (Role.DISTRICT_STAFF, None, True),
        (Role.TOWN_OFFICER, TOWN_A, True),
        (Role.FACILITY_OPERATOR, TOWN_A, True),
        (Role.AUDITOR, None, False),
    ],
)
def test_every_role_but_the_auditor_passes(role, area, allowed):
    assert _allowed(make_user(f"p_{role}", role, area)) is allowed


def test_a_superuser_passes_whatever_the_role():
    user = make_user("p_root", Role.AUDITOR)
    user.is_superuser = True
    assert _allowed(user) is True


def test_auditor_gets_403_with_the_code_and_a_translated_message(auditor_client):
    events = AuditEvent.objects.count()
    response = auditor_client.get("/api/v1/childcare/children/")
    assert (response.status_code, response.json()) == (403, REFUSAL)
    # Refused before the list is read: the childcare list would have audited the read.
    assert AuditEvent.objects.count() == events
    english = auditor_client.get("/api/v1/childcare/children/", HTTP_ACCEPT_LANGUAGE="en")
    assert english.json() == {
        "code": "not_allowed",
        "detail": "Your role may not perform this action.",
        "field": None,
    }


def test_auditor_with_a_token_is_refused_on_details_and_writes_too(auditor):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_create(actor=auditor)[1]}")
    for method, url in [
        ("get", "/api/v1/monitoring/templates/"),
        ("get", "/api/v1/monitoring/inspections/1/"),  # no such inspection: still 403, not 404
        ("get", "/api/v1/overview/indicators/"),
        ("get", "/api/v1/subsidies/runs/"),
        ("post", "/api/v1/monitoring/plans/"),
    ]:
        response = getattr(client, method)(url, {}, format="json")
        assert (response.status_code, response.json()) == (403, REFUSAL), url


def test_other_roles_still_read_the_api(staff_client, officer_a_client, operator_client):
    for client in (staff_client, officer_a_client, operator_client):
        assert client.get("/api/v1/childcare/children/").status_code == 200
        assert client.get("/api/v1/monitoring/templates/").status_code == 200


def test_auditor_still_sees_who_they_are_and_the_public_views(auditor_client):
    me = auditor_client.get("/api/v1/auth/me/")
    assert (me.status_code, me.json()["username"], me.json()["role"]) == (200, "auditor_a", "auditor")
    assert auditor_client.get("/api/v1/facilities/").status_code == 200
    assert auditor_client.get("/api/v1/areas/").status_code == 200


def test_anonymous_callers_still_get_401(anon_client):
    assert anon_client.get("/api/v1/childcare/children/").status_code == 401
    assert anon_client.get("/api/v1/auth/me/").status_code == 401
