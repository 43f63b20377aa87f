import json

import pytest
from django.core.management import CommandError, call_command

from hechuan_portal.areas.models import AdminArea, AreaLevel

pytestmark = pytest.mark.django_db

TOWN_CODES_9 = [
    "500117001",
    "500117002",
    "500117003",
    "500117004",
    "500117005",
    "500117006",
    "500117007",
    "500117100",
    "500117101",
    "500117102",
    "500117103",
    "500117104",
    "500117105",
    "500117106",
    "500117107",
    "500117108",
    "500117109",
    "500117112",
    "500117113",
    "500117114",
    "500117115",
    "500117116",
    "500117117",
    "500117118",
    "500117120",
    "500117121",
    "500117123",
    "500117124",
    "500117125",
    "500117126",
]


def test_migrate_creates_the_district_and_its_30_towns():
    assert AdminArea.objects.count() == 31
    district = AdminArea.objects.district()
    assert district.name == "合川区" and district.level == AreaLevel.DISTRICT
    towns = AdminArea.objects.towns()
    assert sorted(towns.values_list("code", flat=True)) == [c + "000" for c in TOWN_CODES_9]
    assert set(towns.values_list("parent", flat=True)) == {"500117000000"}
    assert sum(t.is_subdistrict for t in towns) == 7
    assert AdminArea.objects.get(code="500117126000").name == "双槐镇"


def _square(lng, lat, d=0.01):
    return {
        "type": "Polygon",
        "coordinates": [[[lng, lat], [lng + d, lat], [lng + d, lat + d], [lng, lat + d], [lng, lat]]],
    }


def _write(tmp_path, features):
    path = tmp_path / "b.geojson"
    path.write_text(
        json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False), "utf-8"
    )
    return path


def test_import_boundaries_updates_towns_and_creates_communities(tmp_path):
    path = _write(
        tmp_path,
        [
            {"type": "Feature", "properties": {"code": "500117001000"}, "geometry": _square(106.26, 29.98)},
            {
                "type": "Feature",
                "properties": {"code": "500117001001", "name": "南屏社区", "population": 8200},
                "geometry": {"type": "Point", "coordinates": [106.265, 29.985]},
            },
        ],
    )
    call_command("import_boundaries", str(path))
    town = AdminArea.objects.get(code="500117001000")
    assert town.boundary is not None and town.boundary.contains(town.centroid)
    community = AdminArea.objects.get(code="500117001001")
    assert (community.name, community.level, community.parent_id, community.population) == (
        "南屏社区",
        AreaLevel.COMMUNITY,
        "500117001000",
        8200,
    )
    assert community.centroid.coords == (106.265, 29.985)


def test_bad_boundary_file_reports_every_problem_and_changes_nothing(tmp_path):
    path = _write(
        tmp_path,
        [
            {"type": "Feature", "properties": {"code": "500117002000"}, "geometry": _square(106.3, 30.0)},
            {"type": "Feature", "properties": {"code": "110105000000"}, "geometry": _square(116.4, 39.9)},
            {"type": "Feature", "properties": {"code": "500117003001"}, "geometry": _square(106.3, 30.0)},
            {"type": "Feature", "properties": {"code": "500117004000"}, "geometry": _square(0.0, 0.0)},
        ],
    )
    with pytest.raises(CommandError) as exc:
        call_command("import_boundaries", str(path))
    message = str(exc.value)
    assert "第 2 个要素" in message and "第 3 个要素" in message and "第 4 个要素" in message
    assert AdminArea.objects.get(code="500117002000").boundary is None
    assert AdminArea.objects.count() == 31


def test_not_geojson_is_refused(tmp_path):
    path = tmp_path / "x.geojson"
    path.write_text("not json", "utf-8")
    with pytest.raises(CommandError, match="GeoJSON"):
        call_command("import_boundaries", str(path))


def test_areas_api_lists_towns_as_geojson(client):
    data = client.get("/api/v1/areas/?level=town").json()
    assert data["type"] == "FeatureCollection"
    assert len(data["features"]) == 30
    assert data["features"][0] == {
        "type": "Feature",
        "id": "500117001000",
        "geometry": None,  # no boundary loaded yet
        "properties": {
            "code": "500117001000",
            "name": "合阳城街道",
            "level": "town",
            "level_display": "镇街",
            "parent": "500117000000",
            "is_synthetic": False,
        },
    }
    # The detail stays the record.
    assert client.get("/api/v1/areas/500117001000/").json()["name"] == "合阳城街道"


def _import_town_and_community(tmp_path):
    community = {"type": "MultiPolygon", "coordinates": [_square(106.262, 29.982, 0.004)["coordinates"]]}
    path = _write(
        tmp_path,
        [
            {"type": "Feature", "properties": {"code": "500117001000"}, "geometry": _square(106.26, 29.98)},
            {
                "type": "Feature",
                "properties": {"code": "500117001001", "name": "南屏社区", "population": 8200},
                "geometry": community,
            },
        ],
    )
    call_command("import_boundaries", str(path))


