"""STANDARDS §6 rules computed in Python (the rest are the match's SQL: test_matching.py)."""

import datetime as dt

from subsidies import rules

D = dt.date


def test_arrears_floor_is_the_baseline_and_the_cap():
    assert rules.arrears_floor(month=D(2027, 4, 1), baseline=None, cap_months=12) == D(2027, 4, 1)
    assert rules.arrears_floor(month=D(2027, 4, 1), baseline=D(2027, 1, 1), cap_months=12) == D(2027, 1, 1)
    assert rules.arrears_floor(month=D(2027, 4, 1), baseline=D(2027, 1, 1), cap_months=2) == D(2027, 2, 1)
    assert rules.arrears_floor(month=D(2028, 6, 1), baseline=D(2027, 1, 1), cap_months=12) == D(2027, 6, 1)
