"""The set-based match in the database, rule by rule (STANDARDS §6), and its agreement with rules.py."""

import datetime as dt
import random
from decimal import Decimal

import pytest

from hechuan_portal.residents.models import Resident
from hechuan_portal.residents.tests.factories import ResidentFactory
from subsidies import rules
from subsidies.models import (
    AllowanceConfig,
    AllowanceDecision,
    AllowanceGrant,
    AllowancePolicy,
    AllowanceTier,
    Overpayment,
    PaymentLine,
)
from subsidies.services import grant_decide_manually, grant_return_to_automatic

from .conftest import D, close, grant_of, match, paid, person, state

pytestmark = pytest.mark.django_db


def test_first_month_paid_is_the_month_after_the_80th_birthday_month():
    p = person(D(1946, 12, 15))
    match(D(2026, 12, 10))
    assert not AllowanceGrant.objects.filter(resident=p).exists()
    outcome = match(D(2027, 1, 5))
    g = grant_of(p)
    assert (g.status, g.tier_code, g.monthly_amount, g.start_month) == (
        "active",
        "80-89",
        Decimal("50.00"),
        D(2027, 1, 1),
    )
    assert paid(p) == [("2027-01", "50.00", "normal")]
    assert outcome.counts["granted"] == 1
    d = AllowanceDecision.objects.get(resident=p)
    assert (d.kind, d.rule, d.new_status) == ("grant", "age_tier", "active")
    assert d.data["birth_date"] == "1946-12-15" and d.data["age"] == 80 and d.data["month"] == "2027-01-01"
    assert "id" not in " ".join(d.data)  # never the ID number


def test_tier_change_when_crossing_ninety():
    p = person(D(1937, 3, 10))
    match(D(2027, 3, 1))
    close(D(2027, 3, 1))
    outcome = match(D(2027, 4, 1))
    assert outcome.counts["tier_change"] == 1
    assert grant_of(p).tier_code == "90-99"
    assert paid(p) == [("2027-03", "50.00", "normal"), ("2027-04", "100.00", "normal")]


def test_29_february_in_the_database():
    p = person(D(1944, 2, 29), male=False)
    match(D(2024, 2, 29))
    assert not AllowanceGrant.objects.filter(resident=p).exists()
    match(D(2024, 3, 1))
    assert grant_of(p).start_month == D(2024, 3, 1)


def test_death_month_paid_then_terminated():
    p = person(D(1940, 1, 1))
    match(D(2027, 2, 1))
    close(D(2027, 2, 1))
    Resident.objects.filter(pk=p.pk).update(status="deceased", death_date=D(2027, 2, 20))
    outcome = match(D(2027, 3, 1))
    g = grant_of(p)
    assert (g.status, g.end_month, g.rule) == ("terminated", D(2027, 2, 1), "deceased")
    assert outcome.counts["terminate"] == 1
    assert paid(p) == [("2027-02", "50.00", "normal")]
    assert not Overpayment.objects.exists()


def test_death_reported_late_makes_an_overpayment():
    p = person(D(1940, 1, 1))
    match(D(2027, 2, 1))
    close(D(2027, 2, 1))
    match(D(2027, 3, 1))
    close(D(2027, 3, 1))
    Resident.objects.filter(pk=p.pk).update(status="deceased", death_date=D(2027, 1, 15))
    outcome = match(D(2027, 4, 1))
    assert outcome.counts["overpayments"] == 2
    assert list(Overpayment.objects.values_list("month", "amount", "reason", "status").order_by("month")) == [
        (D(2027, 2, 1), Decimal("50.00"), "deceased", "open"),
        (D(2027, 3, 1), Decimal("50.00"), "deceased", "open"),
    ]
    assert paid(p) == [("2027-02", "50.00", "normal"), ("2027-03", "50.00", "normal")]  # nothing in April
    assert match(D(2027, 4, 1)).counts["overpayments"] == 0  # recorded once


