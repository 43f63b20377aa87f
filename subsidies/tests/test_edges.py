"""Issue 17: the allowance at the register's edges (STANDARDS §6 rules 7–10), through the documented
commands over several months of extracts: import_residents, match_allowances, close_payroll,
export_payroll, export_overpayments."""

import csv
import datetime as dt

import pytest
from django.core.management import call_command

from hechuan_portal.accounts.roles import SYSTEM
from hechuan_portal.common import crypto, idcard
from hechuan_portal.residents.models import AwayPeriod, IdCorrection, ImportIssue, Resident
from hechuan_portal.residents.services import away_period_confirm
from hechuan_portal.residents.tests.factories import make_id
from subsidies.models import AllowanceDecision, AllowanceGrant, Overpayment, PaymentLine

pytestmark = pytest.mark.django_db

D = dt.date
HEADER = [
    "身份证号", "姓名", "性别", "出生日期", "户籍地区划代码", "户籍状态", "死亡日期", "迁出日期",
    "住址", "联系电话", "迁入日期", "曾用身份证号",
]  # fmt: skip
WANG = make_id(D(1940, 3, 5), male=True, seq=21)
WANG_FIXED = make_id(D(1940, 3, 6), male=True, seq=21)  # the police corrected the birth date
LI = make_id(D(1938, 7, 1), male=False, seq=22)


def row(number=WANG, *, name="王德胜", birth="1940-03-05", status="正常", death="", moved="", moved_in="",
        previous="", code="500117001000", address="合阳路1号", gender="男"):  # fmt: skip
    return [
        number,
        name,
        gender,
        birth,
        code,
        status,
        death,
        moved,
        address,
        "13800000000",
        moved_in,
        previous,
    ]


def li(**over):
    return row(LI, name="李秀英", birth="1938-07-01", gender="女", address="南津街2号", **over)


class Month:
    """One month of the district's routine: an extract, the match, closing the roll."""

    def __init__(self, tmp_path):
        self.tmp = tmp_path
        self.n = 0

    def extract(self, day, rows):
        self.n += 1
        path = self.tmp / f"extract{self.n}.csv"
        with open(path, "w", encoding="utf-8", newline="") as fh:
            csv.writer(fh).writerows([HEADER, *rows])
        call_command("import_residents", str(path), "--extract-date", day.isoformat(), "--source", "公安")

    def match(self, day):
        call_command("match_allowances", "--as-of", day.isoformat())

    def close(self, day):
        call_command("close_payroll", "--period", f"{day:%Y-%m}")

    def routine(self, day, rows=None):
        if rows is not None:
            self.extract(day, rows)
        self.match(day)
        self.close(day)

    def export(self, day, name="roll.csv"):
        path = self.tmp / name
        call_command("export_payroll", "--period", f"{day:%Y-%m}", "--output", str(path))
        return path.read_bytes()

    def overpayments(self):
        path = self.tmp / "over.csv"
        call_command("export_overpayments", "--output", str(path))
        return list(csv.reader(path.read_text(encoding="utf-8-sig").splitlines()))


@pytest.fixture
def month(tmp_path):
    return Month(tmp_path)


def paid(number=WANG):
    resident = Resident.objects.get(id_index=crypto.blind_index(number))
    return [
        (f"{line.month:%Y-%m}", line.kind)
        for line in PaymentLine.objects.filter(resident=resident).order_by("month")
    ]


def person(number=WANG):
    return Resident.objects.get(id_index=crypto.blind_index(number))


# --- rule 7: moving out and back ---------------------------------------------------------------


def _away_in_february_and_march(month):
    month.routine(D(2026, 1, 5), [row()])  # January paid; the first closed roll is the baseline
    month.routine(D(2026, 2, 5), [row(status="迁出", moved="2026-02-01")])  # the move-out month is paid
    month.routine(D(2026, 3, 5))
    month.routine(D(2026, 4, 5))


