"""/api/v1/areas/: the district's administrative divisions, public reference data.

The list is GeoJSON (a FeatureCollection: each area a feature whose geometry is its boundary where
one is loaded, else null), so QGIS and `ogrinfo` read it as a layer; `level` and `parent` filter it.
The detail is one area's record.
"""

from __future__ import annotations

from typing import Any

import django_filters
import orjson
from django.contrib.gis.db.models.functions import AsGeoJSON
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from hechuan_portal.common.geojson import feature_collection
from hechuan_portal.common.serializers import PortalModelSerializer

from ..models import AdminArea, AreaLevel

# Boundaries to six decimals (about 0.1 m), as the facilities' coordinates.
PRECISION = 6


class AdminAreaSerializer(PortalModelSerializer):
    level_display = serializers.CharField(source="get_level_display", read_only=True)
    centroid = serializers.SerializerMethodField()

    class Meta:
        model = AdminArea
        fields = ["code", "name", "level", "level_display", "parent", "centroid", "is_synthetic"]

    def get_centroid(self, obj) -> list[float] | None:
        return [round(obj.centroid.x, 6), round(obj.centroid.y, 6)] if obj.centroid else None


class AdminAreaFilter(django_filters.FilterSet):
    class Meta:
        model = AdminArea
        fields = ["level", "parent"]


_NULLABLE_STRING = {"type": "string", "nullable": True}
AREA_COLLECTION = feature_collection(
    {
        "code": {"type": "string", "description": "区划代码 / division code"},
        "name": {"type": "string"},
        "level": {"type": "string", "enum": list(AreaLevel.values)},
        "level_display": {"type": "string"},
        "parent": {**_NULLABLE_STRING, "description": "上级区划代码 / parent's code"},
        "is_synthetic": {"type": "boolean", "description": "演示用的合成边界 / a synthetic (demo) boundary"},
    },
    "MultiPolygon",
    id_type="string",
    nullable_geometry=True,
    description="行政区划（GeoJSON，WGS 84）；未载入边界的区划 geometry 为 null",
)


def area_features(queryset) -> dict[str, Any]:
    """A FeatureCollection of the areas, boundaries serialised by PostGIS (one query)."""
    labels = dict(AreaLevel.choices)
    rows = queryset.annotate(geojson=AsGeoJSON("boundary", precision=PRECISION)).values(
        "code", "name", "level", "parent_id", "is_synthetic", "geojson"
    )
    features = [
        {
            "type": "Feature",
            "id": row["code"],
            "geometry": orjson.loads(row["geojson"]) if row["geojson"] else None,
            "properties": {
                "code": row["code"],
                "name": row["name"],
                "level": row["level"],
                "level_display": str(labels.get(row["level"], row["level"])),
                "parent": row["parent_id"],
                "is_synthetic": row["is_synthetic"],
            },
        }
        for row in rows
    ]
    return {"type": "FeatureCollection", "features": features}


class OneDocumentSchema(AutoSchema):
    """The list answers one document (a FeatureCollection), not an array of records."""

    def _is_list_view(self, serializer: Any = None) -> bool:
        return False


class AdminAreaViewSet(viewsets.ReadOnlyModelViewSet):
    """Administrative divisions of the district: public reference data."""

    queryset = AdminArea.objects.order_by("code")
    serializer_class = AdminAreaSerializer
    filterset_class = AdminAreaFilter
    permission_classes = [AllowAny]
    pagination_class = None

    schema = OneDocumentSchema()

    @extend_schema(
        operation_id="areas_list",
        filters=True,
        responses={200: OpenApiResponse(AREA_COLLECTION, description="GeoJSON FeatureCollection")},
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Every area as a GeoJSON feature: the boundary where loaded (else a null geometry) and the
        record's fields as properties; filter with `level` (town, community…) and `parent`."""
        return Response(area_features(self.filter_queryset(self.get_queryset())))
