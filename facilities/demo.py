"""Demo data for facilities: synthetic town areas, communities and a few hundred facilities.

Everything here is invented (marked `is_synthetic` / `is_demo`, shown as 演示数据): real town
boundaries and community lists come from the district through `import_boundaries`. Deterministic
(fixed random seed) and idempotent: rows are upserted by their natural keys, so running the seed
twice gives the same data. Real boundaries or centroids already loaded are never overwritten.
"""

from __future__ import annotations

import datetime as dt
import math
import random

from django.contrib.gis.geos import Point
from django.db import connection, transaction
from django.utils import timezone

from hechuan_portal.areas.models import AdminArea, AreaLevel
from hechuan_portal.residents.demo import per_thousand_elders

from . import standards
from .models import (
    BED_KINDS,
    CHILDCARE_KINDS,
    CanteenSubtype,
    Facility,
    FacilityKind,
    FacilityStatus,
    FacilityStatusChange,
    FilingStatus,
    Ownership,
)
from .services import facilities_changed

SEED = 20250722  # the work plan's date (合川府办发〔2025〕27号)
# At the population's scale (residents/demo.py): the communities' populations add up to the residents
# seeded, and the beds of the operating and planned homes, care centres and day care to about
# BEDS_PER_1000_ELDERS (a demo assumption, the order of China's 每千名老年人养老床位数 of recent years).
BEDS_PER_1000_ELDERS = 30
MIN_DEMO_BEDS = 4  # the smallest home or day-care centre of a scaled-down demo
MIN_LNG, MIN_LAT, MAX_LNG, MAX_LAT = standards.DISTRICT_EXTENT
SEAT_LNG, SEAT_LAT = standards.DISTRICT_SEAT

# Regional elder-care centres the work plan names (STANDARDS §2).
REGIONAL_CENTRES = {
    "500117126000": "双槐区域养老服务中心",
    "500117117000": "三汇区域养老服务中心",
    "500117120000": "钱塘区域养老服务中心",
    "500117123000": "燕窝区域养老服务中心",
    "500117106000": "二郎川渝毗邻地区区域养老服务中心",
    "500117118000": "香龙川渝毗邻地区区域养老服务中心",
    "500117103000": "肖家川渝毗邻地区区域养老服务中心",
}

VILLAGE_WORDS = [
    "石龙",
    "新华",
    "金桥",
    "双河",
    "团结",
    "龙泉",
    "白果",
    "青杠",
    "桂花",
    "红岩",
    "长林",
    "高峰",
    "永安",
    "黄桷",
    "玉泉",
    "平安",
    "莲花",
    "凤凰",
    "大坪",
    "柏树",
    "三元",
    "古桥",
    "梨园",
    "竹林",
]
STREET_WORDS = [
    "滨江",
    "学府",
    "花园",
    "南门",
    "北城",
    "东津",
    "文峰",
    "龙腾",
    "阳光",
    "金沙",
    "瑞山",
    "广场",
    "朝阳",
    "嘉陵",
    "涪江",
    "渠江",
]

# (kind, per 街道, per 镇) — how many of each kind a town gets.
KIND_PLAN = [
    (FacilityKind.NURSING_HOME, 2, 1),
    (FacilityKind.COMMUNITY_ELDER_STATION, 4, 2),
    (FacilityKind.DAY_CARE, 2, 1),
    (FacilityKind.ELDER_CANTEEN, 4, 2),
    (FacilityKind.ELDER_UNIVERSITY, 1, 1),
    (FacilityKind.BATHING_POINT, 1, 1),
    (FacilityKind.NURSERY, 2, 1),
    (FacilityKind.CHILDCARE_POINT, 2, 1),
    (FacilityKind.KINDERGARTEN, 2, 1),
    (FacilityKind.EMPLOYER_NURSERY, 1, 0),
    (FacilityKind.MEDICAL_PARTNER, 1, 1),
]
KIND_NAME = {
    FacilityKind.NURSING_HOME: "敬老院",
    FacilityKind.COMMUNITY_ELDER_STATION: "社区养老服务站",
    FacilityKind.DAY_CARE: "日间照料中心",
    FacilityKind.ELDER_CANTEEN: "老年食堂",
    FacilityKind.ELDER_UNIVERSITY: "老年大学教学点",
    FacilityKind.BATHING_POINT: "助浴点",
    FacilityKind.NURSERY: "托育中心",
    FacilityKind.CHILDCARE_POINT: "普惠托育服务点",
    FacilityKind.KINDERGARTEN: "幼儿园托班",
    FacilityKind.EMPLOYER_NURSERY: "职工托育室",
    FacilityKind.MEDICAL_PARTNER: "医养结合卫生院",
}
HOURS = {
    FacilityKind.ELDER_CANTEEN: "每日 11:00–13:00，17:00–18:30",
    FacilityKind.DAY_CARE: "周一至周六 8:00–17:30",
    FacilityKind.COMMUNITY_ELDER_STATION: "周一至周五 8:30–17:30",
    FacilityKind.ELDER_UNIVERSITY: "周二、周四 9:00–11:30",
    FacilityKind.BATHING_POINT: "周三、周六 9:00–16:00（需预约）",
}


