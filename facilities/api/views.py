"""/api/v1/facilities/: list, detail, create, update, status changes, GeoJSON and the service circle.

Errors are not caught here: services raise PortalError and the project's exception handler writes
the one error body.
"""

from __future__ import annotations

from typing import Any

import orjson
from django.db.models import Count, QuerySet, Window
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, PolymorphicProxySerializer, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from hechuan_portal.api import plain_json_view
from hechuan_portal.common.geojson import serializer_feature_collection
from hechuan_portal.common.pagination import PortalPagination

from .. import access, near, selectors, services
from ..filters import FacilityFilter
from ..models import ServiceLayer
from .serializers import (
    FacilityCreateSerializer,
    FacilityFeatureSerializer,
    FacilityPublicSerializer,
    FacilityStaffSerializer,
    OperatorCapacitySerializer,
    StatusChangeOutSerializer,
    StatusChangeSerializer,
    public_rows,
)


def _json(body: dict[str, Any], status: int = 200) -> HttpResponse:
    return HttpResponse(orjson.dumps(body), status=status, content_type="application/json")


def _page_links(url: str, query: near.NearQuery, count: int) -> tuple[str | None, str | None]:
    """next and previous as LimitOffsetPagination writes them."""
    limit, offset = query.limit, query.offset
    following = None
    if offset + limit < count:
        following = replace_query_param(replace_query_param(url, "limit", limit), "offset", offset + limit)
    previous = None
    if offset > 0:
        previous = replace_query_param(url, "limit", limit)
        previous = (
            remove_query_param(previous, "offset")
            if offset - limit <= 0
            else replace_query_param(previous, "offset", offset - limit)
        )
    return following, previous


@plain_json_view(throttle_scope="near")
def facility_near(request: HttpRequest) -> HttpResponse:
    """GET /api/v1/facilities/near/?near=LNG,LAT&radius=M&kind=&need=&open=&vacant=&limit=&offset= —
    the residents' search, for everyone: open facilities within the radius, nearest first, public
    fields and `distance_m`, paged like every list ({count, next, previous, results}).

    A plain view, like /healthz: the residents' hot path (issue 16, docs/performance.md); it reads no
    session or user. `plain_json_view` adds the method check, the per-client throttle (scope "near")
    and the API's one error body for what this raises.
    """
    query = near.parse_near_query(request.GET)
    page = near.search(query)
    following, previous = _page_links(request.build_absolute_uri(), query, page.count)
    return _json({"count": page.count, "next": following, "previous": previous, "results": page.rows})


class PublicPagination(PortalPagination):
    """PortalPagination whose count comes with the page (COUNT(*) OVER () on the page's own
    statement): the residents' `near` search is one query."""

    max_limit = 500

    def paginate_queryset(self, queryset: QuerySet, request: Request, view: Any = None) -> list | None:
        self.request = request
        self.limit = self.get_limit(request)
        if self.limit is None:
            return None
        self.offset = self.get_offset(request)
        page = list(queryset.annotate(total=Window(Count("id")))[self.offset : self.offset + self.limit])
        # Past the last page the window has no row to count on: the links still need the total.
        self.count = page[0]["total"] if page else queryset.count()
        return page


FACILITY_COLLECTION = serializer_feature_collection(
    FacilityFeatureSerializer,
    "Point",
    id_type="integer",
    description=(
        "设施点位（GeoJSON，WGS 84），与列表相同的筛选；按 near 查询时另有 distance_m / facilities as "
        "points, the list's filters; `distance_m` is added to each feature's properties when `near` is given"
    ),
)
# A feature's properties: the public row's values under the serializer's names, but for the link
# (staff go to the staff page) and the distance (only when `near` is given).
_FEATURE_COPIED = tuple(name for name in FacilityFeatureSerializer().fields if name not in ("url", "distance_m"))

# Staff in scope get the full record, everyone else the public row: two types, one answer.
FACILITY_RECORD = PolymorphicProxySerializer(
    component_name="FacilityRecord",
    serializers=[FacilityStaffSerializer, FacilityPublicSerializer],
    resource_type_field_name=None,
)


class FacilityViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Facilities. Anonymous callers (and roles without registry access) get public fields of open
    facilities; staff get the full record of the facilities in their scope.

    `near=LNG,LAT&radius=METRES` keeps facilities within the radius, nearest first, with `distance_m`.
    """

    permission_classes = [AllowAny]
    filter_backends = [DjangoFilterBackend]
    filterset_class = FacilityFilter

    def _staff(self) -> bool:
        return access.can_view_registry(self.request.user)

    @property
    def paginator(self):
        if not hasattr(self, "_paginator"):
            if self.pagination_class is None:
                self._paginator = None
            else:
                self._paginator = PortalPagination() if self._staff() else PublicPagination()
        return self._paginator

    def get_queryset(self):
        return selectors.facility_base(self.request.user, public=not self._staff())

    def get_serializer_class(self):
        if self.action == "create":
            return FacilityCreateSerializer
        if self.action in ("update", "partial_update"):
            return (
                FacilityStaffSerializer
                if access.can_manage(self.request.user)
                else OperatorCapacitySerializer
            )
        if self.action == "set_status":
            return StatusChangeSerializer
        return FacilityStaffSerializer if self._staff() else FacilityPublicSerializer

    @extend_schema(responses={200: FACILITY_RECORD})
    def list(self, request, *args, **kwargs):
        if self._staff():
            return super().list(request, *args, **kwargs)
        values = selectors.public_values(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(public_rows(self.paginate_queryset(values)))

    @extend_schema(responses={200: FACILITY_RECORD})
    def retrieve(self, request, *args, **kwargs):
        if self._staff():
            return super().retrieve(request, *args, **kwargs)
        row = get_object_or_404(selectors.public_values(self.get_queryset()), pk=kwargs["pk"])
        return Response(public_rows([row])[0])

    @extend_schema(request=FacilityCreateSerializer, responses={201: FacilityStaffSerializer})
    def create(self, request, *args, **kwargs):
        if not access.can_manage(request.user):
            self.permission_denied(request)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        facility = services.facility_create(
            actor=request.user, data=serializer.to_model_data(), request=request
        )
        facility = self.get_queryset().get(pk=facility.pk)
        return Response(FacilityStaffSerializer(facility).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=FacilityStaffSerializer,
        responses={200: FacilityStaffSerializer},
        description=(
            "Managers (district staff, the town's officers) send the record's fields; an operator of "
            "the facility sends only the capacity figures and opening hours (other fields are ignored)."
        ),
    )
    def update(self, request, *args, **kwargs):
        if not access.can_report_capacity(request.user):
            self.permission_denied(request)
        facility = self.get_object()
        serializer = self.get_serializer(facility, data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        if isinstance(serializer, FacilityStaffSerializer):
            services.facility_update(
                actor=request.user, facility=facility, data=serializer.to_model_data(), request=request
            )
        else:
            services.facility_report_capacity(
                actor=request.user, facility=facility, data=dict(serializer.validated_data), request=request
            )
        facility = self.get_queryset().get(pk=facility.pk)
        return Response(FacilityStaffSerializer(facility).data)

    @extend_schema(request=FacilityStaffSerializer, responses={200: FacilityStaffSerializer})
    def partial_update(self, request, *args, **kwargs):
        return super().partial_update(request, *args, **kwargs)

    @extend_schema(request=StatusChangeSerializer, responses={201: StatusChangeOutSerializer})
    @action(detail=True, methods=["post"], url_path="status")
    def set_status(self, request, pk=None):
        """Move the facility along planned → operating → suspended → closed; the history records it."""
        facility = self.get_object()
        if not access.can_change_status(request.user):
            self.permission_denied(request)
        serializer = StatusChangeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        change = services.facility_set_status(
            actor=request.user, facility=facility, request=request, **serializer.validated_data
        )
        return Response(StatusChangeOutSerializer(change).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        filters=True,
        responses={200: OpenApiResponse(FACILITY_COLLECTION, description="GeoJSON FeatureCollection")},
    )
    @action(detail=False, methods=["get"], url_path="geojson", pagination_class=None)
    def geojson(self, request):
        """A FeatureCollection of points for maps (same filters and public rows as the list; flat,
        small properties that marker clustering handles well; no paging). Staff links go to the
        staff page."""
        staff = self._staff()
        features = []
        for row in public_rows(selectors.public_values(self.filter_queryset(self.get_queryset()))):
            props = {name: row[name] for name in _FEATURE_COPIED}
            props["url"] = reverse("facilities:detail", args=[row["id"]]) if staff else row["public_url"]
            if row["distance_m"] is not None:
                props["distance_m"] = row["distance_m"]
            features.append(
                {
                    "type": "Feature",
                    "id": row["id"],
                    "geometry": {"type": "Point", "coordinates": [row["lng"], row["lat"]]},
                    "properties": props,
                }
            )
        return Response({"type": "FeatureCollection", "features": features})

    @extend_schema(
        parameters=[OpenApiParameter("layer", str, description="service layer code")],
        responses={200: OpenApiTypes.OBJECT},
    )
    @action(detail=False, methods=["get"], url_path="coverage", filter_backends=[], pagination_class=None)
    def coverage(self, request):
        """The service circle as GeoJSON: community centroids, covered or not, for one layer."""
        if not access.can_plan_coverage(request.user):
            self.permission_denied(request)
        layer = get_object_or_404(ServiceLayer, code=request.query_params.get("layer", "elder_home_care"))
        return Response(selectors.coverage_geojson(user=request.user, layer=layer))
