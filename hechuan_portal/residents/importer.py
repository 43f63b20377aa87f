"""Bulk household import (DESIGN §6): stream → COPY into a staging table → bulk checks → one merge.

The per-row pass (`staging.py`) reads the file, checks each row's cells (`rules.RowParser`),
encrypts the ID number and computes its blind index, and the rows go into a temporary staging table
through PostgreSQL `COPY` (psycopg 3 `cursor.copy`); a large plain CSV file is read by several
forked worker processes at once; area codes are checked in that pass against the district's areas.
Checks over the whole file (the same ID twice with different data) then run as SQL over the staging
table, and an UPDATE of changed people plus an INSERT of new ones merge it into `residents_resident`.
The district's first load into the empty register (`load_first_extract`, the go-live command
`import_residents --first-load`) skips the stage: its rows are copied straight into the register,
whose secondary indexes and foreign keys are set aside and rebuilt once (`common.bulkload`); the
rebuilt unique index is its check for repeated IDs. The row parser, the area check and the derived
columns are the same in both (`staging.py`).
Everything happens in one transaction: with any bad row and no `skip_invalid`, nothing is written.

Memory stays flat with file size: rows are streamed and only the problems are kept (capped).
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _

from hechuan_portal.areas.models import AdminArea
from hechuan_portal.common import bulkload
from hechuan_portal.common.errors import PortalError
from hechuan_portal.common.locks import LockName, lock_for_transaction
from hechuan_portal.common.tabular import TableError, open_table

from . import rules, staging
from .error_codes import ErrorCode
from .models import AwayPeriod, HukouStatus, IdCorrection, MoveReview, Resident

log = logging.getLogger(__name__)

# Problems kept in full (the report); beyond this only the count grows.
MAX_KEPT_ERRORS = 50_000
PROGRESS_EVERY = 50_000
UNIQUE_VIOLATION = "23505"  # SQLSTATE

# Columns compared to decide whether a row changes a person (everything but the ciphertext, whose
# random nonce differs on every import); the town and community are derived from the area code.
# The previous ID's ciphertext is left out for the same reason (its blind index is compared).
CIPHER_COLUMNS = ("id_cipher", "previous_id_cipher")
CONTENT_COLUMNS = tuple(c for c in staging.STAGE_COLUMNS[3:] if c not in CIPHER_COLUMNS)
_REGISTER = Resident._meta.db_table
_AWAY = AwayPeriod._meta.db_table
_CORRECTION = IdCorrection._meta.db_table
_PLANNED_COLUMNS = ("id_index", "name", "birth_date", "town_id", "community_id", "status", "updated_at")


class ImportFailed(PortalError):
    """The file was refused; nothing was written. A `PortalError` with a residents code (the message
    is its `detail`, also `str()`); `errors` lists the problems (line, column, reason)."""

    def __init__(
        self,
        code: ErrorCode,
        errors: list[rules.RowError],
        *,
        params: dict[str, Any] | None = None,
        rows_read: int = 0,
        invalid: int = 0,
    ):
        super().__init__(code, params=params)
        self.text = self.detail  # in the language of the import that was refused
        self.errors = errors
        self.rows_read = rows_read
        self.invalid = invalid
        self.batch: Any = None  # the ImportBatch recording the refusal (set by the service)

    def __str__(self) -> str:
        return self.text


@dataclass
class ImportResult:
    rows_read: int = 0
    invalid: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[rules.RowError] = field(default_factory=list)
    warnings: list[rules.RowError] = field(default_factory=list)  # contradictory rows (rule 9)
    timings: dict[str, float] = field(default_factory=dict)  # seconds per phase (benchmarks, logs)
    first_load: bool = False  # copied straight into the empty register, without the stage
    corrected: int = 0  # records carried to a corrected ID number (rule 8)


def _create_stage(cursor) -> None:
    # ON COMMIT DROP cleans up; the DROP covers a caller that wraps two imports in one transaction.
    # The collations are the register's: its columns are compared with these.
    cursor.execute("DROP TABLE IF EXISTS residents_stage")
    cursor.execute(
        """
        CREATE TEMP TABLE residents_stage (
            line integer NOT NULL,
            id_index varchar(32) COLLATE "C" NOT NULL,
            id_cipher bytea NOT NULL,
            id_masked varchar(18) NOT NULL,
            name varchar(64) COLLATE "C" NOT NULL,
            gender varchar(1) NOT NULL,
            birth_date date NOT NULL,
            hukou_code varchar(12) NOT NULL,
            status varchar(16) NOT NULL,
            death_date date,
            moved_out_date date,
            address varchar(255) NOT NULL,
            phone varchar(32) NOT NULL,
            dibao boolean NOT NULL,
            tekun boolean NOT NULL,
            lives_alone boolean NOT NULL,
            empty_nest boolean NOT NULL,
            left_behind boolean NOT NULL,
            special_family boolean NOT NULL,
            disability_grade smallint,
            moved_in_date date,
            previous_id_index varchar(32) COLLATE "C" NOT NULL,
            previous_id_cipher bytea,
            previous_id_masked varchar(18) NOT NULL,
            town_id varchar(12),
            community_id varchar(12)
        ) ON COMMIT DROP
        """
    )


def _chunks(source_file, table, columns, layout: staging.ToStage, extract_date) -> Iterator[staging.Chunk]:
    """The per-row pass: over several processes for a large plain CSV file, else in this one."""
    workers = staging.worker_count()
    if (
        isinstance(source_file, str | Path)
        and not table.spreadsheet
        and table.header_line == 1
        and workers > 1
        and Path(source_file).stat().st_size >= staging.PARALLEL_MIN_BYTES
    ):
        path = Path(source_file)
        chunks = staging.parallel_chunks(
            path,
            body_start=staging.body_start(path),
            encoding=table.encoding,
            columns=columns,
            layout=layout,
            workers=workers,
            extract_date=extract_date,
        )
        if chunks is not None:
            return chunks
    return staging.stage_chunks(table.rows, columns, layout, extract_date=extract_date)


def _stream(
    cursor, source_file, table, columns, layout, errors, on_progress, *, extract_date, warnings
) -> tuple[int, int]:
    """Run the per-row pass into `layout.table` through one COPY. Returns (rows read, rows with
    problems); a file that cannot be read, or a worker that died, refuses the import. The problems
    go to `errors`, the contradictory rows (imported) to `warnings`."""
    read = invalid = 0
    try:
        chunks = _chunks(source_file, table, columns, layout, extract_date)
        with cursor.copy(f"COPY {layout.table} ({', '.join(layout.columns)}) FROM STDIN") as copy:
            for chunk in chunks:
                if chunk.text:
                    copy.write(chunk.text)
                if chunk.errors and len(errors) < MAX_KEPT_ERRORS:
                    errors.extend(chunk.errors)
                if chunk.warnings and len(warnings) < MAX_KEPT_ERRORS:
                    warnings.extend(chunk.warnings)
                before, read, invalid = read, read + chunk.read, invalid + chunk.invalid
                if on_progress and read // PROGRESS_EVERY > before // PROGRESS_EVERY:
                    on_progress(read)
    except TableError as exc:
        raise ImportFailed(
            ErrorCode.IMPORT_FILE_UNREADABLE,
            [rules.RowError(0, "", "file", str(exc))],
            params={"reason": exc},
        ) from None
    except staging.WorkerFailed:
        log.exception("household import: a worker process failed")
        message = _("导入进程意外中止，未导入任何数据，请重新导入")
        raise ImportFailed(
            ErrorCode.IMPORT_WORKER_FAILED, [rules.RowError(0, "", "worker", message)]
        ) from None
    return read, invalid


def _settle(result: ImportResult, errors: list, read: int, invalid: int, *, skip_invalid: bool) -> None:
    """Record what the checks found; refuse the file (nothing written) unless that is allowed."""
    errors.sort(key=lambda e: (e.line, e.column))
    result.warnings.sort(key=lambda e: (e.line, e.column))
    result.rows_read, result.invalid, result.errors = read, invalid, errors
    if invalid and not skip_invalid:
        raise ImportFailed(
            ErrorCode.IMPORT_ROWS_INVALID, errors, params={"count": invalid}, rows_read=read, invalid=invalid
        )
    if read == 0:
        raise ImportFailed(ErrorCode.IMPORT_NO_ROWS, [], rows_read=0)


def _area_levels() -> dict[str, str]:
    """The district's area codes and their levels, for the per-row area check (a few hundred)."""
    areas = AdminArea.objects.filter(code__startswith=rules.DISTRICT_PREFIX)
    return dict(areas.values_list("code", "level"))


