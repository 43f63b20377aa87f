"""Reading staff spreadsheets as offices make them: CSV (UTF-8, UTF-8 with BOM or GBK), and .xlsx,
.xls and .ods through one fast reader (python-calamine).

- **Header row found, not assumed.** Given the known column names (`columns`: key → spellings), the
  header is the row among the first `HEADER_SCAN_ROWS` that names the most of them; title rows and
  merged cells above it are skipped and reported (`Table.skipped`).
- **Header names normalised** (`normalize_header`): full-width letters and digits, blanks, a unit in
  brackets (`床位总数（张）`, `补贴（元）`), a required-column star (`名称*`) and letter case do not
  matter. The household import's aliases (`residents/rules.py: COLUMNS`) and the facility import's
  go through the same `match_columns`.
- **Sheet**: the one named `sheet`, else the first sheet with a header.
- **Cells** are text, line numbers as a person sees them in the spreadsheet (title rows counted);
  `normalize_number` turns full-width digits and coordinates (`１０６．２６６`) into ASCII.

CSV rows stream one at a time (constant memory). A workbook's sheet is read whole by calamine
(compact native memory, about 60 bytes a cell), so uploads are capped in bytes and rows by callers.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.utils.translation import gettext as _

# A zipped workbook (.xlsx, .ods) whose parts would inflate beyond this is refused before parsing.
MAX_XLSX_UNCOMPRESSED = 512 * 1024 * 1024
MAX_XLSX_RATIO = 200
XLSX_MAGIC = b"PK\x03\x04"
XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # OLE2 compound file (.xls)
HEADER_SCAN_ROWS = 20


class TableError(ValueError):
    """The file cannot be read as a table; the message says why, in Chinese."""


@dataclass(frozen=True)
class Table:
    header: list[str]
    rows: Iterator[tuple[int, list[str]]]  # (line number, cells as text)
    encoding: str  # the CSV's encoding, or the workbook's format: "xlsx", "xls", "ods"
    header_line: int = 1
    sheet: str = ""
    skipped: list[tuple[int, str]] = field(default_factory=list)  # title rows above the header

    @property
    def spreadsheet(self) -> bool:
        return self.encoding in ("xlsx", "xls", "ods")

    def notes(self) -> list[str]:
        """Sentences for the import's report: which sheet, which rows were skipped as titles."""
        out = []
        if self.sheet:
            out.append(_("读取工作表“%(sheet)s”。") % {"sheet": self.sheet})
        for line, text in self.skipped:
            out.append(_("第 %(line)d 行（%(text)s）是标题行，已跳过。") % {"line": line, "text": text[:40]})
        return out


# -- names and numbers -------------------------------------------------------------------------

_UNIT = re.compile(r"[(\[【〔{]([^()\[\]【】〔〕{}]{0,12})[)\]】〕}]$")
_BLANKS = re.compile(r"\s+")


def normalize_header(text: Any) -> str:
    """`床位总数（张）` → `床位总数`, `Ｎａｍｅ *` → `name`, `经 度(°)` → `经度`."""
    name = unicodedata.normalize("NFKC", str(text or ""))
    name = _BLANKS.sub("", name).strip("*＊:：")
    while (stripped := _UNIT.sub("", name)) != name and stripped:
        name = stripped
    return name.lower()


def normalize_number(text: str) -> str:
    """Full-width digits, signs and points (and a trailing degree sign or thousands commas)
    made plain: `１０６．２６６°` → `106.266`, `1,200` → `1200`. Other text is returned as it is."""
    plain = unicodedata.normalize("NFKC", text).strip().rstrip("°").replace("。", ".")
    if re.fullmatch(r"[+-]?[\d,]*\.?\d+", plain):
        return plain.replace(",", "")
    return text


def match_columns(
    header: Iterable[str], columns: Mapping[str, Iterable[str]]
) -> tuple[dict[str, int], list[str]]:
    """Column key → cell index by the normalised spellings, and the keys named more than once.
    Unknown columns are ignored."""
    lookup = {normalize_header(alias): key for key, names in columns.items() for alias in names}
    found: dict[str, int] = {}
    repeated: list[str] = []
    for index, raw in enumerate(header):
        key = lookup.get(normalize_header(raw))
        if key is None:
            continue
        if key in found:
            repeated.append(key)
        else:
            found[key] = index
    return found, repeated


