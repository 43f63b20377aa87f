"""The per-row pass of a household import: parse, encrypt, format for COPY — on one core or several.

`stage_chunks` turns (line, cells) rows into blocks of COPY text, counting the rows read and
collecting their problems (each row's cells, and its area code against the district's areas). The
blocks are for the staging table (`ToStage`) or, for a first load into an empty register, for
`residents_resident` itself (`ToRegister`: the columns the merge would have set are computed here).

A large plain CSV file is split at line boundaries into byte ranges, each read by a forked worker
process running the same `stage_chunks`; the workers send their blocks back through pipes and the
parent writes them into its one `COPY`, inside its transaction. ID numbers never leave this
machine's memory in plain text: workers send ciphertext, blind index and mask.

Splitting needs a file whose records are exactly its lines: no quote character (so no quoted line
break or comma) and no bare carriage return. Anything else is read by the parent alone.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import multiprocessing
import os
from collections.abc import Iterable, Iterator
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import NamedTuple, cast

from hechuan_portal.common import crypto, idcard
from hechuan_portal.common.tabular import TableError, text_rows

from . import rules
from .models import Resident

STAGE_COLUMNS = (
    "line",
    "id_index",
    "id_cipher",
    "id_masked",
    "name",
    "gender",
    "birth_date",
    "hukou_code",
    "status",
    "death_date",
    "moved_out_date",
    "address",
    "phone",
    "dibao",
    "tekun",
    "lives_alone",
    "empty_nest",
    "left_behind",
    "special_family",
    "disability_grade",
    "moved_in_date",
    "previous_id_index",
    "previous_id_cipher",
    "previous_id_masked",
    "town_id",
    "community_id",
)
# Rows per COPY block (and per message from a worker).
CHUNK_ROWS = 5_000
# Problems kept in full per pass; beyond this only the count grows.
MAX_KEPT_ERRORS = 50_000
# Files smaller than this are read by one process: forking costs more than it saves.
PARALLEL_MIN_BYTES = 32 * 1024 * 1024
MAX_WORKERS = 4

_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _text(value: str) -> str:
    # COPY text format: only these four characters need escaping, and they are rare in this data.
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        return value.translate(_ESCAPES)
    return value


_NULL = "\\N"  # COPY text's NULL
# The six flag columns as COPY text, for each combination of values.
_FLAGS = {
    flags: "\t".join("t" if f else "f" for f in flags)
    for flags in itertools.product((False, True), repeat=len(rules.FLAGS))
}


def _row_text(row: rules.ParsedRow, cipher: crypto.BulkCipher) -> str:
    """The row's own columns after the staging table's line number, as COPY text (STAGE_COLUMNS[1:-2]).

    One f-string rather than a list and a join: this runs 1.5 million times in a first load.
    Name, address and phone are the only free-text cells (the parser checked every other one), so
    only they can hold a character COPY needs escaped.
    """
    # One unpacking rather than an attribute look-up per column.
    (_line, number, name, gender, _born, hukou, status, death, moved, address, phone, flags, grade,
     arrived, before, _warning) = row  # fmt: skip
    free = name + address + phone
    if "\\" in free or "\t" in free or "\n" in free or "\r" in free:
        name, address, phone = _text(name), _text(address), _text(phone)
    return (
        f"{cipher.blind_index(number)}\t\\\\x{cipher.encrypt(number).hex()}\t"
        f"{idcard.mask(number)}\t"
        f"{name}\t{gender}\t"
        f"{number[6:14]}\t"  # the birth date as YYYYMMDD: the parser made sure the row agrees with the ID
        f"{hukou}\t{status}\t"
        f"{death.isoformat() if death else _NULL}\t{moved.isoformat() if moved else _NULL}\t"
        f"{address}\t{phone}\t{_FLAGS[flags]}\t{grade or _NULL}\t"
        f"{arrived.isoformat() if arrived else _NULL}\t"
        + (
            f"{cipher.blind_index(before)}\t\\\\x{cipher.encrypt(before).hex()}\t{idcard.mask(before)}"
            if before
            else f"\t{_NULL}\t"
        )
    )


class ToStage:
    """Rows for the staging table, which the checks and the merge read (every import but a first).

    The town and the community are derived here, once for each area code (a few hundred): the town
    is the code's first nine digits for a code inside the district, the community the code itself
    when the district's areas list it as one.
    """

    table = "residents_stage"
    columns: tuple[str, ...] = STAGE_COLUMNS

    def __init__(self, levels: dict[str, str]):
        self.levels = levels  # the district's area codes → level, for the area check
        self._places: dict[str, str] = {}  # area code → its town and community columns as COPY text

    def place(self, code: str) -> str:
        place = self._places.get(code)
        if place is None:
            town = rules.town_code_of(code) or _NULL
            community = code if self.levels.get(code) == "community" else _NULL
            place = self._places[code] = f"\t{town}\t{community}"
        return place

    def line(self, row: rules.ParsedRow, cipher: crypto.BulkCipher) -> str:
        """One staging-table line in COPY text format: the file's line number, then the row."""
        return f"{row.line}\t{_row_text(row, cipher)}{self.place(row.hukou_code)}"


