"""The national standard's limits at their boundaries, the age rule, the schedule and z-scores."""

import datetime as dt
from decimal import Decimal

import pytest
from pygrowup.tables.by_day import hcfa, lfa, wfa, wfl

from childcare import standards as std


def codes(**kw):
    return [v.code for v in std.class_violations(**kw)]


@pytest.mark.parametrize(
    ("class_type", "capacity", "caregivers", "expected"),
    [
        ("infant", 10, 4, []),
        ("infant", 11, 4, ["class_size_exceeds_standard"]),
        ("infant", 9, 3, []),  # 1:3 exactly
        ("infant", 10, 3, ["ratio_below_standard"]),  # 10 > 3×3
        ("infant", 4, 1, ["ratio_below_standard"]),
        ("toddler_small", 15, 3, []),
        ("toddler_small", 16, 4, ["class_size_exceeds_standard"]),
        ("toddler_small", 11, 2, ["ratio_below_standard"]),
        ("toddler_small", 10, 2, []),
        ("toddler_large", 20, 3, []),
        ("toddler_large", 21, 3, ["class_size_exceeds_standard"]),  # 21 = 3×7 meets the ratio
        ("toddler_large", 21, 2, ["class_size_exceeds_standard", "ratio_below_standard"]),
        ("toddler_large", 14, 2, []),
        ("toddler_large", 15, 2, ["ratio_below_standard"]),
        ("mixed", 18, 4, []),
        ("mixed", 19, 4, ["class_size_exceeds_standard"]),
        ("mixed", 15, 3, []),  # default 1:5
        ("mixed", 16, 3, ["ratio_below_standard"]),
    ],
)
def test_class_limits_at_the_boundary(class_type, capacity, caregivers, expected):
    assert codes(class_type=class_type, capacity=capacity, caregivers=caregivers) == expected


def test_mixed_ratio_is_configurable():
    assert codes(class_type="mixed", capacity=16, caregivers=4, mixed_ratio=4) == []
    assert codes(class_type="mixed", capacity=17, caregivers=4, mixed_ratio=4) == ["ratio_below_standard"]
    # The configured ratio never applies to a type the standard fixes.
    assert codes(class_type="infant", capacity=4, caregivers=1, mixed_ratio=7) == ["ratio_below_standard"]


def test_ratio_violation_reports_the_caregivers_needed():
    (v,) = std.class_violations(class_type="infant", capacity=10, caregivers=3)
    assert v.limit == 4


def test_health_worker_threshold():
    assert std.health_workers_required(149) == 0
    assert std.health_workers_required(150) == 1


@pytest.mark.parametrize(
    ("birth", "on", "months"),
    [
        (dt.date(2025, 1, 10), dt.date(2025, 7, 9), 5),
        (dt.date(2025, 1, 10), dt.date(2025, 7, 10), 6),
        (dt.date(2025, 1, 31), dt.date(2025, 2, 28), 1),
        (dt.date(2024, 2, 29), dt.date(2025, 2, 28), 12),
        (dt.date(2024, 2, 29), dt.date(2025, 2, 27), 11),
    ],
)
def test_age_in_months(birth, on, months):
    assert std.age_in_months(birth, on) == months


@pytest.mark.parametrize(
    ("class_type", "age_months", "expected"),
    [
        ("infant", 5, "child_too_young"),
        ("infant", 6, None),
        ("infant", 11, None),
        ("infant", 12, "child_too_old"),
        ("toddler_small", 11, "child_too_young"),
        ("toddler_small", 12, None),
        ("toddler_small", 24, "child_too_old"),
        ("toddler_large", 10, "child_too_young"),  # a 10-month-old cannot join 托大班
        ("toddler_large", 23, "child_too_young"),
        ("toddler_large", 24, None),
        ("toddler_large", 35, None),
        ("toddler_large", 36, "child_too_old"),
        ("mixed", 17, "child_too_young"),
        ("mixed", 18, None),
        ("mixed", 36, "child_too_old"),
    ],
)
def test_age_rule(class_type, age_months, expected):
    on = dt.date(2026, 6, 15)
    birth = std.add_months(on, -age_months)
    assert std.age_error(class_type, birth, on) == expected


def test_allowed_class_types_for_a_20_month_old():
    on = dt.date(2026, 6, 15)
    assert std.allowed_class_types(dt.date(2024, 10, 15), on) == ["toddler_small", "mixed"]


