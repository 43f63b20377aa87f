"""Loading area boundaries and centroids from a GeoJSON the district supplies."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.gis.geos import GEOSException, GEOSGeometry, MultiPolygon, Point, Polygon
from django.db import transaction
from django.utils.translation import gettext as _

from .models import DISTRICT_CODE, DISTRICT_PREFIX, AdminArea, AreaLevel


class BoundaryImportError(Exception):
    """The file cannot be imported; `errors` lists every problem (feature number and reason)."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass
class BoundaryImportResult:
    created: int = 0
    updated: int = 0
    codes: list[str] = field(default_factory=list)


def _level_for(code: str) -> str:
    if code == DISTRICT_CODE:
        return AreaLevel.DISTRICT
    if code.endswith("000"):
        return AreaLevel.TOWN
    return AreaLevel.COMMUNITY


def _parse_feature(index: int, feature: dict, errors: list[str]) -> dict | None:
    where = _("第 %(n)d 个要素") % {"n": index}
    props = feature.get("properties") or {}
    code = str(props.get("code") or props.get("区划代码") or props.get("CODE") or "").strip()
    if len(code) == 9 and code.isdigit():
        code += "000"
    if not (len(code) == 12 and code.isdigit() and code.startswith(DISTRICT_PREFIX)):
        errors.append(
            _("%(where)s：区划代码“%(code)s”无效，应为合川区的 12 位代码") % {"where": where, "code": code}
        )
        return None
    geometry = feature.get("geometry")
    if not geometry:
        errors.append(_("%(where)s（%(code)s）：缺少几何图形") % {"where": where, "code": code})
        return None
    try:
        geom = GEOSGeometry(json.dumps(geometry), srid=4326)
    except (GEOSException, ValueError, TypeError):
        errors.append(_("%(where)s（%(code)s）：几何图形无法解析") % {"where": where, "code": code})
        return None
    if not (105.0 < geom.centroid.x < 107.5 and 29.0 < geom.centroid.y < 31.0):
        errors.append(
            _("%(where)s（%(code)s）：坐标不在合川区附近，请确认使用 WGS 84 经纬度")
            % {"where": where, "code": code}
        )
        return None
    boundary = None
    if isinstance(geom, Polygon):
        boundary = MultiPolygon(geom, srid=4326)
    elif isinstance(geom, MultiPolygon):
        boundary = geom
    elif not isinstance(geom, Point):
        errors.append(_("%(where)s（%(code)s）：只支持面或点") % {"where": where, "code": code})
        return None
    if boundary is not None and not boundary.valid:
        errors.append(_("%(where)s（%(code)s）：边界自相交或无效") % {"where": where, "code": code})
        return None
    centroid = geom if isinstance(geom, Point) else boundary.point_on_surface
    name = str(props.get("name") or props.get("名称") or "").strip()
    return {
        "code": code,
        "name": name,
        "boundary": boundary,
        "centroid": centroid,
        "synthetic": bool(props.get("synthetic", False)),
        "population": props.get("population"),
    }


def boundaries_import(*, path: Path | str) -> BoundaryImportResult:
    """Create or update areas from a GeoJSON FeatureCollection; all or nothing.

    Towns must already exist (they come from the migration); communities below a town are created
    when their 12-digit code is new and the feature carries a name.
    """
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BoundaryImportError([_("无法读取 GeoJSON 文件：%(error)s") % {"error": exc}]) from exc
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise BoundaryImportError([_("文件不是 GeoJSON FeatureCollection")])
    errors: list[str] = []
    parsed = [_parse_feature(i, f, errors) for i, f in enumerate(data.get("features") or [], start=1)]
    if not parsed:
        errors.append(_("文件中没有要素"))
    existing = AdminArea.objects.in_bulk([p["code"] for p in parsed if p])
    for i, item in enumerate(parsed, start=1):
        if not item or item["code"] in existing:
            continue
        if _level_for(item["code"]) != AreaLevel.COMMUNITY:
            errors.append(_("第 %(n)d 个要素：镇街 %(code)s 不在区划表中") % {"n": i, "code": item["code"]})
        elif not item["name"]:
            errors.append(_("第 %(n)d 个要素：新村社区 %(code)s 缺少名称") % {"n": i, "code": item["code"]})
        elif (
            item["code"][:9] + "000" not in existing
            and not AdminArea.objects.filter(code=item["code"][:9] + "000").exists()
        ):
            errors.append(
                _("第 %(n)d 个要素：村社区 %(code)s 的上级镇街不存在") % {"n": i, "code": item["code"]}
            )
    if errors:
        raise BoundaryImportError(errors)

    result = BoundaryImportResult()
    with transaction.atomic():
        for item in parsed:
            area = existing.get(item["code"])
            if area is None:
                area = AdminArea(
                    code=item["code"], level=AreaLevel.COMMUNITY, parent_id=item["code"][:9] + "000"
                )
                result.created += 1
            else:
                result.updated += 1
            if item["name"]:
                area.name = item["name"]
            if item["boundary"] is not None:
                area.boundary = item["boundary"]
            area.centroid = item["centroid"]
            area.is_synthetic = item["synthetic"]
            if item["population"] is not None:
                area.population = int(item["population"])
            area.save()
            result.codes.append(area.code)
    return result