def test_moved_out_and_back_with_move_in_date_is_never_paid_for_the_months_away(month):
    _away_in_february_and_march(month)
    assert paid() == [("2026-01", "normal"), ("2026-02", "normal")]
    # Back on 20 April: April (the move-in month) is not paid, May is; March and April never as 补发.
    month.routine(D(2026, 5, 6), [row(moved_in="2026-04-20")])
    assert paid() == [("2026-01", "normal"), ("2026-02", "normal"), ("2026-05", "normal")]
    month.routine(D(2026, 6, 5))
    assert paid()[-1] == ("2026-06", "normal") and len(paid()) == 4
    period = AwayPeriod.objects.get(resident=person())
    assert (period.moved_out_date, period.moved_in_date, period.review) == (D(2026, 2, 1), D(2026, 4, 20), "")
    decision = AllowanceDecision.objects.filter(resident=person(), kind="reinstate").get()
    assert decision.data["away"] == [{"moved_out": "2026-02-01", "moved_in": "2026-04-20"}]
    assert not Overpayment.objects.exists()


def test_moved_out_and_back_without_move_in_date_waits_for_staff(month, django_user_model):
    _away_in_february_and_march(month)
    month.extract(D(2026, 5, 6), [row()])  # back as 正常, no 迁入日期
    period = AwayPeriod.objects.get(resident=person())
    assert (period.review, period.proposed_in_date, period.moved_in_date) == ("pending", D(2026, 5, 6), None)
    month.match(D(2026, 5, 6))
    assert paid() == [("2026-01", "normal"), ("2026-02", "normal")]  # nothing until staff confirm
    grant = AllowanceGrant.objects.get(resident=person())
    assert (grant.status, grant.rule) == ("suspended", "away")
    month.close(D(2026, 5, 6))
    # Staff correct the proposed date: back on 10 April. May (closed without him) and June are paid,
    # May as 补发; March and April never.
    away_period_confirm(actor=SYSTEM, period=period, moved_in_date=D(2026, 4, 10))
    month.routine(D(2026, 6, 5))
    assert paid() == [
        ("2026-01", "normal"),
        ("2026-02", "normal"),
        ("2026-05", "arrears"),
        ("2026-06", "normal"),
    ]
    period.refresh_from_db()
    assert (period.review, period.moved_in_date) == ("confirmed", D(2026, 4, 10))
    # Re-importing the same extract leaves the confirmed period alone.
    month.extract(D(2026, 6, 5), [row()])
    period.refresh_from_db()
    assert (period.review, period.moved_in_date) == ("confirmed", D(2026, 4, 10))


def test_a_move_reported_late_makes_the_months_away_overpayments(month):
    for day in (D(2026, 1, 5), D(2026, 2, 5), D(2026, 3, 5)):
        month.routine(day, [row()] if day.month == 1 else None)
    # April's extract: he was away from 15 January to 10 February (back again).
    month.routine(D(2026, 4, 5), [row(moved="2026-01-15", moved_in="2026-02-10")])
    over = Overpayment.objects.get()
    assert (over.month, over.reason) == (D(2026, 2, 1), "moved_out")
    assert month.overpayments()[1][3:6] == ["2026-02", "50.00", "迁出后发放"]


def test_moving_in_from_elsewhere_is_paid_from_the_next_month(month):
    month.routine(D(2026, 1, 5), [li()])
    month.routine(D(2026, 2, 5), [row(moved_in="2026-02-03")])  # new here, 86 years old
    month.routine(D(2026, 3, 5))
    assert paid() == [("2026-03", "normal")]


# --- rule 8: ID corrections --------------------------------------------------------------------


def test_id_correction_with_previous_number_carries_the_record(month):
    month.routine(D(2026, 1, 5), [row()])
    old = person()
    grant_id = AllowanceGrant.objects.get(resident=old).pk
    month.routine(D(2026, 2, 5), [row(WANG_FIXED, birth="1940-03-06", previous=WANG)])
    assert not Resident.objects.filter(id_index=crypto.blind_index(WANG)).exists()
    carried = person(WANG_FIXED)
    assert carried.pk == old.pk and carried.birth_date == D(1940, 3, 6)
    assert AllowanceGrant.objects.get(resident=carried).pk == grant_id
    assert paid(WANG_FIXED) == [("2026-01", "normal"), ("2026-02", "normal")]  # January not again
    correction = IdCorrection.objects.get()
    assert (correction.old_masked, correction.new_masked) == (idcard.mask(WANG), idcard.mask(WANG_FIXED))
    bank = month.export(D(2026, 2, 1)).decode("utf-8-sig")
    assert WANG_FIXED in bank and WANG not in bank
    # The same extract again changes nothing.
    month.extract(D(2026, 2, 5), [row(WANG_FIXED, birth="1940-03-06", previous=WANG)])
    assert IdCorrection.objects.count() == 1 and Resident.objects.count() == 1


