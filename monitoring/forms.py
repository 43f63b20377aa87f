"""Forms of the monitoring pages. Validation of business rules stays in services."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from facilities.models import Facility, FacilityKind, FacilityStatus
from hechuan_portal.areas.models import AdminArea

from . import access
from .models import (
    Answer,
    ElderCondition,
    InspectionPlan,
    Need,
    Referral,
    StaffQualification,
    Topic,
    VisitMethod,
)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one input (Django's documented recipe)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*,application/pdf"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class DateInput(forms.DateInput):
    """The browser's date picker takes ISO dates only (`2026-12-07`), whatever the language."""

    input_type = "date"

    def __init__(self, attrs=None, format="%Y-%m-%d"):  # noqa: A002 - Django's argument name
        super().__init__(attrs=attrs, format=format)


class InspectionNewForm(forms.Form):
    facility = forms.ModelChoiceField(queryset=Facility.objects.none(), label=_("设施"))
    topic = forms.ChoiceField(choices=Topic.choices, label=_("检查主题"))
    due_on = forms.DateField(label=_("计划检查日期"), widget=DateInput, initial=timezone.localdate)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["facility"].queryset = (
            Facility.objects.visible_to(user)
            .filter(status=FacilityStatus.OPERATING)
            .order_by("town_id", "name")
        )


class InspectionRecordForm(forms.Form):
    """One radio group, note and photo per checklist item, plus the device location."""

    lng = forms.FloatField(required=False, widget=forms.HiddenInput, min_value=-180, max_value=180)
    lat = forms.FloatField(required=False, widget=forms.HiddenInput, min_value=-90, max_value=90)
    accuracy = forms.FloatField(required=False, widget=forms.HiddenInput, min_value=0)
    location_note = forms.CharField(
        label=_("定位说明"),
        required=False,
        max_length=255,
        help_text=_("定位与设施距离过远或无法定位时，请说明原因（如：在机构分部检查）。"),
    )
    notes = forms.CharField(label=_("检查意见"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(items)
        for item in self.items:
            self.fields[f"item_{item.pk}"] = forms.ChoiceField(
                label=item.text,
                choices=Answer.choices,
                widget=forms.RadioSelect,
                error_messages={"required": _("请选择结果。")},
            )
            self.fields[f"note_{item.pk}"] = forms.CharField(label=_("说明"), required=False, max_length=255)
            self.fields[f"photo_{item.pk}"] = forms.FileField(
                label=_("拍照"),
                required=False,
                widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
            )

    def rows(self):
        """(item, answer field, note field, photo field) for the template."""
        return [(i, self[f"item_{i.pk}"], self[f"note_{i.pk}"], self[f"photo_{i.pk}"]) for i in self.items]

    def clean(self):
        data = super().clean()
        for item in self.items:
            if data.get(f"item_{item.pk}") == Answer.NO and not (data.get(f"note_{item.pk}") or "").strip():
                self.add_error(f"note_{item.pk}", _("不符合的检查项请描述问题。"))
        return data


class EvidenceForm(forms.Form):
    files = MultipleFileField(label=_("整改材料（照片或 PDF）"))
    note = forms.CharField(label=_("整改说明"), widget=forms.Textarea(attrs={"rows": 3}), max_length=500)


class ReviewForm(forms.Form):
    action = forms.ChoiceField(
        choices=[("accept", _("验收通过")), ("return", _("退回重改"))], label=_("验收结果")
    )
    reason = forms.CharField(
        label=_("意见"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=500
    )


# What a planner sets; the page form and the API serializer share it.
PLAN_INPUT_FIELDS = [
    "name",
    "topic",
    "town",
    "facility_kinds",
    "starts_on",
    "ends_on",
    "sample_rate",
    "high_risk_rate",
    "inspectors_per_target",
]


class PlanForm(forms.ModelForm):
    facility_kinds = forms.MultipleChoiceField(
        choices=FacilityKind.choices,
        required=False,
        label=_("设施类型（不选为全部）"),
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = InspectionPlan
        fields = PLAN_INPUT_FIELDS
        widgets = {"starts_on": DateInput, "ends_on": DateInput}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["town"].queryset = AdminArea.objects.towns().order_by("code")
        if not access.can_plan_any_town(user):
            del self.fields["town"]


class DrawForm(forms.Form):
    seed = forms.IntegerField(
        label=_("随机种子（留空自动生成）"), required=False, min_value=0, max_value=2**62
    )
    inspectors = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        label=_("检查人员库（不选为全部）"),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, pool, **kwargs):
        super().__init__(*args, **kwargs)
        from hechuan_portal.accounts.models import User

        self.fields["inspectors"].queryset = User.objects.filter(pk__in=[u.pk for u in pool]).order_by("pk")


class StaffForm(forms.ModelForm):
    class Meta:
        model = StaffQualification
        fields = ["name", "role", "certificate_number", "certificate_expiry", "active"]
        widgets = {"certificate_expiry": DateInput}


class VisitForm(forms.Form):
    visited_on = forms.DateField(label=_("探访日期"), widget=DateInput, initial=timezone.localdate)
    method = forms.ChoiceField(label=_("探访方式"), choices=VisitMethod.choices, widget=forms.RadioSelect)
    condition = forms.ChoiceField(
        label=_("老人状况"), choices=ElderCondition.choices, widget=forms.RadioSelect
    )
    needs = forms.MultipleChoiceField(
        label=_("发现需求"), choices=Need.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    referrals = forms.MultipleChoiceField(
        label=_("转介服务"), choices=Referral.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    notes = forms.CharField(label=_("情况记录"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    next_due_on = forms.DateField(
        label=_("下次探访日期"), required=False, widget=DateInput, help_text=_("留空则按探访频次自动计算。")
    )

    def clean_visited_on(self):
        day = self.cleaned_data["visited_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("探访日期不能晚于今天。"))
        return day


class MonthForm(forms.Form):
    month = forms.RegexField(
        regex=r"^\d{4}-(0[1-9]|1[0-2])$",
        label=_("月份"),
        required=False,
        widget=forms.TextInput(attrs={"type": "month"}),
    )
