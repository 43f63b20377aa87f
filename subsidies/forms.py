from django import forms
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from .models import AllowanceConfig, AllowancePolicy, AllowanceTier, GrantStatus, OverpaymentStatus


class MonthField(forms.DateField):
    """A month typed as YYYY-MM (an HTML month input); stored as its first day."""

    widget = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
    input_formats = ["%Y-%m", "%Y-%m-%d"]

    def to_python(self, value):
        day = super().to_python(value)
        return day.replace(day=1) if day else day


class PolicyForm(forms.ModelForm):
    effective_from = MonthField(label=_("生效月份"))

    class Meta:
        model = AllowancePolicy
        fields = ["name", "effective_from", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}


TierFormSet = inlineformset_factory(
    AllowancePolicy,
    AllowanceTier,
    fields=["code", "label", "min_age", "max_age", "category", "monthly_amount"],
    extra=2,
    can_delete=True,
)


class ConfigForm(forms.ModelForm):
    class Meta:
        model = AllowanceConfig
        fields = ["arrears_cap_months"]


class ReviewRequestForm(forms.Form):
    note = forms.CharField(label=_("复核理由"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class ManualDecisionForm(forms.Form):
    status = forms.ChoiceField(label=_("决定"), choices=[c for c in GrantStatus.choices if c[0] != "none"])
    tier_code = forms.CharField(label=_("档次代码"), max_length=32, required=False)
    tier_label = forms.CharField(label=_("档次"), max_length=64, required=False)
    monthly_amount = forms.DecimalField(
        label=_("每月金额（元）"), max_digits=10, decimal_places=2, required=False, min_value=0
    )
    start_month = MonthField(label=_("起始月份"), required=False)
    end_month = MonthField(label=_("截止月份"), required=False)
    note = forms.CharField(label=_("决定理由"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class OverpaymentStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("状态"), choices=OverpaymentStatus.choices)


class SimulationForm(forms.Form):
    tier_code = forms.ChoiceField(label=_("档次"))
    amount = forms.DecimalField(label=_("每月金额（元）"), max_digits=10, decimal_places=2, min_value=0)
    start = MonthField(label=_("自何月起"))

    def __init__(self, *args, tiers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tier_code"].choices = list(tiers)


class MoveInConfirmForm(forms.Form):
    """Staff confirm or correct the move-in date proposed for a person back after a move-out."""

    moved_in_date = forms.DateField(label=_("迁入日期"), widget=forms.DateInput(attrs={"type": "date"}))