def test_id_correction_without_previous_number_goes_to_review(month):
    month.routine(D(2026, 1, 5), [row()])
    month.routine(D(2026, 2, 5), [row(WANG_FIXED, birth="1940-03-06")])
    new = AllowanceGrant.objects.get(resident=person(WANG_FIXED))
    assert (new.status, new.rule, new.review_status) == ("suspended", "suspected_duplicate", "requested")
    assert paid(WANG_FIXED) == []
    assert paid(WANG) == [("2026-01", "normal"), ("2026-02", "normal")]
    month.routine(D(2026, 3, 5))  # still held: staff decide, not the job
    assert paid(WANG_FIXED) == []


def test_correction_after_the_old_number_was_already_paid_twice_is_an_overpayment(month):
    # Rule 8 + 5: the old number died in the register under its new number.
    month.routine(D(2026, 1, 5), [row()])
    month.routine(D(2026, 2, 5))
    month.routine(
        D(2026, 3, 5), [row(WANG_FIXED, birth="1940-03-06", previous=WANG, status="死亡", death="2026-01-25")]
    )
    over = Overpayment.objects.get()
    assert (over.month, over.reason, over.resident_id) == (D(2026, 2, 1), "deceased", person(WANG_FIXED).pk)


# --- rule 9: contradictions ----------------------------------------------------------------------


def test_contradictory_row_is_treated_by_its_death_date(month):
    month.routine(D(2026, 1, 5), [row()])
    month.routine(D(2026, 2, 5))
    month.routine(D(2026, 3, 5), [row(death="2026-01-20")])  # 正常, but a death date
    grant = AllowanceGrant.objects.get(resident=person())
    assert (grant.status, grant.end_month, grant.rule) == ("terminated", D(2026, 1, 1), "deceased")
    assert paid() == [("2026-01", "normal"), ("2026-02", "normal")]
    over = Overpayment.objects.get()
    assert (over.month, over.reason) == (D(2026, 2, 1), "deceased")
    assert month.overpayments()[1][3:6] == ["2026-02", "50.00", "死亡后发放"]


def test_contradictory_move_out_stops_payment(month):
    month.routine(D(2026, 1, 5), [row()])
    month.routine(D(2026, 2, 5), [row(moved="2026-01-31")])  # 正常, but moved out in January
    assert paid() == [("2026-01", "normal")]
    assert AllowanceGrant.objects.get(resident=person()).status == "terminated"


# --- rule 10: a closed roll is frozen ------------------------------------------------------------


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_closed_roll_exports_the_same_bytes_whatever_the_register_says_later(month, suffix):
    month.routine(D(2026, 1, 5), [row(), li()])
    first = month.export(D(2026, 1, 1), f"a.{suffix}")
    # A new extract moves him to another town under another name (and corrects his number).
    month.routine(
        D(2026, 2, 5),
        [row(WANG_FIXED, name="王德盛", birth="1940-03-06", previous=WANG, code="500117002000"), li()],
    )
    again = month.export(D(2026, 1, 1), f"b.{suffix}")
    assert again == first
    if suffix == "csv":
        text = first.decode("utf-8-sig")
        assert "王德胜" in text and WANG in text and "500117001000" in text
        feb = month.export(D(2026, 2, 1), "feb.csv").decode("utf-8-sig")
        assert "王德盛" in feb and WANG_FIXED in feb and "500117002000" in feb


def test_the_lines_of_a_closed_roll_keep_the_bank_columns(month):
    month.routine(D(2026, 1, 5), [row()])
    line = PaymentLine.objects.get()
    assert (line.name, line.hukou_code) == ("王德胜", "500117001000")
    assert crypto.decrypt(bytes(line.id_cipher)) == WANG


