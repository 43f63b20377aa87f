"""Export helpers shared by every CSV/XLSX download.

The formula guard (issue 22) must not show:
- XLSX: text is always written as a string cell (`XlsxBook`, or `text_cell` for openpyxl sheets),
  never as a formula, so `=1+1`, `+86 138 …` or `-` stay exactly as typed with no apostrophe.
- CSV: only a cell a spreadsheet would evaluate gets the leading apostrophe (`safe_cell`): text that
  starts with = + - @ (or a tab / carriage return) and is not a plain number or a phone number.
- Re-import strips the guard (`unguard`), so the portal's own export comes back unchanged.

`XlsxBook` writes the workbook as a stream straight into a file object (a BytesIO for a download):
no temporary file is ever made, so a file with full ID numbers never touches the disk (issue 21
item 4), and memory stays at the compressed size whatever the row count.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import IO, Any
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.translation import gettext as _

# A text cell starting with one of these is read as a formula by Excel/WPS/LibreOffice.
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# Not evaluated as a formula, so never guarded: a plain number (-12.5, +3, 1e5) or a phone number
# (+86 138 0000 0000, +86-23-4272-0000, -0000 extensions).
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_PHONE = re.compile(r"\+?[\d\s()\-]{3,}")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def needs_guard(text: str) -> bool:
    """Would a spreadsheet evaluate this text when it opens a CSV?"""
    if not text.startswith(_FORMULA_PREFIXES):
        return False
    if text[0] in "\t\r":
        return True
    # A number, a phone number, or a dash standing for "none" is not evaluated.
    harmless = _PLAIN_NUMBER.fullmatch(text) or _PHONE.fullmatch(text) or not text.strip("+- ")
    return not (text[0] in "+-" and harmless)


def safe_cell(value):
    """CSV only: neutralise formula injection with a leading apostrophe, and only where needed.

    Numbers are left alone (a negative amount stays a number); text that a spreadsheet would not
    evaluate (a phone `+86 …`, `-12.5`, ordinary words) is written as it is.
    """
    if isinstance(value, str) and needs_guard(value):
        return "'" + value
    return value


def unguard(value: str) -> str:
    """Undo `safe_cell` on a value read back from a file: `'=x` → `=x`. Text that merely starts
    with an apostrophe (and would not have been guarded) is kept."""
    if len(value) > 1 and value[0] == "'" and value[1] in "=+-@\t\r":
        return value[1:]
    return value


def text_cell(sheet: Any, value: Any) -> Any:
    """An openpyxl cell for `sheet` (write-only or not) holding `value`; text is a string cell
    even when it starts with '=' (openpyxl would otherwise store a formula)."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
    return cell


def text_row(sheet: Any, values: Iterable[Any]) -> list[Any]:
    """`text_cell` over a row, for `sheet.append(text_row(sheet, values))`."""
    return [text_cell(sheet, v) for v in values]


def yes_no(value: bool | None) -> str:
    """是/否 (or Yes/No in English) for a person reading the file; blank for unknown."""
    if value is None:
        return ""
    return str(_("是") if value else _("否"))


def local_time(value: dt.datetime | None) -> str:
    """An aware time as the district reads it (Asia/Shanghai), to the minute."""
    if value is None:
        return ""
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def sheet_title(text: str) -> str:
    """A valid sheet name: at most 31 characters, none of []:*?/\\."""
    return re.sub(r"[\[\]:*?/\\]", "-", str(text))[:31] or "Sheet1"


# -- a streaming XLSX writer -------------------------------------------------------------------

