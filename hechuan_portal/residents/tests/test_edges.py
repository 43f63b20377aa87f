"""Issue 17 at the import: 迁入日期 and 曾用身份证号, impossible dates (rule 9) and contradictions."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command

from hechuan_portal.common import crypto
from hechuan_portal.residents.importer import ImportFailed, load_extract
from hechuan_portal.residents.models import ImportBatch, ImportIssue, Resident
from hechuan_portal.residents.selectors import contradictory

from .conftest import HEADER, csv_line
from .factories import make_id

DAY = dt.date(2026, 11, 1)
pytestmark = pytest.mark.django_db

WANG = make_id(dt.date(1940, 3, 5), male=True, seq=11)
OLD_WANG = make_id(dt.date(1940, 3, 6), male=True, seq=11)


def extract(rows, header=HEADER + ",迁入日期,曾用身份证号"):
    return io.BytesIO(("\n".join([header, *rows]) + "\n").encode())


def row(number=WANG, *, moved_in="", previous="", **over):
    return csv_line(number, "王德胜", "男", "1940-03-05", **over) + f",{moved_in},{previous}"


def test_new_columns_are_stored_like_the_id():
    load_extract(extract([row(moved_in="2026-05-03", previous=OLD_WANG)]), extract_date=DAY)
    wang = Resident.objects.get()
    assert wang.moved_in_date == dt.date(2026, 5, 3)
    assert crypto.decrypt(wang.previous_id_cipher) == OLD_WANG
    assert wang.previous_id_index == crypto.blind_index(OLD_WANG)
    assert wang.previous_id_masked == OLD_WANG[:6] + "********" + OLD_WANG[-4:]


def test_english_aliases_and_reimport_changes_nothing():
    header = HEADER + ",moved_in_date,Previous ID Number"
    data = [row(moved_in="2026-05-03", previous=OLD_WANG)]
    load_extract(extract(data, header), extract_date=DAY)
    before = Resident.objects.values_list("updated_at", flat=True).get()
    result = load_extract(extract(data, header), extract_date=DAY)
    assert (result.inserted, result.updated, result.unchanged) == (0, 0, 1)
    assert Resident.objects.values_list("updated_at", flat=True).get() == before


def test_files_without_the_new_columns_still_load():
    load_extract(
        io.BytesIO(f"{HEADER}\n{csv_line(WANG, '王德胜', '男', '1940-03-05')}\n".encode()), extract_date=DAY
    )
    wang = Resident.objects.get()
    assert (wang.moved_in_date, wang.previous_id_index, wang.previous_id_cipher) == (None, "", None)


def test_previous_id_is_validated_like_an_id():
    bad = OLD_WANG[:17] + ("1" if OLD_WANG[17] != "1" else "2")
    with pytest.raises(ImportFailed) as info:
        load_extract(
            extract(
                [
                    row(previous=bad),
                    row(
                        make_id(dt.date(1941, 1, 1), male=True, seq=3),
                        previous=make_id(dt.date(1941, 1, 1), male=True, seq=3),
                    ).replace("1940-03-05", "1941-01-01"),
                ]
            ),
            extract_date=DAY,
        )
    got = [(e.line, e.column, e.code) for e in info.value.errors]
    assert got == [(2, "曾用身份证号", "id_check_digit"), (3, "曾用身份证号", "previous_same")]


# Rule 9: each date that cannot be true is an error of its row, naming the column.
@pytest.mark.parametrize(
    ("over", "column", "code"),
    [
        ({"moved_in": "2026-11-02"}, "迁入日期", "after_extract"),
        ({"moved_in": "1930-01-01"}, "迁入日期", "before_birth"),
        ({"status": "死亡", "death": "2026-12-01"}, "死亡日期", "after_extract"),
        ({"status": "死亡", "death": "1939-01-01"}, "死亡日期", "before_birth"),
        ({"status": "迁出", "moved": "2027-01-01"}, "迁出日期", "after_extract"),
        ({"status": "迁出", "moved": "1939-12-31"}, "迁出日期", "before_birth"),
    ],
)
def test_impossible_dates_are_row_errors(over, column, code):
    with pytest.raises(ImportFailed) as info:
        load_extract(extract([row(**over)]), extract_date=DAY)
    assert [(e.line, e.column, e.code) for e in info.value.errors] == [(2, column, code)]
    assert Resident.objects.count() == 0


def test_birth_after_the_extract_date_is_an_error():
    baby = make_id(dt.date(2026, 11, 20), male=False, seq=5)
    line = csv_line(baby, "新生", "女", "2026-11-20") + ",,"
    with pytest.raises(ImportFailed) as info:
        load_extract(extract([line]), extract_date=DAY)
    assert [(e.line, e.column, e.code) for e in info.value.errors] == [(2, "出生日期", "after_extract")]


def test_impossible_date_in_english(settings):
    from django.utils import translation

    with translation.override("en"), pytest.raises(ImportFailed) as info:
        load_extract(extract([row(moved_in="2027-01-01")]), extract_date=DAY)
    assert info.value.errors[0].message == "The date is after the extract date"


def test_contradictory_rows_are_imported_and_reported_as_warnings(tmp_path, capsys):
    path = tmp_path / "x.csv"
    rows = [
        row(death="2026-06-10"),  # 正常 with a death date
        row(make_id(dt.date(1938, 2, 2), male=True, seq=7), moved="2026-04-01").replace(
            "1940-03-05", "1938-02-02"
        ),
        # moved out and back in: not a contradiction
        row(
            make_id(dt.date(1937, 2, 2), male=True, seq=9), moved="2025-04-01", moved_in="2026-01-05"
        ).replace("1940-03-05", "1937-02-02"),
    ]
    path.write_bytes(extract(rows).getvalue())
    report = tmp_path / "report.csv"
    call_command("import_residents", str(path), "--extract-date", "2026-11-01", "--report", str(report))
    assert Resident.objects.count() == 3
    batch = ImportBatch.objects.get()
    got = list(batch.issues.values_list("line", "column", "code", "warning"))
    assert got == [(2, "死亡日期", "contradiction", True), (3, "迁出日期", "contradiction", True)]
    assert "第 2 行 死亡日期" in capsys.readouterr().err
    assert "contradiction" in report.read_text(encoding="utf-8-sig")
    assert contradictory(Resident.objects.all()).count() == 2


def test_impossible_date_refuses_the_command(tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes(extract([row(moved_in="2026-11-02")]).getvalue())
    with pytest.raises(CommandError):
        call_command("import_residents", str(path), "--extract-date", "2026-11-01")
    assert not ImportIssue.objects.filter(warning=True).exists()
    assert ImportIssue.objects.get().code == "after_extract"


def test_move_history_from_a_first_load_and_a_staged_import(tmp_path):
    from hechuan_portal.residents.importer import load_first_extract
    from hechuan_portal.residents.models import AwayPeriod

    other = make_id(dt.date(1938, 2, 2), male=True, seq=7)
    path = tmp_path / "first.csv"
    path.write_bytes(
        extract(
            [
                row(status="迁出", moved="2026-03-01"),
                row(other, moved_in="2026-06-01").replace("1940-03-05", "1938-02-02"),
            ]
        ).getvalue()
    )
    assert load_first_extract(path, extract_date=DAY).first_load
    got = list(
        AwayPeriod.objects.order_by("resident__birth_date").values_list(
            "resident__birth_date", "moved_out_date", "moved_in_date", "review"
        )
    )
    assert got == [
        (dt.date(1938, 2, 2), None, dt.date(2026, 6, 1), ""),  # moved in from elsewhere
        (dt.date(1940, 3, 5), dt.date(2026, 3, 1), None, ""),
    ]
    # A later extract: he is back, without 迁入日期 → waits for staff with the extract's date.
    later = dt.date(2026, 12, 1)
    load_extract(extract([row()]), extract_date=later)
    back = AwayPeriod.objects.get(moved_out_date=dt.date(2026, 3, 1))
    assert (back.review, back.proposed_in_date) == ("pending", later)
