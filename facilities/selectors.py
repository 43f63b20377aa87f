"""Read use-cases: the filtered facility lists and the service-circle figures."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.gis.db.models import GeometryField
from django.contrib.gis.geos import Point
from django.db import connection
from django.db.models import Count, F, FloatField, Func, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from hechuan_portal.areas.models import AdminArea, AreaLevel
from hechuan_portal.common.ratios import figure_value

from . import standards
from .filters import FacilityFilter
from .models import CommunityCoverage, CoverageRun, Facility, FacilityStatusChange, ServiceLayer


def facility_base(user: Any = None, *, public: bool = False) -> QuerySet[Facility]:
    """Where every list starts: the user's scope (or the public set) with what a row shows."""
    qs = Facility.objects.public() if public else Facility.objects.visible_to(user)
    # The areas' boundaries are whole polygons a row never shows: reading them cost most of the
    # staff list's time at district scale (GEOS parsing 50 town outlines a page).
    return qs.select_related("town", "community").defer("town__boundary", "community__boundary")


def facility_list(*, user: Any = None, params: Any, public: bool = False) -> FacilityFilter:
    """The FilterSet over the visible facilities; `.qs` is the list, `.form` the filter form."""
    return FacilityFilter(params, queryset=facility_base(user, public=public))


def facility_detail_history(facility: Facility) -> QuerySet[FacilityStatusChange]:
    return facility.status_changes.select_related("actor")


# -- service circle ----------------------------------------------------------------------------


# How a coverage share is weighted (the page says which).
WEIGHT_POPULATION = "population"  # every community's people estimated from the population it carries
WEIGHT_REGISTER = "register"  # every community's people counted from the household register
WEIGHT_MIXED = "mixed"


@dataclass
class TownCoverage:
    town_code: str
    town_name: str
    communities: int
    covered: int
    people: int
    uncovered_people: int
    from_population: int = 0  # communities whose people are estimated from their population

    @property
    def rate(self) -> float:
        return self.covered / self.communities if self.communities else 0.0

    @property
    def covered_people(self) -> int:
        return self.people - self.uncovered_people

    @property
    def share(self) -> Decimal | None:
        """THE covered share (the dashboard's 服务圈覆盖率): people in covered communities ÷ all
        people, in %, two decimals; None when no one is counted."""
        return figure_value(self.covered_people, self.people, 100)


def coverage_weighting(towns: list[TownCoverage]) -> str:
    """Which people weight the shares: the communities' population, the register, or both."""
    communities = sum(t.communities for t in towns)
    estimated = sum(t.from_population for t in towns)
    if communities and estimated == communities:
        return WEIGHT_POPULATION
    return WEIGHT_REGISTER if estimated == 0 else WEIGHT_MIXED


def coverage_layers() -> QuerySet[ServiceLayer]:
    return ServiceLayer.objects.filter(is_active=True)


def coverage_last_run() -> CoverageRun | None:
    return CoverageRun.objects.select_related("triggered_by").first()


def coverage_rows(*, user: Any, layer: ServiceLayer) -> QuerySet[CommunityCoverage]:
    return (
        CommunityCoverage.objects.visible_to(user)
        .filter(layer=layer)
        .select_related("community", "town", "nearest")
        .order_by("town_id", "community_id")
    )


def coverage_by_town(*, user: Any, layer: ServiceLayer) -> list[TownCoverage]:
    """One row per town: communities, covered communities, people and uncovered people — the one
    grouping behind the coverage page and the dashboard's 15分钟服务圈覆盖率 (one GROUP BY)."""
    rows = (
        CommunityCoverage.objects.visible_to(user)
        .filter(layer=layer)
        .values("town_id", "town__name")
        .annotate(
            communities=Count("id"),
            covered_n=Count("id", filter=Q(covered=True)),
            people_n=Coalesce(Sum("people"), 0),
            uncovered_n=Coalesce(Sum("people", filter=Q(covered=False)), 0),
            estimated_n=Count("id", filter=Q(people_estimated=True)),
        )
        .order_by("town_id")
    )
    towns = [
        TownCoverage(
            r["town_id"],
            r["town__name"],
            r["communities"],
            r["covered_n"],
            r["people_n"],
            r["uncovered_n"],
            r["estimated_n"],
        )
        for r in rows
    ]
    return towns_worst_first(towns)


def towns_worst_first(towns: list[TownCoverage]) -> list[TownCoverage]:
    """The lowest share of covered communities first, then the most people left out."""
    return sorted(towns, key=lambda t: (t.rate, -t.uncovered_people, t.town_code))