def _town_points(rng: random.Random, towns: list[AdminArea]) -> dict[str, tuple[float, float]]:
    """Streets (街道) around the district seat, towns (镇) on a jittered grid over the extent."""
    points: dict[str, tuple[float, float]] = {}
    streets = [t for t in towns if t.is_subdistrict]
    for i, town in enumerate(streets):
        angle = 2 * math.pi * i / max(len(streets), 1)
        r = 0.025 + 0.02 * (i % 2)
        points[town.code] = (
            round(SEAT_LNG + r * 1.15 * math.cos(angle), 6),
            round(SEAT_LAT + r * math.sin(angle), 6),
        )
    rural = [t for t in towns if not t.is_subdistrict]
    cols, rows = 6, 4
    cells = [(c, r) for r in range(rows) for c in range(cols)]
    # Leave the grid cell holding the district seat to the streets.
    seat_cell = (
        int((SEAT_LNG - MIN_LNG) / (MAX_LNG - MIN_LNG) * cols),
        int((SEAT_LAT - MIN_LAT) / (MAX_LAT - MIN_LAT) * rows),
    )
    cells = [cell for cell in cells if cell != seat_cell][: len(rural)]
    for town, (c, r) in zip(rural, cells, strict=False):
        lng = MIN_LNG + (c + 0.5 + rng.uniform(-0.25, 0.25)) * (MAX_LNG - MIN_LNG) / cols
        lat = MIN_LAT + (r + 0.5 + rng.uniform(-0.25, 0.25)) * (MAX_LAT - MIN_LAT) / rows
        points[town.code] = (round(lng, 6), round(lat, 6))
    return points


def _seed_towns(rng: random.Random, stdout) -> list[AdminArea]:
    towns = list(AdminArea.objects.towns().order_by("code"))
    if any(t.boundary is not None for t in towns):
        stdout.write("  towns: boundaries already loaded, kept")
        return towns
    points = _town_points(rng, towns)
    for town in towns:
        if town.centroid is None:
            town.centroid = Point(*points[town.code], srid=4326)
            town.is_synthetic = True
    AdminArea.objects.bulk_update(towns, ["centroid", "is_synthetic"])
    # Synthetic boundaries: Voronoi cells of the town centres, clipped to the district extent.
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH box AS (SELECT ST_MakeEnvelope(%(a)s, %(b)s, %(c)s, %(d)s, 4326) AS g),
                 cells AS (
                    SELECT (ST_Dump(ST_VoronoiPolygons(ST_Collect(centroid), 0, (SELECT g FROM box)))).geom AS cell
                      FROM {AdminArea._meta.db_table} WHERE level = %(town)s
                 )
            UPDATE {AdminArea._meta.db_table} a
               SET boundary = ST_Multi(ST_Intersection(ST_SetSRID(cells.cell, 4326), (SELECT g FROM box))),
                   is_synthetic = true
              FROM cells
             WHERE a.level = %(town)s AND a.boundary IS NULL
               AND ST_Contains(ST_SetSRID(cells.cell, 4326), a.centroid)
            """,
            {"a": MIN_LNG, "b": MIN_LAT, "c": MAX_LNG, "d": MAX_LAT, "town": AreaLevel.TOWN.value},
        )
    stdout.write(f"  towns: {len(towns)} synthetic centres and boundaries")
    return list(AdminArea.objects.towns().order_by("code"))


def _point_in(rng: random.Random, area: AdminArea, near: Point | None = None, spread: float = 0.0) -> Point:
    """A random point inside the area's boundary (near a given point when `spread` is set)."""
    boundary = area.boundary
    xmin, ymin, xmax, ymax = boundary.extent if boundary else (MIN_LNG, MIN_LAT, MAX_LNG, MAX_LAT)
    for _ in range(200):
        if near is not None:
            x, y = near.x + rng.uniform(-spread, spread), near.y + rng.uniform(-spread, spread)
        else:
            x, y = rng.uniform(xmin, xmax), rng.uniform(ymin, ymax)
        p = Point(round(x, 6), round(y, 6), srid=4326)
        if standards.in_district_extent(p.x, p.y) and (boundary is None or boundary.contains(p)):
            return p
    return near or (area.centroid if area.centroid else Point(SEAT_LNG, SEAT_LAT, srid=4326))


