"""/api/v1/facilities/: public fields, scope, near ordering and distances, writes, query counts."""

import math

import pytest

from facilities.api.serializers import PUBLIC_FIELDS
from facilities.error_codes import ErrorCode
from facilities.models import Facility, FacilityKind, FacilityStatus, FacilityStatusChange
from hechuan_portal.accounts.models import AuditEvent

from .factories import TOWN_A, TOWN_B, FacilityFactory, pt

pytestmark = pytest.mark.django_db

URL = "/api/v1/facilities/"
# Hand-computed: on the WGS 84 ellipsoid one hundredth of a degree of latitude at 30° N is
# M·Δφ with M = a(1−e²)/(1−e² sin²φ)^1.5 = 6,351,532 m/rad → 1108.52 m (GeographicLib agrees).
METRES_PER_CENTIDEGREE_LAT_AT_30N = 1108.52


def test_anonymous_gets_public_fields_of_open_facilities_only(anon_client):
    FacilityFactory(name="开放", operator_name="某公司", licence_number="L-1", filing_number="F-1")
    FacilityFactory(name="筹建", status=FacilityStatus.PLANNED)
    FacilityFactory(name="关闭", status=FacilityStatus.CLOSED)
    body = anon_client.get(URL).json()
    assert [r["name"] for r in body["results"]] == ["开放"]
    row = body["results"][0]
    assert set(row) == set(PUBLIC_FIELDS)
    for private in (
        "operator_name",
        "licence_number",
        "filing_number",
        "beds_occupied",
        "capacity_reported_at",
    ):
        assert private not in row


def test_staff_list_is_scoped(
    officer_a_client, staff_client, operator_client, facility_a, facility_b, operator
):
    facility_a.operators.add(operator)
    assert [r["name"] for r in officer_a_client.get(URL).json()["results"]] == ["合阳城敬老院"]
    assert {r["name"] for r in staff_client.get(URL).json()["results"]} == {"合阳城敬老院", "钓鱼城敬老院"}
    assert [r["name"] for r in operator_client.get(URL).json()["results"]] == ["合阳城敬老院"]
    assert officer_a_client.get(f"{URL}{facility_b.pk}/").status_code == 404
    assert "operator_name" in officer_a_client.get(f"{URL}{facility_a.pk}/").json()


def test_near_returns_only_within_radius_ordered_with_hand_computed_distances(anon_client):
    lng, lat = 106.27, 30.00
    FacilityFactory(name="北 2 格", location=pt(lng, lat + 0.02))
    FacilityFactory(name="北 1 格", location=pt(lng, lat + 0.01))
    FacilityFactory(name="原点", location=pt(lng, lat))
    FacilityFactory(name="北 5 格", location=pt(lng, lat + 0.05))
    response = anon_client.get(URL, {"near": f"{lng},{lat}", "radius": 2500})
    rows = response.json()["results"]
    assert [r["name"] for r in rows] == ["原点", "北 1 格", "北 2 格"]
    assert rows[0]["distance_m"] == 0.0
    # Spheroid distances (PostGIS geography) against the meridian arc computed by hand.
    assert math.isclose(rows[1]["distance_m"], METRES_PER_CENTIDEGREE_LAT_AT_30N, abs_tol=1.0)
    assert math.isclose(rows[2]["distance_m"], 2 * METRES_PER_CENTIDEGREE_LAT_AT_30N, abs_tol=2.0)


def test_near_east_west_distance_matches_the_parallel(anon_client):
    # Along the 30° N parallel: N·cosφ·Δλ with N = a/√(1−e² sin²φ) = 6,383,485 m → 964.92 m per 0.01°.
    FacilityFactory(name="东", location=pt(106.28, 30.00))
    rows = anon_client.get(URL, {"near": "106.27,30.00", "radius": 1000}).json()["results"]
    assert len(rows) == 1
    assert math.isclose(rows[0]["distance_m"], 964.92, abs_tol=1.0)


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"near": "abc"}, ErrorCode.INVALID_NEAR),
        ({"near": "106.27"}, ErrorCode.INVALID_NEAR),
        ({"near": "106.27,30", "radius": "-5"}, ErrorCode.INVALID_RADIUS),
        ({"near": "106.27,30", "radius": "9999999"}, ErrorCode.INVALID_RADIUS),
    ],
)
def test_bad_near_parameters_are_400_with_a_code(anon_client, params, code):
    response = anon_client.get(URL, params)
    assert response.status_code == 400
    assert response.json()["code"] == code
    assert response.json()["detail"]


