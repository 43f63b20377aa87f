"""导航 links (facilities/directions.py): the WGS 84 → GCJ-02 → BD-09 transforms against published
reference points, and each app's link carrying the coordinates of its own system."""

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest

from facilities import directions, standards

# Reference pairs published with the widely used transform (wandergis/coordtransform, test/app.js):
# wgs84togcj02(116.404, 39.915) and gcj02tobd09(116.404, 39.915).
WGS_TO_GCJ = ((116.404, 39.915), (116.41024449916938, 39.91640428150164))
GCJ_TO_BD = ((116.404, 39.915), (116.41036949371029, 39.92133699351021))


def test_wgs84_to_gcj02_matches_the_reference_point():
    (lng, lat), expected = WGS_TO_GCJ
    assert directions.wgs84_to_gcj02(lng, lat) == pytest.approx(expected, abs=1e-9)


def test_gcj02_to_bd09_matches_the_reference_point():
    (lng, lat), expected = GCJ_TO_BD
    assert directions.gcj02_to_bd09(lng, lat) == pytest.approx(expected, abs=1e-9)


def test_the_shift_in_hechuan_is_the_known_few_hundred_metres():
    """At the district seat GCJ-02 lies ≈ 0.0038° east and 0.0026° south of WGS 84 (≈ 450 m), BD-09 a
    further ≈ 0.0065° east and 0.006° north: a link without the conversion lands blocks away."""
    lng, lat = standards.DISTRICT_SEAT
    g_lng, g_lat = directions.wgs84_to_gcj02(lng, lat)
    assert 0.003 < g_lng - lng < 0.005 and -0.004 < g_lat - lat < -0.001
    b_lng, b_lat = directions.gcj02_to_bd09(g_lng, g_lat)
    assert 0.006 < b_lng - g_lng < 0.008 and 0.005 < b_lat - g_lat < 0.007


def test_outside_china_nothing_moves():
    assert directions.wgs84_to_gcj02(2.35, 48.85) == (2.35, 48.85)


def test_each_link_carries_its_apps_coordinates_and_flag():
    lng, lat = 106.27, 30.0
    links = {link.app: link for link in directions.map_links(lng, lat, "滨江食堂", "合阳大道 1 号")}
    g_lng, g_lat = directions.wgs84_to_gcj02(lng, lat)
    b_lng, b_lat = directions.wgs84_to_bd09(lng, lat)
    amap = parse_qs(urlsplit(links["amap"].url).query)
    assert amap == {
        "position": [f"{g_lng:.6f},{g_lat:.6f}"], "name": ["滨江食堂"], "coordinate": ["gaode"],
        "callnative": ["1"], "src": [directions.SOURCE],
    }  # fmt: skip
    baidu = parse_qs(urlsplit(links["baidu"].url).query)
    assert baidu["location"] == [f"{b_lat:.6f},{b_lng:.6f}"] and baidu["coord_type"] == ["bd09ll"]
    tencent = parse_qs(urlsplit(links["tencent"].url).query)
    assert tencent["marker"] == [f"coord:{g_lat:.6f},{g_lng:.6f};title:滨江食堂;addr:合阳大道 1 号"]
    assert tencent["coord_type"] == ["2"]
    assert parse_qs(urlsplit(links["tianditu"].url).query)["ll"] == ["106.270000,30.000000"]


@pytest.mark.parametrize(
    "text, when, expected",
    [
        ("全天", dt.datetime(2026, 12, 12, 3, 0), True),
        ("周一至周五 8:30–17:30", dt.datetime(2026, 12, 7, 8, 30), True),  # Monday, opening minute
        ("周一至周五 8:30–17:30", dt.datetime(2026, 12, 7, 17, 30), False),  # closing minute
        ("周一至周五 8:30–17:30", dt.datetime(2026, 12, 12, 10, 0), False),  # Saturday
        ("每日 11:00–13:00，17:00–18:30", dt.datetime(2026, 12, 13, 17, 45), True),
        ("每日 11:00–13:00，17:00–18:30", dt.datetime(2026, 12, 13, 15, 0), False),
        ("周三、周六 9:00–16:00（需预约）", dt.datetime(2026, 12, 9, 9, 0), True),  # Wednesday
        ("周三、周六 9:00–16:00（需预约）", dt.datetime(2026, 12, 10, 9, 0), False),  # Thursday
        ("周一至周五 8:00-12:00；周六 9:00-11:00", dt.datetime(2026, 12, 12, 10, 0), True),
        ("周一至周五 8:00-12:00；周六 9:00-11:00", dt.datetime(2026, 12, 12, 11, 30), False),
        ("工作日 9:00~17:00", dt.datetime(2026, 12, 13, 10, 0), False),  # Sunday
        ("夜间 22:00–06:00", dt.datetime(2026, 12, 8, 2, 0), True),  # past midnight
        ("", dt.datetime(2026, 12, 7, 10, 0), None),
        ("请电话咨询", dt.datetime(2026, 12, 7, 10, 0), None),
    ],
)
def test_opening_hours_as_facilities_write_them(text, when, expected):
    assert standards.opening_hours_open(text, when) is expected
