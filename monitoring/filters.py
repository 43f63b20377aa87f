"""One FilterSet per listable model: pages, API and exports share them."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from facilities.models import FacilityKind
from hechuan_portal.areas.models import AdminArea

from .models import (
    FacilityRisk,
    Finding,
    FindingStatus,
    Inspection,
    InspectionPlan,
    InspectionResult,
    InspectionStatus,
    LocationCheck,
    RiskBand,
    Severity,
    Topic,
    WelfareVisit,
)


def _towns(request):
    # The choices show names: the outlines (GEOS-parsed for every town) are never read.
    return AdminArea.objects.towns().order_by("code").defer("boundary", "centroid")


class InspectionFilter(django_filters.FilterSet):
    town = django_filters.ModelChoiceFilter(field_name="facility__town", queryset=_towns, label=_("镇街"))
    kind = django_filters.ChoiceFilter(
        field_name="facility__kind", choices=FacilityKind.choices, label=_("设施类型")
    )
    status = django_filters.ChoiceFilter(choices=InspectionStatus.choices, label=_("状态"))
    result = django_filters.ChoiceFilter(choices=InspectionResult.choices, label=_("结论"))
    topic = django_filters.ChoiceFilter(
        field_name="template__topic", choices=Topic.choices, label=_("检查主题")
    )
    location_check = django_filters.ChoiceFilter(choices=LocationCheck.choices, label=_("定位核验"))
    inspected_from = django_filters.DateFilter(
        field_name="inspected_at", lookup_expr="date__gte", label=_("检查日期起")
    )
    inspected_to = django_filters.DateFilter(
        field_name="inspected_at", lookup_expr="date__lte", label=_("检查日期止")
    )
    # Plain ids, not choice lists: a select of every plan or facility would leak other towns' rows.
    plan = django_filters.NumberFilter(widget=forms.HiddenInput, label=_("计划"))
    facility = django_filters.NumberFilter(widget=forms.HiddenInput, label=_("设施"))

    class Meta:
        model = Inspection
        fields: list[str] = []


class FindingFilter(django_filters.FilterSet):
    town = django_filters.ModelChoiceFilter(field_name="facility__town", queryset=_towns, label=_("镇街"))
    status = django_filters.ChoiceFilter(choices=FindingStatus.choices, label=_("状态"))
    severity = django_filters.ChoiceFilter(choices=Severity.choices, label=_("严重程度"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("已逾期"))
    facility = django_filters.NumberFilter(widget=forms.HiddenInput, label=_("设施"))
    inspection = django_filters.NumberFilter(widget=forms.HiddenInput, label=_("检查"))

    class Meta:
        model = Finding
        fields: list[str] = []

    def filter_overdue(self, queryset, name, value):
        today = timezone.localdate()
        q = queryset.exclude(status=FindingStatus.CLOSED)
        return (
            q.filter(deadline__lt=today) if value else queryset.exclude(pk__in=q.filter(deadline__lt=today))
        )


class PlanFilter(django_filters.FilterSet):
    topic = django_filters.ChoiceFilter(choices=Topic.choices, label=_("检查主题"))

    class Meta:
        model = InspectionPlan
        fields = ["status", "kind", "town"]


class RiskFilter(django_filters.FilterSet):
    town = django_filters.ModelChoiceFilter(field_name="facility__town", queryset=_towns, label=_("镇街"))
    band = django_filters.ChoiceFilter(choices=RiskBand.choices, label=_("风险等级"))
    kind = django_filters.ChoiceFilter(
        field_name="facility__kind", choices=FacilityKind.choices, label=_("设施类型")
    )

    class Meta:
        model = FacilityRisk
        fields: list[str] = []


class VisitFilter(django_filters.FilterSet):
    town = django_filters.ModelChoiceFilter(queryset=_towns, label=_("镇街"))
    visited_from = django_filters.DateFilter(
        field_name="visited_on", lookup_expr="gte", label=_("探访日期起")
    )
    visited_to = django_filters.DateFilter(field_name="visited_on", lookup_expr="lte", label=_("探访日期止"))
    resident = django_filters.NumberFilter(label=_("老年人"))
    community = django_filters.CharFilter(label=_("村社区代码"))

    class Meta:
        model = WelfareVisit
        fields = ["method", "condition"]
