"""One FilterSet for the staff list, the API, the GeoJSON layer, exports and the residents' finder."""

from __future__ import annotations

import django_filters
from django import forms
from django.contrib.gis.db.models.functions import Distance
from django.contrib.gis.geos import Point
from django.contrib.gis.measure import D
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from hechuan_portal.areas.models import AdminArea

from . import error_codes, standards
from .models import (
    CHILDCARE_KINDS,
    ELDER_KINDS,
    Facility,
    FacilityKind,
    FacilityStatus,
)

# What a resident looks for (finder "filter by need") → the kinds that serve it.
NEEDS: dict[str, tuple[str, frozenset[str]]] = {
    "elder_care": (
        _("养老"),
        frozenset(
            {
                FacilityKind.NURSING_HOME,
                FacilityKind.ELDER_CARE_CENTER,
                FacilityKind.COMMUNITY_ELDER_STATION,
                FacilityKind.DAY_CARE,
            }
        ),
    ),
    "meals": (_("助餐"), frozenset({FacilityKind.ELDER_CANTEEN})),
    "childcare": (_("托育"), CHILDCARE_KINDS),
    "learning": (_("老年大学"), frozenset({FacilityKind.ELDER_UNIVERSITY})),
    "bathing": (_("助浴"), frozenset({FacilityKind.BATHING_POINT})),
    "medical": (_("医养医育"), frozenset({FacilityKind.MEDICAL_PARTNER})),
    "elder_all": (_("全部养老服务"), ELDER_KINDS),
}
NEED_CHOICES = [(code, label) for code, (label, _kinds) in NEEDS.items()]


class NearField(forms.CharField):
    """`LNG,LAT` in WGS 84 → a Point."""

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            lng, lat = standards.parse_near(value)
        except ValueError:
            raise forms.ValidationError(
                _("位置参数 near 应为“经度,纬度”（WGS 84），例如 106.27,29.99。"),
                code=error_codes.INVALID_NEAR,
            ) from None
        return Point(lng, lat, srid=4326)


@extend_schema_field(OpenApiTypes.STR)
class NearFilter(django_filters.Filter):
    field_class = NearField

    def filter(self, qs, value):
        # The radius is applied together with the point in FacilityFilter.filter_queryset.
        return qs


class FacilityFilter(django_filters.FilterSet):
    """Kind, need, town, status, vacancy, stale capacity, free text, and `near` + `radius`."""

    q = django_filters.CharFilter(method="filter_text", label=_("关键词"))
    kind = django_filters.ChoiceFilter(
        choices=FacilityKind.choices, label=_("类型"), empty_label=_("全部类型")
    )
    need = django_filters.ChoiceFilter(
        choices=NEED_CHOICES, method="filter_need", label=_("服务需求"), empty_label=_("全部服务")
    )
    town = django_filters.ModelChoiceFilter(
        queryset=AdminArea.objects.towns().order_by("code"),
        to_field_name="code",
        label=_("镇街"),
        empty_label=_("全部镇街"),
    )
    status = django_filters.ChoiceFilter(
        choices=FacilityStatus.choices, label=_("状态"), empty_label=_("全部状态")
    )
    has_vacancy = django_filters.BooleanFilter(
        method="filter_vacancy", label=_("有空余床位或托位"), widget=forms.CheckboxInput
    )
    stale = django_filters.BooleanFilter(
        method="filter_stale", label=_("容量超过30天未上报"), widget=forms.CheckboxInput
    )
    near = NearFilter(label=_("位置（经度,纬度）"))
    radius = django_filters.NumberFilter(
        method="filter_radius",
        label=_("半径（米）"),
        min_value=1,
        max_value=standards.MAX_NEAR_RADIUS_M,
    )

    class Meta:
        model = Facility
        fields = ["q", "kind", "need", "town", "status", "has_vacancy", "stale", "near", "radius"]

    def filter_text(self, qs, name, value):
        value = value.strip()
        if not value:
            return qs
        return qs.filter(
            Q(name__icontains=value)
            | Q(address__icontains=value)
            | Q(operator_name__icontains=value)
            | Q(services__icontains=value)
        )

    def filter_need(self, qs, name, value):
        return qs.filter(kind__in=sorted(NEEDS[value][1])) if value in NEEDS else qs

    def filter_vacancy(self, qs, name, value):
        if value is None or value is False:
            return qs
        return qs.with_vacancy()

    def filter_stale(self, qs, name, value):
        return qs.stale_capacity() if value else qs

    def filter_radius(self, qs, name, value):
        return qs  # used with `near`

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        point = self.form.cleaned_data.get("near")
        if point is None:
            return queryset
        radius = self.form.cleaned_data.get("radius") or standards.DEFAULT_NEAR_RADIUS_M
        # ST_DWithin on geography uses the GiST index; Distance on geography is in metres.
        return (
            queryset.filter(location__dwithin=(point, D(m=float(radius))))
            .annotate(distance=Distance("location", point))
            .order_by("distance", "pk")
        )


# The residents' `near` search is the hot path (issue 3: within twice the time of /healthz). A query
# made only of these parameters, all valid, is answered by selectors.public_near in one SQL
# statement; anything else (or anything invalid) goes through FacilityFilter, which also reports
# the errors. test_public_fast_path_matches_the_public_serializer keeps both paths identical.
SIMPLE_NEAR_PARAMS = frozenset({"near", "radius", "need", "kind", "limit", "offset", "format"})


def simple_near_query(params, *, max_limit: int = 500, default_limit: int = 50) -> dict | None:
    """Parsed `near` search parameters when the fast path can answer them, else None."""
    if (
        "near" not in params
        or not set(params) <= SIMPLE_NEAR_PARAMS
        or params.get("format", "json") != "json"
    ):
        return None
    try:
        lng, lat = standards.parse_near(params["near"])
        radius = float(params.get("radius") or standards.DEFAULT_NEAR_RADIUS_M)
        limit = int(params.get("limit") or default_limit)
        offset = int(params.get("offset") or 0)
    except ValueError:
        return None
    if not (1 <= radius <= standards.MAX_NEAR_RADIUS_M) or limit < 1 or offset < 0:
        return None
    kinds: set[str] | None = None
    if params.get("need"):
        if params["need"] not in NEEDS:
            return None
        kinds = set(NEEDS[params["need"]][1])
    if params.get("kind"):
        if params["kind"] not in FacilityKind.values:
            return None
        kinds = {params["kind"]} & kinds if kinds is not None else {params["kind"]}
    return {
        "lng": lng,
        "lat": lat,
        "radius": radius,
        "kinds": sorted(kinds) if kinds is not None else None,
        "limit": min(limit, max_limit),
        "offset": offset,
    }
