"""Staff forms: the full facility form (with the map widget), the operator's capacity report,
the status change and the spreadsheet upload."""

from __future__ import annotations

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _
from leaflet.forms.widgets import LeafletWidget

from hechuan_portal.accounts.scope import scope_for
from hechuan_portal.areas.models import AdminArea

from . import standards
from .access import OPERATOR_FIELDS
from .models import KIND_SPECIFIC_FIELDS, Facility, FacilityStatus, field_applies

FACILITY_FIELDS = [
    "name",
    "kind",
    "canteen_subtype",
    "ownership",
    "operator_name",
    "town",
    "community",
    "address",
    "location",
    "phone",
    "opening_hours",
    "services",
    "beds_total",
    "beds_nursing",
    "beds_occupied",
    "places_total",
    "places_inclusive",
    "places_occupied",
    "fee_beds",
    "fee_meals",
    "fee_childcare",
    "filing_number",
    "filing_status",
    "licence_number",
    "licence_expiry",
]


class FacilityForm(forms.ModelForm):
    """Create or edit a whole record. Towns and communities are limited to the user's scope."""

    status = forms.ChoiceField(
        label=_("初始状态"),
        choices=[
            (FacilityStatus.PLANNED, FacilityStatus.PLANNED.label),
            (FacilityStatus.OPERATING, FacilityStatus.OPERATING.label),
        ],
        initial=FacilityStatus.OPERATING,
    )

    class Meta:
        model = Facility
        fields = FACILITY_FIELDS
        widgets = {
            "location": LeafletWidget(
                attrs={"map_height": "360px", "map_width": "100%", "display_raw": False}
            ),
            "services": forms.Textarea(attrs={"rows": 3}),
            "licence_expiry": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        help_texts = {"location": _("点击地图放置设施位置（WGS 84），或用左侧工具拖动标记。")}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        scope = scope_for(user)
        towns = AdminArea.objects.towns().order_by("code")
        communities = AdminArea.objects.communities().order_by("code")
        if not scope.everything:
            towns = towns.filter(code=scope.town_code)
            communities = communities.filter(parent_id=scope.town_code)
        self.fields["town"].queryset = towns
        self.fields["community"].queryset = communities
        if towns.count() == 1 and not self.instance.pk:
            self.fields["town"].initial = towns.first().pk
        if self.instance.pk:
            del self.fields["status"]
        _mark_kind_fields(self)

    def clean(self):
        """A field the chosen kind does not have is saved empty, whatever a hidden input held."""
        data = super().clean()
        kind = data.get("kind")
        for name in KIND_SPECIFIC_FIELDS:
            if name in data and (not field_applies(name, kind) or data[name] in (None, "")):
                data[name] = "" if isinstance(Facility._meta.get_field(name), models.CharField) else 0
        return data


def _mark_kind_fields(form: forms.BaseForm, *, kind: str | None = None) -> None:
    """Drop the fields `kind` does not have (a fixed kind), or tag them with the kinds that have
    them, so the page shows only the chosen kind's fields (a canteen has meals, not beds)."""
    for name, kinds in KIND_SPECIFIC_FIELDS.items():
        if name not in form.fields:
            continue
        if kind is not None and not field_applies(name, kind):
            del form.fields[name]
        else:
            # a field hidden for the chosen kind must never block the form; blank counts as none
            form.fields[name].required = False
            form.fields[name].widget.attrs["data-kinds"] = " ".join(sorted(kinds))


class CapacityForm(forms.ModelForm):
    """What an operator reports: the beds or 托位 figures its kind has, and opening hours."""

    class Meta:
        model = Facility
        fields = list(OPERATOR_FIELDS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _mark_kind_fields(self, kind=self.instance.kind)


class StatusForm(forms.Form):
    """The status box starts on the facility's current status and offers only the moves its life
    cycle allows from there (standards.can_transition)."""

    status = forms.ChoiceField(label=_("新状态"), choices=FacilityStatus.choices)
    reason = forms.CharField(label=_("原因"), max_length=255, required=False)

    def __init__(self, *args, facility: Facility | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if facility is not None:
            current = facility.status
            self.fields["status"].choices = [
                (value, label)
                for value, label in FacilityStatus.choices
                if value == current or standards.can_transition(current, value)
            ]
            self.fields["status"].initial = current


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("表格文件"),
        help_text=_(
            "XLSX、XLS、ODS，或 UTF-8 / UTF-8 BOM / GBK 编码的 CSV；表头可在前 20 行内（其上的标题行会跳过），"
            "数据可在任一工作表。不超过 20 MB、20000 行。"
        ),
    )


class ExportForm(forms.Form):
    FORMAT_CHOICES = [("xlsx", "XLSX"), ("csv", _("CSV（UTF-8 BOM）")), ("csv_gbk", _("CSV（GBK）"))]
    format = forms.ChoiceField(label=_("格式"), choices=FORMAT_CHOICES, initial="xlsx")
