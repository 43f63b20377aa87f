"""The set-based match in the database, rule by rule (STANDARDS §6): the one implementation of §6."""

from decimal import Decimal

import pytest

from hechuan_portal.residents.models import Resident
from hechuan_portal.residents.tests.factories import ResidentFactory
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


def _segments(*spans):
    """(first month, last month, amount) spans of 2027 → the expected normal lines."""
    return [
        (f"2027-{m:02d}", amount, "normal") for first, last, amount in spans for m in range(first, last + 1)
    ]


def test_twelve_monthly_runs_pay_exactly_what_section_6_says():
    """Fixed people, a run each month of 2027 with each roll closed: every line as §6 gives it."""
    cases = [
        # 80th birthday month May 2027: paid from June.
        ({"birth_date": D(1947, 5, 20)}, _segments((6, 12, "50.00"))),
        # Born on the 31st: the birthday month is January, paid from February.
        ({"birth_date": D(1947, 1, 31)}, _segments((2, 12, "50.00"))),
        # 80th birthday month December 2027: nothing this year.
        ({"birth_date": D(1947, 12, 31)}, []),
        ({"birth_date": D(1948, 3, 1)}, []),
        # 90 in August: the 90—99 tier from September.
        ({"birth_date": D(1937, 8, 3)}, _segments((1, 8, "50.00"), (9, 12, "100.00"))),
        # 100 in February: the 100+ tier from March.
        ({"birth_date": D(1927, 2, 14)}, _segments((1, 2, "100.00"), (3, 12, "300.00"))),
        # Born 29 February: turned 90 in February 2026 (not a leap year), 90—99 all year.
        ({"birth_date": D(1936, 2, 29)}, _segments((1, 12, "100.00"))),
        # The month of death is paid, the months after are not.
        ({"birth_date": D(1930, 1, 1), "status": "deceased", "death_date": D(2027, 4, 15)},
         _segments((1, 4, "100.00"))),
        # The month of moving out is paid, the months after are not.
        ({"birth_date": D(1940, 10, 10), "status": "moved_out", "moved_out_date": D(2027, 9, 30)},
         _segments((1, 9, "50.00"))),
    ]  # fmt: skip
    people = [(ResidentFactory(**fields), expected) for fields, expected in cases]
    for month in range(1, 13):
        match(D(2027, month, 1))
        close(D(2027, month, 1))
    for resident, expected in people:
        assert paid(resident) == expected, resident.birth_date
    assert PaymentLine.objects.filter(kind="arrears").count() == 0
    assert Overpayment.objects.count() == 0


def test_a_category_tier_pays_its_people_when_it_is_higher():
    policy = AllowancePolicy.objects.get(effective_from=D(2020, 1, 1))
    AllowanceTier.objects.create(
        policy=policy, code="80-89-dibao", label="80—89周岁低保", min_age=80, max_age=89, category="dibao",
        monthly_amount=Decimal("70"),
    )  # fmt: skip
    poor = person(D(1940, 1, 1), dibao=True)
    other = person(D(1940, 1, 1))
    match(D(2027, 1, 1))
    assert (grant_of(poor).tier_code, paid(poor)) == ("80-89-dibao", [("2027-01", "70.00", "normal")])
    assert (grant_of(other).tier_code, paid(other)) == ("80-89", [("2027-01", "50.00", "normal")])


def test_before_any_policy_nobody_is_paid():
    p = person(D(1930, 1, 1))
    match(D(2019, 12, 1))
    assert paid(p) == [] and not AllowanceGrant.objects.filter(resident=p, status="active").exists()


def test_a_run_analyses_what_it_wrote_from_the_threshold_on():
    from subsidies.matching import ANALYZE_AFTER_WRITES, analyse_after

    below, at = ANALYZE_AFTER_WRITES - 1, ANALYZE_AFTER_WRITES
    assert not analyse_after({"granted": below})
    assert analyse_after({"granted": at})
    # Grants and every kind of line written count; decisions and removals do not.
    assert not analyse_after({"granted": 1, "lines_added": below - 3, "arrears_added": 1, "lines_changed": 1})
    assert analyse_after({"granted": 1, "lines_added": at - 3, "arrears_added": 1, "lines_changed": 1})
    assert not analyse_after({"terminate": at, "lines_removed": at, "overpayments": at})


def _line_analyses() -> int:
    from django.db import connection

    with connection.cursor() as c:
        c.execute("SELECT pg_stat_clear_snapshot()")  # a fresh read, not the transaction's cached one
        c.execute(
            "SELECT analyze_count FROM pg_stat_user_tables WHERE relid = %s::regclass",
            [PaymentLine._meta.db_table],
        )
        return c.fetchone()[0]


@pytest.mark.parametrize("threshold, analysed", [(3, False), (2, True)])
def test_a_run_writing_the_threshold_analyses_and_one_row_fewer_does_not(monkeypatch, threshold, analysed):
    from subsidies import matching

    person(D(1940, 1, 15))
    monkeypatch.setattr(matching, "ANALYZE_AFTER_WRITES", threshold)
    before = _line_analyses()
    outcome = match(D(2027, 1, 1))
    assert (outcome.counts["granted"], outcome.counts["lines_added"]) == (1, 1)  # two rows written
    assert _line_analyses() == before + analysed