# Cell styles (cellXfs indexes) of `XlsxBook`.
PLAIN, TEXT, MONEY, BOLD, BOLD_MONEY, TITLE = range(6)
_STYLES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<fonts count="3"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="14"/><name val="Calibri"/></font></fonts>
<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="6">
<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>
<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="4" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>
<xf numFmtId="4" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" applyNumberFormat="1"/>
<xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1"/>
</cellXfs>
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>
</styleSheet>"""
_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_REL_NS = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


class XlsxSheet:
    """Rows of one sheet, written as they come. Text is a string cell (never a formula); a
    Decimal is money (a number shown with two decimals); `text_columns` are stored as text
    (ID numbers, area codes: never turned into 5.0011719310123E+17)."""

    def __init__(self, stream: IO[bytes], *, text_columns: Sequence[int]):
        self._stream = stream
        self._text_columns = frozenset(text_columns)
        self.rows = 0
        self.merges: list[str] = []

    def row(self, values: Sequence[Any], *, style: int | None = None) -> None:
        self.rows += 1
        number = self.rows
        cells = []
        for index, value in enumerate(values):
            if value is None or value == "":
                continue
            ref = f"{column_letter(index)}{number}"
            cells.append(self._cell(ref, value, index, style))
        self._stream.write(f'<row r="{number}">{"".join(cells)}</row>'.encode())

    def title(self, text: str, *, width: int) -> None:
        """A bold title row merged across `width` columns."""
        self.row([text], style=TITLE)
        if width > 1:
            self.merges.append(f"A{self.rows}:{column_letter(width - 1)}{self.rows}")

    def _cell(self, ref: str, value: Any, index: int, style: int | None) -> str:
        if isinstance(value, bool):
            value = yes_no(value)
        if isinstance(value, dt.datetime):
            value = local_time(value)
        elif isinstance(value, dt.date):
            value = value.isoformat()
        if isinstance(value, Decimal):
            money = BOLD_MONEY if style == BOLD else MONEY
            return f'<c r="{ref}" s="{money}"><v>{value:f}</v></c>'
        if isinstance(value, int | float):
            return f'<c r="{ref}" s="{style or PLAIN}"><v>{value!r}</v></c>'
        text = escape(_ILLEGAL_XML.sub("", str(value)))
        kind = style if style is not None else (TEXT if index in self._text_columns else PLAIN)
        return f'<c r="{ref}" s="{kind}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


class XlsxBook:
    """A workbook streamed into `target` (a binary file object, or a path).

    with XlsxBook(out) as book:
        with book.sheet("发放名册", widths=[20, 10], text_columns=[0], freeze_rows=2) as sheet:
            sheet.title("…", width=2); sheet.row(header, style=BOLD); sheet.row([...])

    `stamp` dates the zip entries (the same rows give the same bytes: a closed roll's file).
    """

    def __init__(self, target: IO[bytes] | str | Path, *, stamp: dt.datetime | None = None):
        moment = timezone.localtime(stamp) if stamp else timezone.localtime()
        self._date_time = moment.timetuple()[:6]
        self._zip = zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED)
        self._titles: list[str] = []

    def __enter__(self) -> XlsxBook:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def _info(self, name: str) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, date_time=self._date_time)
        info.compress_type = zipfile.ZIP_DEFLATED
        return info

    def _write(self, name: str, text: str) -> None:
        self._zip.writestr(self._info(name), text.encode())

    @contextmanager
    def sheet(
        self,
        title: str,
        *,
        widths: Sequence[float] = (),
        text_columns: Sequence[int] = (),
        freeze_rows: int = 0,
    ) -> Iterator[XlsxSheet]:
        self._titles.append(sheet_title(title))
        name = f"xl/worksheets/sheet{len(self._titles)}.xml"
        with self._zip.open(self._info(name), "w", force_zip64=True) as stream:
            head = [f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet {_NS} {_REL_NS}>']
            head.append('<sheetViews><sheetView workbookViewId="0"')
            if len(self._titles) == 1:
                head.append(' tabSelected="1"')
            if freeze_rows:
                head.append(
                    f'><pane ySplit="{freeze_rows}" topLeftCell="A{freeze_rows + 1}" '
                    'activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>'
                )
            else:
                head.append("/></sheetViews>")
            if widths:
                cols = "".join(
                    f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>'
                    for i, w in enumerate(widths, start=1)
                )
                head.append(f"<cols>{cols}</cols>")
            head.append("<sheetData>")
            stream.write("".join(head).encode())
            sheet = XlsxSheet(stream, text_columns=text_columns)
            yield sheet
            tail = ["</sheetData>"]
            if sheet.merges:
                merged = "".join(f'<mergeCell ref="{m}"/>' for m in sheet.merges)
                tail.append(f'<mergeCells count="{len(sheet.merges)}">{merged}</mergeCells>')
            tail.append("</worksheet>")
            stream.write("".join(tail).encode())

    def close(self) -> None:
        if self._zip.fp is None:
            return
        count = len(self._titles)
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for i in range(1, count + 1)
        )
        self._write(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            f"{overrides}</Types>",
        )
        self._write(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        sheets = "".join(
            f'<sheet name="{escape(t, {chr(34): "&quot;"})}" sheetId="{i}" r:id="rId{i}"/>'
            for i, t in enumerate(self._titles, start=1)
        )
        self._write(
            "xl/workbook.xml",
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook {_NS} {_REL_NS}>'
            f"<sheets>{sheets}</sheets></workbook>",
        )
        rels = "".join(
            f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/'
            f'2006/relationships/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, count + 1)
        )
        styles_rel = (
            f'<Relationship Id="rId{count + 1}" Type="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships/styles" Target="styles.xml"/>'
        )
        self._write(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f"{rels}{styles_rel}</Relationships>",
        )
        self._write("xl/styles.xml", _STYLES)
        self._zip.close()
