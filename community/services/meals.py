"""老年助餐 writes: cost-sharing policies, social donations, and the meals themselves — the daily file
of a canteen (COPY into a staging table, set-based checks, one INSERT … SELECT) and the phone form,
which goes through the same load one row at a time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from facilities.models import Facility, FacilityKind
from hechuan_portal.accounts.audit import audit_record
from hechuan_portal.accounts.models import AuditAction
from hechuan_portal.accounts.roles import audit_user, require
from hechuan_portal.common import crypto
from hechuan_portal.common.errors import PortalError
from hechuan_portal.common.tabular import TableError, open_table
from hechuan_portal.residents.models import Resident

from .. import access, rules
from ..error_codes import ErrorCode
from ..models import ClaimStatus, Donation, ImportStatus, Meal, MealClaim, MealImport, MealPolicy, MealShare

# Problems kept in full per import; beyond this only the count grows.
MAX_KEPT_ERRORS = 1_000
STAGE_COLUMNS = ("line", "day", "category", "way", "id_index", "count")
_NULL = "\\N"
_MEAL = Meal._meta.db_table
_RESIDENT = Resident._meta.db_table
_POLICY = MealPolicy._meta.db_table
_CLAIM = MealClaim._meta.db_table


def _require_canteen(canteen: Facility) -> None:
    if canteen.kind != FacilityKind.ELDER_CANTEEN:
        raise PortalError(ErrorCode.NOT_A_CANTEEN, field="canteen")


def _lock_canteen(canteen_id: int) -> None:
    """Serialise the writes of one canteen's meals and claims: two imports of the same day cannot
    both replace it, and a review cannot slip between an import's month check and its insert."""
    Facility.objects.select_for_update().filter(pk=canteen_id).values_list("pk", flat=True).first()


# --- policy and donations -------------------------------------------------------------------------


@transaction.atomic
def policy_create(
    *,
    actor: Any,
    name: str,
    effective_from: dt.date,
    max_meals_per_day: int,
    shares: dict[str, dict[str, Decimal]],
    note: str = "",
) -> MealPolicy:
    """A new cost-sharing policy in force from `effective_from`; `shares` maps each person category
    to its split (individual, enterprise, government, collective, donation)."""
    require(access.can_manage_policy, actor)
    if MealPolicy.objects.filter(effective_from=effective_from).exists():
        raise PortalError(ErrorCode.POLICY_DATE_TAKEN, field="effective_from")
    policy = MealPolicy.objects.create(
        name=name, effective_from=effective_from, max_meals_per_day=max_meals_per_day, note=note
    )
    MealShare.objects.bulk_create(
        MealShare(policy=policy, category=c, **split) for c, split in shares.items()
    )
    audit_record(
        action=AuditAction.CREATE,
        actor=audit_user(actor),
        obj=policy,
        changes={"effective_from": effective_from.isoformat(), "categories": sorted(shares)},
    )
    return policy


@transaction.atomic
def donation_record(
    *,
    actor: Any,
    received_on: dt.date,
    donor: str,
    amount: Decimal,
    use: str,
    town_id: str | None = None,
    canteen: Facility | None = None,
) -> Donation:
    """Record a social donation as income for meal assistance, with its donor and its use."""
    require(access.can_manage_policy, actor)
    donation = Donation.objects.create(
        received_on=received_on,
        donor=donor,
        amount=amount,
        use=use,
        town_id=town_id or (canteen.town_id if canteen else None),
        canteen=canteen,
        recorded_by=audit_user(actor),
    )
    audit_record(
        action=AuditAction.CREATE, actor=audit_user(actor), obj=donation, changes={"amount": str(amount)}
    )
    return donation


# --- meals: the daily file and the phone form -----------------------------------------------------


def _create_stage(cursor) -> None:
    # ON COMMIT DROP cleans up; the DROP covers two imports in one transaction. The blind index uses
    # the register's "C" collation so the join below can use its unique index.
    cursor.execute("DROP TABLE IF EXISTS community_meal_stage")
    cursor.execute(
        """
        CREATE TEMP TABLE community_meal_stage (
            line integer NOT NULL,
            day date NOT NULL,
            category varchar(16) NOT NULL,
            way varchar(16) NOT NULL,
            id_index varchar(32) COLLATE "C",
            count integer NOT NULL
        ) ON COMMIT DROP
        """
    )


