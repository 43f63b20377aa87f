"""The API's contract at its boundaries (issue 22; issue 21 item 10), both sides of each: what the
schema declares and what the API answers.
"""

from __future__ import annotations

import pytest
from django.contrib.gis.geos import Point

from conftest import TOWN_A
from facilities.models import CanteenSubtype, Facility, FacilityKind, FacilityStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(anon_client):
    return anon_client.get("/api/v1/schema/?format=json").json()


def _facility(name: str, **fields) -> Facility:
    return Facility.objects.create(
        name=name,
        town_id=TOWN_A,
        status=FacilityStatus.OPERATING,
        location=Point(106.27, 29.99, srid=4326),
        **fields,
    )


def test_each_operation_declares_one_request_body_type(schema):
    bodies = {
        f"{method.upper()} {path}": list(operation["requestBody"]["content"])
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if "requestBody" in operation
    }
    assert len(bodies) > 20
    assert {name: types for name, types in bodies.items() if len(types) != 1} == {}
    uploads = {name for name, types in bodies.items() if types != ["application/json"]}
    assert uploads == {"POST /api/v1/monitoring/findings/{id}/submit/"}
    assert bodies["POST /api/v1/monitoring/findings/{id}/submit/"] == ["multipart/form-data"]


def test_a_form_body_is_refused_with_415_and_the_error_body(officer_a_client):
    response = officer_a_client.post("/api/v1/facilities/", {"name": "表单提交"})  # multipart, as a form
    assert response.status_code == 415
    assert response.json() == {
        "code": "unsupported_media_type",
        "detail": response.json()["detail"],
        "field": None,
    }
    assert not Facility.objects.filter(name="表单提交").exists()


def test_a_blank_choice_is_null_for_everyone_and_nullable_in_the_schema(anon_client, staff_client, schema):
    station = _facility("养老服务站", kind=FacilityKind.COMMUNITY_ELDER_STATION)
    canteen = _facility("长者食堂", kind=FacilityKind.ELDER_CANTEEN, canteen_subtype=CanteenSubtype.values[0])
    for client in (anon_client, staff_client):
        rows = {r["id"]: r for r in client.get("/api/v1/facilities/").json()["results"]}
        assert rows[station.pk]["canteen_subtype"] is None
        assert rows[canteen.pk]["canteen_subtype"] == CanteenSubtype.values[0]
        assert client.get(f"/api/v1/facilities/{station.pk}/").json()["canteen_subtype"] is None
    components = schema["components"]["schemas"]
    for name in ("FacilityPublic", "FacilityStaff", "Checkup", "Inspection"):
        nullable = [
            k for k, v in components[name]["properties"].items() if v.get("nullable") and "oneOf" in v
        ]
        assert nullable, name
    assert components["Transition"]["properties"]["actor"]["nullable"] is True
    # A filter on a blank choice is nullable too (common/serializers.py: PortalAutoSchema); a filter
    # on a choice that may not be blank is not.
    params = {
        p["name"]: p["schema"] for p in schema["paths"]["/api/v1/monitoring/inspections/"]["get"]["parameters"]
    }
    assert params["location_check"]["nullable"] is True and "nullable" not in params["status"]


def test_drf_itself_is_not_patched():
    """The blank-as-null choice comes from the portal's base serializer, not from a patched DRF."""
    from rest_framework import fields, serializers

    from hechuan_portal.common.serializers import BlankAsNullChoiceField, PortalModelSerializer

    assert serializers.ModelSerializer.serializer_choice_field is fields.ChoiceField
    assert PortalModelSerializer.serializer_choice_field is BlankAsNullChoiceField


