import datetime as dt
from decimal import Decimal as D

from hechuan_portal.common import months
from overview import rules


def test_indicator_value_count_and_ratio():
    assert rules.indicator_value(D(12), None, 1) == D("12.00")
    assert rules.indicator_value(D(45), D(10000), 1000) == D("4.50")
    assert rules.indicator_value(D(2), D(3), 100) == D("66.67")
    assert rules.indicator_value(D(5), D(0), 100) is None


def test_traffic_light_at_least():
    kw = {"target": D("4.5"), "comparator": "ge", "amber_margin": D("0.5")}
    assert rules.traffic_light(D("4.5"), **kw) == rules.GREEN
    assert rules.traffic_light(D("4.0"), **kw) == rules.AMBER
    assert rules.traffic_light(D("3.99"), **kw) == rules.RED
    assert rules.traffic_light(None, **kw) == rules.NONE


def test_traffic_light_at_most():
    kw = {"target": D("0"), "comparator": "le", "amber_margin": D("2")}
    assert rules.traffic_light(D("0"), **kw) == rules.GREEN
    assert rules.traffic_light(D("2"), **kw) == rules.AMBER
    assert rules.traffic_light(D("3"), **kw) == rules.RED


def test_previous_months_cross_the_year():
    assert months.previous_months(dt.date(2026, 2, 1), 4) == [
        dt.date(2025, 11, 1),
        dt.date(2025, 12, 1),
        dt.date(2026, 1, 1),
        dt.date(2026, 2, 1),
    ]


def test_month_end_and_parse_month():
    assert months.month_end(dt.date(2028, 2, 1)) == dt.date(2028, 2, 29)
    assert months.month_end(dt.date(2026, 12, 1)) == dt.date(2026, 12, 31)
    assert months.parse_month("2026-07") == dt.date(2026, 7, 1)
    assert months.parse_month("x") is None
    assert months.parse_month("2026-13") is None