def _stage_text(
    rows: Iterable[tuple[int, list[str]]],
    columns: dict[str, int],
    today: dt.date,
    errors: list,
    indexes: dict[str, str],
):
    """COPY text blocks of the parsed rows; problems go to `errors`, each ID number's blind index to
    `indexes` (the file's people). Yields (text, rows read).

    A year's file is millions of rows built from a few hundred dates and a few thousand (person,
    category, way) cells. The rules run once per new date text or new person cells (`RowParser`:
    a row's problems are separable into those two parts); the date's COPY text and the rest of the
    row's — its blind index hashed once — are remembered, so the common row costs two dictionary
    look-ups and one string format rather than a parse."""
    cipher = crypto.BulkCipher()
    parse = rules.RowParser(columns, today=today)
    day_at, person_cells = columns["day"], parse.person_cells
    days: dict[str, str] = {}  # date text → its COPY text, for dates seen in a valid row
    people: dict[Any, str] = {}  # person cells → the COPY text after the date, likewise
    buffer: list[str] = []
    read = 0
    for line, cells in rows:
        read += 1
        try:
            day, rest = days.get(cells[day_at]), people.get(person_cells(cells))
        except IndexError:  # a short row: the parser says which cells are missing
            day = rest = None
        if day is None or rest is None:
            parsed = parse(line, cells)
            if isinstance(parsed, list):
                if len(errors) < MAX_KEPT_ERRORS:
                    errors.extend(parsed)
                continue
            number = parsed.id_number
            if number:
                index = indexes.get(number)
                if index is None:
                    index = indexes[number] = cipher.blind_index(number)
            else:
                index = _NULL
            day = parsed.day.isoformat()
            rest = f"{parsed.category}\t{parsed.way}\t{index}\t{parsed.count}"
            if len(cells) > max(columns.values()):
                days[cells[day_at]], people[person_cells(cells)] = day, rest
        buffer.append(f"{line}\t{day}\t{rest}")
        if len(buffer) >= 10_000:
            yield ("\n".join(buffer) + "\n").encode(), read
            buffer, read = [], 0
    yield (("\n".join(buffer) + "\n").encode() if buffer else b""), read


def _resolve_people(cursor, indexes: Iterable[str]) -> None:
    """The file's people, each once: a year's file names a few thousand people millions of times, so
    each blind index (collected while the rows were read) is looked up in the register once, by its
    unique index, rather than joined per meal."""
    cursor.execute("DROP TABLE IF EXISTS community_meal_people")
    cursor.execute(
        f"""
        CREATE TEMP TABLE community_meal_people ON COMMIT DROP AS
        SELECT k.id_index COLLATE "C" AS id_index, r.id AS resident_id
        FROM unnest(%s::varchar(32)[]) AS k(id_index)
        LEFT JOIN {_RESIDENT} r ON r.id_index = k.id_index COLLATE "C"
        """,
        [list(indexes)],
    )
    cursor.execute("ANALYZE community_meal_people")


def _stage_problems(cursor, canteen_id: int) -> list[rules.RowError]:
    """Checks over the whole staged file, in SQL: unknown people, days without a policy, months
    already under review. Each reads a small table once (the file's people, the first policy date,
    the canteen's claims), not the register or the policies once per row."""
    cursor.execute(
        f"""
        SELECT s.line, 'id_number', 'unknown_person'
        FROM community_meal_stage s JOIN community_meal_people p ON p.id_index = s.id_index
        WHERE p.resident_id IS NULL
        UNION ALL
        SELECT s.line, 'day', 'no_policy' FROM community_meal_stage s
        WHERE s.day < (SELECT coalesce(min(effective_from), 'infinity'::date) FROM {_POLICY})
        UNION ALL
        SELECT s.line, 'day', 'month_frozen' FROM community_meal_stage s
        WHERE date_trunc('month', s.day)::date IN (
            SELECT c.month FROM {_CLAIM} c WHERE c.canteen_id = %(canteen)s AND c.status <> %(draft)s
        )
        ORDER BY 1 LIMIT {MAX_KEPT_ERRORS}
        """,
        {"canteen": canteen_id, "draft": ClaimStatus.DRAFT.value},
    )
    return [rules.RowError(line, rules.COLUMN_LABELS[field], code) for line, field, code in cursor.fetchall()]


def _load(
    *,
    canteen: Facility,
    header: list[str],
    rows: Iterable[tuple[int, list[str]]],
    batch: MealImport,
    today: dt.date,
    replace: bool = True,
) -> tuple[int, int, int, list[rules.RowError]]:
    """Stage, check and merge one file inside the caller's transaction: (read, meals, replaced, errors)."""
    columns, errors = rules.column_map(header)
    if errors:
        return 0, 0, 0, errors
    read = 0
    indexes: dict[str, str] = {}  # ID number → blind index
    with connection.cursor() as cursor:
        _create_stage(cursor)
        with cursor.copy(f"COPY community_meal_stage ({', '.join(STAGE_COLUMNS)}) FROM STDIN") as copy:
            for text, n in _stage_text(rows, columns, today, errors, indexes):
                read += n
                if text:
                    copy.write(text)
        if errors:
            return read, 0, 0, errors
        # The stage is not analysed (a tenth of the import): no statement below joins it with a large
        # table, and the file's people come from the reader rather than a DISTINCT over the stage.
        _resolve_people(cursor, indexes.values())
        errors = _stage_problems(cursor, canteen.pk)
        if errors:
            return read, 0, 0, errors
        replaced = 0
        if replace:
            # A day's file replaces what the canteen recorded for that day: importing twice never doubles.
            cursor.execute(
                f"""
                DELETE FROM {_MEAL} m
                WHERE m.canteen_id = %s AND m.day IN (SELECT DISTINCT day FROM community_meal_stage)
                """,
                [canteen.pk],
            )
            replaced = cursor.rowcount
        cursor.execute(
            f"""
            INSERT INTO {_MEAL} (canteen_id, day, category, way, resident_id, count, batch_id)
            SELECT %s, s.day, s.category, s.way, p.resident_id, s.count, %s
            FROM community_meal_stage s LEFT JOIN community_meal_people p ON p.id_index = s.id_index
            """,
            [canteen.pk, batch.pk],
        )
        meals = cursor.rowcount
    return read, meals, replaced, []