def _scaled(values: list[int], total: float, minimum: int) -> list[int]:
    """`values` in proportion, rescaled to add up to about `total` (none below `minimum`)."""
    drawn = sum(values)
    if not drawn:
        return values
    return [max(minimum, round(v * total / drawn)) for v in values]


def _seed_communities(
    rng: random.Random, towns: list[AdminArea], stdout, residents: int = 0
) -> dict[str, list[AdminArea]]:
    existing = set(AdminArea.objects.communities().filter(is_synthetic=False).values_list("code", flat=True))
    rows = []
    for town in towns:
        street = town.is_subdistrict
        count = 10 if street else 8
        words = list(STREET_WORDS if street else VILLAGE_WORDS)
        rng.shuffle(words)
        centre = town.centroid
        for i in range(count):
            # NBS codes: 居委会 001–199, 村委会 200–399 below the town's 9 digits.
            seq = i + 1 if street or i < 2 else 200 + i
            code = f"{town.code[:9]}{seq:03d}"
            if code in existing:
                continue
            name = words[i % len(words)] + ("社区" if street or i < 2 else "村")
            spread = 0.012 if street else 0.0
            point = (
                _point_in(rng, town, near=centre if street else None, spread=spread)
                if spread
                else _point_in(rng, town)
            )
            population = rng.randint(3000, 12000) if street else rng.randint(1200, 4200)
            rows.append(
                AdminArea(
                    code=code,
                    name=name,
                    level=AreaLevel.COMMUNITY,
                    parent=town,
                    centroid=point,
                    population=population,
                    is_synthetic=True,
                )
            )
    if residents > 0:
        # The draws above set each community's share; together they hold the residents seeded.
        for row, population in zip(rows, _scaled([r.population for r in rows], residents, 1), strict=True):
            row.population = population
    AdminArea.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["name", "parent", "centroid", "population", "is_synthetic"],
    )
    stdout.write(f"  communities: {len(rows)} synthetic")
    by_town: dict[str, list[AdminArea]] = {}
    for c in AdminArea.objects.communities().exclude(centroid=None).order_by("code"):
        by_town.setdefault(c.parent_id, []).append(c)
    return by_town


def _capacity(rng: random.Random, kind: str) -> dict:
    data = {}
    if kind in BED_KINDS:
        total = (
            rng.choice([30, 40, 60, 80, 120, 150, 200])
            if kind != FacilityKind.DAY_CARE
            else rng.choice([10, 15, 20])
        )
        data.update(
            beds_total=total,
            beds_nursing=round(total * rng.uniform(0.3, 0.65)),
            beds_occupied=min(total, round(total * rng.uniform(0.55, 1.0))),
        )
    if kind in CHILDCARE_KINDS:
        # 托位 come from the classes the childcare demo opens (facility_places_sync), never typed
        # here; the draws stay so that every later draw (and so every demo record) is unchanged.
        total = rng.choice([20, 30, 40, 60, 90])
        rng.uniform(0.5, 1.0), rng.uniform(0.4, 1.0)
        data.update(places_total=0, places_inclusive=0, places_occupied=0)
    return data


