"""The bank file (issue 22): XLSX for people (ID as text, amounts as numbers, total row, period and
status), CSV for the bank's systems; and no file with full ID numbers left on disk (issue 21 item 4)."""

import csv
import io
import tempfile
from decimal import Decimal

import pandas as pd
import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from conftest import run_export
from hechuan_portal.common import crypto
from subsidies.services import payroll_export

from .conftest import D, close
from .test_pages import TOWN_A, rolled  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db
COLUMNS = ["身份证号", "姓名", "户籍地区划代码", "月份", "档次", "金额", "类型"]


def _export(month, fmt):
    buffer = io.BytesIO()
    from hechuan_portal.accounts.roles import SYSTEM

    count = payroll_export(actor=SYSTEM, month=month, output=buffer, fmt=fmt)
    return count, buffer.getvalue()


def test_xlsx_holds_ids_as_text_amounts_as_numbers_and_a_total(rolled):  # noqa: F811
    a, _b, late = rolled
    close(D(2027, 2, 1))
    count, body = _export(D(2027, 2, 1), "xlsx")
    assert count == 4
    sheet = load_workbook(io.BytesIO(body)).active
    assert sheet.title == "发放名册 2027-02"
    title = sheet["A1"].value
    assert "2027-02" in title and "已关闭" in title and "关闭于" in title
    assert [c.value for c in sheet[2]] == COLUMNS
    lines = list(sheet.iter_rows(min_row=3, max_row=6))
    numbers = {crypto.decrypt(a.id_cipher), crypto.decrypt(late.id_cipher)}
    for row in lines:
        id_cell, amount = row[0], row[5]
        assert id_cell.data_type == "s" and id_cell.number_format == "@" and len(id_cell.value) == 18
        assert isinstance(amount.value, int | float) and amount.number_format == "#,##0.00"
    assert {r[0].value for r in lines} >= numbers
    # The name '=丙' is a string cell, shown as typed: no apostrophe, no formula.
    assert "=丙" in {r[1].value for r in lines} and all(r[1].data_type == "s" for r in lines)
    total = sheet[7]
    assert total[0].value == "合计" and total[5].value == pytest.approx(250.0)
    assert sum(r[5].value for r in lines) == pytest.approx(total[5].value)

    # A spreadsheet user's read: pandas with the ID column read as text, then sum.
    frame = pd.read_excel(io.BytesIO(body), header=1, dtype={"身份证号": str}, engine="calamine")
    data = frame[frame["身份证号"] != "合计"]
    assert set(data["身份证号"]) >= numbers and all(len(n) == 18 for n in data["身份证号"])
    assert data["金额"].sum() == pytest.approx(250.0)
    assert frame[frame["身份证号"] == "合计"]["金额"].iloc[0] == pytest.approx(250.0)
    # The same closed roll gives the same bytes (rule 10).
    assert _export(D(2027, 2, 1), "xlsx")[1] == body


def test_csv_for_the_bank_is_utf8_bom_with_plain_amounts(rolled):  # noqa: F811
    a, _b, late = rolled
    count, body = _export(D(2027, 2, 1), "csv")
    assert count == 4 and body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0] == COLUMNS and len(rows) == 5
    # A name that a spreadsheet would evaluate is guarded in CSV, and only such a name.
    assert {r[1] for r in rows[1:]} == {"甲", "乙", "'=丙"}
    frame = pd.read_csv(
        io.BytesIO(body), encoding="utf-8-sig", dtype={"身份证号": str, "户籍地区划代码": str}
    )
    assert set(frame["身份证号"]) >= {crypto.decrypt(a.id_cipher), crypto.decrypt(late.id_cipher)}
    assert Decimal(str(frame["金额"].sum())) == Decimal("250")
    assert set(frame["户籍地区划代码"]) == {TOWN_A, "500117002000"}


def test_draft_title_says_draft(rolled):  # noqa: F811
    _count, body = _export(D(2027, 2, 1), "xlsx")
    title = load_workbook(io.BytesIO(body)).active["A1"].value
    assert "草稿" in title


def _files_holding(root, needle: bytes) -> list[str]:
    import pathlib

    found = []
    for path in pathlib.Path(root).rglob("*"):
        if path.is_file() and needle in path.read_bytes():
            found.append(str(path))
    return found


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_page_export_leaves_no_file_with_id_numbers(  # noqa: F811 (the fixture)
    rolled,  # noqa: F811
    staff_client,
    tmp_path,
    settings,
    monkeypatch,
    fmt,
    celery_eager,
    django_capture_on_commit_callbacks,
):
    a, _b, _late = rolled
    temp, media = tmp_path / "tmp", tmp_path / "media"
    temp.mkdir(), media.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    settings.MEDIA_ROOT = str(media)
    job = run_export(
        staff_client,
        f"/manage/subsidies/payroll/2027-02/export/?format={fmt}",
        django_capture_on_commit_callbacks,
    )
    response = staff_client.get(f"{job}file/")
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(f'payroll-2027-02.{fmt}"')
    body = response.content
    number = crypto.decrypt(a.id_cipher)
    if fmt == "csv":
        assert number.encode() in body
    else:
        assert number in [c.value for c in load_workbook(io.BytesIO(body)).active["A"]]
    # Nothing with the ID number in the temp directory or the media store, during or after.
    assert list(temp.iterdir()) == [] and list(media.iterdir()) == []


def test_default_page_download_is_xlsx(
    rolled,  # noqa: F811
    staff_client,
    celery_eager,
    django_capture_on_commit_callbacks,
):
    job = run_export(
        staff_client, "/manage/subsidies/payroll/2027-02/export/", django_capture_on_commit_callbacks
    )
    response = staff_client.get(f"{job}file/")
    assert response.status_code == 200 and response["Content-Disposition"].endswith('.xlsx"')


def test_command_still_writes_the_named_file(rolled, tmp_path):  # noqa: F811
    out = tmp_path / "roll.csv"
    call_command("export_payroll", "--period", "2027-02", "--output", str(out), stdout=io.StringIO())
    assert out.read_bytes().startswith(b"\xef\xbb\xbf\xe8\xba\xab")  # BOM, then 身
