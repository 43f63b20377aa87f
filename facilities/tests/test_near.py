"""The residents' `near` search (facilities/near.py and /api/v1/facilities/near/): the statement
compiled once is the queryset's, to the metre; the parser is the FilterSet's; the page is the list's."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from facilities import near
from facilities.api.serializers import PUBLIC_FIELDS, public_rows
from facilities.error_codes import ErrorCode
from facilities.filters import FacilityFilter
from facilities.models import Facility, FacilityKind, FacilityStatus
from hechuan_portal.common.errors import PortalError

from .factories import FacilityFactory, pt

pytestmark = pytest.mark.django_db

URL = "/api/v1/facilities/near/"
LNG, LAT = 106.27, 30.00


@pytest.fixture
def grid():
    """Facilities north of (LNG, LAT) at 0, 0.01° (1108.52 m), 0.02°, 0.05°; kinds differ; one closed."""
    return [
        FacilityFactory(name="原点", location=pt(LNG, LAT), kind=FacilityKind.ELDER_CANTEEN),
        FacilityFactory(name="北 1 格", location=pt(LNG, LAT + 0.01), kind=FacilityKind.NURSING_HOME),
        FacilityFactory(name="北 2 格", location=pt(LNG, LAT + 0.02), kind=FacilityKind.ELDER_CANTEEN),
        FacilityFactory(name="北 5 格", location=pt(LNG, LAT + 0.05), kind=FacilityKind.NURSING_HOME),
        FacilityFactory(name="关闭", location=pt(LNG, LAT), status=FacilityStatus.CLOSED),
    ]


# -- the compiled statement fails loudly when Django's compiler output changes -------------------


@pytest.mark.parametrize(
    "n_kinds, vacant, open_now", [(0, False, False), (1, False, False), (3, False, False), (2, True, True)]
)
def test_compiled_statement_has_every_sentinel_in_place(n_kinds, vacant, open_now):
    statement = near.compile_statement((n_kinds, vacant, open_now))
    roles = sorted(statement.slots)
    assert roles == sorted(["point", "point", "radius", "west", "south", "east", "north"] +
                           [f"kind{i}" for i in range(n_kinds)])  # fmt: skip
    assert statement.sql.count("%s") == len(statement.slots) + 2  # + LIMIT, OFFSET
    # The constants are in the text: the public statuses (and the vacancy age when asked).
    assert "'operating'" in statement.sql and "'suspended'" in statement.sql
    if vacant:
        assert "interval" in statement.sql
    assert statement.sql.endswith("LIMIT %s OFFSET %s")
    assert statement.columns[-2:] == ("distance_m", "total")


def test_the_prepared_search_is_planned_once_with_the_partial_index(grid):
    """With its constants written in, the statement's generic plan (planned once per connection,
    PostgreSQL's choice after five runs) can use facilities_open_lnglat_gist."""
    from django.db import connection

    statement = near.compile_statement((0, False, False))
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL plan_cache_mode = force_generic_plan")
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql = statement.sql.replace("%s", "$%d") % tuple(range(1, len(statement.slots) + 3))
        cursor.execute(f"PREPARE near_generic AS {sql}")
        point = "ST_GeogFromText('SRID=4326;POINT(106.27 30.0)')"
        cursor.execute(
            "EXPLAIN EXECUTE near_generic(" + ", ".join(
                {"point": point, "radius": "1000", "west": "106.2", "south": "29.9", "east": "106.3",
                 "north": "30.1"}[role] for role in statement.slots) + ", 10, 0)"  # fmt: skip
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("DEALLOCATE near_generic")
    assert "facilities_open_lnglat_gist" in plan


def test_postgresql_chooses_the_generic_plan_after_five_searches(grid):
    """PostgreSQL plans a prepared statement for its first five runs, then keeps the generic plan
    only if it costs no more than those. A change to the statement can tip that choice silently
    (a town-name subquery in place of the join did: every search was planned again, +0.25 ms), so
    this asks the server which plans it used."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE facilities_facility")
    for _ in range(8):
        near.search(near.NearQuery(LNG, LAT, 2000))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE statement LIKE %s",
            ["%ST_MakeEnvelope%"],
        )
        generic, custom = cursor.fetchone()
    assert custom <= 5 and generic >= 3


def test_a_compiler_that_moved_a_value_is_refused(monkeypatch):
    """If the compiler stops emitting a sentinel (here: the radius), compilation raises."""
    real = near.queryset

    def other(query):
        return real(near.NearQuery(query.lng, query.lat, query.radius + 1, query.kinds))

    monkeypatch.setattr(near, "queryset", other)
    with pytest.raises(near.NearStatementError):
        near.compile_statement((0, False, False))


@pytest.mark.parametrize(
    "radius, kinds",
    [
        (1108, ()),  # 1108.52 m is outside 1108 m …
        (1109, ()),  # … and inside 1109 m
        (2500, ()),
        (50000, ()),
        (2500, (FacilityKind.ELDER_CANTEEN,)),
        (50000, (FacilityKind.ELDER_CANTEEN, FacilityKind.NURSING_HOME)),
        (1, (FacilityKind.NURSING_HOME,)),
    ],
)
def test_compiled_statement_returns_what_the_queryset_returns(grid, radius, kinds):
    for lng, lat in [(LNG, LAT), (LNG + 0.003, LAT + 0.004), (106.4, 30.2)]:
        query = near.NearQuery(lng, lat, float(radius), tuple(kinds), limit=500)
        expected = public_rows(near.queryset(query))
        page = near.search(query)
        assert page.rows == expected
        assert page.count == len(expected)


def test_boundary_out_at_1108_in_at_1109(grid):
    names = lambda r: [row["name"] for row in near.search(near.NearQuery(LNG, LAT, r)).rows]  # noqa: E731
    assert names(1108) == ["原点"]
    assert names(1109) == ["原点", "北 1 格"]


def test_the_radius_turns_within_a_centimetre_of_the_spheroid_distance(grid):
    """The radius keeps a facility one centimetre beyond its spheroid distance and drops it one
    centimetre short of it: the ST_DWithin filter agrees with the ST_Distance the answer reports
    (rounded there to 0.1 m)."""
    exact = {v["name"]: v["distance_m"] for v in near.queryset(near.NearQuery(LNG, LAT, 50000))}
    names = lambda r: [row["name"] for row in near.search(near.NearQuery(LNG, LAT, r)).rows]  # noqa: E731
    for name in ("北 1 格", "北 2 格"):
        assert name in names(exact[name] + 0.01)
        assert name not in names(exact[name] - 0.01)


def test_pages_and_the_count_past_the_last_page(grid):
    first = near.search(near.NearQuery(LNG, LAT, 50000, limit=2))
    assert first.count == 4 and [r["name"] for r in first.rows] == ["原点", "北 1 格"]
    second = near.search(near.NearQuery(LNG, LAT, 50000, limit=2, offset=2))
    assert second.count == 4 and [r["name"] for r in second.rows] == ["北 2 格", "北 5 格"]
    past = near.search(near.NearQuery(LNG, LAT, 50000, limit=2, offset=10))
    assert past.count == 4 and past.rows == []


# -- one parser --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params, code, field",
    [
        ({}, ErrorCode.INVALID_NEAR, "near"),
        ({"near": "abc"}, ErrorCode.INVALID_NEAR, "near"),
        ({"near": "106.27"}, ErrorCode.INVALID_NEAR, "near"),
        ({"near": "nan,30"}, ErrorCode.INVALID_NEAR, "near"),
        ({"near": "106.27,30", "radius": "-5"}, ErrorCode.INVALID_RADIUS, "radius"),
        ({"near": "106.27,30", "radius": "9999999"}, ErrorCode.INVALID_RADIUS, "radius"),
        ({"near": "106.27,30", "radius": "inf"}, ErrorCode.INVALID_RADIUS, "radius"),
        ({"near": "106.27,30", "radius": "x"}, ErrorCode.INVALID_RADIUS, "radius"),
    ],
)
def test_parser_and_filterset_refuse_alike(params, code, field):
    with pytest.raises(PortalError) as caught:
        near.parse_near_query(params)
    assert (caught.value.code, caught.value.field) == (code, field)
    if params:
        filterset = FacilityFilter(params, queryset=Facility.objects.public())
        assert not filterset.is_valid()
        assert filterset.form.errors.as_data()[field][0].code == code.value


def test_parser_reads_the_page_like_the_lists():
    query = near.parse_near_query({"near": "106.27,30", "limit": "9999", "offset": "-3"})
    assert (query.radius, query.limit, query.offset) == (5000.0, near.MAX_LIMIT, 0)
    assert near.parse_near_query({"near": "106.27,30", "limit": "x"}).limit == near.DEFAULT_LIMIT
    assert near.parse_near_query({"near": "106.27,30", "need": "meals"}).kinds == (
        FacilityKind.ELDER_CANTEEN,
    )


# -- the endpoint ------------------------------------------------------------------------------


def test_endpoint_page_links_and_public_fields(anon_client, grid):
    body = anon_client.get(URL, {"near": f"{LNG},{LAT}", "radius": 50000, "limit": 2}).json()
    assert body["count"] == 4
    assert [r["name"] for r in body["results"]] == ["原点", "北 1 格"]
    assert set(body["results"][0]) == set(PUBLIC_FIELDS)
    assert body["previous"] is None
    assert "offset=2" in body["next"] and "limit=2" in body["next"]
    second = anon_client.get(body["next"]).json()
    assert [r["name"] for r in second["results"]] == ["北 2 格", "北 5 格"]
    assert second["next"] is None and "offset" not in second["previous"]


def test_endpoint_pages_ten_by_default_as_the_finder_does(anon_client):
    """Issue 19: 10 results a page with 更多; the 11th comes on the next page."""
    for i in range(11):
        FacilityFactory(name=f"近{i:02d}", location=pt(LNG, LAT + 0.0001 * i))
    body = anon_client.get(URL, {"near": f"{LNG},{LAT}", "radius": 500}).json()
    assert (body["count"], len(body["results"])) == (11, 10)
    assert "limit=10" in body["next"] and "offset=10" in body["next"]
    assert [r["name"] for r in anon_client.get(body["next"]).json()["results"]] == ["近10"]


def test_endpoint_answers_the_one_error_body(anon_client):
    body = anon_client.get(URL, {"near": "abc"}).json()
    assert body == {"code": "invalid_near", "detail": str(ErrorCode.INVALID_NEAR.label), "field": "near"}
    response = anon_client.post(URL, {})
    assert response.status_code == 405 and response.json()["code"] == "method_not_allowed"


def test_endpoint_is_one_query(anon_client, grid):
    anon_client.get(URL, {"near": f"{LNG},{LAT}", "radius": 2500})  # compiles the statement
    with CaptureQueriesContext(connection) as ctx:
        body = anon_client.get(URL, {"near": f"{LNG},{LAT}", "radius": 2500, "need": "meals"}).json()
    assert [r["name"] for r in body["results"]] == ["原点", "北 2 格"]
    assert len(ctx) == 1


# -- issue 19: only the truth, 有空位 and 营业中, the throttle ----------------------------------------


def test_a_suspended_facility_is_never_available_and_has_no_vacancy(anon_client):
    from django.utils import timezone

    FacilityFactory(
        name="暂停托育",
        kind=FacilityKind.NURSERY,
        status=FacilityStatus.SUSPENDED,
        location=pt(LNG, LAT),
        places_total=20,
        places_occupied=12,
        capacity_reported_at=timezone.now(),
    )
    body = anon_client.get(URL, {"near": f"{LNG},{LAT}", "need": "childcare"}).json()
    [row] = body["results"]
    assert row["status"] == "suspended" and row["available"] is False
    assert row["places_vacant"] is None and row["beds_vacant"] is None
    vacant = anon_client.get(URL, {"near": f"{LNG},{LAT}", "need": "childcare", "vacant": "1"}).json()
    assert vacant["count"] == 0 and vacant["results"] == []


def test_vacant_returns_only_fresh_vacancies(anon_client):
    import datetime as dt

    from django.utils import timezone

    now = timezone.now()
    kw = {"kind": FacilityKind.NURSERY, "places_total": 10}
    FacilityFactory(name="新鲜空位", location=pt(LNG, LAT + 0.001), places_occupied=7,
                    capacity_reported_at=now - dt.timedelta(days=3), **kw)  # fmt: skip
    FacilityFactory(name="过期空位", location=pt(LNG, LAT + 0.002), places_occupied=1,
                    capacity_reported_at=now - dt.timedelta(days=45), **kw)  # fmt: skip
    FacilityFactory(name="已满", location=pt(LNG, LAT + 0.003), places_occupied=10,
                    capacity_reported_at=now, **kw)  # fmt: skip
    FacilityFactory(name="从未上报", location=pt(LNG, LAT + 0.004), **kw)
    body = anon_client.get(URL, {"near": f"{LNG},{LAT}", "vacant": "1"}).json()
    assert [r["name"] for r in body["results"]] == ["新鲜空位"] and body["count"] == 1
    assert body["results"][0]["places_vacant"] == 3 and body["results"][0]["vacancy_days"] == 3
    every = {r["name"]: r for r in anon_client.get(URL, {"near": f"{LNG},{LAT}"}).json()["results"]}
    assert every["过期空位"]["vacancy_days"] == 45
    assert every["从未上报"]["vacancy_days"] is None and every["从未上报"]["vacancy_reported_at"] is None
    # The compiled statement answers as the queryset does.
    query = near.NearQuery(LNG, LAT, 5000.0, vacant=True)
    assert near.search(query).rows == public_rows(near.queryset(query))


def test_open_now_reads_the_opening_hours():
    import datetime as dt

    from django.utils import timezone

    FacilityFactory(name="全天", location=pt(LNG, LAT + 0.001), opening_hours="全天")
    FacilityFactory(name="工作日", location=pt(LNG, LAT + 0.002), opening_hours="周一至周五 8:30–17:30")
    FacilityFactory(name="午晚餐", location=pt(LNG, LAT + 0.003), opening_hours="每日 11:00–13:00，17:00–18:30")
    FacilityFactory(name="未填", location=pt(LNG, LAT + 0.004), opening_hours="")
    tz = timezone.get_current_timezone()
    monday_10 = dt.datetime(2026, 12, 7, 10, 0, tzinfo=tz)
    saturday_12 = dt.datetime(2026, 12, 12, 12, 0, tzinfo=tz)

    def names(at, **kw):
        page = near.search(near.NearQuery(LNG, LAT, 5000.0, open_now=True, at=at, **kw))
        return page.count, [r["name"] for r in page.rows]

    assert names(monday_10) == (2, ["全天", "工作日"])
    assert names(saturday_12) == (2, ["全天", "午晚餐"])
    assert names(monday_10, limit=1, offset=1) == (2, ["工作日"])


def test_flags_are_parsed_strictly(anon_client):
    assert near.parse_near_query({"near": "106.27,30", "open": "1", "vacant": "true"}).open_now
    body = anon_client.get(URL, {"near": "106.27,30", "vacant": "maybe"}).json()
    assert (body["code"], body["field"]) == ("invalid", "vacant")


def test_near_is_throttled_per_client_with_retry_after_in_the_one_body(anon_client, monkeypatch):
    from hechuan_portal.accounts.tokens import ClientRateThrottle

    monkeypatch.setattr(ClientRateThrottle, "THROTTLE_RATES", {"token": "3/min", "near": "3/min"})
    params = {"near": f"{LNG},{LAT}"}
    statuses = [anon_client.get(URL, params, REMOTE_ADDR="10.9.0.1").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = anon_client.get(URL, params, REMOTE_ADDR="10.9.0.1")
    assert refused["Content-Type"] == "application/json"
    assert set(refused.json()) == {"code", "detail", "field"} and refused.json()["code"] == "throttled"
    assert 0 < int(refused["Retry-After"]) <= 60
    assert anon_client.get(URL, params, REMOTE_ADDR="10.9.0.2").status_code == 200
