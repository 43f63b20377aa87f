"""WHO growth z-scores at their boundaries (STANDARDS §4): day 0 reads its own row, the length
tables apply through day 730 and the height tables from day 731, and a measurement taken in the
other position is adjusted by 0.7 cm, both ways."""

import datetime as dt
from decimal import Decimal

from pygrowup.tables.by_day import lfa, wfa, wfh, wfl

from childcare import standards as std

BIRTH = dt.date(2024, 3, 1)  # 2024-03-01 → 2026-03-01 holds no 29 February: day 730 is the 24-month check-up


def median(table, sex, t):
    return table.DATA[sex][t]["m"]


def on_day(days):
    return BIRTH + dt.timedelta(days=days)


def test_day_zero_reads_its_own_row():
    # Row 0 (3.3464 kg) and row 1 (3.3174 kg) differ: the birth-day median is z = 0 only on row 0.
    assert median(wfa, "male", 0) != median(wfa, "male", 1)
    z = std.growth_zscores(sex="M", birth=BIRTH, measured_on=BIRTH, weight_kg=median(wfa, "male", 0))
    assert z.wfa == Decimal("0.00")
    z = std.growth_zscores(sex="M", birth=BIRTH, measured_on=BIRTH, length_cm=median(lfa, "male", 0))
    assert z.lhfa == Decimal("0.00")


def test_a_measurement_before_the_birth_gives_no_zscore():
    assert (
        std.growth_zscores(sex="M", birth=BIRTH, measured_on=BIRTH - dt.timedelta(days=1), weight_kg=3)
        == std.ZScores()
    )


def test_day_730_uses_the_length_table_and_day_731_the_height_table():
    assert on_day(730) == dt.date(2026, 3, 1)  # the second birthday: the 24-month check-up
    lying_730 = median(lfa, "female", 730)  # length median, day 730
    standing_731 = median(lfa, "female", 731)  # height median, day 731 (≈ 0.7 cm shorter)
    assert lying_730 - standing_731 > Decimal("0.6")
    z = std.growth_zscores(
        sex="F", birth=BIRTH, measured_on=on_day(730), length_cm=lying_730, position=std.LYING
    )
    assert z.lhfa == Decimal("0.00")
    z = std.growth_zscores(
        sex="F", birth=BIRTH, measured_on=on_day(731), length_cm=standing_731, position=std.STANDING
    )
    assert z.lhfa == Decimal("0.00")
    # Weight-for-length on day 730, weight-for-height on day 731 (the two tables differ at 85.0 cm).
    at = Decimal("85.0")
    assert wfl.DATA["female"][at]["m"] != wfh.DATA["female"][at]["m"]
    z = std.growth_zscores(
        sex="F",
        birth=BIRTH,
        measured_on=on_day(730),
        length_cm=at,
        weight_kg=wfl.DATA["female"][at]["m"],
        position=std.LYING,
    )
    assert z.wflh == Decimal("0.00")
    z = std.growth_zscores(
        sex="F",
        birth=BIRTH,
        measured_on=on_day(731),
        length_cm=at,
        weight_kg=wfh.DATA["female"][at]["m"],
        position=std.STANDING,
    )
    assert z.wflh == Decimal("0.00")


def test_standing_up_to_day_730_adds_0_7_cm():
    lying = median(lfa, "male", 730)
    # Measured standing at day 730, 0.7 cm shorter than lying: adjusted back onto the median.
    z = std.growth_zscores(
        sex="M", birth=BIRTH, measured_on=on_day(730), length_cm=lying - Decimal("0.7"), position=std.STANDING
    )
    assert z.lhfa == Decimal("0.00")
    unadjusted = std.growth_zscores(
        sex="M", birth=BIRTH, measured_on=on_day(730), length_cm=lying - Decimal("0.7"), position=std.LYING
    )
    assert unadjusted.lhfa < Decimal("-0.2")


def test_lying_from_day_731_subtracts_0_7_cm():
    standing = median(lfa, "male", 731)
    z = std.growth_zscores(
        sex="M", birth=BIRTH, measured_on=on_day(731), length_cm=standing + Decimal("0.7"), position=std.LYING
    )
    assert z.lhfa == Decimal("0.00")
    unadjusted = std.growth_zscores(
        sex="M",
        birth=BIRTH,
        measured_on=on_day(731),
        length_cm=standing + Decimal("0.7"),
        position=std.STANDING,
    )
    assert unadjusted.lhfa > Decimal("0.2")


def test_length_for_tables_at_the_boundary():
    cm = Decimal("85.0")
    assert std.length_for_tables(730, cm, std.STANDING) == Decimal("85.7")
    assert std.length_for_tables(730, cm, std.LYING) == cm
    assert std.length_for_tables(731, cm, std.LYING) == Decimal("84.3")
    assert std.length_for_tables(731, cm, std.STANDING) == cm
    assert std.length_for_tables(731, cm, None) == cm
