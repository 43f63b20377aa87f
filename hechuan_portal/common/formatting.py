"""How amounts read on every page and message: `¥54,150.00` in both languages (STYLE: i18n)."""

from __future__ import annotations

from decimal import Decimal


def money(value: Decimal | int | float | None) -> str:
    """Yuan with a thousands separator and two decimals; None (an empty sum) reads as ¥0.00."""
    return f"¥{Decimal(value or 0):,.2f}"