def _header_row(rows: list[tuple[int, list[str]]], columns: Mapping[str, Iterable[str]]) -> int | None:
    """Index in `rows` of the row naming the most known columns (at least two, or one when only
    one is known), the first on a tie; None when no row qualifies."""
    need = min(2, len(columns))
    best, best_count = None, need - 1
    for index, (_line, cells) in enumerate(rows):
        count = len(match_columns(cells, columns)[0])
        if count > best_count:
            best, best_count = index, count
    return best


# -- cells -------------------------------------------------------------------------------------


def _clean(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ", "minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def sniff_encoding(head: bytes) -> str:
    """UTF-8 with BOM, UTF-8, or GBK (GB18030, its superset) — decided from the first bytes."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        head.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the end of the sample is still UTF-8.
        if exc.start >= len(head) - 3:
            return "utf-8"
    try:
        head.decode("gb18030")
        return "gb18030"
    except UnicodeDecodeError:
        raise TableError(_("无法识别文件编码：请保存为 UTF-8 或 GBK 编码的 CSV，或 XLSX 文件")) from None


def text_rows(records: Iterable[list[str]], *, first_line: int) -> Iterator[tuple[int, list[str]]]:
    """(line number, stripped cells) of CSV records, blank records skipped; a stray byte in another
    encoding becomes a TableError naming the line. Also used by the parallel household import
    (`residents/staging.py`) over its slice of a file."""
    line_no = first_line - 1
    try:
        for line_no, row in enumerate(records, start=first_line):  # noqa: B007 (used in the error)
            # csv gives str cells: strip is all `_clean` would do (a household extract has
            # 1.5 million rows, so the per-row cost counts).
            cells = [c.strip() for c in row]
            if any(cells):
                yield line_no, cells
    except UnicodeDecodeError:
        raise TableError(_("第 %(line)d 行附近的文字编码与文件开头不一致") % {"line": line_no + 1}) from None


def _split_header(
    rows: Iterator[tuple[int, list[str]]], columns: Mapping[str, Iterable[str]] | None
) -> tuple[list[str], int, list[tuple[int, str]], Iterator[tuple[int, list[str]]]] | None:
    """(header, its line, skipped title rows, the rows after it), or None when no header is found
    among the first rows. Without `columns` the first non-blank row is the header."""
    head: list[tuple[int, list[str]]] = []
    for item in rows:
        head.append(item)
        if columns is None or len(head) >= HEADER_SCAN_ROWS:
            break
    if not head:
        raise TableError(_("文件是空的"))
    index = 0 if columns is None else _header_row(head, columns)
    if index is None:
        return None
    line, header = head[index]
    skipped = [(n, " ".join(c for c in cells if c)) for n, cells in head[:index]]

    def body() -> Iterator[tuple[int, list[str]]]:
        yield from head[index + 1 :]
        yield from rows

    return header, line, skipped, body()


def _missing_header(columns: Mapping[str, Iterable[str]]) -> TableError:
    names = "、".join(next(iter(names)) for names in list(columns.values())[:5])
    return TableError(
        _("在前 %(n)d 行中找不到表头（应含列名，如：%(names)s）") % {"n": HEADER_SCAN_ROWS, "names": names}
    )


def _csv_table(stream: IO[bytes], columns: Mapping[str, Iterable[str]] | None) -> Table:
    head = stream.read(64 * 1024)
    encoding = sniff_encoding(head)
    stream.seek(0)
    text = io.TextIOWrapper(stream, encoding=encoding, newline="")
    try:
        split = _split_header(text_rows(csv.reader(text), first_line=1), columns)
    except csv.Error as exc:
        raise TableError(_("文件无法按 CSV 读取：%(error)s") % {"error": exc}) from None
    if split is None:
        raise _missing_header(columns or {})
    header, line, skipped, rows = split
    return Table(header=header, rows=rows, encoding=encoding, header_line=line, skipped=skipped)


def _check_zip(stream: IO[bytes], max_unpacked: int = MAX_XLSX_UNCOMPRESSED) -> None:
    try:
        with zipfile.ZipFile(stream) as archive:
            total = sum(i.file_size for i in archive.infolist())
            packed = sum(i.compress_size for i in archive.infolist()) or 1
            names = set(archive.namelist())
    except zipfile.BadZipFile:
        raise TableError(_("XLSX 文件已损坏")) from None
    if total > MAX_XLSX_UNCOMPRESSED or total / packed > MAX_XLSX_RATIO:
        raise TableError(_("XLSX 文件解压后过大，已拒绝"))
    if total > max_unpacked:
        raise TableError(
            _("表格解压后有 %(mb)d MB，超过上限 %(max)d MB，请分批导入")
            % {"mb": total // 2**20, "max": max_unpacked // 2**20}
        )
    if "content.xml" not in names and not any(n.startswith("xl/") for n in names):
        raise TableError(_("压缩文件不是 XLSX 或 ODS 表格"))
    stream.seek(0)


def _sheet_rows(sheet: Any) -> Iterator[tuple[int, list[str]]]:
    top, left = sheet.start or (0, 0)
    pad = [""] * left
    for offset, row in enumerate(sheet.iter_rows()):
        cells = pad + [_clean(c) for c in row]
        if any(cells):
            yield top + offset + 1, cells


def _workbook_table(
    stream: IO[bytes],
    kind: str,
    columns: Mapping[str, Iterable[str]] | None,
    sheet_name: str | None,
    max_unpacked: int,
) -> Table:
    from python_calamine import CalamineWorkbook

    if kind != "xls":
        _check_zip(stream, max_unpacked)
    try:
        book = CalamineWorkbook.from_filelike(stream)
    except Exception as exc:  # calamine raises its own types for a broken file
        raise TableError(
            _("%(kind)s 文件无法读取：%(error)s") % {"kind": kind.upper(), "error": exc.__class__.__name__}
        ) from None
    try:
        names = list(book.sheet_names)
        if sheet_name is not None:
            wanted = normalize_header(sheet_name)
            names = [n for n in names if normalize_header(n) == wanted]
            if not names:
                raise TableError(_("文件中没有名为“%(sheet)s”的工作表") % {"sheet": sheet_name})
        for name in names:
            try:
                sheet = book.get_sheet_by_name(name)
            except Exception:  # a chart sheet or another sheet without cells
                continue
            try:
                split = _split_header(_sheet_rows(sheet), columns)
            except TableError:
                continue  # an empty sheet
            if split is not None:
                header, line, skipped, rows = split
                return Table(
                    header=header,
                    rows=rows,
                    encoding=kind,
                    header_line=line,
                    sheet=name if len(book.sheet_names) > 1 or line > 1 else "",
                    skipped=skipped,
                )
    finally:
        book.close()
    if columns is None:
        raise TableError(_("文件是空的"))
    raise _missing_header(columns)


def open_table(
    source: str | Path | IO[bytes],
    *,
    columns: Mapping[str, Iterable[str]] | None = None,
    sheet: str | None = None,
    max_unpacked: int = MAX_XLSX_UNCOMPRESSED,
) -> Table:
    """Open a CSV, .xlsx, .xls or .ods file (path or binary stream); the format is decided by
    content, not name. With `columns` (key → accepted names) the header row is looked for among
    the first rows and the first sheet that has one is read; without, the first row is the header.
    A workbook's sheet is held in memory while read (about 2.5 bytes per byte of its unpacked
    XML): `max_unpacked` bounds that for uploads (CSV always streams)."""
    stream = open(source, "rb") if isinstance(source, str | Path) else source  # noqa: SIM115 (streamed)
    magic = stream.read(8)
    stream.seek(0)
    if magic.startswith(XLSX_MAGIC):
        try:
            with zipfile.ZipFile(stream) as archive:
                kind = "ods" if "content.xml" in archive.namelist() else "xlsx"
        except zipfile.BadZipFile:
            raise TableError(_("XLSX 文件已损坏")) from None
        stream.seek(0)
        return _workbook_table(stream, kind, columns, sheet, max_unpacked)
    if magic == XLS_MAGIC:
        return _workbook_table(stream, "xls", columns, sheet, max_unpacked)
    if b"\x00" in stream.read(8192):
        raise TableError(_("文件不是 CSV、XLSX、XLS 或 ODS 表格"))
    stream.seek(0)
    return _csv_table(stream, columns)
