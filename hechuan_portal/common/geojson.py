"""GeoJSON (RFC 7946) for the API: the OpenAPI schemas of the FeatureCollections it answers.

QGIS, `ogrinfo` and web maps read these answers directly; the schema tells a generated client (and
Schemathesis) exactly what a feature holds. Coordinates are WGS 84 longitude/latitude.
"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

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
    required: list[str] | None = None,
) -> dict[str, Any]:
    """The schema of a FeatureCollection whose features have `properties` (name → schema; all
    present unless `required` names the ones that always are) and a `geometry` of one type (or null
    where none is loaded)."""
    geometry_schema = dict(GEOMETRIES[geometry])
    if nullable_geometry:
        geometry_schema["nullable"] = True
    feature = {
        "type": "object",
        "properties": {
            "type": {"type": "string", "enum": ["Feature"]},
            "id": {"type": id_type},
            "geometry": geometry_schema,
            "properties": {
                "type": "object",
                "properties": properties,
                "required": sorted(properties if required is None else required),
            },
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


# The JSON types of the serializer fields a feature's properties may use (most specific first).
_FIELD_TYPES: tuple[tuple[type[serializers.Field], dict[str, Any]], ...] = (
    (serializers.BooleanField, {"type": "boolean"}),
    (serializers.IntegerField, {"type": "integer"}),
    (serializers.FloatField, {"type": "number"}),
    (serializers.DateTimeField, {"type": "string", "format": "date-time"}),
    (serializers.CharField, {"type": "string"}),
)


def _field_schema(field: serializers.Field) -> dict[str, Any]:
    if isinstance(field, serializers.ChoiceField):
        schema: dict[str, Any] = {"type": "string", "enum": list(field.choices)}
    else:
        schema = next((dict(s) for cls, s in _FIELD_TYPES if isinstance(field, cls)), {})
        if not schema:
            raise TypeError(f"no GeoJSON property schema for {type(field).__name__} ({field.field_name})")
    if field.allow_null:
        schema["nullable"] = True
    if field.help_text:
        schema["description"] = str(field.help_text)
    return schema


def serializer_feature_collection(
    properties: type[serializers.Serializer],
    geometry: str,
    *,
    id_type: str,
    nullable_geometry: bool = False,
    description: str = "",
) -> dict[str, Any]:
    """`feature_collection` whose features' properties are the fields of the serializer
    `properties` (a field with `required=False` may be absent). The view builds each feature's
    properties from the same serializer's fields, so the schema and the answer cannot drift apart."""
    fields = properties().fields
    return feature_collection(
        {name: _field_schema(field) for name, field in fields.items()},
        geometry,
        id_type=id_type,
        nullable_geometry=nullable_geometry,
        description=description,
        required=[name for name, field in fields.items() if field.required],
    )
