"""The bulk import: encodings, all-or-nothing, --skip-invalid, re-imports, extract dates, the command."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from hechuan_portal.accounts.models import AuditEvent
from hechuan_portal.accounts.roles import SYSTEM
from hechuan_portal.common import crypto
from hechuan_portal.residents.importer import ImportFailed, load_extract
from hechuan_portal.residents.models import ImportBatch, ImportIssue, Resident
from hechuan_portal.residents.services import residents_import

from .conftest import HEADER, csv_line, extract
from .factories import make_id

DAY = dt.date(2026, 11, 1)
pytestmark = pytest.mark.django_db


def lines(people, **over):
    return [csv_line(n, name, g, b, code, **over) for n, name, g, b, code in people]


def snapshot():
    return list(
        Resident.objects.order_by("id_index").values_list(
            "id_index", "name", "status", "town_id", "extract_date", "updated_at", "address"
        )
    )


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_each_encoding_imports(people, encoding):
    result = load_extract(extract(lines(people), encoding), extract_date=DAY, source="公安")
    assert (result.rows_read, result.inserted, result.updated, result.invalid) == (3, 3, 0, 0)
    wang = Resident.objects.get(name="王德胜")
    assert crypto.decrypt(wang.id_cipher) == people[0][0]
    assert wang.id_index == crypto.blind_index(people[0][0])
    assert wang.id_masked == people[0][0][:6] + "********" + people[0][0][-4:]
    assert (wang.town_id, wang.gender, wang.birth_date, wang.source) == (
        "500117001000",
        "M",
        dt.date(1940, 3, 5),
        "公安",
    )


def test_xlsx_imports(people):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER.split(","))
    for line in lines(people):
        sheet.append(line.split(","))
    buf = io.BytesIO()
    book.save(buf)
    buf.seek(0)
    assert load_extract(buf, extract_date=DAY).inserted == 3


def test_outside_district_is_kept_without_town(people):
    load_extract(extract(lines(people)), extract_date=DAY)
    zhao = Resident.objects.get(name="赵明")
    assert (zhao.town_id, zhao.hukou_code) == (None, "500112001000")


def test_any_bad_row_writes_nothing_and_reports_line_column_reason(people):
    bad = lines(people)
    bad[1] = bad[1].replace("李秀英,女", "李秀英,男")
    number = people[0][0]
    bad.append(csv_line(number[:17] + ("1" if number[17] != "1" else "2"), "错号", "男", "1940-03-05"))
    with pytest.raises(ImportFailed) as info:
        load_extract(extract(bad), extract_date=DAY)
    assert Resident.objects.count() == 0
    got = [(e.line, e.column, e.code) for e in info.value.errors]
    assert got == [(3, "性别", "gender_mismatch"), (5, "身份证号", "id_check_digit")]
    assert [e.message for e in info.value.errors] == ["性别与身份证号不一致", "身份证号校验位错误"]


def test_skip_invalid_writes_the_good_rows(people):
    rows = lines(people) + [csv_line("123", "坏号", "男", "1940-01-01")]
    result = load_extract(extract(rows), extract_date=DAY, skip_invalid=True)
    assert (result.inserted, result.invalid) == (3, 1)
    assert [(e.line, e.column, e.code) for e in result.errors] == [(5, "身份证号", "id_format")]


def test_unknown_district_area_code_is_a_bulk_error(people):
    rows = lines(people) + [
        csv_line(make_id(dt.date(1945, 1, 1), seq=90), "无区", "男", "1945-01-01", code="500117999000")
    ]
    with pytest.raises(ImportFailed) as info:
        load_extract(extract(rows), extract_date=DAY)
    assert [(e.line, e.column, e.code) for e in info.value.errors] == [(5, "户籍地区划代码", "area_unknown")]


def test_same_id_twice_identical_is_one_person(people):
    rows = lines(people) + lines(people[:1])
    result = load_extract(extract(rows), extract_date=DAY)
    assert (result.inserted, Resident.objects.count()) == (3, 3)


def test_same_id_twice_with_different_data_is_an_error(people):
    rows = lines(people) + [csv_line(*people[0][:4], people[0][4], address="别处")]
    with pytest.raises(ImportFailed) as info:
        load_extract(extract(rows), extract_date=DAY)
    assert [(e.line, e.code) for e in info.value.errors] == [(2, "duplicate_id"), (5, "duplicate_id")]
    assert "另见第 2 行" in info.value.errors[1].message


def test_reimporting_the_same_file_changes_nothing(people):
    load_extract(extract(lines(people)), extract_date=DAY)
    before = snapshot()
    result = load_extract(extract(lines(people)), extract_date=DAY)
    assert (result.inserted, result.updated, result.unchanged) == (0, 0, 3)
    assert snapshot() == before


def test_newer_extract_updates_and_deaths_arrive_as_updates(people):
    load_extract(extract(lines(people)), extract_date=DAY)
    rows = [csv_line(*people[0][:4], people[0][4], status="死亡", death="2026-11-10")]
    result = load_extract(extract(rows), extract_date=dt.date(2026, 11, 20))
    assert (result.inserted, result.updated) == (0, 1)
    wang = Resident.objects.get(name="王德胜")
    assert (wang.status, wang.death_date, wang.extract_date) == (
        "deceased",
        dt.date(2026, 11, 10),
        dt.date(2026, 11, 20),
    )
    # Absence from a partial file changes nothing for the others.
    assert Resident.objects.get(name="李秀英").status == "normal"


def test_older_extract_never_overwrites_a_newer_one(people):
    load_extract(extract(lines(people)), extract_date=DAY)
    rows = [csv_line(*people[0][:4], people[0][4], status="迁出", moved="2020-01-01")]
    result = load_extract(extract(rows), extract_date=dt.date(2025, 1, 1))
    assert (result.updated, result.unchanged) == (0, 1)
    assert Resident.objects.get(name="王德胜").status == "normal"


def test_empty_file_and_bad_header():
    with pytest.raises(ImportFailed, match="缺少必需的列"):
        load_extract(io.BytesIO("姓名,性别\n张,男\n".encode()), extract_date=DAY)
    with pytest.raises(ImportFailed, match="没有数据行"):
        load_extract(io.BytesIO((HEADER + "\n").encode()), extract_date=DAY)


def test_service_records_batch_issues_and_audit(people, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(extract(lines(people) + [csv_line("1", "坏", "男", "1940-01-01")]).getvalue())
    with pytest.raises(ImportFailed) as info:
        residents_import(actor=SYSTEM, path=path, extract_date=DAY)
    batch = info.value.batch
    assert (batch.status, batch.rows_read, batch.rows_invalid) == ("failed", 4, 1)
    assert list(ImportIssue.objects.values_list("line", "column", "code")) == [(5, "身份证号", "id_format")]
    event = AuditEvent.objects.get(action="import")
    assert event.changes == {"rows_read": 4, "invalid": 1, "status": "failed"}


def test_command_exit_codes_and_report(people, tmp_path, capsys):
    good, bad, report = tmp_path / "good.csv", tmp_path / "bad.csv", tmp_path / "report.csv"
    good.write_bytes(extract(lines(people), "gbk").getvalue())
    bad.write_bytes(extract(lines(people) + [csv_line("1", "坏", "男", "1940-01-01")]).getvalue())
    with pytest.raises(CommandError, match="未写入任何数据"):
        call_command("import_residents", str(bad), "--extract-date", "2026-11-01", "--report", str(report))
    assert Resident.objects.count() == 0
    assert report.read_text("utf-8-sig").splitlines() == [
        "行号,列,错误代码,原因",
        "5,身份证号,id_format,身份证号应为 18 位（末位可为 X）或 15 位旧号码",
    ]
    call_command("import_residents", str(bad), "--extract-date", "2026-11-01", "--skip-invalid")
    assert Resident.objects.count() == 3
    call_command("import_residents", str(good), "--extract-date", "2026-11-01", "--source", "公安")
    assert "新增 0，更新 3" in capsys.readouterr().out  # same date, new source → updated
    assert ImportBatch.objects.filter(status="succeeded").count() == 2


def test_command_with_a_missing_file_leaves_no_batch_running(tmp_path):
    with pytest.raises(CommandError, match="文件不存在"):
        call_command("import_residents", str(tmp_path / "missing.csv"), "--extract-date", "2026-11-01")
    batch = ImportBatch.objects.get()
    assert batch.status == "failed" and "未导入任何数据" in batch.message
    assert not Resident.objects.exists()
