"""The monthly report as XLSX: every indicator by town."""

from __future__ import annotations

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from hechuan_portal.common.exports import safe_cell

FILLS = {
    "green": PatternFill("solid", fgColor="C8E6C9"),
    "amber": PatternFill("solid", fgColor="FFE0B2"),
    "red": PatternFill("solid", fgColor="FFCDD2"),
}


def report_workbook(table: dict) -> Workbook:
    book = Workbook()
    sheet = book.active
    sheet.title = f"{table['period']:%Y-%m}"
    sheet.append([_("合川区“一老一幼”服务月度报表") + f" {table['period']:%Y-%m}"])
    sheet["A1"].font = Font(bold=True, size=14)
    header = [_("区划代码"), _("区域")] + [f"{ind.label}（{ind.unit}）" for ind in table["indicators"]]
    sheet.append([str(h) for h in header])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in table["rows"]:
        area = row["area"]
        sheet.append(
            [area.code, safe_cell(area.name)]
            + [float(v) if v is not None else None for v, _s in row["cells"]]
        )
        for (_value, status), cell in zip(row["cells"], sheet[sheet.max_row][2:], strict=True):
            if status in FILLS:
                cell.fill = FILLS[status]
    sheet.column_dimensions["A"].width = 15
    sheet.column_dimensions["B"].width = 14
    return book
