"""The auditor's search over the audit log (page /manage/audit/)."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from .models import AuditAction, AuditEvent


class AuditEventFilter(django_filters.FilterSet):
    actor = django_filters.CharFilter(
        field_name="actor_username", lookup_expr="iexact", label=_("操作人账号")
    )
    action = django_filters.ChoiceFilter(choices=AuditAction.choices, label=_("操作"), empty_label=_("全部"))
    object_type = django_filters.CharFilter(lookup_expr="iexact", label=_("对象类型"))
    object_id = django_filters.CharFilter(lookup_expr="exact", label=_("对象编号"))
    since = django_filters.DateFilter(
        field_name="at",
        lookup_expr="date__gte",
        label=_("起始日期"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    until = django_filters.DateFilter(
        field_name="at",
        lookup_expr="date__lte",
        label=_("截止日期"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = AuditEvent
        fields = ["actor", "action", "object_type", "object_id", "since", "until"]
