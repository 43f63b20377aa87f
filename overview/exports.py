"""The monthly report as XLSX: every indicator by town."""

from __future__ import annotations

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from hechuan_portal.common.exports import text_row
from hechuan_portal.common.formatting import month_label

FILLS = {
    "green": PatternFill("solid", fgColor="C8E6C9"),
    "amber": PatternFill("solid", fgColor="FFE0B2"),
    "red": PatternFill("solid", fgColor="FFCDD2"),
}


def report_workbook(table: dict) -> Workbook:
    book = Workbook()
    sheet = book.active
    sheet.title = f"{table['period']:%Y-%m}"
    sheet.append([_("合川区“一老一幼”服务月度报表（%(month)s）") % {"month": month_label(table["period"])}])
    sheet["A1"].font = Font(bold=True, size=14)
    header = [_("区划代码"), _("区域")] + [f"{ind.label}（{ind.unit}）" for ind in table["indicators"]]
    sheet.append([str(h) for h in header])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    if not table["rows"]:
        # A month without snapshots says so in the file itself, not as a bare header row.
        sheet.append([_("该月份没有指标数据：当月没有生成指标快照，本表为空。")])
        sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True, color="C62828")
    for row in table["rows"]:
        area = row["area"]
        values = [area.code, area.name] + [float(v) if v is not None else None for v, _s in row["cells"]]
        sheet.append(text_row(sheet, values))  # text as string cells: never a formula, no apostrophe
        for (_value, status), cell in zip(row["cells"], sheet[sheet.max_row][2:], strict=True):
            if status in FILLS:
                cell.fill = FILLS[status]
    sheet.column_dimensions["A"].width = 15
    sheet.column_dimensions["B"].width = 14
    return book