def test_move_out_month_paid_then_terminated():
    p = person(D(1940, 1, 1))
    match(D(2027, 5, 1))
    Resident.objects.filter(pk=p.pk).update(status="moved_out", moved_out_date=D(2027, 5, 31))
    match(D(2027, 5, 31))
    assert (grant_of(p).status, paid(p)) == ("terminated", [("2027-05", "50.00", "normal")])
    match(D(2027, 6, 1))
    assert paid(p) == [("2027-05", "50.00", "normal")]


def test_draft_line_after_a_death_is_withdrawn_not_an_overpayment():
    p = person(D(1940, 1, 1))
    match(D(2027, 6, 1))
    Resident.objects.filter(pk=p.pk).update(status="deceased", death_date=D(2027, 5, 30))
    outcome = match(D(2027, 6, 2))
    assert (paid(p), outcome.counts["lines_removed"], Overpayment.objects.count()) == ([], 1, 0)


def test_policy_change_mid_year_never_alters_closed_months():
    p = person(D(1940, 1, 1))
    match(D(2027, 6, 1))
    close(D(2027, 6, 1))
    policy = AllowancePolicy.objects.create(name="调标", effective_from=D(2027, 7, 1))
    AllowanceTier.objects.create(
        policy=policy, code="80-89", label="80—89周岁", min_age=80, max_age=89, monthly_amount=Decimal("80")
    )
    outcome = match(D(2027, 7, 1))
    assert outcome.run.mode == "full"
    assert paid(p) == [("2027-06", "50.00", "normal"), ("2027-07", "80.00", "normal")]
    assert (grant_of(p).monthly_amount, outcome.counts["tier_change"]) == (Decimal("80.00"), 1)


def test_arrears_reach_back_to_the_baseline_with_each_months_policy():
    person(D(1940, 1, 1))
    match(D(2027, 1, 1))
    close(D(2027, 1, 1))  # baseline
    policy = AllowancePolicy.objects.create(name="调标", effective_from=D(2027, 3, 1))
    AllowanceTier.objects.create(
        policy=policy, code="80-89", label="80—89周岁", min_age=80, max_age=89, monthly_amount=Decimal("60")
    )
    late = person(D(1945, 6, 1))  # eligible since 2025-07, found in April 2027
    match(D(2027, 4, 1))
    assert paid(late) == [
        ("2027-01", "50.00", "arrears"),
        ("2027-02", "50.00", "arrears"),
        ("2027-03", "60.00", "arrears"),
        ("2027-04", "60.00", "normal"),
    ]


def test_arrears_cap_is_configurable():
    person(D(1940, 1, 1))
    match(D(2027, 1, 1))
    close(D(2027, 1, 1))
    AllowanceConfig.objects.filter(pk=1).update(arrears_cap_months=2)
    late = person(D(1945, 6, 1))
    match(D(2027, 4, 1))
    assert [m for m, _a, _k in paid(late)] == ["2027-02", "2027-03", "2027-04"]


def test_no_arrears_before_any_roll_is_closed():
    p = person(D(1940, 1, 1))
    match(D(2027, 4, 1))
    assert paid(p) == [("2027-04", "50.00", "normal")]


def test_outside_district_never_granted_and_moving_out_of_the_register_suspends():
    outside = person(D(1930, 1, 1), hukou_code="500112001000")
    inside = person(D(1930, 1, 1))
    match(D(2027, 1, 1))
    assert not AllowanceGrant.objects.filter(resident=outside).exists()
    Resident.objects.filter(pk=inside.pk).update(hukou_code="500112001000", town=None)
    outcome = match(D(2027, 1, 2))
    assert (grant_of(inside).status, grant_of(inside).rule, outcome.counts["suspend"]) == (
        "suspended",
        "outside_district",
        1,
    )
    assert paid(inside) == []


def test_reinstatement_after_suspension():
    p = person(D(1930, 1, 1))
    match(D(2027, 1, 1))
    Resident.objects.filter(pk=p.pk).update(town=None)
    match(D(2027, 1, 2))
    Resident.objects.filter(pk=p.pk).update(town="500117001000")
    outcome = match(D(2027, 1, 3))
    assert (grant_of(p).status, outcome.counts["reinstate"]) == ("active", 1)
    kinds = list(AllowanceDecision.objects.filter(resident=p).order_by("id").values_list("kind", flat=True))
    assert kinds == ["grant", "suspend", "reinstate"]