class _RepeatedIds(Exception):
    """A first load found the same ID on several lines: it is read again through the stage, whose
    checks name the lines (identical repeats are kept once, differing ones refused)."""


@contextmanager
def _constant_columns(cursor, *, source: str, extract_date: dt.date):
    """The columns every row of a load shares, as column defaults for the length of its COPY (the
    merge's values: the source, the extract date, the transaction's now()): PostgreSQL then does
    not parse them 1.5 million times. Inside the import's transaction, so a failure drops them too."""
    cursor.execute(
        f"ALTER TABLE {_REGISTER} ALTER COLUMN source SET DEFAULT %s, "
        "ALTER COLUMN extract_date SET DEFAULT %s, ALTER COLUMN updated_at SET DEFAULT now()",
        [source, extract_date],
    )
    yield
    cursor.execute(
        f"ALTER TABLE {_REGISTER} ALTER COLUMN source DROP DEFAULT, "
        "ALTER COLUMN extract_date DROP DEFAULT, ALTER COLUMN updated_at DROP DEFAULT"
    )


def _first_load(
    cursor, source_file, table, columns, levels, *, extract_date, source, skip_invalid, on_progress
) -> ImportResult:
    """An empty register: COPY the rows straight into it, its secondary indexes and foreign keys set
    aside, instead of staging them and copying them again. The unique index on the blind index is
    rebuilt first: if it fails, the file repeats an ID and `_RepeatedIds` is raised.

    Setting the foreign keys aside spares 2.5 million per-row checks (+20 s at 1.5 million rows,
    measured) but locks the areas table until commit: pages that read areas wait for the district's
    first load (≈ 40 s at 1.5 million), which therefore belongs before go-live or in a quiet hour
    (docs/allowance.md). Later imports never take that lock."""
    result = ImportResult()
    layout = staging.ToRegister(levels)
    errors: list[rules.RowError] = []
    try:
        with bulkload.structures_set_aside(cursor, _REGISTER):
            clock = time.perf_counter()
            with _constant_columns(cursor, source=source, extract_date=extract_date):
                read, invalid = _stream(
                    cursor, source_file, table, columns, layout, errors, on_progress,
                    extract_date=extract_date, warnings=result.warnings,
                )  # fmt: skip
            result.timings["stream"] = time.perf_counter() - clock
            if invalid and not skip_invalid and _repeats_an_id(cursor):
                raise _RepeatedIds  # the refusal's report must name the repeated IDs' lines too
            _settle(result, errors, read, invalid, skip_invalid=skip_invalid)
            clock = time.perf_counter()
    except IntegrityError as exc:
        if getattr(exc.__cause__, "sqlstate", None) == UNIQUE_VIOLATION:
            raise _RepeatedIds from None
        raise
    result.inserted, result.first_load = read - invalid, True
    _record_moves(
        cursor,
        f"SELECT id AS resident_id, status, moved_out_date, moved_in_date FROM {_REGISTER} "
        "WHERE moved_out_date IS NOT NULL OR moved_in_date IS NOT NULL",
        extract_date=extract_date,
    )
    cursor.execute(f"ANALYZE {_REGISTER} ({', '.join(_PLANNED_COLUMNS)})")
    result.timings["indexes"] = time.perf_counter() - clock
    return result


