"""The 15-minute service circle on a small hand-made layout: distances, covered flags, people,
per-town table, greedy site suggestions, the task, the lock and the page."""

import datetime as dt
import math

import psycopg
import pytest
from django.db import connection
from django.utils import timezone

from facilities.models import CommunityCoverage, CoverageRun, FacilityKind, FacilityStatus, ServiceLayer
from facilities.selectors import coverage_by_town, coverage_suggestions
from facilities.services import CoverageBusy, coverage_refresh
from facilities.tasks import refresh_coverage
from hechuan_portal.accounts.roles import SYSTEM
from hechuan_portal.common.locks import LockName, lock_key
from hechuan_portal.residents.models import Resident

from .factories import TOWN_A, FacilityFactory, make_community, pt

pytestmark = pytest.mark.django_db

M_PER_DEG_LAT_30N = 110852.4  # meridian arc at 30° N, see test_api.py


def resident(n: int, community, years: float, status="normal"):
    born = timezone.localdate() - dt.timedelta(days=int(years * 365.25))
    return Resident.objects.create(
        id_cipher=b"x",
        id_index=f"idx{n}",
        id_masked="500117********000X",
        name=f"居民{n}",
        gender="M",
        birth_date=born,
        hukou_code=community.code,
        town_id=TOWN_A,
        community=community,
        status=status,
        death_date=timezone.localdate() if status == "deceased" else None,
        extract_date=timezone.localdate(),
    )


@pytest.fixture
def layout(db):
    c1 = make_community("500117001001", "一社区", 106.270, 30.000, population=4000)
    c2 = make_community("500117001002", "二社区", 106.270, 30.020, population=2000)
    c3 = make_community("500117001003", "三社区", 106.270, 30.030, population=None)
    # C3 carries no population: its household records count instead of the population estimate.
    resident(1, c3, 70)
    resident(2, c3, 61)
    resident(3, c3, 85)
    resident(4, c3, 1)
    resident(5, c3, 40)
    resident(6, c3, 80, status="deceased")
    FacilityFactory(name="日照中心", kind=FacilityKind.DAY_CARE, location=pt(106.270, 30.004))
    FacilityFactory(
        name="筹建日照",
        kind=FacilityKind.DAY_CARE,
        location=pt(106.270, 30.020),
        status=FacilityStatus.PLANNED,
    )
    return c1, c2, c3


def rows(layer_code):
    return {
        r.community_id: r
        for r in CommunityCoverage.objects.filter(layer__code=layer_code).select_related("nearest")
    }


def test_distances_covered_flags_and_people(layout):
    run = coverage_refresh(actor=SYSTEM)
    assert (run.status, run.communities, run.rows) == ("done", 3, 15)
    day = rows("day_care")
    c1, c2, c3 = day["500117001001"], day["500117001002"], day["500117001003"]
    assert math.isclose(c1.distance_m, 0.004 * M_PER_DEG_LAT_30N, abs_tol=1.0)
    assert math.isclose(c2.distance_m, 0.016 * M_PER_DEG_LAT_30N, abs_tol=2.0)
    assert math.isclose(c3.distance_m, 0.026 * M_PER_DEG_LAT_30N, abs_tol=3.0)
    assert (c1.covered, c2.covered, c3.covered) == (True, False, False)
    assert c1.nearest.name == "日照中心"  # the planned one next to C2 does not count
    # Elders: 25 % of the population where there are no records; counted from records in C3.
    assert (c1.people, c1.people_estimated) == (1000, True)
    assert (c2.people, c3.people, c3.people_estimated) == (500, 3, False)
    # Children 0–3: 2.5 % estimate, or records (one toddler in C3).
    child = rows("childcare_near")
    assert (child["500117001001"].people, child["500117001003"].people) == (100, 1)
    assert child["500117001001"].nearest is None and child["500117001001"].covered is False
    # The 1000 m home-care layer counts day care too: C1 covered, C2 (1774 m) not.
    home = rows("elder_home_care")
    assert (home["500117001001"].covered, home["500117001002"].covered) == (True, False)


def test_radius_is_configuration(layout):
    ServiceLayer.objects.filter(code="day_care").update(radius_m=2000)
    coverage_refresh(actor=SYSTEM)
    day = rows("day_care")
    assert (day["500117001001"].covered, day["500117001002"].covered, day["500117001003"].covered) == (
        True,
        True,
        False,
    )


