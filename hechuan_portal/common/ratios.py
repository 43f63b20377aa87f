"""The one rounding of every figure the portal shows: a count, or numerator ÷ denominator × scale.

The dashboard's snapshots (`overview/rules.py`), the app overview pages (childcare's 托位概况) and the
exports all call `figure_value`, so a figure shown in two places cannot differ by its rounding.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

TWO_PLACES = Decimal("0.01")


def figure_value(numerator: Decimal | int, denominator: Decimal | int | None, scale: int) -> Decimal | None:
    """numerator (a count or sum) or numerator/denominator×scale, two decimals rounded half up; None
    when the ratio is undefined (a zero denominator)."""
    if denominator is None:
        return Decimal(numerator).quantize(TWO_PLACES, ROUND_HALF_UP)
    if denominator == 0:
        return None
    return (Decimal(numerator) / Decimal(denominator) * scale).quantize(TWO_PLACES, ROUND_HALF_UP)
