"""The indicator registry: each indicator says how to compute its per-town parts in one query.

`compute(period)` returns {town_code: (numerator, denominator | None)} for the month starting on
`period`. The district figure is Σnumerator / Σdenominator, so it is always consistent with the
towns. Stock indicators (beds, places) read the current state; flow indicators (inspections, visits,
payments) read the month.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

Parts = dict[str, tuple[Decimal, Decimal | None]]


@dataclass(frozen=True)
class Indicator:
    code: str
    label: str
    unit: str
    group: str
    compute: Callable
    scale: int = 1
    has_denominator: bool = False
    drill: Callable[[str], str] | None = None  # town code → URL of the records behind the figure
    help_text: str = ""


REGISTRY: dict[str, Indicator] = {}


def register(indicator: Indicator) -> Indicator:
    REGISTRY[indicator.code] = indicator
    return indicator


def indicators() -> list[Indicator]:
    from . import indicators as _definitions  # noqa: F401  (definitions register on import)

    return list(REGISTRY.values())


def get(code: str) -> Indicator | None:
    indicators()
    return REGISTRY.get(code)
