"""STANDARDS §6 as pure functions, one rule at a time."""

import datetime as dt
from decimal import Decimal

from subsidies import rules

D = dt.date
TIERS = (
    rules.Tier("80-89", "80—89周岁", 80, 89, Decimal("50")),
    rules.Tier("90-99", "90—99周岁", 90, 99, Decimal("100")),
    rules.Tier("100+", "100周岁及以上", 100, None, Decimal("300")),
)
DEMO = [rules.Policy(D(2020, 1, 1), TIERS)]


def owed(person, month, policies=DEMO):
    tier = rules.entitlement(person, policies, month)
    return (tier.code, tier.amount) if tier else None


def test_birthday_month_is_not_paid_the_next_month_is():
    p = rules.Person(birth_date=D(1946, 12, 15), in_district=True)
    assert owed(p, D(2026, 12, 1)) is None
    assert owed(p, D(2027, 1, 1)) == ("80-89", Decimal("50"))


def test_age_by_birthday_month():
    assert rules.age_in_month(D(1946, 12, 15), D(2026, 12, 1)) == 79
    assert rules.age_in_month(D(1946, 12, 15), D(2027, 1, 1)) == 80
    assert rules.age_in_month(D(1946, 1, 1), D(2026, 1, 1)) == 79
    assert rules.age_in_month(D(1946, 1, 31), D(2026, 2, 1)) == 80


def test_tier_change_at_ninety_and_hundred():
    p = rules.Person(birth_date=D(1937, 3, 10), in_district=True)
    assert owed(p, D(2027, 3, 1)) == ("80-89", Decimal("50"))
    assert owed(p, D(2027, 4, 1)) == ("90-99", Decimal("100"))
    q = rules.Person(birth_date=D(1927, 6, 1), in_district=True)
    assert owed(q, D(2027, 6, 1)) == ("90-99", Decimal("100"))
    assert owed(q, D(2027, 7, 1)) == ("100+", Decimal("300"))


def test_29_february_birthday_month_is_february_every_year():
    p = rules.Person(birth_date=D(1944, 2, 29), in_district=True)
    assert owed(p, D(2024, 2, 1)) is None
    assert owed(p, D(2024, 3, 1)) == ("80-89", Decimal("50"))
    q = rules.Person(birth_date=D(1936, 2, 29), in_district=True)  # 90th birthday in 2026, not a leap year
    assert owed(q, D(2026, 2, 1)) == ("80-89", Decimal("50"))
    assert owed(q, D(2026, 3, 1)) == ("90-99", Decimal("100"))


def test_death_month_is_paid_the_months_after_are_not():
    p = rules.Person(birth_date=D(1940, 1, 1), in_district=True, status="deceased", death_date=D(2027, 2, 28))
    assert owed(p, D(2027, 2, 1)) == ("80-89", Decimal("50"))
    assert owed(p, D(2027, 3, 1)) is None


def test_move_out_month_is_paid_the_months_after_are_not():
    p = rules.Person(
        birth_date=D(1940, 1, 1), in_district=True, status="moved_out", moved_out_date=D(2027, 5, 1)
    )
    assert owed(p, D(2027, 5, 1)) == ("80-89", Decimal("50"))
    assert owed(p, D(2027, 6, 1)) is None


def test_registered_outside_the_district_is_never_eligible():
    assert owed(rules.Person(birth_date=D(1930, 1, 1), in_district=False), D(2027, 1, 1)) is None


def test_policy_in_force_on_the_first_of_the_month():
    raised = rules.Policy(
        D(2027, 7, 1), (rules.Tier("80-89", "80—89周岁", 80, 89, Decimal("80")), *TIERS[1:])
    )
    p = rules.Person(birth_date=D(1940, 1, 1), in_district=True)
    assert owed(p, D(2027, 6, 1), [*DEMO, raised]) == ("80-89", Decimal("50"))
    assert owed(p, D(2027, 7, 1), [*DEMO, raised]) == ("80-89", Decimal("80"))
    assert owed(p, D(2019, 12, 1)) is None  # before any policy


def test_category_tier_wins_when_higher():
    extra = rules.Policy(
        D(2020, 1, 1), (*TIERS, rules.Tier("80-89-dibao", "80—89周岁低保", 80, 89, Decimal("70"), "dibao"))
    )
    poor = rules.Person(birth_date=D(1940, 1, 1), in_district=True, dibao=True)
    other = rules.Person(birth_date=D(1940, 1, 1), in_district=True)
    assert owed(poor, D(2027, 1, 1), [extra]) == ("80-89-dibao", Decimal("70"))
    assert owed(other, D(2027, 1, 1), [extra]) == ("80-89", Decimal("50"))


def test_arrears_floor_is_the_baseline_and_the_cap():
    assert rules.arrears_floor(month=D(2027, 4, 1), baseline=None, cap_months=12) == D(2027, 4, 1)
    assert rules.arrears_floor(month=D(2027, 4, 1), baseline=D(2027, 1, 1), cap_months=12) == D(2027, 1, 1)
    assert rules.arrears_floor(month=D(2027, 4, 1), baseline=D(2027, 1, 1), cap_months=2) == D(2027, 2, 1)
    assert rules.arrears_floor(month=D(2028, 6, 1), baseline=D(2027, 1, 1), cap_months=12) == D(2027, 6, 1)


def test_overpayment_is_a_month_after_death_or_move():
    p = rules.Person(birth_date=D(1940, 1, 1), in_district=True, status="deceased", death_date=D(2027, 2, 3))
    assert rules.is_overpayment(p, D(2027, 2, 1)) is False
    assert rules.is_overpayment(p, D(2027, 3, 1)) is True
    assert (
        rules.is_overpayment(rules.Person(birth_date=D(1940, 1, 1), in_district=True), D(2030, 1, 1)) is False
    )


def test_months_helpers():
    assert rules.add_months(D(2026, 12, 1), 1) == D(2027, 1, 1)
    assert rules.add_months(D(2027, 1, 1), -13) == D(2025, 12, 1)
    assert rules.months_between(D(2026, 11, 15), D(2027, 1, 1)) == [
        D(2026, 11, 1),
        D(2026, 12, 1),
        D(2027, 1, 1),
    ]
