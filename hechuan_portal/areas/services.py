"""Writes of the areas: the reference list of the district and its towns, and boundaries and
centroids from a GeoJSON the district supplies."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.contrib.gis.geos import GEOSException, GEOSGeometry, MultiPolygon, Point, Polygon
from django.db import transaction

from hechuan_portal.accounts.roles import require
from hechuan_portal.common.errors import PortalError

from . import access
from .error_codes import ErrorCode
from .models import DISTRICT_CODE, DISTRICT_PREFIX, AdminArea, AreaLevel
from .reference import REFERENCE_FILE, read_reference


@transaction.atomic
def areas_load_reference(*, actor: Any, path: Path = REFERENCE_FILE) -> int:
    """Create or update the district and its towns from the reference file (name, level, parent by
    code); boundaries, centroids and communities are left as they are. Returns the number of areas."""
    require(access.can_load_reference, actor)
    try:
        areas = read_reference(path)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise PortalError(ErrorCode.REFERENCE_INVALID, params={"error": str(exc)}) from exc
    for area in areas:
        AdminArea.objects.update_or_create(
            code=area.code, defaults={"name": area.name, "level": area.level, "parent_id": area.parent}
        )
    return len(areas)


@dataclass
class BoundaryImportResult:
    created: int = 0
    updated: int = 0
    codes: list[str] = field(default_factory=list)


@dataclass
class _Feature:
    code: str
    name: str
    boundary: MultiPolygon | None
    centroid: Point
    synthetic: bool
    population: int | None


def _level_for(code: str) -> str:
    if code == DISTRICT_CODE:
        return AreaLevel.DISTRICT
    if code.endswith("000"):
        return AreaLevel.TOWN
    return AreaLevel.COMMUNITY


def _parse_feature(index: int, feature: dict[str, Any]) -> _Feature | PortalError:
    """One feature of the file, or the problem with it."""
    props = feature.get("properties") or {}
    code = str(props.get("code") or props.get("区划代码") or props.get("CODE") or "").strip()
    if len(code) == 9 and code.isdigit():
        code += "000"
    where = {"n": index, "code": code}
    if not (len(code) == 12 and code.isdigit() and code.startswith(DISTRICT_PREFIX)):
        return PortalError(ErrorCode.INVALID_CODE, params=where)
    geometry = feature.get("geometry")
    if not geometry:
        return PortalError(ErrorCode.NO_GEOMETRY, params=where)
    try:
        geom = GEOSGeometry(json.dumps(geometry), srid=4326)
    except (GEOSException, ValueError, TypeError):
        return PortalError(ErrorCode.BAD_GEOMETRY, params=where)
    if not (105.0 < geom.centroid.x < 107.5 and 29.0 < geom.centroid.y < 31.0):
        return PortalError(ErrorCode.OUTSIDE_DISTRICT, params=where)
    boundary: MultiPolygon | None
    if isinstance(geom, Point):
        boundary, centroid = None, geom
    elif isinstance(geom, (Polygon, MultiPolygon)):
        boundary = MultiPolygon(geom, srid=4326) if isinstance(geom, Polygon) else geom
        if not boundary.valid:
            return PortalError(ErrorCode.INVALID_BOUNDARY, params=where)
        centroid = boundary.point_on_surface
    else:
        return PortalError(ErrorCode.UNSUPPORTED_GEOMETRY, params=where)
    population = props.get("population")
    return _Feature(
        code=code,
        name=str(props.get("name") or props.get("名称") or "").strip(),
        boundary=boundary,
        centroid=centroid,
        synthetic=bool(props.get("synthetic", False)),
        population=None if population is None else int(population),
    )


def _read_collection(path: Path | str) -> list[dict[str, Any]]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PortalError(ErrorCode.FILE_UNREADABLE, params={"error": str(exc)}) from exc
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise PortalError(ErrorCode.NOT_FEATURE_COLLECTION)
    features = data.get("features") or []
    if not features:
        raise PortalError(ErrorCode.NO_FEATURES)
    return features


def boundaries_import(*, path: Path | str, actor: Any) -> BoundaryImportResult:
    """Create or update areas from a GeoJSON FeatureCollection; all or nothing.

    Towns must already exist (they come from the reference file); communities below a town are created
    when their 12-digit code is new and the feature carries a name. A file with problems raises one
    `FILE_INVALID` error listing every problem (feature number and reason) and writes nothing.
    """
    require(access.can_import_boundaries, actor)
    parsed = [_parse_feature(i, f) for i, f in enumerate(_read_collection(path), start=1)]
    problems = [p for p in parsed if isinstance(p, PortalError)]
    features = [(i, p) for i, p in enumerate(parsed, start=1) if isinstance(p, _Feature)]
    existing = AdminArea.objects.in_bulk([f.code for _i, f in features])
    town_codes = set(AdminArea.objects.towns().values_list("code", flat=True))
    for i, item in features:
        if item.code in existing:
            continue
        where = {"n": i, "code": item.code}
        if _level_for(item.code) != AreaLevel.COMMUNITY:
            problems.append(PortalError(ErrorCode.UNKNOWN_TOWN, params=where))
        elif not item.name:
            problems.append(PortalError(ErrorCode.COMMUNITY_WITHOUT_NAME, params=where))
        elif item.code[:9] + "000" not in town_codes:
            problems.append(PortalError(ErrorCode.COMMUNITY_WITHOUT_TOWN, params=where))
    if problems:
        raise PortalError(
            ErrorCode.FILE_INVALID,
            params={"count": len(problems), "problems": "\n".join(p.detail for p in problems)},
        )

    result = BoundaryImportResult()
    with transaction.atomic():
        for _i, item in features:
            area = existing.get(item.code)
            if area is None:
                area = AdminArea(code=item.code, level=AreaLevel.COMMUNITY, parent_id=item.code[:9] + "000")
                result.created += 1
            else:
                result.updated += 1
            if item.name:
                area.name = item.name
            if item.boundary is not None:
                area.boundary = item.boundary
            area.centroid = item.centroid
            area.is_synthetic = item.synthetic
            if item.population is not None:
                area.population = item.population
            area.save()
            result.codes.append(area.code)
    return result