def _repeats_an_id(cursor) -> bool:
    cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {_REGISTER} GROUP BY id_index HAVING count(*) > 1)")
    return cursor.fetchone()[0]


def _bulk_checks(cursor) -> list[rules.RowError]:
    """Checks across rows, as set-based SQL over the staging table (the area codes were checked
    row by row against the district's areas, loaded once)."""
    errors: list[rules.RowError] = []
    id_col = rules.COLUMN_LABELS["id_number"]
    # The same ID twice is fine only when the rows are identical. A cheap hash aggregate finds the
    # repeated IDs first (usually none); only those rows are compared column by column.
    content = ", ".join(f"s.{c}" for c in CONTENT_COLUMNS)
    cursor.execute("DROP TABLE IF EXISTS residents_stage_dups")
    cursor.execute(
        """
        CREATE TEMP TABLE residents_stage_dups ON COMMIT DROP AS
        SELECT id_index, min(line) AS first_line FROM residents_stage GROUP BY id_index HAVING count(*) > 1
        """
    )
    cursor.execute(
        f"""
        SELECT s.line, d.first_line
        FROM residents_stage s JOIN residents_stage_dups d ON d.id_index = s.id_index
        WHERE s.id_index IN (
            SELECT s.id_index FROM residents_stage s JOIN residents_stage_dups d USING (id_index)
            GROUP BY s.id_index HAVING count(DISTINCT ({content})) > 1
        )
        ORDER BY s.line
        """
    )
    for line, first_line in cursor.fetchall():
        other = first_line if first_line != line else None
        message = (
            _("同一身份证号在文件中出现多次且内容不一致（另见第 %(line)d 行）") % {"line": other}
            if other
            else _("同一身份证号在文件中出现多次且内容不一致")
        )
        errors.append(rules.RowError(line, id_col, "duplicate_id", message))
    return errors