class ToRegister(ToStage):
    """Rows for `residents_resident` itself: a first load skips writing every row twice. Source,
    extract date and updated_at are the same on every row and come from column defaults the
    importer sets for the load."""

    table = Resident._meta.db_table
    columns = STAGE_COLUMNS[1:]

    def line(self, row: rules.ParsedRow, cipher: crypto.BulkCipher) -> str:
        return _row_text(row, cipher) + self.place(row.hukou_code)


class WorkerFailed(RuntimeError):
    """A worker process died or raised; the message (English, for the log) says how."""


class Chunk(NamedTuple):
    text: bytes  # COPY text, UTF-8
    read: int  # rows read
    invalid: int  # rows with problems
    errors: list[rules.RowError]  # the problems kept
    warnings: list[rules.RowError] = []  # contradictory rows, imported (rule 9)


def stage_chunks(
    rows: Iterable[tuple[int, list[str]]],
    columns: dict[str, int],
    layout: ToStage,
    *,
    extract_date: dt.date | None = None,
) -> Iterator[Chunk]:
    """Parse and encrypt `rows`, yielding a `Chunk` every CHUNK_ROWS rows read (and at the end)."""
    cipher = crypto.BulkCipher()
    parse = rules.RowParser(columns, extract_date=extract_date)
    levels, format_line = layout.levels, layout.line
    buffer: list[str] = []
    errors: list[rules.RowError] = []
    warnings: list[rules.RowError] = []
    kept = read = invalid = 0
    for line_no, cells in rows:
        read += 1
        parsed = parse(line_no, cells)
        if not isinstance(parsed, list) and (
            problem := rules.area_problem(line_no, parsed.hukou_code, levels)
        ):
            parsed = [problem]
        if isinstance(parsed, list):
            invalid += 1
            if kept < MAX_KEPT_ERRORS:
                errors.extend(parsed)
                kept += len(parsed)
        else:
            buffer.append(format_line(parsed, cipher))
            if parsed.warning is not None and kept < MAX_KEPT_ERRORS:
                warnings.append(parsed.warning)
                kept += 1
        if read == CHUNK_ROWS:
            yield _chunk(buffer, read, invalid, errors, warnings)
            buffer, errors, warnings, read, invalid = [], [], [], 0, 0
    if read:
        yield _chunk(buffer, read, invalid, errors, warnings)


def _chunk(buffer: list[str], read: int, invalid: int, errors: list, warnings: list) -> Chunk:
    text = ("\n".join(buffer) + "\n").encode() if buffer else b""
    return Chunk(text, read, invalid, errors, warnings)


# --- splitting a plain CSV file over worker processes -------------------------------------------


