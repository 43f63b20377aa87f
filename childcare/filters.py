"""One FilterSet per listable model: pages, API and exports share them."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from facilities.models import CHILDCARE_KINDS, Facility
from hechuan_portal.areas.models import AdminArea

from .models import (
    Checkup,
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


def _facilities(request):
    """Only the childcare facilities the user may see (choices never reveal other facilities)."""
    user = getattr(request, "user", None)
    return Facility.objects.visible_to(user).filter(kind__in=CHILDCARE_KINDS)


def _yes_no():
    return forms.Select(choices=[("", _("全部")), ("true", _("是")), ("false", _("否"))])


class ClassFilter(django_filters.FilterSet):
    facility = django_filters.ModelChoiceFilter(
        queryset=_facilities, label=_("托育机构"), empty_label=_("全部机构")
    )
    is_inclusive = django_filters.BooleanFilter(label=_("普惠托位"), widget=_yes_no())
    town = django_filters.ModelChoiceFilter(
        field_name="facility__town", queryset=_towns, label=_("镇街"), empty_label=_("全部镇街")
    )
    class_type = django_filters.ChoiceFilter(
        choices=ClassType.choices, label=_("班型"), empty_label=_("全部班型")
    )
    has_vacancy = django_filters.BooleanFilter(
        method="filter_vacancy", label=_("有空余托位"), widget=_yes_no()
    )

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
    facility = django_filters.ModelChoiceFilter(
        queryset=_facilities, label=_("托育机构"), empty_label=_("全部机构")
    )

    class Meta:
        model = Child
        fields = ["name", "town", "facility"]


class EnrolmentFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=EnrolmentStatus.choices, label=_("状态"))
    # Plain ids: the queryset is already scoped, so an id outside it simply matches nothing.
    klass = django_filters.NumberFilter(field_name="klass_id", label=_("班级"))
    facility = django_filters.NumberFilter(field_name="facility_id", label=_("托育机构"))
    child = django_filters.NumberFilter(field_name="child_id", label=_("幼儿"))

    class Meta:
        model = Enrolment
        fields = ["status", "klass", "facility", "child"]


class WaitlistFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=WaitlistStatus.choices, label=_("状态"))
    klass = django_filters.NumberFilter(field_name="klass_id", label=_("班级"))
    facility = django_filters.NumberFilter(field_name="facility_id", label=_("托育机构"))

    class Meta:
        model = WaitlistEntry
        fields = ["status", "klass", "facility"]


class CheckupFilter(django_filters.FilterSet):
    child = django_filters.NumberFilter(field_name="child_id", label=_("幼儿"))
    facility = django_filters.NumberFilter(field_name="facility_id", label=_("托育机构"))

    class Meta:
        model = Checkup
        fields = ["child", "facility", "status"]
