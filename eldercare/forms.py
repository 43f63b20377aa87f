"""The phone form for recording an assessment, and the search-first look-up of an elder."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import standards
from .models import Place


def item_field_name(code: str) -> str:
    return "item_" + code.replace(".", "_")


class IdSearchForm(forms.Form):
    id_number = forms.CharField(
        label=_("身份证号"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "inputmode": "text", "placeholder": _("18位身份证号")}
        ),
    )


class AssessmentForm(forms.Form):
    """Who, when and where, the 26 answers (radio buttons 0..max with the standard's help text) and
    the facts the grade-change rules read. The service grades it; this form only collects."""

    id_number = forms.CharField(
        label=_("被评估人身份证号"), max_length=20, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    assessed_on = forms.DateField(
        label=_("评估日期"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    place = forms.ChoiceField(
        label=_("评估地点"), choices=Place.choices, widget=forms.RadioSelect, initial=Place.HOME
    )
    coma = forms.BooleanField(label=_("处于昏迷状态"), required=False)
    dementia = forms.BooleanField(label=_("已确诊痴呆（ICD-10 F00—F03）"), required=False)
    mental_disorder = forms.BooleanField(label=_("经精神科医师确诊患有其他精神和行为障碍"), required=False)
    risk_events_30d = forms.IntegerField(
        label=_("近30天内照护风险事件次数"),
        min_value=0,
        max_value=99,
        initial=0,
        help_text=_("跌倒、噎食、自杀、自伤、走失等。"),
    )
    notes = forms.CharField(label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    client_key = forms.UUIDField(widget=forms.HiddenInput, required=False)
    corrects = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assessed_on"].initial = timezone.localdate()
        for item in standards.ITEMS:
            # Not required here: the service refuses a missing item with its own message and field.
            self.fields[item_field_name(item.code)] = forms.TypedChoiceField(
                label=item.name,
                help_text=item.help,
                choices=[(score, score) for score in range(item.max_score, -1, -1)],
                coerce=int,
                required=False,
                empty_value=None,
                widget=forms.RadioSelect,
            )

    def sections(self) -> list[tuple[str, Any, list[tuple[str, forms.BoundField]]]]:
        """(dimension code, name, [(item code, bound field)…]) in appendix-B order, for the template."""
        out = []
        for dim, name in standards.DIMENSIONS.items():
            fields = [
                (item.code, self[item_field_name(item.code)])
                for item in standards.ITEMS
                if item.code.startswith(dim + ".")
            ]
            out.append((dim, name, fields))
        return out

    def items(self) -> dict[str, int | None]:
        return {item.code: self.cleaned_data.get(item_field_name(item.code)) for item in standards.ITEMS}

    def clean_assessed_on(self) -> dt.date:
        return self.cleaned_data["assessed_on"]


# --- family care beds, home adaptation and placements: input only; the services decide -----------


def _date_widget() -> forms.DateInput:
    return forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


class PhotoInput(forms.ClearableFileInput):
    """Several photos at once, taken with the phone's camera."""

    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """A list of uploaded photos (checked and stored by the service, which names a missing photo)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", PhotoInput(attrs={"accept": "image/*", "capture": "environment"}))
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else [data]
        return [super(PhotosField, self).clean(f, initial) for f in files if f]


class ApplyForm(IdSearchForm):
    """An application recorded by the community: the elder's full ID number and the date."""

    applied_on = forms.DateField(label=_("申请日期"), widget=_date_widget())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["applied_on"].initial = timezone.localdate()


def _providers() -> Any:
    from facilities.models import ELDER_KINDS, Facility, FacilityStatus

    return Facility.objects.filter(kind__in=ELDER_KINDS, status=FacilityStatus.OPERATING).order_by(
        "town_id", "name"
    )


class AgreeForm(forms.Form):
    provider = forms.ModelChoiceField(label=_("服务机构"), queryset=None)  # type: ignore[arg-type]
    on = forms.DateField(label=_("签约日期"), widget=_date_widget())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = _providers()  # type: ignore[attr-defined]
        self.fields["on"].initial = timezone.localdate()


class SetUpForm(forms.Form):
    """The set-up visit at home: date, photos and the phone's location (taken by the page's script)."""

    on = forms.DateField(label=_("建床日期"), widget=_date_widget())
    photos = PhotosField(label=_("建床照片"), help_text=_("床边护栏、呼叫器等设施的照片，至少一张。"))
    notes = forms.CharField(label=_("建床情况"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    lng = forms.FloatField(required=False, widget=forms.HiddenInput)
    lat = forms.FloatField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate()


class MonthRecordForm(forms.Form):
    """The provider's record of a month's services for a bed."""

    month = forms.DateField(
        label=_("月份"),
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )
    visits = forms.IntegerField(label=_("上门次数"), min_value=0, max_value=999)
    hours = forms.DecimalField(label=_("服务时长（小时）"), min_value=0, max_digits=6, decimal_places=1)
    services = forms.MultipleChoiceField(
        label=_("服务内容"), choices=(), widget=forms.CheckboxSelectMultiple, required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from .models import CareService

        super().__init__(*args, **kwargs)
        self.fields["services"].choices = CareService.choices  # type: ignore[attr-defined]
        self.fields["month"].initial = timezone.localdate().replace(day=1)


class ClaimsMonthForm(forms.Form):
    month = forms.DateField(
        label=_("月份"),
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )
    paid_on = forms.DateField(label=_("发放日期"), required=False, widget=_date_widget())


class NeedsForm(forms.Form):
    """The needs assessment: a quantity per catalogue item (0 or empty: not needed)."""

    def __init__(self, *args: Any, items: Any, current: dict[str, int] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        current = current or {}
        self.catalogue = list(items)
        for item in self.catalogue:
            self.fields[f"qty_{item.code}"] = forms.IntegerField(
                label=f"{item.code} {item.name}",
                min_value=0,
                max_value=99,
                required=False,
                initial=current.get(item.code),
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            )

    def items(self) -> dict[str, int]:
        return {
            item.code: self.cleaned_data[f"qty_{item.code}"]
            for item in self.catalogue
            if self.cleaned_data.get(f"qty_{item.code}")
        }


class QuoteForm(forms.Form):
    """The contractor's unit price per assessed item."""

    def __init__(self, *args: Any, lines: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lines = list(lines)
        for line in self.lines:
            self.fields[f"price_{line.item.code}"] = forms.DecimalField(
                label=f"{line.item.code} {line.item.name} × {line.quantity}",
                min_value=0,
                max_digits=10,
                decimal_places=2,
                initial=line.unit_price,
            )

    def prices(self) -> dict[str, Any]:
        return {line.item.code: self.cleaned_data[f"price_{line.item.code}"] for line in self.lines}


class DateForm(forms.Form):
    on = forms.DateField(label=_("日期"), widget=_date_widget())

    def __init__(self, *args: Any, label: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate()
        if label:
            self.fields["on"].label = label


class AcceptForm(DateForm):
    before_photos = PhotosField(label=_("改造前照片"))
    after_photos = PhotosField(label=_("改造后照片"))


class PlacementForm(IdSearchForm):
    facility = forms.ModelChoiceField(label=_("养老机构"), queryset=None)  # type: ignore[arg-type]
    start_on = forms.DateField(label=_("入住日期"), widget=_date_widget())
    guaranteed = forms.BooleanField(label=_("占用兜底床位"), required=False, initial=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from facilities.models import Facility, FacilityKind, FacilityStatus

        super().__init__(*args, **kwargs)
        self.fields["facility"].queryset = Facility.objects.filter(  # type: ignore[attr-defined]
            kind=FacilityKind.NURSING_HOME, status=FacilityStatus.OPERATING
        ).order_by("town_id", "name")
        self.fields["start_on"].initial = timezone.localdate()
