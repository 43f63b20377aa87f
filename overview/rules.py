"""Pure rules of the overview: indicator values and traffic lights. No ORM.

Months (a period is the date of its first day) come from `hechuan_portal.common.months`.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

GREEN, AMBER, RED, NONE = "green", "amber", "red", "none"
TWO_PLACES = Decimal("0.01")


def indicator_value(numerator: Decimal, denominator: Decimal | None, scale: int) -> Decimal | None:
    """numerator (a count or sum) or numerator/denominator×scale; None when the ratio is undefined."""
    if denominator is None:
        return Decimal(numerator).quantize(TWO_PLACES, ROUND_HALF_UP)
    if denominator == 0:
        return None
    return (Decimal(numerator) / Decimal(denominator) * scale).quantize(TWO_PLACES, ROUND_HALF_UP)


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