def test_a_blank_choice_is_written_as_null(staff_client):
    canteen = _facility(
        "长者食堂二", kind=FacilityKind.ELDER_CANTEEN, canteen_subtype=CanteenSubtype.values[0]
    )
    response = staff_client.patch(
        f"/api/v1/facilities/{canteen.pk}/", {"canteen_subtype": None}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["canteen_subtype"] is None
    canteen.refresh_from_db()
    assert canteen.canteen_subtype == ""


def test_staff_and_public_records_are_typed_apart(schema, anon_client, staff_client):
    listed = schema["paths"]["/api/v1/facilities/"]["get"]["responses"]["200"]["content"]["application/json"]
    assert listed["schema"]["$ref"].endswith("/PaginatedFacilityRecordList")
    record = schema["components"]["schemas"]["FacilityRecord"]["anyOf"]
    assert {r["$ref"].rsplit("/", 1)[1] for r in record} == {"FacilityStaff", "FacilityPublic"}
    near = schema["paths"]["/api/v1/facilities/near/"]["get"]["responses"]["200"]["content"][
        "application/json"
    ]
    assert near["schema"]["$ref"].endswith("/PaginatedFacilityPublicList")
    staff_fields = set(schema["components"]["schemas"]["FacilityStaff"]["properties"])
    public_fields = set(schema["components"]["schemas"]["FacilityPublic"]["properties"])
    facility = _facility("类型测试", kind=FacilityKind.DAY_CARE)
    assert set(staff_client.get(f"/api/v1/facilities/{facility.pk}/").json()) == staff_fields
    assert set(anon_client.get(f"/api/v1/facilities/{facility.pk}/").json()) == public_fields


def test_status_change_and_draw_answer_the_documented_201(schema, staff_client):
    for path in ("/api/v1/facilities/{id}/status/", "/api/v1/monitoring/plans/{id}/draw/"):
        assert [c for c in schema["paths"][path]["post"]["responses"] if c.startswith("2")] == ["201"]
    facility = _facility("状态测试", kind=FacilityKind.DAY_CARE)
    response = staff_client.post(
        f"/api/v1/facilities/{facility.pk}/status/", {"status": "suspended"}, content_type="application/json"
    )
    assert response.status_code == 201


def test_error_answers_are_documented_with_examples(schema):
    responses = schema["paths"]["/api/v1/facilities/{id}/status/"]["post"]["responses"]
    assert {"400", "401", "403", "404", "409", "415"} <= set(responses)
    for code in ("400", "404", "409"):
        content = responses[code]["content"]["application/json"]
        assert content["schema"] == {"$ref": "#/components/schemas/Error"}
        example = next(iter(content["examples"].values()))["value"]
        assert set(example) >= {"code", "detail", "field"}
    token = schema["paths"]["/api/v1/auth/token/"]["post"]["responses"]["429"]
    assert "Retry-After" in token["headers"] and token["content"]["application/json"]["schema"][
        "$ref"
    ].endswith("/Error")


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/api/v1/facilities/?limit=9223372036854775808", "limit"),
        ("/api/v1/facilities/?offset=9223372036854775808", "offset"),
        ("/api/v1/childcare/classes/?limit=99999999999999999999999", "limit"),
        ("/api/v1/monitoring/plans/?offset=9223372036854775808", "offset"),
        ("/api/v1/overview/indicators/?period=0001-01", "period"),
        ("/api/v1/overview/indicators/?period=2026-1%00", "period"),
        ("/api/v1/facilities/?q=a%00b", "q"),
        ("/api/v1/subsidies/payroll-periods/?month=0001-01", "month"),
    ],
)
def test_parameters_the_database_cannot_hold_are_400_on_the_parameter(staff_client, path, field):
    """Issue 21 item 10 (the fuzz test tries every list; these are the reported ones)."""
    response = staff_client.get(path)
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["field"] == field and body["code"] and body["detail"]


def test_the_largest_page_parameters_the_database_holds_are_answered(staff_client):
    response = staff_client.get("/api/v1/facilities/?limit=9223372036854775807&offset=9223372036854775807")
    assert response.status_code == 200 and response.json()["results"] == []


def test_page_parameters_carry_their_bounds_in_the_schema(schema):
    parameters = {
        p["name"]: p["schema"] for p in schema["paths"]["/api/v1/childcare/classes/"]["get"]["parameters"]
    }
    assert parameters["limit"] == {"type": "integer", "minimum": 1, "maximum": 2**63 - 1}
    assert parameters["offset"] == {"type": "integer", "minimum": 0, "maximum": 2**63 - 1}


def test_nul_bytes_in_an_exports_filters_are_audited_not_a_500(staff_client):
    """The HTML side of item 10: an export records its filters in the audit log, whose text and jsonb
    columns cannot hold NUL; the character is replaced there, the export answers."""
    from hechuan_portal.accounts.models import AuditEvent

    response = staff_client.get("/manage/monitoring/inspections/export.xlsx?q=a%00b")
    assert response.status_code == 200
    event = AuditEvent.objects.filter(reason="inspections_xlsx").get()
    assert event.changes == {"filters": {"q": "a\ufffdb"}}
