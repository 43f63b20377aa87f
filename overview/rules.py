"""Pure rules of the overview: indicator values and traffic lights. No ORM.

Months (a period is the date of its first day) come from `hechuan_portal.common.months`.
"""

from __future__ import annotations

from decimal import Decimal

from hechuan_portal.common.ratios import figure_value

GREEN, AMBER, RED, NONE = "green", "amber", "red", "none"

# The one rounding of every figure (the app pages call the same function).
indicator_value = figure_value


def traffic_light(
    value: Decimal | None, *, target: Decimal | None, comparator: str, amber_margin: Decimal
) -> str:
    """green when the target is met, amber when short of it by at most the margin, red otherwise."""
    if value is None or target is None:
        return NONE
    gap = (target - value) if comparator == "ge" else (value - target)
    if gap <= 0:
        return GREEN
    return AMBER if gap <= amber_margin else RED