def test_data_migration_backfills_the_lines_of_rolls_closed_before(month):
    import importlib

    from django.apps import apps
    from django.db import connection

    month.routine(D(2026, 1, 5), [row()])
    PaymentLine.objects.update(id_cipher=None, name="", hukou_code="")  # as closed before issue 17
    migration = importlib.import_module("subsidies.migrations.0007_backfill_frozen_bank_columns")
    with connection.schema_editor() as editor:
        migration.backfill(apps, editor)
    line = PaymentLine.objects.get()
    assert (line.name, line.hukou_code, crypto.decrypt(bytes(line.id_cipher))) == (
        "王德胜",
        "500117001000",
        WANG,
    )


def test_both_numbers_paid_before_the_correction_arrived_is_an_overpayment(month):
    # Before issue 17 (or by a manual decision) the corrected number was paid beside the old one.
    month.routine(D(2026, 1, 5), [row()])
    month.extract(D(2026, 2, 5), [row(WANG_FIXED, birth="1940-03-06")])
    month.match(D(2026, 2, 5))
    AllowanceGrant.objects.filter(resident=person(WANG_FIXED)).update(
        status="active", review_status="", rule="age_tier"
    )
    month.match(D(2026, 2, 5))
    month.close(D(2026, 2, 5))
    assert paid(WANG_FIXED) == [("2026-01", "arrears"), ("2026-02", "normal")]
    # March: the extract names the previous number; both are registered, so nothing is merged (a
    # warning) and the months paid twice become overpayments of the corrected number.
    month.routine(D(2026, 3, 5), [row(WANG_FIXED, birth="1940-03-06", previous=WANG)])
    assert ImportIssue.objects.get(warning=True).code == "id_correction_conflict"
    assert sorted(Overpayment.objects.values_list("month", "reason")) == [
        (D(2026, 1, 1), "id_correction"),
        (D(2026, 2, 1), "id_correction"),
    ]
    assert [r[5] for r in month.overpayments()[1:]] == ["身份证号更正前后重复发放"] * 2


# --- the edge-case page ----------------------------------------------------------------------------


def test_edge_page_counts_per_town_for_district_roles(month, client, django_user_model):
    from conftest import make_user
    from hechuan_portal.accounts.models import Role

    month.routine(D(2026, 1, 5), [row(), li()])
    month.routine(D(2026, 2, 5), [row(status="迁出", moved="2026-02-01"), li(death="2026-01-20")])
    month.extract(D(2026, 3, 5), [row()])  # back without 迁入日期
    from subsidies import selectors

    data = selectors.edge_cases(user=make_user("staff_e", Role.DISTRICT_STAFF), month=D(2026, 3, 1))
    assert data["totals"] == {
        "away": 1,
        "moves_pending": 1,
        "corrections": 0,
        "contradictions": 1,
        "duplicates": 0,
    }
    assert [t["name"] for t in data["towns"]] == ["合阳城街道"]
    client.force_login(make_user("staff_f", Role.DISTRICT_STAFF))
    page = client.get("/manage/subsidies/edges/")
    assert page.status_code == 200 and "户籍特殊情形" in page.content.decode()
    client.force_login(make_user("officer_e", Role.TOWN_OFFICER, "500117001000"))
    assert client.get("/manage/subsidies/edges/").status_code == 403


def test_confirming_a_move_in_is_for_district_admins_and_checks_the_date(month):
    from conftest import make_user
    from hechuan_portal.accounts.models import Role
    from hechuan_portal.common.errors import PortalError

    _away_in_february_and_march(month)
    month.extract(D(2026, 5, 6), [row()])
    period = AwayPeriod.objects.get()
    with pytest.raises(PortalError) as refused:
        away_period_confirm(
            actor=make_user("staff_m", Role.DISTRICT_STAFF), period=period, moved_in_date=D(2026, 4, 1)
        )
    assert (refused.value.code, refused.value.status) == ("not_allowed", 403)
    with pytest.raises(PortalError) as bad:
        away_period_confirm(actor=SYSTEM, period=period, moved_in_date=D(2026, 1, 10))  # before the move-out
    assert (bad.value.code, bad.value.field) == ("move_in_date", "moved_in_date")
    period.refresh_from_db()
    assert period.review == "pending"
