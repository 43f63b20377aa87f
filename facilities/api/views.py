"""/api/v1/facilities/: list, detail, create, update, status changes, GeoJSON and the service circle."""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode

import orjson
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Count, Window
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.csrf import csrf_exempt
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from .. import error_codes, selectors, services
from ..filters import FacilityFilter, simple_near_query
from ..models import ServiceLayer
from ..permissions import can_manage, can_plan_coverage, can_report_capacity, can_view_registry
from .serializers import (
    PUBLIC_COLUMNS,
    FacilityCreateSerializer,
    FacilityPublicSerializer,
    FacilityStaffSerializer,
    OperatorCapacitySerializer,
    StatusChangeOutSerializer,
    StatusChangeSerializer,
    near_rows,
    public_rows,
)

FILTER_ERROR_CODES = {"near": error_codes.INVALID_NEAR, "radius": error_codes.INVALID_RADIUS}


def validation_error(exc: DjangoValidationError) -> ValidationError:
    """A model ValidationError as the API's {"code", "detail", "errors"} body."""
    if hasattr(exc, "error_dict"):
        errors = {field: [str(m) for e in errs for m in e.messages] for field, errs in exc.error_dict.items()}
        first = next(iter(exc.error_dict.values()))[0]
    else:
        errors = {"non_field_errors": exc.messages}
        first = exc.error_list[0]
    code = first.code or "invalid"
    return ValidationError({"code": code, "detail": first.messages[0], "errors": errors})


class FacilityFilterBackend(DjangoFilterBackend):
    """django-filter, with bad parameters reported as {"code", "detail", "errors"}."""

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        if not filterset.is_valid():
            field = next(iter(filterset.errors))
            raise ValidationError(
                {
                    "code": FILTER_ERROR_CODES.get(field, "invalid_filter"),
                    "detail": filterset.errors[field][0],
                    "errors": filterset.errors,
                }
            )
        return filterset.qs


def page_links(request, *, limit: int, offset: int, count: int) -> tuple[str | None, str | None]:
    """(next, previous) exactly as LimitOffsetPagination writes them (parameters sorted, `offset`
    dropped on the way back to the first page), from one parse of the query string instead of four
    (0.2 ms of the residents' `near` request went on DRF re-parsing its own URL)."""
    base = request.build_absolute_uri(request.path)
    params = parse_qs(request.META.get("QUERY_STRING", ""), keep_blank_values=True)
    params["limit"] = [str(limit)]

    def link(to: int) -> str:
        if to > 0:
            params["offset"] = [str(to)]
        else:
            params.pop("offset", None)
        return f"{base}?{urlencode(sorted(params.items()), doseq=True)}"

    following = link(offset + limit) if offset + limit < count else None
    return following, (link(offset - limit) if offset > 0 else None)


def near_page(request, simple: dict) -> dict:
    """The residents' `near` search page: one SQL statement, no FilterSet or ORM compilation, with
    the same body (count, next, previous, results) as LimitOffsetPagination."""
    total, values = selectors.public_near(**simple)
    following, previous = page_links(request, limit=simple["limit"], offset=simple["offset"], count=total)
    return {
        "count": total,
        "next": following,
        "previous": previous,
        "results": near_rows(values),
    }


