"""Monthly claims: the government part from meals and policy, town review, district approval with
the pre-approval checks, the roll (draft → closed, frozen) and its bank file (priorities 3 and 4)."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import DatabaseError, transaction

from hechuan_portal.accounts.models import AuditEvent
from hechuan_portal.accounts.roles import SYSTEM
from hechuan_portal.common.errors import PortalError
from hechuan_portal.residents.models import Resident

from .. import selectors, services
from ..models import ClaimRoll, ClaimStatus, ImportStatus, MealClaim
from . import factories as f

pytestmark = pytest.mark.django_db
TODAY = dt.date(2027, 1, 10)
DEC = dt.date(2026, 12, 1)


def _meals(canteen, rows):
    batch = services.meals_import(
        actor=SYSTEM, canteen=canteen, source=io.BytesIO(f.csv_file(rows)), file_name="till.csv", today=TODAY
    )
    assert batch.status == ImportStatus.SUCCEEDED, batch.errors
    return batch


def _claim(canteen):
    services.claims_compute(actor=SYSTEM, month=DEC, canteen=canteen)
    return MealClaim.objects.get(canteen=canteen, month=DEC)


def test_claim_follows_the_policy_in_force_each_day_across_a_mid_month_change():
    f.policy(dt.date(2026, 1, 1))  # 80+: 4 yuan from the government
    f.policy(dt.date(2026, 12, 16), government={"age_80": "6", "dibao_tekun": "8"})
    canteen = f.canteen()
    _, old = f.person(dt.date(1940, 1, 1))
    _, poor = f.person(dt.date(1960, 1, 1), dibao=True)
    _meals(
        canteen,
        [
            ["2026-12-15", old, "80岁以上", "堂食", ""],  # 4
            ["2026-12-16", old, "80岁以上", "堂食", ""],  # 6
            ["2026-12-31", old, "80岁以上", "送餐上门", ""],  # 6
            ["2026-12-15", poor, "低保/特困", "堂食", ""],  # 6
            ["2026-12-20", poor, "低保/特困", "堂食", ""],  # 8
            ["2026-12-20", "", "非老年人", "堂食", "9"],  # 0
            ["2026-11-30", old, "80岁以上", "堂食", ""],  # another month
        ],
    )
    claim = _claim(canteen)
    assert claim.status == ClaimStatus.DRAFT
    assert claim.meals == 14
    assert claim.government_amount == Decimal("30.00")


def test_recompute_updates_a_draft_but_never_a_reviewed_claim(officer_a):
    f.policy()
    canteen = f.canteen()
    _, old = f.person(dt.date(1940, 1, 1))
    _meals(canteen, [["2026-12-01", old, "80岁以上", "堂食", ""]])
    claim = _claim(canteen)
    _meals(canteen, [["2026-12-02", old, "80岁以上", "堂食", ""]])
    assert _claim(canteen).government_amount == Decimal("8.00")
    services.claim_review(actor=officer_a, claim=claim)
    # The month is frozen for the canteen: a further file is refused, a recompute changes nothing.
    refused = services.meals_import(
        actor=SYSTEM,
        canteen=canteen,
        source=io.BytesIO(f.csv_file([["2026-12-03", old, "80岁以上", "堂食", ""]])),
        file_name="late.csv",
        today=TODAY,
    )
    assert refused.status == ImportStatus.FAILED
    assert refused.errors == [{"line": 2, "column": "日期", "code": "month_frozen"}]
    services.claims_compute(actor=SYSTEM, month=DEC)
    claim.refresh_from_db()
    assert (claim.status, claim.government_amount) == (ClaimStatus.REVIEWED, Decimal("8.00"))


def test_officer_of_another_town_cannot_review(officer_b):
    f.policy()
    canteen = f.canteen()
    _, old = f.person(dt.date(1940, 1, 1))
    _meals(canteen, [["2026-12-01", old, "80岁以上", "堂食", ""]])
    claim = _claim(canteen)
    with pytest.raises(PortalError) as exc:
        services.claim_review(actor=officer_b, claim=claim)
    assert exc.value.code == "not_allowed"
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.DRAFT


def test_town_officer_cannot_approve(officer_a):
    f.policy()
    canteen = f.canteen()
    _, old = f.person(dt.date(1940, 1, 1))
    _meals(canteen, [["2026-12-01", old, "80岁以上", "堂食", ""]])
    claim = services.claim_review(actor=officer_a, claim=_claim(canteen))
    with pytest.raises(PortalError) as exc:
        services.claim_approve(actor=officer_a, claim=claim)
    assert exc.value.code == "not_allowed"


def test_check_more_meals_a_day_than_allowed():
    f.policy(max_meals=2)
    canteen, other = f.canteen(), f.canteen()
    resident, number = f.person(dt.date(1940, 1, 1))
    _, fine = f.person(dt.date(1940, 1, 1))
    _meals(
        canteen,
        [["2026-12-01", number, "80岁以上", "堂食", ""]] * 2 + [["2026-12-01", fine, "80岁以上", "堂食", ""]],
    )
    _meals(other, [["2026-12-01", number, "80岁以上", "送餐上门", ""]])
    rows = selectors.daily_limit_findings(canteen=canteen, month=DEC)
    assert rows == [{"resident_id": resident.pk, "day": dt.date(2026, 12, 1), "meals": 3, "limit": 2}]


def test_check_meal_after_death_or_moving_out():
    f.policy()
    canteen = f.canteen()
    dead, dead_no = f.person(dt.date(1940, 1, 1))
    moved, moved_no = f.person(dt.date(1940, 1, 1))
    _meals(
        canteen,
        [
            ["2026-12-10", dead_no, "80岁以上", "堂食", ""],
            ["2026-12-11", dead_no, "80岁以上", "堂食", ""],
            ["2026-12-20", moved_no, "80岁以上", "堂食", ""],
        ],
    )
    Resident.objects.filter(pk=dead.pk).update(status="deceased", death_date=dt.date(2026, 12, 10))
    Resident.objects.filter(pk=moved.pk).update(status="moved_out", moved_out_date=dt.date(2026, 12, 15))
    rows = selectors.register_findings(canteen=canteen, month=DEC)
    assert [(r["resident_id"], r["day"], r["status"]) for r in rows] == [
        (dead.pk, dt.date(2026, 12, 11), "deceased"),
        (moved.pk, dt.date(2026, 12, 20), "moved_out"),
    ]


def test_check_meals_above_seats_times_opening_days():
    f.policy()
    canteen = f.canteen(seats=1)
    _, a = f.person(dt.date(1940, 1, 1))
    _, b = f.person(dt.date(1940, 1, 1))
    _meals(
        canteen, [["2026-12-01", a, "80岁以上", "堂食", ""], ["2026-12-01", "", "非老年人", "送餐上门", "5"]]
    )
    assert selectors.capacity_findings(canteen=canteen, month=DEC) == []
    _meals(canteen, [["2026-12-02", a, "80岁以上", "堂食", ""], ["2026-12-02", b, "80岁以上", "堂食", ""]])
    assert selectors.capacity_findings(canteen=canteen, month=DEC) == [{"meals": 3, "seats": 1, "days": 2}]
    no_seats = f.canteen(seats=None)
    _meals(no_seats, [["2026-12-01", a, "80岁以上", "堂食", ""]])
    assert selectors.capacity_findings(canteen=no_seats, month=DEC) == [
        {"meals": 1, "seats": None, "days": 1}
    ]


def test_check_category_the_register_does_not_support():
    f.policy()
    canteen = f.canteen()
    young, young_no = f.person(dt.date(1950, 1, 1))  # 76
    turns80, turns80_no = f.person(dt.date(1946, 12, 10))  # 80 on 10 December
    rich, rich_no = f.person(dt.date(1960, 1, 1))
    poor, poor_no = f.person(dt.date(1960, 1, 1), tekun=True)
    frail, frail_no = f.person(dt.date(1960, 1, 1))
    child, child_no = f.person(dt.date(1970, 1, 1))  # 56: not an elder
    _meals(
        canteen,
        [
            ["2026-12-01", young_no, "80岁以上", "堂食", ""],
            ["2026-12-09", turns80_no, "80岁以上", "堂食", ""],
            ["2026-12-10", turns80_no, "80岁以上", "堂食", ""],
            ["2026-12-01", rich_no, "低保/特困", "堂食", ""],
            ["2026-12-01", poor_no, "低保/特困", "堂食", ""],
            ["2026-12-01", frail_no, "失能", "堂食", ""],
            ["2026-12-01", child_no, "其他老年人", "堂食", ""],
        ],
    )
    found = {
        (r["resident_id"], r["day"].day) for r in selectors.category_findings(canteen=canteen, month=DEC)
    }
    assert found == {(young.pk, 1), (turns80.pk, 9), (rich.pk, 1), (frail.pk, 1), (child.pk, 1)}
    # With an assessment source saying the person is 失能, that meal is supported.
    assessed = Resident.objects.filter(pk=frail.pk)
    found = {
        r["resident_id"] for r in selectors.category_findings(canteen=canteen, month=DEC, disabled=assessed)
    }
    assert frail.pk not in found


def test_approval_refused_on_findings_unless_accepted_with_a_reason(officer_a, district_admin):
    f.policy()
    canteen = f.canteen()
    young, young_no = f.person(dt.date(1950, 1, 1))
    _meals(canteen, [["2026-12-01", young_no, "80岁以上", "堂食", ""]])
    claim = services.claim_review(actor=officer_a, claim=_claim(canteen))
    with pytest.raises(PortalError) as exc:
        services.claim_approve(actor=district_admin, claim=claim)
    assert (exc.value.code, exc.value.params) == ("claim_checks_failed", {"count": 1})
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.REVIEWED
    claim = services.claim_approve(actor=district_admin, claim=claim, reason="已核实：户籍年龄有误，另行更正")
    assert claim.status == ClaimStatus.APPROVED
    assert list(claim.changes.values_list("to_status", flat=True)) == ["reviewed", "approved"]


def _approved_claim(officer, admin):
    f.policy()
    canteen = f.canteen()
    _, old = f.person(dt.date(1940, 1, 1))
    _meals(
        canteen, [["2026-12-01", old, "80岁以上", "堂食", ""], ["2026-12-02", old, "80岁以上", "堂食", ""]]
    )
    claim = services.claim_review(actor=officer, claim=_claim(canteen))
    return services.claim_approve(actor=admin, claim=claim)


def test_roll_closed_freezes_its_claims_and_gives_the_bank_file(officer_a, district_admin):
    claim = _approved_claim(officer_a, district_admin)
    roll = services.roll_draft(actor=district_admin, month=DEC)
    out = io.StringIO()
    with pytest.raises(PortalError) as exc:
        services.roll_bank_file(actor=district_admin, month=DEC, output=out)
    assert exc.value.code == "roll_not_closed"
    roll = services.roll_close(actor=district_admin, month=DEC)
    assert (roll.status, roll.claim_count, roll.total_amount) == ("closed", 1, Decimal("8.00"))
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.CLOSED
    # Frozen in the database, whatever the code path.
    with pytest.raises(DatabaseError), transaction.atomic():
        MealClaim.objects.filter(pk=claim.pk).update(government_amount=1)
    with pytest.raises(DatabaseError), transaction.atomic():
        ClaimRoll.objects.filter(pk=roll.pk).update(total_amount=1)
    with pytest.raises(PortalError) as exc:
        services.roll_close(actor=district_admin, month=DEC)
    assert exc.value.code == "roll_closed"
    with pytest.raises(PortalError):
        services.claim_return(actor=district_admin, claim=claim, reason="x")
    count = services.roll_bank_file(actor=district_admin, month=DEC, output=out)
    lines = out.getvalue().splitlines()
    assert count == 1
    assert lines[0] == "收款户名,收款账号,老年食堂,镇街,月份,份数,金额（元）"
    assert lines[1].endswith(",2026-12,2,8.00")
    assert AuditEvent.objects.filter(action="export", object_type="community.claimroll").count() == 1


def test_roll_is_district_only(officer_a, district_admin):
    _approved_claim(officer_a, district_admin)
    with pytest.raises(PortalError) as exc:
        services.roll_draft(actor=officer_a, month=DEC)
    assert exc.value.code == "not_allowed"
    assert not ClaimRoll.objects.exists()