def _facility(rng, town, community, kind, name, today) -> Facility:
    point = _point_in(rng, town, near=community.centroid, spread=0.004)
    roll = rng.random()
    status = (
        FacilityStatus.PLANNED
        if roll < 0.04
        else FacilityStatus.SUSPENDED
        if roll < 0.07
        else FacilityStatus.OPERATING
    )
    reported_days = rng.choice([1, 3, 7, 12, 20, 26, 45, 90])
    facility = Facility(
        name=name,
        kind=kind,
        canteen_subtype=rng.choice(CanteenSubtype.values) if kind == FacilityKind.ELDER_CANTEEN else "",
        ownership=rng.choice(Ownership.values),
        operator_name=f"{town.name}{rng.choice(['康养', '颐年', '福寿', '童乐', '安心'])}服务有限公司（演示）",
        town=town,
        community=community,
        address=f"{town.name}{community.name}{rng.randint(1, 199)}号（演示地址）",
        location=point,
        phone=f"023-4{rng.randint(1000000, 9999999)}",
        opening_hours=HOURS.get(kind, "全天"),
        services={
            FacilityKind.ELDER_CANTEEN: "堂食、上门送餐；60岁以上老人优惠",
            FacilityKind.NURSERY: "全日托、半日托、临时托",
        }.get(kind, ""),
        filing_status=FilingStatus.FILED if kind in CHILDCARE_KINDS else FilingStatus.NOT_REQUIRED,
        filing_number=f"YS{town.code[6:9]}{rng.randint(1000, 9999)}" if kind in CHILDCARE_KINDS else "",
        status=status,
        capacity_reported_at=timezone.make_aware(dt.datetime.combine(today, dt.time(9)))
        - dt.timedelta(days=reported_days),
        is_demo=True,
        **_capacity(rng, kind),
    )
    return facility


def _scale_beds(rows: list[Facility], residents: int) -> None:
    """Each bed facility keeps its drawn size relative to the others, its nursing and occupied
    shares; the district's beds come to BEDS_PER_1000_ELDERS of the residents seeded."""
    beds = [f for f in rows if f.kind in BED_KINDS]
    operating = sum(f.beds_total for f in beds if f.status == FacilityStatus.OPERATING) or 1
    # The dashboard counts operating facilities' beds: they make the target, the others scale alike.
    target = per_thousand_elders(residents, BEDS_PER_1000_ELDERS) * sum(f.beds_total for f in beds) / operating
    for facility, total in zip(beds, _scaled([f.beds_total for f in beds], target, MIN_DEMO_BEDS), strict=True):
        drawn = facility.beds_total
        facility.beds_total = total
        facility.beds_nursing = min(total, round(facility.beds_nursing * total / drawn))
        facility.beds_occupied = min(total, round(facility.beds_occupied * total / drawn))


def _seed_facilities(rng: random.Random, towns, communities, stdout, residents: int = 0) -> int:
    today = timezone.localdate()
    rows: list[Facility] = []
    for town in towns:
        local = communities.get(town.code) or []
        if not local:
            continue
        street = town.is_subdistrict
        if town.code in REGIONAL_CENTRES:
            rows.append(
                _facility(
                    rng, town, local[0], FacilityKind.ELDER_CARE_CENTER, REGIONAL_CENTRES[town.code], today
                )
            )
        if town.code == "500117001000":
            rows.append(
                _facility(rng, town, local[0], FacilityKind.ELDER_CARE_CENTER, "合川区老年养护中心", today)
            )
        for kind, per_street, per_town in KIND_PLAN:
            for n in range(per_street if street else per_town):
                community = local[(n * 3 + len(rows)) % len(local)]
                name = f"{community.name}{KIND_NAME[kind]}" + (f"（{n + 1}）" if n else "")
                rows.append(_facility(rng, town, community, kind, name, today))
    if residents > 0:
        _scale_beds(rows, residents)
    fields = [
        f.name for f in Facility._meta.concrete_fields if f.name not in ("id", "created_at", "town", "name")
    ]
    Facility.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["town", "name"], update_fields=fields
    )
    # Every demo facility starts its status history once (re-runs add nothing).
    FacilityStatusChange.objects.bulk_create(
        FacilityStatusChange(facility_id=pk, from_status="", to_status=status, reason="演示数据")
        for pk, status in Facility.objects.filter(is_demo=True, status_changes__isnull=True).values_list(
            "pk", "status"
        )
    )
    stdout.write(f"  facilities: {len(rows)} demo facilities")
    return len(rows)


@transaction.atomic
def seed(*, residents: int = 0, stdout) -> None:
    """Synthetic towns' areas, communities and facilities of every kind (all marked 演示数据)."""
    # One generator per stage, so a stage that finds its data already present (and draws nothing)
    # does not shift what the later stages draw.
    towns = _seed_towns(random.Random(SEED), stdout)
    communities = _seed_communities(random.Random(SEED + 1), towns, stdout, residents)
    _seed_facilities(random.Random(SEED + 2), towns, communities, stdout, residents)
    facilities_changed()  # bulk_create sends no post_save