def test_refresh_is_idempotent(layout):
    coverage_refresh(actor=SYSTEM)
    first = list(
        CommunityCoverage.objects.order_by("community_id", "layer_id").values_list(
            "community_id", "layer_id", "distance_m", "covered", "people"
        )
    )
    coverage_refresh(actor=SYSTEM)
    second = list(
        CommunityCoverage.objects.order_by("community_id", "layer_id").values_list(
            "community_id", "layer_id", "distance_m", "covered", "people"
        )
    )
    assert first == second


def test_town_table_and_greedy_suggestions(layout, district_staff, officer_b):
    coverage_refresh(actor=SYSTEM)
    layer = ServiceLayer.objects.get(code="day_care")
    (town,) = coverage_by_town(user=district_staff, layer=layer)
    assert (town.town_code, town.communities, town.covered, town.people, town.uncovered_people) == (
        TOWN_A,
        3,
        1,
        1503,
        503,
    )
    picks = coverage_suggestions(user=district_staff, layer=layer, k=5)
    # 500 m: C2 and C3 (1108 m apart) each reach only themselves → C2 (500 elders) then C3 (3).
    assert [(s.code, s.people, s.communities) for s in picks] == [
        ("500117001002", 500, ["二社区"]),
        ("500117001003", 3, ["三社区"]),
    ]
    assert coverage_suggestions(user=officer_b, layer=layer) == []
    wide = ServiceLayer.objects.get(code="childcare_15min")  # 1000 m: C2/C3 still apart
    assert [s.code for s in coverage_suggestions(user=district_staff, layer=wide, k=1)] == ["500117001001"]


def test_task_runs_the_service(layout):
    run_id = refresh_coverage.apply(kwargs={"user_id": None}).get()
    assert CoverageRun.objects.get(pk=run_id).status == "done"
    assert CommunityCoverage.objects.count() == 15


def test_a_second_refresh_while_one_runs_is_refused(layout):
    settings = connection.settings_dict
    other = psycopg.connect(
        host=settings["HOST"] or "127.0.0.1",
        port=settings["PORT"] or 5432,
        user=settings["USER"],
        password=settings["PASSWORD"] or None,
        dbname=settings["NAME"],
        autocommit=True,
    )
    try:
        other.execute("SELECT pg_advisory_lock(%s)", [lock_key(LockName.COVERAGE)])
        with pytest.raises(CoverageBusy):
            coverage_refresh(actor=SYSTEM)
        assert CoverageRun.objects.order_by("-id").first().status == "failed"
    finally:
        other.close()


def test_coverage_page_for_staff_and_refusals(staff_client, officer_a_client, operator_client, layout):
    coverage_refresh(actor=SYSTEM)
    body = staff_client.get("/manage/facilities/coverage/", {"layer": "day_care"}).content.decode()
    assert "合阳城街道" in body and "二社区" in body and "重新计算" in body
    assert "重新计算" not in officer_a_client.get("/manage/facilities/coverage/").content.decode()
    assert operator_client.get("/manage/facilities/coverage/").status_code == 403
    geo = staff_client.get("/api/v1/facilities/coverage/", {"layer": "day_care"}).json()
    assert sorted((f["properties"]["code"], f["properties"]["covered"]) for f in geo["features"]) == [
        ("500117001001", True), ("500117001002", False), ("500117001003", False)
    ]  # fmt: skip
    assert operator_client.get("/api/v1/facilities/coverage/").status_code == 403


def test_refresh_button_queues_the_task(
    staff_client, officer_a_client, layout, django_capture_on_commit_callbacks, celery_eager
):
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post("/manage/facilities/coverage/refresh/", {"layer": "day_care"})
    assert response.status_code == 302
    assert CommunityCoverage.objects.count() == 15
    assert officer_a_client.post("/manage/facilities/coverage/refresh/").status_code == 403


def test_nightly_refresh_is_scheduled_with_celery_beat():
    from django_celery_beat.models import PeriodicTask

    from hechuan_portal.celery import app

    task = PeriodicTask.objects.get(task="facilities.refresh_coverage")
    assert (task.enabled, task.crontab.hour, task.crontab.minute, str(task.crontab.timezone)) == (
        True, "2", "30", "Asia/Shanghai"
    )  # fmt: skip
    app.loader.import_default_modules()
    assert "facilities.refresh_coverage" in app.tasks