def test_filters_kind_town_vacancy_text(staff_client):
    FacilityFactory(name="阳光食堂", kind=FacilityKind.ELDER_CANTEEN, address="滨江路1号")
    FacilityFactory(name="满员敬老院", beds_total=10, beds_occupied=10)
    FacilityFactory(name="有空位敬老院", town_id=TOWN_B, beds_total=10, beds_occupied=3)

    def names(**params):
        return sorted(r["name"] for r in staff_client.get(URL, params).json()["results"])

    assert names(kind="elder_canteen") == ["阳光食堂"]
    assert names(town=TOWN_B) == ["有空位敬老院"]
    assert names(has_vacancy="true") == ["有空位敬老院"]
    assert names(q="滨江") == ["阳光食堂"]
    assert names(need="meals") == ["阳光食堂"]
    assert names(status="operating") == sorted(["满员敬老院", "有空位敬老院", "阳光食堂"])


def test_officer_creates_in_own_town_and_not_elsewhere(officer_a_client):
    payload = {
        "name": "新驿站",
        "kind": "community_elder_station",
        "town": TOWN_A,
        "lng": 106.27,
        "lat": 30.0,
    }
    response = officer_a_client.post(URL, payload, content_type="application/json")
    assert response.status_code == 201, response.json()
    created = Facility.objects.get(name="新驿站")
    assert created.status == FacilityStatus.PLANNED
    assert response.json()["lng"] == 106.27
    assert list(created.status_changes.values_list("from_status", "to_status")) == [("", "planned")]
    assert AuditEvent.objects.filter(action="create", object_id=str(created.pk)).count() == 1

    response = officer_a_client.post(
        URL, {**payload, "name": "越界", "town": TOWN_B}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == ErrorCode.TOWN_OUT_OF_SCOPE
    assert not Facility.objects.filter(name="越界").exists()


def test_create_outside_the_district_is_400_with_a_clear_message(staff_client):
    payload = {"name": "北京", "kind": "nursing_home", "town": TOWN_A, "lng": 116.4, "lat": 39.9}
    response = staff_client.post(URL, payload, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == ErrorCode.LOCATION_OUTSIDE_DISTRICT
    assert "不在合川区范围内" in response.json()["detail"]
    assert Facility.objects.count() == 0


def test_anonymous_and_auditor_cannot_write(anon_client, auditor_client, facility_a):
    payload = {"name": "x", "kind": "nursing_home", "town": TOWN_A, "lng": 106.27, "lat": 30.0}
    assert anon_client.post(URL, payload, content_type="application/json").status_code in (401, 403)
    assert auditor_client.post(URL, payload, content_type="application/json").status_code == 403
    assert anon_client.patch(
        f"{URL}{facility_a.pk}/", {"name": "y"}, content_type="application/json"
    ).status_code in (401, 403)
    assert Facility.objects.get().name == "合阳城敬老院"


def test_operator_may_update_capacity_and_hours_only(operator_client, operated_a, facility_b):
    url = f"{URL}{operated_a.pk}/"
    response = operator_client.patch(
        url,
        {"beds_total": 50, "beds_occupied": 20, "opening_hours": "8:00-18:00"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.json()
    operated_a.refresh_from_db()
    assert (operated_a.beds_total, operated_a.beds_occupied, operated_a.opening_hours) == (
        50,
        20,
        "8:00-18:00",
    )
    assert operated_a.capacity_reported_at is not None
    # Other fields are not part of the operator's serializer: ignored, nothing else changes.
    operator_client.patch(url, {"name": "改名"}, content_type="application/json")
    operated_a.refresh_from_db()
    assert operated_a.name == "合阳城敬老院"
    # Status changes are refused.
    response = operator_client.post(f"{url}status/", {"status": "suspended"}, content_type="application/json")
    assert response.status_code == 403
    operated_a.refresh_from_db()
    assert operated_a.status == FacilityStatus.OPERATING
    # Not their facility: not found.
    assert (
        operator_client.patch(
            f"{URL}{facility_b.pk}/", {"beds_total": 1}, content_type="application/json"
        ).status_code
        == 404
    )


def test_capacity_over_total_is_400(operator_client, operated_a):
    response = operator_client.patch(
        f"{URL}{operated_a.pk}/", {"beds_total": 5, "beds_occupied": 6}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == ErrorCode.CAPACITY_EXCEEDED
    operated_a.refresh_from_db()
    assert operated_a.beds_total == 0


def test_status_action_records_history(officer_a_client, officer_a, facility_a, facility_b):
    response = officer_a_client.post(
        f"{URL}{facility_a.pk}/status/",
        {"status": "suspended", "reason": "装修"},
        content_type="application/json",
    )
    assert response.status_code == 201
    facility_a.refresh_from_db()
    assert facility_a.status == FacilityStatus.SUSPENDED
    change = FacilityStatusChange.objects.get(facility=facility_a)
    assert (change.from_status, change.to_status, change.actor, change.reason) == (
        "operating",
        "suspended",
        officer_a,
        "装修",
    )
    bad = officer_a_client.post(
        f"{URL}{facility_a.pk}/status/", {"status": "planned"}, content_type="application/json"
    )
    assert bad.status_code == 400
    assert bad.json()["code"] == ErrorCode.INVALID_TRANSITION
    assert (
        officer_a_client.post(
            f"{URL}{facility_b.pk}/status/", {"status": "closed"}, content_type="application/json"
        ).status_code
        == 404
    )
    facility_b.refresh_from_db()
    assert facility_b.status == FacilityStatus.OPERATING


def test_geojson_is_a_feature_collection_with_filters(anon_client):
    FacilityFactory(name="食堂", kind=FacilityKind.ELDER_CANTEEN, location=pt(106.27, 30.0))
    FacilityFactory(name="托育", kind=FacilityKind.NURSERY, location=pt(106.28, 30.0))
    body = anon_client.get(f"{URL}geojson/", {"need": "meals"}).json()
    assert body["type"] == "FeatureCollection"
    assert len(body["features"]) == 1
    feature = body["features"][0]
    assert feature["geometry"] == {"type": "Point", "coordinates": [106.27, 30.0]}
    assert feature["properties"]["name"] == "食堂"
    assert feature["properties"]["url"] == f"/f/{feature['id']}/"


def test_geojson_answer_and_schema_come_from_one_serializer(anon_client, staff_client):
    """The properties each feature carries are the fields of FacilityFeatureSerializer, and the
    published schema lists the same names, types and required ones (distance_m only with `near`)."""
    from facilities.api.serializers import FacilityFeatureSerializer

    FacilityFactory(name="食堂", kind=FacilityKind.ELDER_CANTEEN, location=pt(106.27, 30.0))
    FacilityFactory(name="暂停", status=FacilityStatus.SUSPENDED, location=pt(106.2701, 30.0))
    fields = FacilityFeatureSerializer().fields
    schema = anon_client.get("/api/v1/schema/?format=json").json()
    collection = schema["paths"][f"{URL}geojson/"]["get"]["responses"]["200"]["content"]["application/json"]
    props = collection["schema"]["properties"]["features"]["items"]["properties"]["properties"]
    assert set(props["properties"]) == set(fields)
    assert set(props["required"]) == set(fields) - {"distance_m"}
    json_types = {"integer": int, "number": (int, float), "string": str, "boolean": bool}
    for client, query in ((anon_client, {}), (staff_client, {}), (anon_client, {"near": "106.27,30.0"})):
        features = client.get(f"{URL}geojson/", query).json()["features"]
        assert len(features) == 2
        for feature in features:
            got = feature["properties"]
            assert set(got) == set(fields) - (set() if query else {"distance_m"})
            for name, value in got.items():
                spec = props["properties"][name]
                if value is None:
                    assert spec.get("nullable"), name
                else:
                    assert isinstance(value, json_types[spec["type"]]), (name, value)
                    assert value in spec.get("enum", [value]), (name, value)


@pytest.mark.parametrize("n", [1, 30])
def test_list_query_count_is_constant(staff_client, django_assert_num_queries, n):
    FacilityFactory.create_batch(n)
    staff_client.get(URL)  # warm-up: PostGIS asks the server's version once per connection
    # user, count, page: the session (saved on every request) is in Redis, not the database
    with django_assert_num_queries(3):
        assert len(staff_client.get(URL).json()["results"]) == n


@pytest.mark.parametrize("n", [1, 30])
def test_anonymous_near_query_count_is_constant(anon_client, django_assert_num_queries, n):
    FacilityFactory.create_batch(n, location=pt(106.27, 30.0))
    anon_client.get(URL, {"near": "106.27,30.0", "radius": 1000})  # warm-up (PostGIS version)
    # One query: the page and COUNT(*) OVER () together.
    with django_assert_num_queries(1):
        assert len(anon_client.get(URL, {"near": "106.27,30.0", "radius": 1000}).json()["results"]) == n


def test_near_search_can_use_the_open_facilities_gist_index():
    """The partial index's expression and predicate must match the search's box and status filter
    (issue 9); sequential scans are switched off because a test table is small enough to scan."""
    from django.contrib.gis.geos import Point
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = Facility.objects.public().nearby(Point(106.27, 30.0, srid=4326), 2000.0).explain()
    assert "facilities_open_lnglat_gist" in plan


@pytest.mark.parametrize("n", [1, 30])
def test_geojson_query_count_is_constant(anon_client, staff_client, django_assert_num_queries, n):
    FacilityFactory.create_batch(n)
    anon_client.get(f"{URL}geojson/")  # warm-up (PostGIS version)
    with django_assert_num_queries(1):
        assert len(anon_client.get(f"{URL}geojson/").json()["features"]) == n
    with django_assert_num_queries(2):
        assert len(staff_client.get(f"{URL}geojson/").json()["features"]) == n


def test_schema_lists_the_facility_endpoints(client):
    paths = client.get("/api/v1/schema/?format=json").json()["paths"]
    assert "/api/v1/facilities/" in paths
    assert "/api/v1/facilities/{id}/status/" in paths
    assert "/api/v1/facilities/geojson/" in paths


def test_public_row_holds_the_public_figures(anon_client):
    FacilityFactory(
        name="甲",
        kind=FacilityKind.ELDER_CANTEEN,
        canteen_subtype="estate",
        location=pt(106.27, 30.001),
        beds_total=0,
        phone="023-1",
    )
    FacilityFactory(
        name="乙", kind=FacilityKind.NURSING_HOME, location=pt(106.27, 30.0), beds_total=9, beds_occupied=4
    )
    near = anon_client.get(URL, {"near": "106.27,30.0", "radius": 500}).json()
    assert near["count"] == 2
    second, first = near["results"][1], near["results"][0]
    assert (first["name"], first["beds_total"], first["beds_vacant"], first["distance_m"]) == (
        "乙",
        9,
        5,
        0.0,
    )
    assert (second["kind_display"], second["canteen_subtype"], second["phone"]) == (
        "老年食堂",
        "estate",
        "023-1",
    )
    assert (second["town"], second["lng"], second["lat"]) == (TOWN_A, 106.27, 30.001)
    assert second["public_url"] == f"/f/{second['id']}/"
    plain = anon_client.get(URL).json()["results"]
    assert sorted(r["name"] for r in plain) == sorted(["甲", "乙"]) and {r["distance_m"] for r in plain} == {
        None
    }
    detail = anon_client.get(f"{URL}{second['id']}/").json()
    assert detail == {**second, "distance_m": None}


def test_near_pages_labels_and_past_the_end(anon_client):
    for i in range(3):
        FacilityFactory(name=f"点{i}", kind=FacilityKind.ELDER_CANTEEN, location=pt(106.27, 30.0 + i / 1000))
    first = anon_client.get(URL, {"near": "106.27,30.0", "radius": 1000, "limit": 2}).json()
    assert (first["count"], [r["name"] for r in first["results"]]) == (3, ["点0", "点1"])
    assert first["previous"] is None and "offset=2" in first["next"]
    assert first["results"][0]["kind_display"] == "老年食堂"
    second = anon_client.get(first["next"]).json()
    assert [r["name"] for r in second["results"]] == ["点2"] and second["next"] is None
    past = anon_client.get(URL, {"near": "106.27,30.0", "radius": 1000, "offset": 10}).json()
    assert (past["count"], past["results"]) == (3, [])
    empty = anon_client.get(URL, {"near": "107.0,31.0", "radius": 100}).json()
    assert (empty["count"], empty["results"]) == (0, [])
    english = anon_client.get(URL, {"near": "106.27,30.0", "radius": 1000}, HTTP_ACCEPT_LANGUAGE="en")
    assert english.json()["results"][0]["kind_display"] != "老年食堂"


def test_near_radius_is_an_exact_spheroid_boundary(anon_client):
    """Candidates come from the index's box and are kept by their one computed distance (issue 9):
    a facility 1108.52 m north is outside 1108 m and inside 1109 m."""
    FacilityFactory(name="北", location=pt(106.27, 30.01))
    for radius, names in ((1108, []), (1109, ["北"])):
        body = anon_client.get(URL, {"near": "106.27,30.0", "radius": radius}).json()
        assert ([r["name"] for r in body["results"]], body["count"]) == (names, len(names))
