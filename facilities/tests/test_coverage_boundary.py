"""The service circle at its boundary (STANDARDS §7, issue 18): the nearest facility is chosen by the
spheroid distance — a day care 499 m away beats one 500.8 m away even though the sphere (the index's
KNN order) ranks them the other way — and the covered share is weighted by the communities'
population where they carry one."""

import pytest
from django.db import connection

from facilities.models import CommunityCoverage, FacilityKind, ServiceLayer
from facilities.selectors import WEIGHT_MIXED, WEIGHT_POPULATION, coverage_by_town, coverage_weighting
from facilities.services import coverage_refresh
from hechuan_portal.accounts.roles import SYSTEM

from .factories import FacilityFactory, make_community, pt
from .test_coverage import resident

pytestmark = pytest.mark.django_db

ORIGIN = (106.270, 30.000)
NORTH, EAST = 0.0, 90.0


def projected(metres: float, azimuth_deg: float) -> tuple[float, float]:
    """The point `metres` from ORIGIN along the azimuth, on the WGS 84 spheroid (PostGIS ST_Project)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_X(p::geometry), ST_Y(p::geometry) FROM "
            "(SELECT ST_Project(ST_SetSRID(ST_MakePoint(%s, %s), 4326)::geography, %s, radians(%s)) AS p) q",
            [*ORIGIN, metres, azimuth_deg],
        )
        return cursor.fetchone()


def distances(lng_lat: tuple[float, float]) -> tuple[float, float]:
    """(spheroid, sphere) metres from ORIGIN."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_Distance(a, b, true), ST_Distance(a, b, false) FROM (SELECT "
            "ST_SetSRID(ST_MakePoint(%s, %s), 4326)::geography AS a, "
            "ST_SetSRID(ST_MakePoint(%s, %s), 4326)::geography AS b) q",
            [*ORIGIN, *lng_lat],
        )
        return cursor.fetchone()


def day_care_row(code="500117001001"):
    return CommunityCoverage.objects.select_related("nearest").get(layer__code="day_care", community_id=code)


@pytest.fixture
def community(db):
    assert ServiceLayer.objects.get(code="day_care").radius_m == 500
    return make_community("500117001001", "边界社区", *ORIGIN, population=4000)


def test_499_m_north_beats_500_8_m_east_though_the_sphere_ranks_them_the_other_way(community):
    north, east = projected(499.0, NORTH), projected(500.8, EAST)
    (north_spheroid, north_sphere), (east_spheroid, east_sphere) = distances(north), distances(east)
    assert round(north_spheroid, 1) == 499.0 and round(east_spheroid, 1) == 500.8
    assert east_sphere < north_sphere  # the sphere (the KNN order) prefers the wrong one
    FacilityFactory(name="北侧日照", kind=FacilityKind.DAY_CARE, location=pt(*north))
    FacilityFactory(name="东侧日照", kind=FacilityKind.DAY_CARE, location=pt(*east))
    coverage_refresh(actor=SYSTEM)
    row = day_care_row()
    assert row.nearest.name == "北侧日照"
    assert round(row.distance_m, 1) == 499.0
    assert row.covered is True


def test_only_the_500_8_m_one_leaves_the_community_uncovered(community):
    FacilityFactory(name="东侧日照", kind=FacilityKind.DAY_CARE, location=pt(*projected(500.8, EAST)))
    coverage_refresh(actor=SYSTEM)
    row = day_care_row()
    assert round(row.distance_m, 1) == 500.8 and row.covered is False


def test_exactly_500_m_is_covered_and_500_1_m_is_not(community):
    FacilityFactory(name="五百米", kind=FacilityKind.DAY_CARE, location=pt(*projected(500.0, EAST)))
    coverage_refresh(actor=SYSTEM)
    assert day_care_row().covered is True
    make_community("500117001002", "远一点社区", 106.300, 30.000, population=100)
    other = projected(500.1, NORTH)
    FacilityFactory(name="北五百", kind=FacilityKind.DAY_CARE, location=pt(other[0] + 0.03, other[1]))
    coverage_refresh(actor=SYSTEM)
    row = day_care_row("500117001002")
    assert row.nearest.name == "北五百" and row.covered is False


def test_the_share_is_weighted_by_population_where_communities_carry_it(community):
    # The community carrying a population counts its estimate (25 % of 4,000), not its 2 records.
    resident(1, community, 70)
    resident(2, community, 75)
    far = make_community("500117001002", "远社区", 106.300, 30.000, population=None)
    for n in range(3, 8):
        resident(n, far, 65)
    FacilityFactory(name="近日照", kind=FacilityKind.DAY_CARE, location=pt(*projected(300, NORTH)))
    coverage_refresh(actor=SYSTEM)
    layer = ServiceLayer.objects.get(code="day_care")
    (town,) = coverage_by_town(user=SYSTEM, layer=layer)
    assert (town.people, town.covered_people, town.from_population) == (1005, 1000, 1)
    assert str(town.share) == "99.50"  # 1,000 of 1,005 people, not 1 of 2 communities
    assert coverage_weighting([town]) == WEIGHT_MIXED
    far.population = 20
    far.save()
    coverage_refresh(actor=SYSTEM)
    (town,) = coverage_by_town(user=SYSTEM, layer=layer)
    assert (town.people, town.covered_people) == (1005, 1000)  # 25 % of 20 = 5
    assert coverage_weighting([town]) == WEIGHT_POPULATION


def test_the_page_shows_the_weighted_share_and_says_which(community, staff_client):
    FacilityFactory(name="近日照", kind=FacilityKind.DAY_CARE, location=pt(*projected(300, NORTH)))
    coverage_refresh(actor=SYSTEM)
    body = staff_client.get("/manage/facilities/coverage/?layer=day_care").content.decode()
    assert "100.00%" in body and "按人口加权" in body
