"""Pure rules (standards.py): extent, stale capacity, walking time, population split, greedy sites."""

import datetime as dt

import pytest

from facilities import standards


@pytest.mark.parametrize(
    ("lng", "lat", "inside"),
    [
        (106.266, 29.991, True),
        (105.97, 29.85, True),  # edges are inside
        (106.68, 30.37, True),
        (105.9699, 29.99, False),
        (106.6801, 29.99, False),
        (106.27, 29.8499, False),
        (106.27, 30.3701, False),
        (29.991, 106.266, False),
    ],
)
def test_in_district_extent(lng, lat, inside):
    assert standards.in_district_extent(lng, lat) is inside


def test_looks_swapped_only_when_the_swap_lands_inside():
    assert standards.looks_swapped(29.991, 106.266) is True
    assert standards.looks_swapped(106.266, 29.991) is False
    assert standards.looks_swapped(116.4, 39.9) is False


def test_capacity_is_stale_after_thirty_days_or_when_never_reported():
    now = dt.datetime(2026, 11, 30, 12, tzinfo=dt.UTC)
    assert standards.is_capacity_stale(None, now) is True
    assert standards.is_capacity_stale(now - dt.timedelta(days=30), now) is False
    assert standards.is_capacity_stale(now - dt.timedelta(days=30, seconds=1), now) is True
    assert standards.is_capacity_stale(now - dt.timedelta(days=1), now) is False


@pytest.mark.parametrize(("metres", "minutes"), [(0, 1), (10, 1), (600, 13), (1000, 22), (2000, 44)])
def test_walking_minutes(metres, minutes):
    # 1.3 detour factor at 60 m/min: 1000 m → 1300 m → 21.67 → 22 minutes.
    assert standards.walking_minutes(metres) == minutes


def test_split_population():
    assert standards.split_population(None) == (0, 0)
    assert standards.split_population(0) == (0, 0)
    assert standards.split_population(4000) == (1000, 100)
    assert standards.split_population(1234) == (308, 31)


@pytest.mark.parametrize(
    "value", ["", "106.2", "a,b", "106.2,29.9,1", "200,29", "106,-91", "nan,29", "inf,29"]
)
def test_parse_near_rejects(value):
    with pytest.raises(ValueError):
        standards.parse_near(value)


def test_parse_near_accepts_spaces():
    assert standards.parse_near(" 106.27 , 29.99 ") == (106.27, 29.99)


def test_status_transitions():
    assert standards.can_transition("planned", "operating")
    assert standards.can_transition("operating", "suspended")
    assert standards.can_transition("suspended", "operating")
    assert standards.can_transition("suspended", "closed")
    assert standards.can_transition("closed", "planned")
    assert not standards.can_transition("planned", "suspended")
    assert not standards.can_transition("closed", "operating")
    assert not standards.can_transition("operating", "operating")
    assert not standards.can_transition("operating", "bogus")


def test_greedy_sites_picks_the_biggest_gain_then_what_is_left():
    uncovered = {"A": 100, "B": 80, "C": 70, "D": 5, "E": 0}
    covers = {"x": ["A"], "y": ["B", "C"], "z": ["A", "D"], "w": ["E"]}
    picks = standards.greedy_sites(uncovered, covers, 3)
    assert picks == [("y", 150, ["B", "C"]), ("z", 105, ["A", "D"])]


def test_greedy_sites_ties_go_to_the_smaller_code_and_k_limits():
    picks = standards.greedy_sites({"A": 10, "B": 10}, {"q": ["A"], "p": ["B"]}, 1)
    assert picks == [("p", 10, ["B"])]
    assert standards.greedy_sites({"A": 10}, {"p": ["A"]}, 0) == []
    assert standards.greedy_sites({}, {"p": ["A"]}, 3) == []


def test_service_circle_file_follows_standards_section_7():
    from facilities.reference import service_circle_layers

    radii = {layer["code"]: layer["radius_m"] for layer in service_circle_layers()}
    assert radii == {
        "elder_home_care": 1000,
        "day_care": 500,
        "elder_meals": 1000,
        "childcare_near": 300,
        "childcare_15min": 1000,
    }


def test_near_box_spans_every_longitude_at_a_pole_or_across_the_antimeridian():
    assert standards.near_box(10.0, 89.99, 5000)[0::2] == (-180.0, 180.0)
    assert standards.near_box(179.99, 0.0, 5000)[0::2] == (-180.0, 180.0)
    west, south, east, north = standards.near_box(106.27, 30.0, 2000)
    assert west < 106.27 < east and south < 30.0 < north


@pytest.mark.django_db
@pytest.mark.parametrize(("lng", "lat"), [(106.27, 30.0), (0.0, 0.0), (25.0, -60.0), (-70.0, 80.0)])
@pytest.mark.parametrize("radius", [1, 2000, 50000])
def test_near_box_holds_the_geodesic_circle_and_little_more(lng, lat, radius):
    """Points `radius` metres away in 72 directions, computed by PostGIS on the spheroid
    (ST_Project), all fall inside the box; the box is at most 1 % taller than the circle."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_X(p::geometry), ST_Y(p::geometry) FROM generate_series(0, 355, 5) AS az,"
            " ST_Project(ST_SetSRID(ST_MakePoint(%s, %s), 4326)::geography, %s, radians(az)) AS p",
            [lng, lat, radius],
        )
        ring = cursor.fetchall()
    west, south, east, north = standards.near_box(lng, lat, radius)
    assert all(west <= x <= east and south <= y <= north for x, y in ring)
    reach = max(y for _x, y in ring) - lat
    assert north - lat <= 1.01 * reach + 1e-5