def test_areas_geojson_carries_loaded_boundaries(client, tmp_path):
    _import_town_and_community(tmp_path)
    features = {f["id"]: f for f in client.get("/api/v1/areas/?parent=500117001000").json()["features"]}
    assert features["500117001001"]["geometry"]["type"] == "MultiPolygon"
    assert features["500117001001"]["properties"]["level"] == "community"
    town = client.get("/api/v1/areas/?level=town").json()["features"][0]
    ring = town["geometry"]["coordinates"][0][0]
    assert [106.26, 29.98] in ring and [106.27, 29.99] in ring


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_ogrinfo_reads_the_areas_and_facilities_geojson(live_server, tmp_path, reference_data):
    """What QGIS does: GDAL's GeoJSON driver opens the API's answers straight from their URLs."""
    import shutil
    import subprocess

    from django.contrib.gis.geos import Point

    from facilities.models import Facility

    ogrinfo = shutil.which("ogrinfo")
    assert ogrinfo, "gdal-bin (ogrinfo) is part of the development setup"
    _import_town_and_community(tmp_path)
    Facility.objects.create(
        name="边界测试托育点", kind="nursery", town_id="500117001000", status="operating",
        location=Point(106.265, 29.985, srid=4326),
    )  # fmt: skip

    def summary(path: str) -> str:
        result = subprocess.run(
            [ogrinfo, "-ro", "-al", "-so", f"{live_server.url}{path}"],
            capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        return result.stdout

    towns = summary("/api/v1/areas/?level=town")
    assert "using driver `GeoJSON' successful" in towns and "Geometry: Multi Polygon" in towns
    assert "Feature Count: 30" in towns
    assert "Extent: (106.260000, 29.980000) - (106.270000, 29.990000)" in towns  # the one loaded boundary
    assert "name: String" in towns and "parent: String" in towns
    communities = summary("/api/v1/areas/?level=community&parent=500117001000")
    assert "Feature Count: 1" in communities and "Geometry: Multi Polygon" in communities
    facilities = summary("/api/v1/facilities/geojson/?kind=nursery")
    assert "Geometry: Point" in facilities and "Feature Count: 1" in facilities
    assert "kind_display: String" in facilities


def test_reference_file_is_what_migrate_loads():
    """fixtures/areas.json is the one source: the database after migrate holds exactly its areas."""
    from hechuan_portal.areas.reference import read_reference

    areas = read_reference()
    assert len(areas) == 31
    assert {(a.code, a.name, a.level, a.parent) for a in areas} == set(
        AdminArea.objects.values_list("code", "name", "level", "parent_id")
    )


def test_load_reference_restores_a_renamed_town_and_keeps_its_centroid():
    from django.contrib.gis.geos import Point

    from hechuan_portal.accounts.roles import SYSTEM
    from hechuan_portal.areas.services import areas_load_reference

    AdminArea.objects.filter(code="500117126000").update(name="改名", centroid=Point(106.3, 30.1, srid=4326))
    assert areas_load_reference(actor=SYSTEM) == 31
    town = AdminArea.objects.get(code="500117126000")
    assert town.name == "双槐镇" and town.centroid.coords == (106.3, 30.1)
    assert AdminArea.objects.count() == 31


def test_boundary_import_is_for_district_admins_only(tmp_path, officer_a, district_staff):
    from hechuan_portal.areas.services import boundaries_import
    from hechuan_portal.common.errors import PortalError

    path = _write(
        tmp_path,
        [{"type": "Feature", "properties": {"code": "500117001000"}, "geometry": _square(106.26, 29.98)}],
    )
    for user in (officer_a, district_staff):
        with pytest.raises(PortalError) as exc:
            boundaries_import(path=path, actor=user)
        assert (exc.value.code, exc.value.status) == ("not_allowed", 403)
    assert AdminArea.objects.get(code="500117001000").boundary is None


def test_bad_boundary_file_error_lists_each_problem_by_code(tmp_path):
    from hechuan_portal.accounts.roles import SYSTEM
    from hechuan_portal.areas.error_codes import ErrorCode
    from hechuan_portal.areas.services import boundaries_import
    from hechuan_portal.common.errors import PortalError

    path = _write(
        tmp_path,
        [
            {"type": "Feature", "properties": {"code": "110105000000"}, "geometry": _square(116.4, 39.9)},
            {"type": "Feature", "properties": {"code": "500117099000"}, "geometry": _square(106.3, 30.0)},
        ],
    )
    with pytest.raises(PortalError) as exc:
        boundaries_import(path=path, actor=SYSTEM)
    assert exc.value.code == ErrorCode.FILE_INVALID and exc.value.params["count"] == 2
    assert exc.value.detail.splitlines()[1:] == [
        "第 1 个要素：区划代码“110105000000”无效，应为合川区的 12 位代码",
        "第 2 个要素：镇街 500117099000 不在区划表中",
    ]
