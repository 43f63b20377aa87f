"""How amounts and months read on every page and message: `¥54,150.00` in both languages; a month
as the active language writes it, `2026年12月` / `Dec 2026` (STYLE: i18n).

Templates use `|money` and `|date:"YEAR_MONTH_FORMAT"`; Python code that hands a label to a page or
a chart (the overview's trend axes) uses these, so the format modules in `hechuan_portal/formats/`
stay the one place a date pattern is written."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils import formats


def money(value: Decimal | int | float | None) -> str:
    """Yuan with a thousands separator and two decimals; None (an empty sum) reads as ¥0.00."""
    return f"¥{Decimal(value or 0):,.2f}"


def month_label(month: dt.date) -> str:
    """The month in the active language: `2026年12月` in Chinese, `Dec 2026` in English."""
    return formats.date_format(month, "YEAR_MONTH_FORMAT")


def choice_label(choices: type[models.Choices], value: object) -> str:
    """The label of `value` in `choices` in the active language, or the value itself when it is not
    one of them (as Django's get_FOO_display answers)."""
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


def choice_labels(choices: type[models.Choices]) -> dict[Any, str]:
    """Every value's label in the active language, for labelling many rows with one translation each."""
    return {value: str(label) for value, label in choices.choices}
