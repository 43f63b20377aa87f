"""Reading staff spreadsheets safely: CSV in UTF-8, UTF-8 with BOM or GBK, and XLSX.

Rows stream one at a time (constant memory for any file size) with their 1-based line number as a
person sees it in Excel (the header is line 1). XLSX goes through openpyxl in read-only mode with
defusedxml installed (entity expansion refused) after a zip-bomb check.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from django.utils.translation import gettext as _

# An XLSX whose parts would inflate beyond this is refused before parsing (archive bomb).
MAX_XLSX_UNCOMPRESSED = 512 * 1024 * 1024
MAX_XLSX_RATIO = 200
XLSX_MAGIC = b"PK\x03\x04"


class TableError(ValueError):
    """The file cannot be read as a table; the message says why, in Chinese."""


@dataclass(frozen=True)
class Table:
    header: list[str]
    rows: Iterator[tuple[int, list[str]]]  # (line number, cells as text)
    encoding: str


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


def _clean(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _csv_rows(stream: IO[bytes]) -> Table:
    head = stream.read(64 * 1024)
    encoding = sniff_encoding(head)
    stream.seek(0)
    text = io.TextIOWrapper(stream, encoding=encoding, newline="")
    reader = csv.reader(text)
    try:
        header = [_clean(c) for c in next(reader)]
    except StopIteration:
        raise TableError(_("文件是空的")) from None
    except (UnicodeDecodeError, csv.Error) as exc:
        raise TableError(_("文件无法按 CSV 读取：%(error)s") % {"error": exc}) from None

    return Table(header=header, rows=text_rows(reader, first_line=2), encoding=encoding)


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


def _check_zip(stream: IO[bytes]) -> None:
    try:
        with zipfile.ZipFile(stream) as archive:
            total = sum(i.file_size for i in archive.infolist())
            packed = sum(i.compress_size for i in archive.infolist()) or 1
    except zipfile.BadZipFile:
        raise TableError(_("XLSX 文件已损坏")) from None
    if total > MAX_XLSX_UNCOMPRESSED or total / packed > MAX_XLSX_RATIO:
        raise TableError(_("XLSX 文件解压后过大，已拒绝"))
    stream.seek(0)


def _xlsx_rows(stream: IO[bytes]) -> Table:
    # openpyxl parses through defusedxml whenever it is installed (it is a dependency here).
    from openpyxl import load_workbook

    _check_zip(stream)
    try:
        book = load_workbook(stream, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken file
        raise TableError(_("XLSX 文件无法读取：%(error)s") % {"error": exc.__class__.__name__}) from None
    sheet = book.worksheets[0]
    values = sheet.iter_rows(values_only=True)
    try:
        header = [_clean(c) for c in next(values)]
    except StopIteration:
        raise TableError(_("文件是空的")) from None

    def rows():
        for line_no, row in enumerate(values, start=2):
            cells = [_clean(c) for c in row]
            if any(cells):
                yield line_no, cells
        book.close()

    return Table(header=header, rows=rows(), encoding="xlsx")


def open_table(source: str | Path | IO[bytes]) -> Table:
    """Open a CSV or XLSX file (path or binary stream); the format is decided by content, not name."""
    stream = open(source, "rb") if isinstance(source, str | Path) else source  # noqa: SIM115 (streamed)
    magic = stream.read(4)
    stream.seek(0)
    if magic == XLSX_MAGIC:
        return _xlsx_rows(stream)
    if b"\x00" in stream.read(8192):
        raise TableError(_("文件不是 CSV 或 XLSX（请勿上传 XLS 等二进制格式）"))
    stream.seek(0)
    return _csv_rows(stream)