def _lng_lat(point: Point | None) -> list[float]:
    assert point is not None  # the queries ask for areas with a centroid
    return [round(point.x, 6), round(point.y, 6)]


def coverage_geojson(*, user: Any, layer: ServiceLayer) -> dict[str, Any]:
    """Community centroids as points, each with covered/uncovered and the people left out."""
    rows = coverage_rows(user=user, layer=layer).filter(community__centroid__isnull=False)
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": _lng_lat(r.community.centroid)},
            "properties": {
                "code": r.community_id,
                "name": r.community.name,
                "town": r.town.name,
                "covered": r.covered,
                "distance_m": round(r.distance_m) if r.distance_m is not None else None,
                "people": r.people,
                "nearest": r.nearest.name if r.nearest else None,
            },
        }
        for r in rows
    ]
    return {"type": "FeatureCollection", "features": features}


@dataclass
class SiteSuggestion:
    rank: int
    code: str
    name: str
    town_name: str
    lng: float
    lat: float
    people: int
    communities: list[str]


# Candidate sites are community centroids; a candidate "reaches" every uncovered community whose
# centroid lies within the layer's radius of it (ST_DWithin on geography, metres).
_REACH_SQL = """
SELECT cand.code, dem.community_id
  FROM {coverage} dem
  JOIN {area} dc ON dc.code = dem.community_id
  JOIN {area} cand
    ON cand.level = %(community)s AND cand.centroid IS NOT NULL
   AND ST_DWithin(cand.centroid::geography, dc.centroid::geography, %(radius)s)
 WHERE dem.layer_id = %(layer)s AND NOT dem.covered AND dem.people > 0
   AND (%(town)s::text IS NULL OR (dem.town_id = %(town)s AND cand.parent_id = %(town)s))
"""


def coverage_suggestions(*, user: Any, layer: ServiceLayer, k: int = 5) -> list[SiteSuggestion]:
    """Greedy K sites that would cover the most uncovered people (standards.greedy_sites)."""
    from hechuan_portal.accounts.scope import scope_for

    scope = scope_for(user)
    if scope.nothing or scope.operator_id:
        return []
    town = None if scope.everything else scope.town_code
    uncovered = dict(
        CommunityCoverage.objects.visible_to(user)
        .filter(layer=layer, covered=False, people__gt=0)
        .values_list("community_id", "people")
    )
    if not uncovered:
        return []
    covers: dict[str, list[str]] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            _REACH_SQL.format(coverage=CommunityCoverage._meta.db_table, area=AdminArea._meta.db_table),
            {
                "radius": layer.radius_m,
                "layer": layer.pk,
                "town": town,
                "community": AreaLevel.COMMUNITY.value,
            },
        )
        for cand, point in cursor.fetchall():
            covers.setdefault(cand, []).append(point)
    picks = standards.greedy_sites(uncovered, covers, k)
    areas = AdminArea.objects.select_related("parent").in_bulk([code for code, _gain, _pts in picks])
    names = dict(AdminArea.objects.filter(code__in=uncovered).values_list("code", "name"))
    suggestions = []
    for i, (code, gain, points) in enumerate(picks, start=1):
        area = areas[code]
        parent = area.parent
        lng, lat = _lng_lat(area.centroid)
        suggestions.append(
            SiteSuggestion(
                rank=i,
                code=code,
                name=area.name,
                town_name=parent.name if parent is not None else "",
                lng=lng,
                lat=lat,
                people=gain,
                communities=[names.get(p, p) for p in points],
            )
        )
    return suggestions


def facility_stats(qs: QuerySet[Facility]) -> dict[str, int]:
    """Totals for the list header: count, beds and 托位 with vacancies (one query)."""
    return qs.order_by().aggregate(
        n=Count("id"),
        beds=Coalesce(Sum("beds_total"), 0),
        beds_free=Coalesce(Sum(F("beds_total") - F("beds_occupied")), 0),
        places=Coalesce(Sum("places_total"), 0),
        places_free=Coalesce(Sum(F("places_total") - F("places_occupied")), 0),
    )


def public_values(qs: QuerySet[Facility]) -> QuerySet:
    """The columns of a public row (api.serializers.public_rows), with `distance_m` after `nearby()`.
    The coordinates come as two floats: a point column would be parsed into a GEOS object per row."""
    from .api.serializers import PUBLIC_COLUMNS

    planar = Func(F("location"), function="geometry", output_field=GeometryField())
    return qs.annotate(
        lng=Func(planar, function="ST_X", output_field=FloatField()),
        lat=Func(planar, function="ST_Y", output_field=FloatField()),
    ).values(*PUBLIC_COLUMNS, *(["distance_m"] if "distance_m" in qs.query.annotations else []))
