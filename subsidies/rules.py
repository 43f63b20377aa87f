"""STANDARDS §6 rules that Python code applies, as pure functions (no ORM).

Who is owed what for which month (age by birthday month, the policy in force on the 1st, the best
tier, the last payable month, overpayments) is decided set-wise by the match's SQL (`matching.py`),
the one implementation of those rules; `tests/test_matching.py` checks it rule by rule on fixtures.
What stays here is what the Python around it computes: the arrears floor of a run.
"""

from __future__ import annotations

import datetime as dt

from hechuan_portal.common.months import add_months


def arrears_floor(*, month: dt.date, baseline: dt.date | None, cap_months: int) -> dt.date:
    """The earliest month arrears may cover in the roll of `month` (§6.4).

    Before any roll is closed the baseline is the current month itself (nothing earlier was paid by
    this portal, and the previous system paid it).
    """
    floor = add_months(month, -cap_months)
    return max(floor, baseline or month)
