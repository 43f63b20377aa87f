import io
import zipfile

import pytest
from openpyxl import Workbook

from hechuan_portal.common.exports import safe_cell
from hechuan_portal.common.tabular import TableError, open_table

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