def test_schedule_for_a_child_born_on_a_given_date():
    schedule = std.screening_schedule(dt.date(2025, 1, 31))
    assert [(d.age_months, d.due_date) for d in schedule] == [
        (3, dt.date(2025, 4, 30)),
        (6, dt.date(2025, 7, 31)),
        (8, dt.date(2025, 9, 30)),
        (12, dt.date(2026, 1, 31)),
        (18, dt.date(2026, 7, 31)),
        (24, dt.date(2027, 1, 31)),
        (30, dt.date(2027, 7, 31)),
        (36, dt.date(2028, 1, 31)),
        (48, dt.date(2029, 1, 31)),
        (60, dt.date(2030, 1, 31)),
        (72, dt.date(2031, 1, 31)),
    ]
    assert [d.age_months for d in schedule if d.hearing] == [6, 12, 24, 36]
    assert all(d.vision for d in schedule)
    assert {d.age_months: d.vision_checks for d in schedule if len(d.vision_checks) > 1} == {
        6: ("eye_exam", "red_reflex"),
        24: ("eye_exam", "refraction"),
        36: ("eye_exam", "refraction"),
    }


def at_z(table, sex, t, z):
    """The measurement at z from the WHO LMS row the package ships: M·(1 + L·S·z)^(1/L)."""
    row = table.DATA[sex][t]
    l_, m_, s_ = float(row["l"]), float(row["m"]), float(row["s"])
    return round(m_ * (1 + l_ * s_ * z) ** (1 / l_), 2)


def test_zscores_against_the_who_tables():
    birth = dt.date(2025, 1, 1)
    # A boy measured at 365 days: the WHO median weight-for-age (row 365 of wfa) gives z = 0.
    boy_day = birth + dt.timedelta(days=365)
    median_weight = wfa.DATA["male"][365]["m"]
    assert median_weight == Decimal("9.646")  # WHO boys 12 months: median 9.6 kg
    z = std.growth_zscores(sex="M", birth=birth, measured_on=boy_day, weight_kg=median_weight)
    assert z.wfa == Decimal("0.00")
    # At the −2 SD weight of the same row: z = −2.00 and classified moderately underweight.
    w2 = at_z(wfa, "male", 365, -2)
    assert w2 == 7.74  # WHO boys 12 months −2 SD: 7.7 kg
    z = std.growth_zscores(sex="M", birth=birth, measured_on=boy_day, weight_kg=w2)
    assert z.wfa == Decimal("-2.00")
    assert std.classify_growth(z).underweight is None  # exactly −2 is not below −2
    z = std.growth_zscores(sex="M", birth=birth, measured_on=boy_day, weight_kg=w2 - 0.1)
    assert std.classify_growth(z).underweight == "moderate"
    # A girl at 730 days, height −3 SD (lfa row 730): severely stunted.
    girl_day = birth + dt.timedelta(days=730)
    h3 = at_z(lfa, "female", 730, -3)
    assert h3 == 76.72  # WHO girls 24 months −3 SD: 76.7 cm
    z = std.growth_zscores(sex="F", birth=birth, measured_on=girl_day, length_cm=h3)
    assert z.lhfa == Decimal("-3.00")
    assert std.classify_growth(z).stunting == "moderate"  # z = −3 is not below −3
    z = std.growth_zscores(sex="F", birth=birth, measured_on=girl_day, length_cm=h3 - 0.5)
    assert std.classify_growth(z).stunting == "severe"
    # Head circumference: a boy at 180 days on the median (hcfa row 180) has z = 0.
    head = hcfa.DATA["male"][180]["m"]
    z = std.growth_zscores(sex="M", birth=birth, measured_on=birth + dt.timedelta(days=180), head_cm=head)
    assert z.hcfa == Decimal("0.00")
    # Weight-for-length at 75.0 cm (row Decimal('75.0') of wfl), girl, +2 SD: overweight boundary.
    row = wfl.DATA["female"][Decimal("75.0")]
    assert row["m"] == Decimal("9.149")
    z = std.growth_zscores(
        sex="F", birth=birth, measured_on=birth + dt.timedelta(days=400), length_cm=75.0, weight_kg=row["m"]
    )
    assert z.wflh == Decimal("0.00")
    assert std.classify_growth(z).overweight is False


def test_classification_boundaries():
    c = std.classify_growth(std.ZScores(wfa=Decimal("-2.00"), lhfa=Decimal("-2.01"), wflh=Decimal("2.01")))
    assert c.underweight is None
    assert c.stunting == "moderate"
    assert c.overweight is True
    assert c.follow_up_reasons == ["stunting"]
    c = std.classify_growth(std.ZScores(wflh=Decimal("-3.01"), hcfa=Decimal("-2.5")))
    assert c.wasting == "severe"
    assert c.follow_up_reasons == ["wasting", "head_circumference"]


def test_places_per_thousand_and_share():
    assert std.places_per_thousand(473, 100_000) == Decimal("4.73")
    assert std.places_per_thousand(5, 0) is None
    assert std.share(1, 3) == Decimal("33.33")
    assert std.share(0, 0) is None


def test_who_curves_median_at_12_months():
    curves = std.who_weight_curves("M", months=12)
    assert curves["0"][12] == [12, round(float(wfa.DATA["male"][365]["m"]), 2)]
    assert len(curves["-2"]) == 13
