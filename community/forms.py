"""Forms of the community pages: input only; the services decide and refuse."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from facilities.models import Facility, FacilityKind

from . import access
from .models import CareKind, CareService, MealWay, PersonCategory, Volunteer


def _canteens(user):
    return (
        Facility.objects.visible_to(user).filter(kind=FacilityKind.ELDER_CANTEEN).order_by("town_id", "name")
    )


class MealFileForm(forms.Form):
    canteen = forms.ModelChoiceField(label=_("老年食堂"), queryset=Facility.objects.none())
    file = forms.FileField(
        label=_("助餐数据文件"), help_text=_("CSV 或 XLSX，列：日期、身份证号、人员类别、就餐方式、份数。")
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["canteen"].queryset = _canteens(user)


class MealForm(forms.Form):
    canteen = forms.ModelChoiceField(label=_("老年食堂"), queryset=Facility.objects.none())
    day = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}))
    category = forms.ChoiceField(label=_("人员类别"), choices=PersonCategory.choices)
    way = forms.ChoiceField(
        label=_("就餐方式"), choices=MealWay.choices, widget=forms.RadioSelect, initial="dine_in"
    )
    id_number = forms.CharField(
        label=_("身份证号"), required=False, max_length=18, help_text=_("非老年人不填。")
    )
    count = forms.IntegerField(label=_("份数"), min_value=1, initial=1)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["canteen"].queryset = _canteens(user)
        self.fields["day"].initial = timezone.localdate()


class MonthForm(forms.Form):
    month = forms.DateField(
        label=_("月份"), input_formats=["%Y-%m"], widget=forms.DateInput(attrs={"type": "month"})
    )


class ClaimActionForm(forms.Form):
    action = forms.ChoiceField(choices=[("review", "review"), ("approve", "approve"), ("return", "return")])
    reason = forms.CharField(label=_("说明"), required=False, max_length=500)


class CareRecordForm(forms.Form):
    provider = forms.ModelChoiceField(label=_("服务机构"), queryset=Facility.objects.none())
    kind = forms.ChoiceField(label=_("服务方式"), choices=CareKind.choices, widget=forms.RadioSelect)
    id_number = forms.CharField(label=_("老人身份证号"), max_length=18)
    photo = forms.FileField(
        label=_("服务照片"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )
    lng = forms.FloatField(required=False, widget=forms.HiddenInput)
    lat = forms.FloatField(required=False, widget=forms.HiddenInput)
    accuracy = forms.FloatField(required=False, widget=forms.HiddenInput)
    location_note = forms.CharField(label=_("定位说明"), required=False, max_length=255)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        providers = Facility.objects.visible_to(user).filter(
            kind__in=[FacilityKind.BATHING_POINT, *_CARE_KINDS]
        )
        self.fields["provider"].queryset = providers.order_by("town_id", "name")
        self.user = user

    def clean_provider(self):
        provider = self.cleaned_data["provider"]
        if not access.can_record_care(self.user, provider):
            raise forms.ValidationError(_("您不能为该机构登记服务。"), code="not_allowed")
        return provider


# Providers of home bathing and cleaning besides bathing points: the elder care stations and centres.
_CARE_KINDS = (FacilityKind.COMMUNITY_ELDER_STATION, FacilityKind.ELDER_CARE_CENTER, FacilityKind.DAY_CARE)


class CallbackForm(forms.Form):
    satisfaction = forms.TypedChoiceField(
        label=_("满意度"),
        coerce=int,
        choices=[(i, str(i)) for i in range(5, 0, -1)],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("回访记录"), required=False, max_length=255)


SHARE_PARTS = ("individual", "enterprise", "government", "collective", "donation")


class PolicyForm(forms.Form):
    """A cost-sharing policy: its name and date, the daily meal limit, and each category's split."""

    name = forms.CharField(label=_("政策名称"), max_length=100)
    effective_from = forms.DateField(label=_("生效日期"), widget=forms.DateInput(attrs={"type": "date"}))
    max_meals_per_day = forms.IntegerField(label=_("每人每日限餐数"), min_value=1, max_value=10, initial=2)
    note = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for category, _label in PersonCategory.choices:
            for part in SHARE_PARTS:
                self.fields[f"{category}__{part}"] = forms.DecimalField(
                    min_value=0, max_digits=8, decimal_places=2, required=False, initial=0,
                    widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
                )  # fmt: skip

    def grid(self):
        """(category label, [bound fields in SHARE_PARTS order]) per category, for the table."""
        return [
            (label, [self[f"{category}__{part}"] for part in SHARE_PARTS])
            for category, label in PersonCategory.choices
        ]

    def shares(self):
        data = self.cleaned_data
        return {
            category: {part: data.get(f"{category}__{part}") or 0 for part in SHARE_PARTS}
            for category, _label in PersonCategory.choices
        }


