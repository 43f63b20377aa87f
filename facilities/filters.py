"""One FilterSet for the staff list, the API, the GeoJSON layer, exports and the residents' finder."""

from __future__ import annotations

import django_filters
from django import forms
from django.contrib.gis.geos import Point
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from hechuan_portal.areas.models import AdminArea
from hechuan_portal.common.errors import PortalError

from . import near, standards
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


def _towns(request=None):
    # names for the select only: a town's boundary is a whole polygon
    return AdminArea.objects.towns().order_by("code").defer("boundary")


class NearField(forms.CharField):
    """`LNG,LAT` in WGS 84 → a Point; read by near.parse_point, as the residents' search reads it."""

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            lng, lat = near.parse_point(value)
        except PortalError as exc:
            raise forms.ValidationError(exc.detail, code=exc.code.value) from None
        return Point(lng, lat, srid=4326)


class RadiusField(forms.CharField):
    """Metres, 1 to MAX_NEAR_RADIUS_M, read by near.parse_radius; any bad value is `invalid_radius`."""

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            return near.parse_radius(value)
        except PortalError as exc:
            raise forms.ValidationError(exc.detail, code=exc.code.value) from None


@extend_schema_field(OpenApiTypes.STR)
class NearFilter(django_filters.Filter):
    field_class = NearField

    def filter(self, qs, value):
        # The radius is applied together with the point in FacilityFilter.filter_queryset.
        return qs


@extend_schema_field(OpenApiTypes.NUMBER)
class RadiusFilter(django_filters.Filter):
    field_class = RadiusField

    def filter(self, qs, value):
        return qs  # applied with `near`


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
        # A callable: a FilterSet deep-copies its filters for every request, a queryset included.
        queryset=_towns,
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
    radius = RadiusFilter(label=_("半径（米）"))
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

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        point = self.form.cleaned_data.get("near")
        if point is None:
            return queryset
        radius = self.form.cleaned_data.get("radius") or standards.DEFAULT_NEAR_RADIUS_M
        return queryset.nearby(point, float(radius))