def meals_import(
    *,
    actor: Any,
    canteen: Facility,
    source: str | Path | IO[bytes],
    file_name: str,
    today: dt.date | None = None,
    request: HttpRequest | None = None,
) -> MealImport:
    """Import a canteen's meal file (CSV or XLSX): COPY into a staging table, check every row and the
    whole file, then one INSERT … SELECT. All or nothing: with any problem nothing is written and the
    returned batch (status failed) lists each problem's line, column and code. Audited (IMPORT)."""
    require(access.can_record_meals, actor, canteen)
    _require_canteen(canteen)
    today = today or timezone.localdate()
    try:
        table = open_table(source)
        header, rows = table.header, table.rows
    except TableError as exc:
        return _refused(
            actor=actor,
            canteen=canteen,
            file_name=file_name,
            read=0,
            errors=[{"line": 0, "column": "", "code": "unreadable", "text": str(exc)}],
            request=request,
        )
    return _import(
        actor=actor,
        canteen=canteen,
        header=header,
        rows=rows,
        file_name=file_name,
        today=today,
        request=request,
    )


def meal_record(
    *,
    actor: Any,
    canteen: Facility,
    day: dt.date,
    category: str,
    way: str,
    id_number: str = "",
    count: int = 1,
    today: dt.date | None = None,
    request: HttpRequest | None = None,
) -> MealImport:
    """The phone form of a small canteen: meals entered by hand go through the same checks and the same
    load as a file, one row at a time; an entry adds to the day's meals instead of replacing them."""
    require(access.can_record_meals, actor, canteen)
    _require_canteen(canteen)
    today = today or timezone.localdate()
    row = [day.isoformat(), id_number, category, way, str(count)]
    return _import(
        actor=actor,
        canteen=canteen,
        header=list(rules.COLUMNS),
        rows=[(2, row)],
        file_name=_("手机录入"),
        today=today,
        request=request,
        replace=False,
    )


def _import(*, actor, canteen, header, rows, file_name, today, request, replace: bool = True) -> MealImport:
    with transaction.atomic():
        _lock_canteen(canteen.pk)
        batch = MealImport.objects.create(
            canteen=canteen,
            file_name=file_name[:255],
            created_by=audit_user(actor),
            status=ImportStatus.SUCCEEDED,
        )
        read, meals, replaced, errors = _load(
            canteen=canteen, header=header, rows=rows, batch=batch, today=today, replace=replace
        )
        if not errors:
            batch.rows_read, batch.meals, batch.replaced = read, meals, replaced
            batch.save(update_fields=["rows_read", "meals", "replaced"])
            audit_record(
                action=AuditAction.IMPORT,
                actor=audit_user(actor),
                request=request,
                obj=batch,
                area_code=canteen.town_id,
                changes={"canteen": canteen.pk, "rows": read, "meals": meals, "replaced": replaced},
            )
            return batch
        transaction.set_rollback(True)
    return _refused(
        actor=actor,
        canteen=canteen,
        file_name=file_name,
        read=read,
        errors=[e.as_dict() for e in errors],
        request=request,
    )


@transaction.atomic
def _refused(*, actor, canteen, file_name, read, errors, request) -> MealImport:
    """Record a refused import (counts and problems only) after the load was rolled back."""
    batch = MealImport.objects.create(
        canteen=canteen,
        file_name=file_name[:255],
        created_by=audit_user(actor),
        status=ImportStatus.FAILED,
        rows_read=read,
        errors=errors[:MAX_KEPT_ERRORS],
    )
    audit_record(
        action=AuditAction.IMPORT,
        actor=audit_user(actor),
        request=request,
        obj=batch,
        area_code=canteen.town_id,
        reason=_("助餐数据导入被拒绝"),
        changes={"canteen": canteen.pk, "rows": read, "problems": len(errors)},
    )
    return batch