class DonationForm(forms.Form):
    received_on = forms.DateField(label=_("到账日期"), widget=forms.DateInput(attrs={"type": "date"}))
    donor = forms.CharField(label=_("捐赠人"), max_length=128)
    amount = forms.DecimalField(label=_("金额（元）"), min_value=0.01, max_digits=12, decimal_places=2)
    use = forms.CharField(label=_("用途"), max_length=255)
    canteen = forms.ModelChoiceField(label=_("指定食堂"), queryset=Facility.objects.none(), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["canteen"].queryset = _canteens(user)
        self.fields["received_on"].initial = timezone.localdate()


# --- time bank and care plans: ID numbers are posted, looked up through the blind index, never put
# in a URL; the services decide and refuse (balance, family, scope) ---


def _id_field(label):
    return forms.CharField(
        label=label,
        max_length=18,
        min_length=15,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text", "spellcheck": "false"}),
    )


class IdSearchForm(forms.Form):
    """Step one of registering a volunteer: the person's ID number (posted, never in the URL)."""

    id_number = _id_field(_("身份证号"))


class VolunteerServiceForm(forms.Form):
    """Hours a volunteer gave a recipient (pending until the recipient's community confirms)."""

    volunteer = forms.ModelChoiceField(label=_("志愿者"), queryset=Volunteer.objects.none())
    recipient = _id_field(_("服务对象身份证号"))
    day = forms.DateField(label=_("服务日期"), widget=forms.DateInput(attrs={"type": "date"}))
    hours = forms.DecimalField(
        label=_("时长（小时）"),
        max_digits=3,
        decimal_places=1,
        max_value=24,
        widget=forms.NumberInput(attrs={"step": "0.5", "inputmode": "decimal"}),
    )
    content = forms.CharField(label=_("服务内容"), max_length=255)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["volunteer"].queryset = (
            Volunteer.objects.visible_to(user).select_related("resident").order_by("resident__name", "id")
        )
        self.fields["day"].initial = timezone.localdate()


def _hours_field():
    return forms.DecimalField(
        label=_("小时数"),
        max_digits=7,
        decimal_places=1,
        widget=forms.NumberInput(attrs={"step": "0.5", "inputmode": "decimal"}),
    )


class RedeemForm(forms.Form):
    """Hours redeemed for a service (the source says which)."""

    hours = _hours_field()
    source = forms.CharField(label=_("兑换的服务"), max_length=255)


class TransferForm(forms.Form):
    """Hours given to a family member who is a volunteer too (the ID number is posted)."""

    to = _id_field(_("家庭成员身份证号"))
    hours = _hours_field()
    source = forms.CharField(label=_("说明"), max_length=255)


class CarePlanForm(forms.Form):
    """A monthly plan: how many bathing or cleaning visits an elder in difficulty is to have."""

    id_number = _id_field(_("老人身份证号"))
    month = forms.DateField(
        label=_("月份"),
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )
    service = forms.ChoiceField(label=_("服务"), choices=CareService.choices, widget=forms.RadioSelect)
    visits = forms.IntegerField(label=_("计划次数"), min_value=1, max_value=31, initial=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["month"].initial = timezone.localdate().replace(day=1)
