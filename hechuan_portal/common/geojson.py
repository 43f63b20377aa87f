"""GeoJSON (RFC 7946) for the API: the OpenAPI schemas of the FeatureCollections it answers.

QGIS, `ogrinfo` and web maps read these answers directly; the schema tells a generated client (and
Schemathesis) exactly what a feature holds. Coordinates are WGS 84 longitude/latitude.
"""

from __future__ import annotations

from typing import Any

_POSITION = {"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 3}
GEOMETRIES: dict[str, dict[str, Any]] = {
    "Point": {
        "type": "object",
        "properties": {"type": {"type": "string", "enum": ["Point"]}, "coordinates": _POSITION},
        "required": ["type", "coordinates"],
    },
    "MultiPolygon": {
        "type": "object",
        "properties": {
            "type": {"type": "string", "enum": ["MultiPolygon"]},
            "coordinates": {
                "type": "array",
                "items": {"type": "array", "items": {"type": "array", "items": _POSITION}},
            },
        },
        "required": ["type", "coordinates"],
    },
}


def feature_collection(
    properties: dict[str, dict[str, Any]],
    geometry: str,
    *,
    id_type: str,
    nullable_geometry: bool = False,
    description: str = "",
) -> dict[str, Any]:
    """The schema of a FeatureCollection whose features have `properties` (name → schema, all
    present) and a `geometry` of one type (or null where none is loaded)."""
    geometry_schema = dict(GEOMETRIES[geometry])
    if nullable_geometry:
        geometry_schema["nullable"] = True
    feature = {
        "type": "object",
        "properties": {
            "type": {"type": "string", "enum": ["Feature"]},
            "id": {"type": id_type},
            "geometry": geometry_schema,
            "properties": {"type": "object", "properties": properties, "required": sorted(properties)},
        },
        "required": ["type", "id", "geometry", "properties"],
    }
    return {
        "type": "object",
        "description": description,
        "properties": {
            "type": {"type": "string", "enum": ["FeatureCollection"]},
            "features": {"type": "array", "items": feature},
        },
        "required": ["type", "features"],
    }
