"""Forms of the childcare pages; each feeds one service."""

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from facilities.models import CHILDCARE_KINDS, Facility
from hechuan_portal.accounts import roles
from hechuan_portal.areas.models import AdminArea

from .models import Child, ClassType, MeasuringPosition, PriorityCategory, ScreeningResult


class ClassForm(forms.Form):
    facility = forms.ModelChoiceField(queryset=Facility.objects.none(), label=_("托育机构"))
    name = forms.CharField(label=_("班级名称"), max_length=64)
    class_type = forms.ChoiceField(label=_("班型"), choices=ClassType.choices)
    capacity = forms.IntegerField(label=_("托位数"), min_value=1, max_value=100)
    caregivers = forms.IntegerField(label=_("保育人员数"), min_value=0, max_value=50)
    is_inclusive = forms.BooleanField(label=_("普惠托位"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["facility"].queryset = Facility.objects.visible_to(user).filter(kind__in=CHILDCARE_KINDS)


class ClassUpdateForm(forms.Form):
    capacity = forms.IntegerField(label=_("托位数"), min_value=1, max_value=100)
    caregivers = forms.IntegerField(label=_("保育人员数"), min_value=0, max_value=50)
    is_inclusive = forms.BooleanField(label=_("普惠托位"), required=False)


class ChildForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=64)
    gender = forms.ChoiceField(label=_("性别"), choices=[("M", _("男")), ("F", _("女"))])
    birth_date = forms.DateField(
        label=_("出生日期"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    id_number = forms.CharField(label=_("身份证号"), max_length=20, required=False)
    guardian_name = forms.CharField(label=_("监护人"), max_length=64)
    guardian_phone = forms.CharField(label=_("监护人电话"), max_length=32)
    town = forms.ModelChoiceField(queryset=AdminArea.objects.towns(), label=_("镇街"))
    community = forms.ModelChoiceField(
        queryset=AdminArea.objects.communities().order_by("parent_id", "name"),
        label=_("居住村社区"),
        required=False,
    )
    facility = forms.ModelChoiceField(queryset=Facility.objects.none(), label=_("托育机构"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["facility"].queryset = Facility.objects.visible_to(user).filter(kind__in=CHILDCARE_KINDS)
        if roles.is_town_officer(user):
            self.fields["town"].queryset = AdminArea.objects.filter(code=user.area_id)
            self.fields["community"].queryset = AdminArea.objects.communities().filter(parent_id=user.area_id)
        if roles.is_operator(user):
            self.fields["facility"].required = True


class EnrolForm(forms.Form):
    child = forms.ModelChoiceField(queryset=Child.objects.none(), label=_("幼儿"))
    start_date = forms.DateField(
        label=_("入托日期"),
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        initial=timezone.localdate,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["child"].queryset = (
            Child.objects.visible_to(user).exclude(enrolments__status="active").order_by("name")
        )
        self.fields["child"].label_from_instance = lambda c: f"{c.name}（{c.birth_date:%Y-%m-%d}）"


class WaitlistForm(forms.Form):
    child = forms.ModelChoiceField(queryset=Child.objects.none(), label=_("幼儿"))
    categories = forms.ModelMultipleChoiceField(
        queryset=PriorityCategory.objects.filter(active=True),
        label=_("优先类别"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["child"].queryset = Child.objects.visible_to(user).order_by("name")


class CheckupForm(forms.Form):
    clinic = forms.ModelChoiceField(queryset=Facility.objects.none(), label=_("检查机构"))
    performed_on = forms.DateField(
        label=_("检查日期"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    hearing = forms.ChoiceField(
        label=_("听力"), choices=[("", "—"), *ScreeningResult.choices], required=False
    )
    vision = forms.ChoiceField(
        label=_("视力/眼部"), choices=[("", "—"), *ScreeningResult.choices], required=False
    )
    vision_checks_done = forms.MultipleChoiceField(
        label=_("已做眼部检查"),
        choices=[("eye_exam", _("眼外观检查")), ("red_reflex", _("红光反射")), ("refraction", _("屈光筛查"))],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    length_cm = forms.DecimalField(
        label=_("身长/身高（厘米）"), max_digits=5, decimal_places=1, required=False
    )
    measured_position = forms.ChoiceField(
        label=_("测量体位"),
        choices=[("", _("按年龄（730天及以下卧位，731天起立位）")), *MeasuringPosition.choices],
        required=False,
        help_text=_("与年龄惯例不同的体位按世卫标准调整 0.7 厘米。"),
    )
    weight_kg = forms.DecimalField(label=_("体重（千克）"), max_digits=5, decimal_places=2, required=False)
    head_cm = forms.DecimalField(label=_("头围（厘米）"), max_digits=4, decimal_places=1, required=False)
    notes = forms.CharField(
        label=_("备注"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("加密保存。"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # The clinics whose results this user may record (access.can_record_screening).
        clinics = Facility.objects.filter(kind="medical_partner")
        if not roles.is_district(user):
            clinics = clinics.filter(operators=user) if roles.is_operator(user) else clinics.none()
        self.fields["clinic"].queryset = clinics


class VoucherIssueForm(forms.Form):
    name = forms.CharField(label=_("批次名称"), max_length=128)
    value = forms.DecimalField(label=_("面额（元）"), max_digits=8, decimal_places=2, min_value=1)
    town = forms.ModelChoiceField(queryset=AdminArea.objects.towns(), label=_("发放镇街"), required=False)
    child_ids = forms.CharField(
        label=_("幼儿编号名单"), required=False, help_text=_("按名单发放时填写，以逗号或换行分隔。")
    )
    expires_on = forms.DateField(
        label=_("有效期至"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )

    def clean_child_ids(self) -> list[int]:
        raw = self.cleaned_data["child_ids"].replace("，", ",").replace("\n", ",")
        try:
            return [int(x) for x in raw.split(",") if x.strip()]
        except ValueError:
            raise forms.ValidationError(_("名单只能填写幼儿编号（数字）。")) from None

    def clean_expires_on(self) -> dt.date:
        value = self.cleaned_data["expires_on"]
        if value < timezone.localdate():
            raise forms.ValidationError(_("有效期不能早于今天。"))
        return value


class RedeemForm(forms.Form):
    code = forms.CharField(label=_("券号"), max_length=16)
    facility = forms.ModelChoiceField(queryset=Facility.objects.none(), label=_("使用机构"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["facility"].queryset = Facility.objects.visible_to(user).filter(
            kind__in=CHILDCARE_KINDS, places_inclusive__gt=0
        )
