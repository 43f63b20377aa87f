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