def split_points(path: Path, *, start: int, parts: int) -> list[int] | None:
    """Byte offsets cutting the file after `start` into `parts` ranges at line ends, or None when
    the file cannot be split safely (a quote character or a bare carriage return somewhere)."""
    size = path.stat().st_size
    quotes = cr = crlf = 0
    tail = b""
    with open(path, "rb") as fh:
        while block := fh.read(1 << 22):
            quotes += block.count(b'"')
            cr += block.count(b"\r")
            crlf += (tail + block).count(b"\r\n")  # with the previous block's last byte
            tail = block[-1:]
        if quotes or cr != crlf:
            return None
        points = [start]
        for k in range(1, parts):
            fh.seek(max(start, size * k // parts))
            fh.readline()  # to the end of the line the cut fell in
            points.append(fh.tell())
    points.append(size)
    return sorted(set(points))


class _Slice(io.RawIOBase):
    """The bytes [start, end) of a file, as a stream."""

    def __init__(self, path: Path, start: int, end: int):
        self._fh = open(path, "rb")  # noqa: SIM115 (closed with the slice)
        self._fh.seek(start)
        self._left = end - start

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self._left <= 0:
            return 0
        view = memoryview(buffer)[: self._left]
        n = self._fh.readinto(view)
        self._left -= n
        return n

    def close(self) -> None:
        self._fh.close()
        super().close()


def _lines_before(path: Path, start: int, end: int) -> int:
    count = 0
    with open(path, "rb") as fh:
        fh.seek(start)
        left = end - start
        while left > 0 and (block := fh.read(min(left, 1 << 22))):
            count += block.count(b"\n")
            left -= len(block)
    return count


def _range_rows(path: Path, start: int, end: int, encoding: str, first_line: int):
    # Text after the start of the file never carries the BOM.
    if start > 0 and encoding == "utf-8-sig":
        encoding = "utf-8"
    with io.TextIOWrapper(io.BufferedReader(_Slice(path, start, end)), encoding=encoding, newline="") as text:
        # Without quote characters (`split_points` made sure) a CSV record is its line cut at commas.
        yield from text_rows((line.split(",") for line in text), first_line=first_line)


def _worker(conn, path, start, end, header_start, encoding, columns, layout, extract_date) -> None:
    """Child process: stage one byte range and send its chunks; never touches the database."""
    try:
        first_line = 2 + _lines_before(path, header_start, start)
        rows = _range_rows(path, start, end, encoding, first_line)
        for chunk in stage_chunks(rows, columns, layout, extract_date=extract_date):
            conn.send(("chunk", chunk))
        conn.send(("done", None))
    except TableError as exc:
        conn.send(("table", str(exc)))
    except BaseException as exc:  # reported to the parent, which fails the import
        conn.send(("crash", f"{exc.__class__.__name__}: {exc}"))
    finally:
        conn.close()


def parallel_chunks(
    path: Path,
    *,
    body_start: int,
    encoding: str,
    columns: dict[str, int],
    layout: ToStage,
    workers: int,
    extract_date: dt.date | None = None,
) -> Iterator[Chunk] | None:
    """Chunks of the whole file from `workers` forked processes, or None when it cannot be split."""
    points = split_points(path, start=body_start, parts=workers)
    if points is None or len(points) < 3:
        return None
    context = multiprocessing.get_context("fork")
    procs, conns = [], []
    try:
        for start, end in zip(points, points[1:], strict=False):
            parent, child = context.Pipe(duplex=False)
            proc = context.Process(
                target=_worker,
                args=(child, path, start, end, body_start, encoding, columns, layout, extract_date),
                daemon=True,
            )
            procs.append(proc)
            conns.append(parent)
            proc.start()
            child.close()
    except (AssertionError, OSError):
        # Not allowed to fork here (multiprocessing refuses children of a daemonic process) or out
        # of processes: the caller reads the file in this process instead.
        _stop(procs, conns)
        return None
    return _collect(procs, conns)


def _collect(procs, conns) -> Iterator[Chunk]:
    try:
        pending = list(conns)
        while pending:
            for ready in wait(pending):
                conn = cast(Connection, ready)  # wait() returns the connections it was given
                try:
                    kind, payload = conn.recv()
                except EOFError:
                    raise WorkerFailed("an import worker stopped without reporting") from None
                if kind == "chunk":
                    yield payload
                elif kind == "done":
                    pending.remove(conn)
                elif kind == "table":
                    raise TableError(payload)
                else:
                    raise WorkerFailed(f"an import worker failed: {payload}")
    finally:
        _stop(procs, conns)


def _stop(procs, conns) -> None:
    for proc in procs:
        if proc.pid is not None:
            if proc.is_alive():
                proc.terminate()
            proc.join()
    for conn in conns:
        conn.close()


def worker_count() -> int:
    return max(1, min(MAX_WORKERS, os.cpu_count() or 1))


def body_start(path: Path) -> int:
    """The byte offset just after the header line."""
    with open(path, "rb") as fh:
        fh.readline()
        return fh.tell()