def test_manual_decision_is_never_overwritten(district_admin):
    p = person(D(1930, 1, 1))
    match(D(2027, 1, 1))
    grant_decide_manually(
        resident=p, status="suspended", tier_code="", tier_label="", monthly_amount=None, start_month=None,
        end_month=None, note="户籍核查中", actor=district_admin,
    )  # fmt: skip
    before = AllowanceDecision.objects.count()
    outcome = match(D(2027, 1, 2))
    assert (grant_of(p).status, AllowanceDecision.objects.count()) == ("suspended", before)
    assert paid(p) == [] and outcome.counts.get("reinstate", 0) == 0
    grant_return_to_automatic(actor=district_admin, resident=p, note="核查完毕")
    match(D(2027, 1, 3))
    assert grant_of(p).status == "active" and paid(p) == [("2027-01", "100.00", "normal")]


def test_rematch_is_idempotent_and_incremental_matches_full():
    for i in range(12):
        person(D(1930 + i * 2, 1 + i % 12, 1 + i))
    match(D(2027, 1, 1))
    close(D(2027, 1, 1))
    match(D(2027, 3, 1))
    first = state()
    decisions = AllowanceDecision.objects.count()
    again = match(D(2027, 3, 1))
    assert again.run.mode == "incremental"
    assert {k: v for k, v in again.counts.items() if k != "seconds" and v} == {}
    assert state() == first and AllowanceDecision.objects.count() == decisions
    full = match(D(2027, 3, 1), force_full=True)
    assert full.run.mode == "full" and state() == first


def test_invalid_ids_are_never_granted(tmp_path):
    from hechuan_portal.residents.importer import load_extract
    from hechuan_portal.residents.tests.conftest import csv_line, extract
    from hechuan_portal.residents.tests.factories import make_id

    good = make_id(D(1930, 1, 1), seq=501)
    rows = [
        csv_line(good, "甲", "男", "1930-01-01"),
        csv_line(good[:17] + ("1" if good[17] != "1" else "2"), "乙", "男", "1930-01-01"),
    ]
    load_extract(extract(rows), extract_date=D(2026, 11, 1), skip_invalid=True)
    match(D(2027, 1, 1))
    assert list(AllowanceGrant.objects.values_list("resident__name", flat=True)) == ["甲"]


def test_sql_agrees_with_rules_month_by_month():
    """Random people, twelve monthly runs with each roll closed: every line equals rules.entitlement."""
    rng = random.Random(4)
    people = []
    for _ in range(60):
        birth = D(1922, 1, 1) + dt.timedelta(days=rng.randint(0, 365 * 27))
        status, death, moved = "normal", None, None
        if rng.random() < 0.2:
            status, death = "deceased", D(2027, 1, 1) + dt.timedelta(days=rng.randint(0, 360))
        elif rng.random() < 0.1:
            status, moved = "moved_out", D(2027, 1, 1) + dt.timedelta(days=rng.randint(0, 360))
        people.append(
            ResidentFactory(birth_date=birth, status=status, death_date=death, moved_out_date=moved)
        )
    months = [rules.add_months(D(2027, 1, 1), i) for i in range(12)]
    for m in months:
        match(m)
        close(m)
    policies = [rules.Policy(D(2020, 1, 1), (
        rules.Tier("80-89", "", 80, 89, Decimal("50")), rules.Tier("90-99", "", 90, 99, Decimal("100")),
        rules.Tier("100+", "", 100, None, Decimal("300"))))]  # fmt: skip
    for r in people:
        p = rules.Person(
            birth_date=r.birth_date,
            in_district=True,
            status=r.status,
            death_date=r.death_date,
            moved_out_date=r.moved_out_date,
        )
        expected = []
        for m in months:
            tier = rules.entitlement(p, policies, m)
            if tier:
                expected.append((f"{m:%Y-%m}", f"{tier.amount:.2f}", "normal"))
        assert paid(r) == expected, r.birth_date
    assert PaymentLine.objects.filter(kind="arrears").count() == 0
    assert Overpayment.objects.count() == 0
