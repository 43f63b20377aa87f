"""One FilterSet per listable model: pages, API and exports share them."""

import django_filters
from django.utils.translation import gettext_lazy as _

from hechuan_portal.areas.models import AdminArea

from .models import (
    Child,
    ChildcareClass,
    ClassType,
    Enrolment,
    EnrolmentStatus,
    WaitlistEntry,
    WaitlistStatus,
)


def _towns(request):
    return AdminArea.objects.towns()


class ClassFilter(django_filters.FilterSet):
    town = django_filters.ModelChoiceFilter(
        field_name="facility__town", queryset=_towns, label=_("镇街"), empty_label=_("全部镇街")
    )
    class_type = django_filters.ChoiceFilter(
        choices=ClassType.choices, label=_("班型"), empty_label=_("全部班型")
    )
    has_vacancy = django_filters.BooleanFilter(method="filter_vacancy", label=_("有空余托位"))

    class Meta:
        model = ChildcareClass
        fields = ["facility", "town", "class_type", "is_inclusive"]

    def filter_vacancy(self, qs, name, value):
        from django.db.models import F

        if value is None:
            return qs
        vacant = qs.filter(occupied__lt=F("capacity") - F("reserved"))
        return vacant if value else qs.exclude(pk__in=vacant.values("pk"))


class ChildFilter(django_filters.FilterSet):
    name = django_filters.CharFilter(lookup_expr="startswith", label=_("姓名"))
    town = django_filters.ModelChoiceFilter(queryset=_towns, label=_("镇街"), empty_label=_("全部镇街"))

    class Meta:
        model = Child
        fields = ["name", "town", "facility"]


class EnrolmentFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=EnrolmentStatus.choices, label=_("状态"))

    class Meta:
        model = Enrolment
        fields = ["status", "klass", "facility", "child"]


class WaitlistFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=WaitlistStatus.choices, label=_("状态"))

    class Meta:
        model = WaitlistEntry
        fields = ["status", "klass", "facility"]