def _drop_repeats(cursor) -> int:
    """Identical repeats of one ID (the checks refused differing ones): keep the first line only.
    Returns the number of rows dropped."""
    cursor.execute("SELECT EXISTS (SELECT 1 FROM residents_stage_dups)")
    if not cursor.fetchone()[0]:
        return 0
    cursor.execute(
        """
        DELETE FROM residents_stage s USING residents_stage_dups d
        WHERE s.id_index = d.id_index AND s.line <> d.first_line
        """
    )
    return cursor.rowcount


def _doubles_the_register(cursor, staged: int) -> bool:
    """True when the `staged` people are more than twice the register (a first load): counted only
    up to that bound, so a nightly full extract does not count 1.5 million rows for nothing."""
    cursor.execute(f"SELECT count(*) FROM (SELECT 1 FROM {_REGISTER} LIMIT %s) r", [staged // 2 + 1])
    return cursor.fetchone()[0] * 2 < staged


def _merge(cursor, *, staged: int, extract_date: dt.date, source: str) -> tuple[int, int, int]:
    """Update the people whose newer (or same-date, changed) record arrived, then insert new people.

    A record from an older extract never overwrites a newer one; an identical re-import matches no
    row of the UPDATE's WHERE and so writes nothing (updated_at stays, the match sees no change).
    Two plain statements rather than one INSERT … ON CONFLICT: a first load of 1.5 million people
    is a straight INSERT … SELECT, without speculative insertion per row. Imports are serialised by
    an advisory lock, so no other import can insert the same person in between. A load that more
    than doubles the register sets the table's secondary indexes aside and rebuilds them once at
    the end (`common.bulkload`); its foreign keys stay, because dropping them would lock the areas
    table, which every page reads, while people already in the register are in use.

    `staged` is the number of rows in the stage; returns (inserted, updated, unchanged).
    """
    people = staged - _drop_repeats(cursor)
    if _doubles_the_register(cursor, people):
        with bulkload.structures_set_aside(cursor, _REGISTER, kinds=("index", "unique")):
            inserted, updated = _update_and_insert(cursor, extract_date=extract_date, source=source)
        # Fresh statistics for the columns queries select and join on: the nightly match that
        # follows a first load plans from them (the wide cipher and address columns are left).
        cursor.execute(f"ANALYZE {_REGISTER} ({', '.join(_PLANNED_COLUMNS)})")
    else:
        inserted, updated = _update_and_insert(cursor, extract_date=extract_date, source=source)
    return inserted, updated, people - inserted - updated


def _update_and_insert(cursor, *, extract_date: dt.date, source: str) -> tuple[int, int]:
    register = _REGISTER
    params = {"source": source, "extract": extract_date}
    sets = ", ".join(f"{c} = n.{c}" for c in (*CIPHER_COLUMNS, *CONTENT_COLUMNS))
    distinct = " OR ".join(f"r.{c} IS DISTINCT FROM n.{c}" for c in CONTENT_COLUMNS)
    cursor.execute(
        f"""
        UPDATE {register} r SET {sets}, source = %(source)s, extract_date = %(extract)s,
            updated_at = now()
        FROM residents_stage n
        WHERE r.id_index = n.id_index
          AND (r.extract_date < %(extract)s
               OR (r.extract_date = %(extract)s AND ({distinct} OR r.source IS DISTINCT FROM %(source)s)))
        """,
        params,
    )
    updated = cursor.rowcount
    cols = ", ".join(CONTENT_COLUMNS)
    cursor.execute(
        f"""
        INSERT INTO {register} (id_index, id_cipher, previous_id_cipher, {cols}, source, extract_date,
            updated_at)
        SELECT n.id_index, n.id_cipher, n.previous_id_cipher, {", ".join(f"n.{c}" for c in CONTENT_COLUMNS)},
               %(source)s, %(extract)s, now()
        FROM residents_stage n
        WHERE NOT EXISTS (SELECT 1 FROM {register} r WHERE r.id_index = n.id_index)
        """,
        params,
    )
    return cursor.rowcount, updated


def _open(source_file: str | Path | IO[bytes]) -> tuple[Any, dict[str, int]]:
    try:
        table = open_table(source_file, columns=rules.COLUMNS)
        return table, rules.map_header(table.header)
    except (TableError, rules.HeaderError) as exc:
        raise ImportFailed(
            ErrorCode.IMPORT_FILE_UNREADABLE,
            [rules.RowError(1, "", "header", str(exc))],
            params={"reason": exc},
        ) from None


def load_extract(
    source_file: str | Path | IO[bytes],
    *,
    extract_date: dt.date,
    source: str = "",
    skip_invalid: bool = False,
    on_progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Load one household extract: stage, check across the file, merge. Raises `ImportFailed`
    (nothing written) when it cannot be loaded.

    Callers go through `services.residents_import`, which records the batch and the audit event.
    """
    table, columns = _open(source_file)
    options = {"extract_date": extract_date, "source": source, "skip_invalid": skip_invalid}
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            # One import at a time, never beside a match: the merge's update-then-insert relies on
            # it, and the match must not read a half-merged register (one lock for both).
            lock_for_transaction(LockName.REGISTER)
            return _staged_load(
                cursor, source_file, table, columns, _area_levels(), on_progress=on_progress, **options
            )
    finally:
        _close(table)


def load_first_extract(
    path: str | Path,
    *,
    extract_date: dt.date,
    source: str = "",
    skip_invalid: bool = False,
    on_progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """The go-live load of the district's first extract into the empty register (DEPLOYMENT:
    `import_residents --first-load`): the rows are copied straight into the register, without the
    stage (`_first_load`). Refused when the register already holds people; a file that repeats an
    ID is read again through the stage, whose checks name the lines.
    """
    table, columns = _open(path)
    options = {"extract_date": extract_date, "source": source, "skip_invalid": skip_invalid}
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            lock_for_transaction(LockName.REGISTER)
            if not _register_is_empty(cursor):
                message = _("户籍人口表中已有数据，首次导入只能用于空表，请使用常规导入")
                raise ImportFailed(
                    ErrorCode.IMPORT_REGISTER_NOT_EMPTY, [rules.RowError(0, "", "not_empty", message)]
                )
            levels = _area_levels()
            try:
                with transaction.atomic():  # a savepoint: a file repeating an ID is read again
                    return _first_load(
                        cursor, path, table, columns, levels, on_progress=on_progress, **options
                    )
            except _RepeatedIds:
                _close(table)
                table = open_table(path, columns=rules.COLUMNS)
            return _staged_load(cursor, path, table, columns, levels, on_progress=on_progress, **options)
    finally:
        _close(table)


def _staged_load(
    cursor, source_file, table, columns, levels, *, extract_date, source, skip_invalid, on_progress
) -> ImportResult:
    """Every import but a first: the rows go into the staging table, are checked across the file,
    and are merged into the register."""
    result = ImportResult()
    _create_stage(cursor)
    clock = time.perf_counter()
    errors: list[rules.RowError] = []
    read, invalid = _stream(
        cursor, source_file, table, columns, staging.ToStage(levels), errors, on_progress,
        extract_date=extract_date, warnings=result.warnings,
    )  # fmt: skip
    result.timings["stream"] = time.perf_counter() - clock
    clock = time.perf_counter()
    # Statistics for the checks' and the merge's join column only (a full ANALYZE costs 3×).
    # Statistics on the columns the move history filters by too: without them the planner guesses
    # a handful of stage rows without dates and scans the whole stage once per open period away
    # (14 s instead of 30 ms for 150,000 rows; docs/performance.md).
    cursor.execute("ANALYZE residents_stage (id_index, moved_out_date, moved_in_date, previous_id_index)")
    bulk = _bulk_checks(cursor)
    result.timings["checks"] = time.perf_counter() - clock
    bad_lines = sorted({e.line for e in bulk})
    errors.extend(bulk)
    _settle(result, errors, read, invalid + len(bad_lines), skip_invalid=skip_invalid)
    if bad_lines:
        cursor.execute("DELETE FROM residents_stage WHERE line = ANY(%s)", [bad_lines])
    clock = time.perf_counter()
    result.corrected = _carry_corrections(cursor, extract_date=extract_date, warnings=result.warnings)
    result.warnings.sort(key=lambda e: (e.line, e.column))
    result.inserted, result.updated, result.unchanged = _merge(
        cursor, staged=read - result.invalid, extract_date=extract_date, source=source
    )
    _record_moves(
        cursor,
        # The rows with a date, and the rows without one of people whose period is open (a
        # reappearance): two narrow joins rather than the whole stage against the register.
        f"""SELECT r.id AS resident_id, n.status, n.moved_out_date, n.moved_in_date
            FROM residents_stage n JOIN {_REGISTER} r ON r.id_index = n.id_index
            WHERE r.extract_date = %(extract)s
              AND (n.moved_out_date IS NOT NULL OR n.moved_in_date IS NOT NULL)
            UNION
            SELECT r.id, n.status, n.moved_out_date, n.moved_in_date
            FROM {_AWAY} a JOIN {_REGISTER} r ON r.id = a.resident_id
            JOIN residents_stage n ON n.id_index = r.id_index
            WHERE a.moved_in_date IS NULL AND r.extract_date = %(extract)s
              AND n.moved_out_date IS NULL AND n.moved_in_date IS NULL""",
        extract_date=extract_date,
    )
    result.timings["merge"] = time.perf_counter() - clock
    return result


def _carry_corrections(cursor, *, extract_date: dt.date, warnings: list[rules.RowError]) -> int:
    """STANDARDS §6 rule 8: a staged row naming its 曾用身份证号 re-keys the person registered under
    that number to the new one — one UPDATE of the register over the batch, so everything keyed by
    the record (grants, decisions, roll lines, move history, audit trail) continues under the new
    number, and no month is paid twice (roll lines are unique per record and month). Each carry is
    recorded (`IdCorrection`, both numbers masked). When both numbers are already registered as two
    records, nothing is merged and the row is listed as a warning for staff. Returns the carries."""
    cursor.execute("DROP TABLE IF EXISTS residents_corrections")
    cursor.execute(
        f"""
        CREATE TEMP TABLE residents_corrections ON COMMIT DROP AS
        SELECT DISTINCT ON (r.id) r.id AS resident_id, n.line, n.id_index, n.id_cipher, n.id_masked,
               r.id_index AS old_index, r.id_masked AS old_masked,
               EXISTS (SELECT 1 FROM {_REGISTER} x WHERE x.id_index = n.id_index) AS both_registered
        FROM residents_stage n JOIN {_REGISTER} r ON r.id_index = n.previous_id_index
        WHERE n.previous_id_index <> '' AND r.extract_date <= %(extract)s
        ORDER BY r.id, n.line
        """,
        {"extract": extract_date},
    )
    cursor.execute("SELECT line FROM residents_corrections WHERE both_registered ORDER BY line")
    column = rules.COLUMN_LABELS["previous_id_number"]
    message = _("曾用身份证号和身份证号都已登记为两个人员，未合并，请人工核对")
    warnings.extend(rules.RowError(line, column, "id_correction_conflict", message) for (line,) in cursor)
    cursor.execute(
        f"""
        UPDATE {_REGISTER} r SET id_index = c.id_index, id_cipher = c.id_cipher, id_masked = c.id_masked,
            updated_at = now()
        FROM residents_corrections c WHERE r.id = c.resident_id AND NOT c.both_registered
        """
    )
    carried = cursor.rowcount
    if carried:
        cursor.execute(
            f"""
            INSERT INTO {_CORRECTION} (resident_id, old_index, old_masked, new_masked, extract_date, at)
            SELECT resident_id, old_index, old_masked, id_masked, %(extract)s, now()
            FROM residents_corrections WHERE NOT both_registered
            """,
            {"extract": extract_date},
        )
    return carried


def _record_moves(cursor, source: str, *, extract_date: dt.date) -> None:
    """Keep each person's move history (`AwayPeriod`, STANDARDS §6 rule 7) from the rows of this
    extract that the register now holds (`source`: resident_id, status, moved_out_date,
    moved_in_date). Four set-based statements, each touching only the few rows that carry a move:

    1. a move-out opens a period (closed at once when the row's 迁入日期 is later);
    2. a 迁入日期 closes the person's open period that began before it;
    3. a 迁入日期 of a person with no period at all (moved in from elsewhere) is a period from
       nowhere: nothing before the move-in month is paid;
    4. a person back as 正常 without any date while a period is open (reappearance) → the period
       awaits staff, with the extract's date as the proposed move-in date; it stays unpaid until then.
    """
    values = {
        "extract": extract_date,
        "normal": HukouStatus.NORMAL.value,
        "none": MoveReview.NONE.value,
        "pending": MoveReview.PENDING.value,
    }
    # The source once, as a temporary table: small (only rows with a date, or the stage's rows).
    cursor.execute("DROP TABLE IF EXISTS residents_moves")
    cursor.execute(f"CREATE TEMP TABLE residents_moves ON COMMIT DROP AS {source}", values)
    cursor.execute(
        f"""
        INSERT INTO {_AWAY} AS a (resident_id, moved_out_date, moved_in_date, proposed_in_date, review,
            created_at)
        SELECT m.resident_id, m.moved_out_date,
               CASE WHEN m.moved_in_date > m.moved_out_date THEN m.moved_in_date END, NULL, %(none)s, now()
        FROM residents_moves m WHERE m.moved_out_date IS NOT NULL
        ON CONFLICT (resident_id, moved_out_date) DO UPDATE
            SET moved_in_date = EXCLUDED.moved_in_date, review = %(none)s, proposed_in_date = NULL
            WHERE a.moved_in_date IS NULL AND EXCLUDED.moved_in_date IS NOT NULL
        """,
        values,
    )
    cursor.execute(
        f"""
        UPDATE {_AWAY} a SET moved_in_date = m.moved_in_date, review = %(none)s, proposed_in_date = NULL
        FROM residents_moves m
        WHERE a.resident_id = m.resident_id AND a.moved_in_date IS NULL AND m.moved_in_date IS NOT NULL
          AND (a.moved_out_date IS NULL OR a.moved_out_date < m.moved_in_date)
        """,
        values,
    )
    cursor.execute(
        f"""
        INSERT INTO {_AWAY} (resident_id, moved_out_date, moved_in_date, proposed_in_date, review, created_at)
        SELECT m.resident_id, NULL, m.moved_in_date, NULL, %(none)s, now()
        FROM residents_moves m
        WHERE m.moved_in_date IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM {_AWAY} a WHERE a.resident_id = m.resident_id)
        ON CONFLICT DO NOTHING
        """,
        values,
    )
    cursor.execute(
        f"""
        UPDATE {_AWAY} a SET review = %(pending)s, proposed_in_date = %(extract)s
        FROM residents_moves m
        WHERE a.resident_id = m.resident_id AND a.moved_in_date IS NULL AND a.review = %(none)s
          AND m.status = %(normal)s AND m.moved_out_date IS NULL AND m.moved_in_date IS NULL
        """,
        values,
    )
    # The match reads the periods away right after an import, before autovacuum has counted them:
    # fresh statistics keep its plans on hash joins (a few thousand rows, milliseconds).
    cursor.execute(f"ANALYZE {_AWAY}")


def _register_is_empty(cursor) -> bool:
    cursor.execute(f"SELECT NOT EXISTS (SELECT 1 FROM {_REGISTER})")
    return cursor.fetchone()[0]


def _close(table) -> None:
    close = getattr(table.rows, "close", None)
    if close:
        close()
