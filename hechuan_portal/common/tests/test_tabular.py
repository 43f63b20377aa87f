import io
import zipfile

import pytest
from openpyxl import Workbook

from hechuan_portal.common.exports import safe_cell, unguard
from hechuan_portal.common.tabular import (
    TableError,
    match_columns,
    normalize_header,
    normalize_number,
    open_table,
)

ROWS = "名称,镇街代码\n甲老年食堂,500117001000\n乙托育,500117002000\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_csv_in_each_encoding(encoding):
    table = open_table(io.BytesIO(ROWS.encode(encoding)))
    assert table.header == ["名称", "镇街代码"]
    assert list(table.rows) == [(2, ["甲老年食堂", "500117001000"]), (3, ["乙托育", "500117002000"])]


def test_blank_lines_are_skipped_but_line_numbers_kept():
    table = open_table(io.BytesIO(b"a,b\n\n1,2\n"))
    assert list(table.rows) == [(3, ["1", "2"])]


def test_xlsx_is_read_by_content():
    book = Workbook()
    sheet = book.active
    sheet.append(["名称", "床位总数"])
    sheet.append(["丙敬老院", 120])
    buf = io.BytesIO()
    book.save(buf)
    buf.seek(0)
    table = open_table(buf)
    assert table.header == ["名称", "床位总数"] and list(table.rows) == [(2, ["丙敬老院", "120"])]


def test_zip_bomb_is_refused():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (50 * 1024 * 1024))
    buf.seek(0)
    with pytest.raises(TableError, match="过大"):
        open_table(buf)


def test_binary_garbage_is_refused():
    with pytest.raises(TableError):
        open_table(io.BytesIO(b"\xd0\xcf\x11\xe0\x00\x00\x00\x00" * 10))


def test_safe_cell_neutralises_formulas_only_in_text():
    assert safe_cell('=HYPERLINK("x")') == '\'=HYPERLINK("x")'
    assert safe_cell("@SUM(A1)") == "'@SUM(A1)"
    assert safe_cell(-12.5) == -12.5
    assert safe_cell("合阳城街道") == "合阳城街道"


@pytest.mark.parametrize(
    ("text", "guarded"),
    [
        ("=1+1", True),
        ("@SUM(A1)", True),
        ("+cmd|' /C calc'!A0", True),
        ("-2+3", True),
        ("\tx", True),
        ("+86 138 0000 0000", False),
        ("+86-23-4275-0001", False),
        ("-12.5", False),
        ("-", False),
        ("合阳城街道", False),
    ],
)
def test_csv_guard_only_where_a_spreadsheet_evaluates_and_import_strips_it(text, guarded):
    out = safe_cell(text)
    assert (out != text) is guarded
    assert unguard(out) == text


def test_header_names_are_normalised():
    assert normalize_header("床位总数（张）") == "床位总数"
    assert normalize_header(" Ｎａｍｅ * ") == "name"
    assert normalize_header("经 度(°)") == "经度"
    assert normalize_header("补贴金额（元）") == "补贴金额"
    assert normalize_number("１０６．２６５") == "106.265"
    assert normalize_number("1,200") == "1200" and normalize_number("十张") == "十张"


def test_household_aliases_match_through_the_same_function():
    from hechuan_portal.residents import rules

    header = ["序号", "公民身份号码", "姓 名", "性别", "出生日期（年月日）", "户籍地区划代码（12位）"]
    found, repeated = match_columns(header, rules.COLUMNS)
    assert repeated == [] and found == {
        "id_number": 1,
        "name": 2,
        "gender": 3,
        "birth_date": 4,
        "hukou_code": 5,
    }
    assert rules.map_header(header) == found


def test_title_rows_above_the_header_are_skipped_and_reported():
    content = "合川区户籍人口提取（2026年11月）,,\n,,\n姓名,性别,身份证号\n张三,男,1\n".encode()
    from hechuan_portal.residents import rules

    table = open_table(io.BytesIO(content), columns=rules.COLUMNS)
    assert table.header == ["姓名", "性别", "身份证号"] and table.header_line == 3
    assert table.skipped == [(1, "合川区户籍人口提取（2026年11月）")]
    assert list(table.rows) == [(4, ["张三", "男", "1"])]
