"""The residents' finder at / (server-rendered, works without JavaScript) and the public page."""

import io

import pytest
from django.core.management import call_command

from facilities.models import CommunityCoverage, Facility, FacilityKind, FacilityStatus
from hechuan_portal.areas.models import AdminArea

from .factories import TOWN_A, TOWN_B, FacilityFactory, make_community, pt

pytestmark = pytest.mark.django_db


@pytest.fixture
def canteens(db):
    far = FacilityFactory(
        name="远处老年食堂", kind=FacilityKind.ELDER_CANTEEN, location=pt(106.270, 30.010), phone="023-1"
    )
    near = FacilityFactory(
        name="近处老年食堂",
        kind=FacilityKind.ELDER_CANTEEN,
        location=pt(106.270, 30.002),
        phone="023-42759999",
    )
    FacilityFactory(
        name="附近敬老院",
        kind=FacilityKind.NURSING_HOME,
        location=pt(106.270, 30.001),
        beds_total=50,
        beds_occupied=40,
    )
    FacilityFactory(
        name="筹建食堂",
        kind=FacilityKind.ELDER_CANTEEN,
        location=pt(106.270, 30.0005),
        status=FacilityStatus.PLANNED,
    )
    return near, far


def test_home_without_a_place_asks_for_one(client):
    response = client.get("/")
    assert response.status_code == 200
    assert response.context["results"] is None
    body = response.content.decode()
    assert "找身边的养老、助餐、托育服务" in body and "双槐镇" in body


def test_list_by_distance_with_need_filter_and_tap_to_call(client, canteens):
    response = client.get("/", {"lng": "106.270", "lat": "30.000", "need": "meals"})
    names = [f["name"] for f in response.context["results"]]
    assert names == ["近处老年食堂", "远处老年食堂"]  # planned ones are not public
    body = response.content.decode()
    assert 'href="tel:023-42759999"' in body
    assert "约 222 米" in body  # 0.002° of latitude at 30° N ≈ 221.7 m
    assert "步行约 5 分钟" in body


def test_vacancies_are_shown(client, canteens):
    body = client.get("/", {"lng": "106.270", "lat": "30.000", "need": "elder_care"}).content.decode()
    assert "空余床位 10 张（共 50 张）" in body


def test_town_pick_lists_that_towns_services(client, canteens):
    FacilityFactory(
        name="钓鱼城食堂", kind=FacilityKind.ELDER_CANTEEN, town_id=TOWN_B, location=pt(106.30, 30.02)
    )
    response = client.get("/", {"town": TOWN_B})
    assert [f["name"] for f in response.context["results"]] == ["钓鱼城食堂"]


def test_town_with_a_centroid_sorts_by_distance_from_it(client, canteens):
    AdminArea.objects.filter(code=TOWN_A).update(centroid=pt(106.270, 30.011))
    response = client.get("/", {"town": TOWN_A, "need": "meals"})
    assert [f["name"] for f in response.context["results"]] == ["远处老年食堂", "近处老年食堂"]


def test_bad_coordinates_fall_back_to_asking(client, canteens):
    assert client.get("/", {"lng": "abc", "lat": "30"}).context["results"] is None


def test_public_page_shows_public_fields_only(client, canteens):
    near, _far = canteens
    Facility.objects.filter(pk=near.pk).update(licence_number="LIC-SECRET", operator_name="某运营公司")
    body = client.get(f"/f/{near.pk}/").content.decode()
    assert "近处老年食堂" in body and "tel:023-42759999" in body
    assert "LIC-SECRET" not in body and "某运营公司" not in body
    planned = Facility.objects.get(name="筹建食堂")
    assert client.get(f"/f/{planned.pk}/").status_code == 404


@pytest.mark.parametrize("n", [1, 25])
def test_finder_query_count_is_constant(client, django_assert_num_queries, n):
    for i in range(n):
        FacilityFactory(
            name=f"食堂{i}", kind=FacilityKind.ELDER_CANTEEN, location=pt(106.27, 30.0 + i * 0.0001)
        )
    client.get("/", {"lng": "106.27", "lat": "30.0"})  # warm-up (PostGIS version)
    with django_assert_num_queries(2):  # results, towns
        response = client.get("/", {"lng": "106.27", "lat": "30.0", "need": "meals"})
    assert len(response.context["results"]) == n


def test_seed_demo_is_deterministic_and_marked(db):
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    first = list(
        Facility.objects.order_by("town_id", "name").values_list("name", "kind", "location", "beds_total")
    )
    assert len(first) > 300
    assert set(Facility.objects.values_list("kind", flat=True)) == set(FacilityKind.values)
    assert not Facility.objects.filter(is_demo=False).exists()
    assert not AdminArea.objects.communities().filter(is_synthetic=False).exists()
    # Every community centroid lies inside its (synthetic) town; every facility inside its town.
    assert AdminArea.objects.communities().count() == 254
    for community in AdminArea.objects.communities().select_related("parent"):
        assert community.parent.boundary.contains(community.centroid)
    for facility in Facility.objects.select_related("town")[:50]:
        facility.full_clean()
    assert CommunityCoverage.objects.exists()
    call_command("seed_demo", stdout=io.StringIO())
    second = list(
        Facility.objects.order_by("town_id", "name").values_list("name", "kind", "location", "beds_total")
    )
    assert [(a, b, c.wkt, d) for a, b, c, d in first] == [(a, b, c.wkt, d) for a, b, c, d in second]
    assert "演示数据" in io.StringIO(out.getvalue()).getvalue()


def test_community_pick_uses_its_centroid(client, canteens):
    make_community("500117001001", "一社区", 106.270, 30.0095)
    response = client.get("/", {"community": "500117001001", "need": "meals"})
    assert [f["name"] for f in response.context["results"]][0] == "远处老年食堂"


def test_town_pick_offers_its_communities_and_a_community_narrows_the_list(client, canteens):
    make_community("500117001001", "一社区", 106.270, 30.0095)
    make_community("500117002001", "乙社区", 106.300, 30.02)
    body = client.get("/", {"town": TOWN_A}).content.decode()
    assert "一社区" in body and "乙社区" not in body
    response = client.get("/", {"town": TOWN_A, "community": "500117001001", "need": "meals"})
    assert response.context["source"] == "community"
    assert [f["name"] for f in response.context["results"]][0] == "远处老年食堂"


def test_a_community_of_another_town_is_ignored(client, canteens):
    make_community("500117002001", "乙社区", 106.300, 30.02)
    response = client.get("/", {"town": TOWN_A, "community": "500117002001"})
    assert response.context["source"] == "town"