@csrf_exempt  # like every DRF view: the viewset's SessionAuthentication enforces CSRF itself, as JSON
def facility_collection(request, *args, **kwargs):
    """/api/v1/facilities/: anonymous `near` searches (the residents' hot path, issue 3 benchmark)
    are answered before DRF's dispatch; every other request goes to FacilityViewSet."""
    if (
        request.method == "GET"
        and "HTTP_AUTHORIZATION" not in request.META
        and not request.user.is_authenticated
    ):
        simple = simple_near_query(request.GET, max_limit=500)
        if simple is not None:
            # orjson: 0.02 ms for the 30 KB page against the json module's 0.22 ms (issue 9).
            return HttpResponse(orjson.dumps(near_page(request, simple)), content_type="application/json")
    return _collection_view(request, *args, **kwargs)


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
    filter_backends = [FacilityFilterBackend]
    filterset_class = FacilityFilter

    def _staff(self) -> bool:
        return can_view_registry(self.request.user)

    def get_queryset(self):
        return selectors.facility_base(self.request.user, public=not self._staff())

    def get_serializer_class(self):
        if self.action == "create":
            return FacilityCreateSerializer
        if self.action in ("update", "partial_update"):
            return FacilityStaffSerializer if can_manage(self.request.user) else OperatorCapacitySerializer
        if self.action == "set_status":
            return StatusChangeSerializer
        return FacilityStaffSerializer if self._staff() else FacilityPublicSerializer

    def list(self, request, *args, **kwargs):
        if self._staff():
            return super().list(request, *args, **kwargs)
        paginator = self.paginator
        paginator.request = request
        simple = simple_near_query(request.query_params, max_limit=paginator.max_limit or 500)
        if simple is not None:
            return Response(near_page(request, simple))
        # Public path: one query (rows plus COUNT(*) OVER ()), rows built from values().
        qs = self.filter_queryset(self.get_queryset())
        paginator.limit = paginator.get_limit(request)
        paginator.offset = paginator.get_offset(request)
        with_distance = "distance" in qs.query.annotations
        columns = [*PUBLIC_COLUMNS, "total"] + (["distance"] if with_distance else [])
        window = qs.annotate(total=Window(Count("id"))).values(*columns)
        values = list(window[paginator.offset : paginator.offset + paginator.limit])
        paginator.count = values[0]["total"] if values else qs.count()
        return paginator.get_paginated_response(public_rows(values, with_distance=with_distance))

    def create(self, request, *args, **kwargs):
        if not can_manage(request.user):
            self.permission_denied(request)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            facility = services.facility_create(
                user=request.user, data=serializer.to_model_data(), request=request
            )
        except DjangoValidationError as exc:
            raise validation_error(exc) from None
        facility = self.get_queryset().get(pk=facility.pk)
        return Response(FacilityStaffSerializer(facility).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        if not can_report_capacity(request.user):
            self.permission_denied(request)
        facility = self.get_object()
        serializer = self.get_serializer(facility, data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        data = (
            serializer.to_model_data()
            if hasattr(serializer, "to_model_data")
            else dict(serializer.validated_data)
        )
        try:
            if can_manage(request.user):
                services.facility_update(user=request.user, facility=facility, data=data, request=request)
            else:
                services.facility_report_capacity(
                    user=request.user, facility=facility, data=data, request=request
                )
        except DjangoValidationError as exc:
            raise validation_error(exc) from None
        except DjangoPermissionDenied:
            raise PermissionDenied from None
        facility = self.get_queryset().get(pk=facility.pk)
        return Response(FacilityStaffSerializer(facility).data)

    @extend_schema(request=StatusChangeSerializer, responses=StatusChangeOutSerializer)
    @action(detail=True, methods=["post"], url_path="status")
    def set_status(self, request, pk=None):
        """Move the facility along planned → operating → suspended → closed; the history records it."""
        facility = self.get_object()
        if not can_manage(request.user):
            self.permission_denied(request)
        serializer = StatusChangeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            change = services.facility_set_status(
                user=request.user, facility=facility, request=request, **serializer.validated_data
            )
        except DjangoValidationError as exc:
            raise validation_error(exc) from None
        return Response(StatusChangeOutSerializer(change).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    @action(detail=False, methods=["get"], url_path="geojson", pagination_class=None)
    def geojson(self, request):
        """A FeatureCollection of points for maps (same filters; flat, small properties that marker
        clustering handles well; no paging)."""
        qs = self.filter_queryset(self.get_queryset())
        staff = self._staff()
        features = []
        for f in qs:
            props = {
                "id": f.pk,
                "name": f.name,
                "kind": f.kind,
                "kind_display": f.get_kind_display(),
                "town_name": f.town.name,
                "beds_vacant": f.beds_vacant,
                "places_vacant": f.places_vacant,
                "status": f.status,
                "is_demo": f.is_demo,
                "url": f.get_absolute_url() if staff else FacilityPublicSerializer().get_public_url(f),
            }
            distance = getattr(f, "distance", None)
            if distance is not None:
                props["distance_m"] = round(distance.m, 1)
            features.append(
                {
                    "type": "Feature",
                    "id": f.pk,
                    "geometry": {
                        "type": "Point",
                        "coordinates": [round(f.location.x, 6), round(f.location.y, 6)],
                    },
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
        if not can_plan_coverage(request.user):
            self.permission_denied(request)
        layer = get_object_or_404(ServiceLayer, code=request.query_params.get("layer", "elder_home_care"))
        return Response(selectors.coverage_geojson(user=request.user, layer=layer))


_collection_view = FacilityViewSet.as_view({"get": "list", "post": "create"})
