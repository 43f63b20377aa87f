"""The residents' finder at / (server-rendered, works without JavaScript) and the public page."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

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
        capacity_reported_at=timezone.now(),
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
    assert names == ["近处老年食堂"]  # the walking radius of meals (1000 m) first; planned ones are not public
    assert response.context["radius"] == 1000 and "查看更远" in response.content.decode()
    farther = client.get("/", {"lng": "106.270", "lat": "30.000", "need": "meals", "far": "1"})
    assert [f["name"] for f in farther.context["results"]] == ["近处老年食堂", "远处老年食堂"]
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
    with django_assert_num_queries(3):  # walking radius (service layers), results, towns
        response = client.get("/", {"lng": "106.27", "lat": "30.0", "need": "meals"})
    assert len(response.context["results"]) == min(n, 10)  # 10 a page


# A small register: the facilities, towns and communities (the random parts checked here) are the
# same at any size; only their beds and populations follow the residents.
DEMO_RESIDENTS = 400
# The seeds that draw what is checked here (towns, communities, facilities) and the register the
# service circle counts. The other apps' demos change no facility row checked here and have their
# own determinism tests (childcare, monitoring, eldercare, community: test_demo.py); leaving them out
# keeps this test at seconds instead of minutes.
CHECKED_DEMOS = ["hechuan_portal.areas.demo", "facilities.demo", "hechuan_portal.residents.demo"]


def test_seed_demo_is_deterministic_and_marked(db, monkeypatch):
    from django.db.models import Sum

    from facilities.demo import BEDS_PER_1000_ELDERS
    from facilities.models import BED_KINDS
    from hechuan_portal.residents.demo import per_thousand_elders
    from overview.management.commands import seed_demo

    assert set(CHECKED_DEMOS) <= set(seed_demo.DEMO_MODULES)
    monkeypatch.setattr(seed_demo, "DEMO_MODULES", CHECKED_DEMOS)
    out = io.StringIO()
    call_command("seed_demo", residents=DEMO_RESIDENTS, stdout=out)
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
    # At the population's scale: the communities hold about the residents seeded, and the operating
    # homes' beds come to about BEDS_PER_1000_ELDERS (each at least a few beds).
    population = AdminArea.objects.communities().aggregate(n=Sum("population"))["n"]
    assert abs(population - DEMO_RESIDENTS) <= 254
    beds = Facility.objects.filter(kind__in=BED_KINDS, status=FacilityStatus.OPERATING).aggregate(
        n=Sum("beds_total")
    )["n"]
    target = per_thousand_elders(DEMO_RESIDENTS, BEDS_PER_1000_ELDERS)
    assert target <= beds <= target + 5 * Facility.objects.filter(kind__in=BED_KINDS).count()
    call_command("seed_demo", residents=DEMO_RESIDENTS, stdout=io.StringIO())
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


# -- issue 19 ------------------------------------------------------------------------------------


def _result_list(response) -> str:
    return response.content.decode().split('<ol class="result-list">')[1].split("</ol>")[0]


def test_suspended_is_greyed_with_its_status_never_a_vacancy(client):
    from django.utils import timezone

    FacilityFactory(
        name="暂停托育中心", kind=FacilityKind.NURSERY, status=FacilityStatus.SUSPENDED,
        location=pt(106.270, 30.001), places_total=20, places_occupied=12, capacity_reported_at=timezone.now(),
    )  # fmt: skip
    response = client.get("/", {"lng": "106.270", "lat": "30.000", "need": "childcare"})
    [row] = response.context["results"]
    assert row["vacancy_state"] == "unavailable"
    body = _result_list(response)
    assert "result-unavailable" in body and "暂停服务，暂不接收" in body and "空余托位" not in body
    vacant = client.get("/", {"lng": "106.270", "lat": "30.000", "need": "childcare", "vacant": "1"})
    assert vacant.context["results"] == []


def test_an_old_vacancy_says_how_old_and_asks_to_call(client):
    import datetime as dt

    from django.utils import timezone

    FacilityFactory(name="老数据敬老院", location=pt(106.270, 30.001), beds_total=50, beds_occupied=40,
                    capacity_reported_at=timezone.now() - dt.timedelta(days=45))  # fmt: skip
    body = _result_list(client.get("/", {"lng": "106.270", "lat": "30.000"}))
    assert "空位信息 45 天前更新，请电话确认" in body and "空余床位" not in body


def test_ten_a_page_with_more_walking_minutes_only_under_2_km(client):
    for i in range(12):
        FacilityFactory(name=f"食堂{i:02d}", kind=FacilityKind.ELDER_CANTEEN, location=pt(106.27, 30.0 + i * 0.0005))
    FacilityFactory(name="远方食堂", kind=FacilityKind.ELDER_CANTEEN, location=pt(106.27, 30.03))
    first = client.get("/", {"lng": "106.27", "lat": "30.0", "need": "meals"})
    assert len(first.context["results"]) == 10 and first.context["count"] == 12
    assert "n=2" in first.context["more_url"] and first.context["more_url"].endswith("#r11")
    second = client.get("/", {"lng": "106.27", "lat": "30.0", "need": "meals", "n": "2"})
    assert len(second.context["results"]) == 12 and second.context["more_url"] == ""
    far = client.get("/", {"lng": "106.27", "lat": "30.0", "need": "meals", "far": "1", "n": "2"})
    rows = {r["name"]: r for r in far.context["results"]}
    assert rows["远方食堂"]["walk_minutes"] is None  # 3.3 km: distance in km
    assert rows["食堂01"]["walk_minutes"] == 2
    assert "约 3.3 公里" in far.content.decode()


def test_result_and_facility_page_link_to_the_map_apps(client, canteens):
    near, _far = canteens
    Facility.objects.filter(pk=near.pk).update(fee_meals="8–12 元/餐", filing_status="filed")
    body = client.get("/", {"lng": "106.270", "lat": "30.000", "need": "meals"}).content.decode()
    assert "uri.amap.com" in body and "api.map.baidu.com" in body and "apis.map.qq.com" in body
    page = client.get(f"/f/{near.pk}/").content.decode()
    assert "8–12 元/餐" in page and "已备案" in page and "map.tianditu.gov.cn" in page and "导航" in page
