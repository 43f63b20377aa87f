"""Directions (导航) to a facility in the map apps residents in Chongqing use. Pure functions, no ORM.

The portal stores WGS 84. 天地图 draws CGCS2000, which is WGS 84 to within a metre, so it takes the
stored point as it is. 高德 and 腾讯 draw GCJ-02 and 百度 BD-09: each link carries the point converted
with the published transforms below, and names the system it is in where the link format has a flag
for it (高德 `coordinate=gaode`, 百度 `coord_type=bd09ll`, 腾讯 `coord_type=2`), so that the facility
lands on the same building in every app. facilities/tests/test_directions.py checks the transforms
against reference points.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

from django.utils.translation import gettext_lazy as _

# GCJ-02 (GB/T, "火星坐标"): the Krasovsky ellipsoid and the obfuscation series everyone publishes.
_GCJ_A = 6378245.0
_GCJ_EE = 0.00669342162296594323
_BD_X_PI = math.pi * 3000.0 / 180.0
SOURCE = "hechuan-portal"  # the `src` / `referer` the map apps ask callers to name themselves by


def _out_of_china(lng: float, lat: float) -> bool:
    return not (73.66 < lng < 135.05 and 3.86 < lat < 53.55)


def _shift_lat(x: float, y: float) -> float:
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (160.0 * math.sin(y / 12.0 * math.pi) + 320.0 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return ret


def _shift_lng(x: float, y: float) -> float:
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return ret


def wgs84_to_gcj02(lng: float, lat: float) -> tuple[float, float]:
    """WGS 84 → GCJ-02 (高德, 腾讯). Outside China the two are the same."""
    if _out_of_china(lng, lat):
        return lng, lat
    dlat = _shift_lat(lng - 105.0, lat - 35.0)
    dlng = _shift_lng(lng - 105.0, lat - 35.0)
    radlat = lat / 180.0 * math.pi
    magic = 1 - _GCJ_EE * math.sin(radlat) ** 2
    sqrtmagic = math.sqrt(magic)
    dlat = (dlat * 180.0) / ((_GCJ_A * (1 - _GCJ_EE)) / (magic * sqrtmagic) * math.pi)
    dlng = (dlng * 180.0) / (_GCJ_A / sqrtmagic * math.cos(radlat) * math.pi)
    return lng + dlng, lat + dlat


def gcj02_to_bd09(lng: float, lat: float) -> tuple[float, float]:
    """GCJ-02 → BD-09 (百度)."""
    z = math.sqrt(lng * lng + lat * lat) + 0.00002 * math.sin(lat * _BD_X_PI)
    theta = math.atan2(lat, lng) + 0.000003 * math.cos(lng * _BD_X_PI)
    return z * math.cos(theta) + 0.0065, z * math.sin(theta) + 0.006


def wgs84_to_bd09(lng: float, lat: float) -> tuple[float, float]:
    return gcj02_to_bd09(*wgs84_to_gcj02(lng, lat))


@dataclass(frozen=True, slots=True)
class MapLink:
    app: str  # amap, baidu, tencent, tianditu
    label: Any  # the app's own name, as residents know it (lazy translation)
    url: str


def _c(value: float) -> str:
    return f"{value:.6f}"


def map_links(lng: float, lat: float, name: str, address: str = "") -> list[MapLink]:
    """导航 links to a WGS 84 point in 高德, 百度, 腾讯 and 天地图 (web links; on a phone with the app
    installed they open the app)."""
    g_lng, g_lat = wgs84_to_gcj02(lng, lat)
    b_lng, b_lat = gcj02_to_bd09(g_lng, g_lat)
    amap = "https://uri.amap.com/marker?" + urlencode(
        {
            "position": f"{_c(g_lng)},{_c(g_lat)}",
            "name": name,
            "coordinate": "gaode",
            "callnative": 1,
            "src": SOURCE,
        }
    )
    baidu = "https://api.map.baidu.com/marker?" + urlencode(
        {
            "location": f"{_c(b_lat)},{_c(b_lng)}",
            "title": name,
            "content": address or name,
            "coord_type": "bd09ll",
            "output": "html",
            "src": SOURCE,
        }
    )
    tencent = "https://apis.map.qq.com/uri/v1/marker?" + urlencode(
        {
            "marker": f"coord:{_c(g_lat)},{_c(g_lng)};title:{name};addr:{address or name}",
            "coord_type": 2,
            "referer": SOURCE,
        },
        quote_via=quote,
    )
    tianditu = "https://map.tianditu.gov.cn/?" + urlencode({"ll": f"{_c(lng)},{_c(lat)}", "l": 17})
    return [
        MapLink("amap", _("高德地图"), amap),
        MapLink("baidu", _("百度地图"), baidu),
        MapLink("tencent", _("腾讯地图"), tencent),
        MapLink("tianditu", _("天地图"), tianditu),
    ]
