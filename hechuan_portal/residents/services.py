"""Writes and audited reads of the household registry: imports and the reveal of a full ID number."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from hechuan_portal.accounts.audit import audit_record
from hechuan_portal.accounts.models import AuditAction
from hechuan_portal.accounts.roles import SYSTEM, audit_user, require
from hechuan_portal.common import crypto
from hechuan_portal.common.errors import PortalError
from hechuan_portal.common.locks import LockName, lock_for_transaction

from . import access
from .error_codes import ErrorCode
from .importer import ImportFailed, ImportResult, load_extract, load_first_extract
from .models import (
    AwayPeriod,
    DuplicateGroup,
    ImportBatch,
    ImportIssue,
    ImportStatus,
    MoveReview,
    Resident,
    TownPopulation,
)
from .signals import register_imported

MIN_REASON_LENGTH = 4


@transaction.atomic
def resident_reveal_id(
    *, actor: Any, resident: Resident, reason: str, request: HttpRequest | None = None
) -> str:
    """Return the person's full ID number after checking the role and recording the reason.

    Every reveal in the portal goes through this one function (so re-authentication can wrap it).
    Refused (403 `reveal_not_allowed`) unless `access.can_reveal` allows it for this person.
    """
    if not access.can_reveal(actor, resident):
        raise PortalError(ErrorCode.REVEAL_NOT_ALLOWED, status=403)
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON_LENGTH:
        raise PortalError(ErrorCode.REASON_REQUIRED, field="reason", params={"n": MIN_REASON_LENGTH})
    audit_record(
        action=AuditAction.REVEAL,
        actor=audit_user(actor),
        request=request,
        obj=resident,
        area_code=resident.town_id or "",
        reason=reason,
    )
    return crypto.decrypt(resident.id_cipher)


@transaction.atomic
def away_period_confirm(
    *, actor: Any, period: AwayPeriod, moved_in_date: dt.date, request: HttpRequest | None = None
) -> AwayPeriod:
    """Staff confirm (or correct) the move-in date of a person back after a move-out without
    迁入日期 (STANDARDS §6 rule 7): the months from the move-out month's next up to the move-in
    month stay unpaid; the months after are paid by the next match (as 补发 within the cap).
    The person's record is marked changed so the next (incremental) match examines them."""
    require(access.can_confirm_move_in, actor, period)
    today = timezone.localdate()
    if moved_in_date > today or (period.moved_out_date and moved_in_date <= period.moved_out_date):
        raise PortalError(ErrorCode.MOVE_IN_DATE, field="moved_in_date")
    old = {"moved_in_date": period.moved_in_date, "proposed_in_date": period.proposed_in_date}
    period.moved_in_date = moved_in_date
    period.review = MoveReview.CONFIRMED
    period.confirmed_by = audit_user(actor)
    period.confirmed_at = timezone.now()
    period.save(update_fields=["moved_in_date", "review", "confirmed_by", "confirmed_at"])
    Resident.objects.filter(pk=period.resident_id).update(updated_at=timezone.now())
    audit_record(
        action=AuditAction.UPDATE,
        actor=audit_user(actor),
        request=request,
        obj=period.resident,
        area_code=period.resident.town_id or "",
        reason=_("确认迁入日期"),
        changes={
            "moved_in_date": [str(old["moved_in_date"] or ""), str(moved_in_date)],
            "proposed_in_date": str(old["proposed_in_date"] or ""),
        },
    )
    return period


def _store_issues(batch: ImportBatch, errors: list[Any], warnings: Sequence[Any] = ()) -> None:
    ImportIssue.objects.bulk_create(
        [
            ImportIssue(
                batch=batch, line=e.line, column=e.column, code=e.code, message=e.message[:255], warning=warn
            )
            for group, warn in ((errors, False), (warnings, True))
            for e in group
        ],
        batch_size=5000,
    )


def residents_import_enqueue(
    *,
    actor: Any,
    upload: UploadedFile,
    extract_date: dt.date,
    source: str = "",
    skip_invalid: bool = False,
) -> ImportBatch:
    """Store an uploaded extract and queue its import (after commit); returns the queued batch.

    The stored file holds full ID numbers: the task deletes it once loaded or refused.
    """
    require(access.can_import, actor)
    from .tasks import import_batch_task  # tasks import this module

    folder = Path(settings.MEDIA_ROOT) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    stored = folder / f"{uuid.uuid4().hex}{Path(upload.name or '').suffix[:8]}"
    with open(stored, "wb") as fh:
        for chunk in upload.chunks():
            fh.write(chunk)
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            created_by=audit_user(actor), file_name=Path(upload.name or "").name[:255],
            stored_file=str(stored), source=source, extract_date=extract_date, skip_invalid=skip_invalid,
        )  # fmt: skip
        transaction.on_commit(lambda: import_batch_task.delay(batch.pk))
    return batch


def residents_import(
    *,
    actor: Any,
    path: str | Path,
    extract_date: dt.date,
    source: str = "",
    skip_invalid: bool = False,
    batch: ImportBatch | None = None,
    on_progress: Callable[[int], None] | None = None,
    first_load: bool = False,
    refresh_now: bool = False,
) -> tuple[ImportBatch, ImportResult]:
    """Load a household extract and record the batch, its problems and an IMPORT audit event.

    Not one transaction on purpose: the load itself is atomic (`importer.load_extract`), while the
    batch row and the list of problems must survive a refused file so staff can download the report.
    Raises `ImportFailed` (with `.batch` set) when the file is refused. The audit rows name the
    batch's creator (the person who uploaded it; none for a command or SYSTEM). `first_load` is the
    go-live load into the empty register (`importer.load_first_extract`). The summaries derived
    from the register are rebuilt by one task queued when the load has committed, so the import
    does not wait for them; `refresh_now` rebuilds them before returning (the demo seed, whose next
    steps read them).
    """
    require(access.can_import, actor)
    path = Path(path)
    if batch is None:
        batch = ImportBatch.objects.create(
            created_by=audit_user(actor),
            file_name=path.name,
            source=source,
            extract_date=extract_date,
            skip_invalid=skip_invalid,
        )
    batch.status = ImportStatus.RUNNING
    batch.save(update_fields=["status"])
    try:
        load = load_first_extract if first_load else load_extract
        result = load(
            path, extract_date=extract_date, source=source, skip_invalid=skip_invalid, on_progress=on_progress
        )
    except ImportFailed as exc:
        batch.status = ImportStatus.FAILED
        batch.rows_read, batch.rows_invalid = exc.rows_read, exc.invalid
        batch.message = str(exc)
        batch.finished_at = timezone.now()
        batch.save()
        _store_issues(batch, exc.errors)
        audit_record(
            action=AuditAction.IMPORT,
            actor=batch.created_by,
            obj=batch,
            reason=_("户籍数据导入被拒绝"),
            changes={"rows_read": exc.rows_read, "invalid": exc.invalid, "status": "failed"},
        )
        exc.batch = batch
        raise
    except Exception:
        # Anything unforeseen (a lost connection, a missing file): the load rolled back, so the
        # batch says so instead of staying "running" for good; the caller sees the error.
        batch.status = ImportStatus.FAILED
        batch.message = _("导入时发生系统错误，未导入任何数据，请重新上传；如再次失败请联系管理员")
        batch.finished_at = timezone.now()
        batch.save(update_fields=["status", "message", "finished_at"])
        raise
    batch.status = ImportStatus.SUCCEEDED
    batch.rows_read, batch.rows_invalid = result.rows_read, result.invalid
    batch.inserted, batch.updated, batch.unchanged = result.inserted, result.updated, result.unchanged
    batch.finished_at = timezone.now()
    batch.save()
    _store_issues(batch, result.errors, result.warnings)
    audit_record(
        action=AuditAction.IMPORT,
        actor=batch.created_by,
        obj=batch,
        reason=_("户籍数据导入"),
        changes={
            "rows_read": result.rows_read,
            "invalid": result.invalid,
            "inserted": result.inserted,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "warnings": len(result.warnings),
            "id_corrections": result.corrected,
        },
    )
    if refresh_now:
        register_summaries_refresh(actor=SYSTEM, batch=batch)
    else:
        from .tasks import register_summaries_task  # tasks import this module

        register_summaries_task.delay_on_commit(batch.pk)
    return batch, result


def register_summaries_refresh(*, actor: Any, batch: ImportBatch | None = None) -> None:
    """Rebuild what is derived from the register after a household import: its own summaries
    (possible duplicates, per-town counts), then the apps' tables through `register_imported` (the
    visit list, the towns of grants and decisions). Each step is its own transaction under the
    register lock, so a later import waits for it and a re-run gives the same rows."""
    require(access.can_import, actor)
    duplicate_groups_refresh(actor=actor)
    town_population_refresh(actor=actor)
    register_imported.send(sender=ImportBatch, batch=batch)


@transaction.atomic
def duplicate_groups_refresh(*, actor: Any) -> int:
    """Recompute the possible duplicate persons the data-quality page lists (`DuplicateGroup`):
    two set-based statements (per town, and district-wide with town NULL) under the register lock,
    so they never read a half-merged import. Called as SYSTEM after every household import; returns
    the district-wide number of groups. A derived table: no audit row (the import has its own)."""
    require(access.can_import, actor)
    lock_for_transaction(LockName.REGISTER)
    groups, register = DuplicateGroup._meta.db_table, Resident._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {groups}")
        insert = f"INSERT INTO {groups} (town_id, name, gender, birth_date, n) "
        # Each town's groups (what its officer sees), then the district's (town NULL).
        cursor.execute(
            f"{insert} SELECT town_id, name, gender, birth_date, count(*) FROM {register} "
            "WHERE town_id IS NOT NULL GROUP BY town_id, name, gender, birth_date HAVING count(*) > 1"
        )
        cursor.execute(
            f"{insert} SELECT NULL, name, gender, birth_date, count(*) FROM {register} "
            "GROUP BY name, gender, birth_date HAVING count(*) > 1"
        )
        return cursor.rowcount


def town_population_sql() -> list[str]:
    """The statements that rewrite `TownPopulation` from the register: empty it, then one grouped
    INSERT … SELECT (also run by the migration that created the table). Two statements, not one
    with a deleting CTE: the unique index would still see the rows that CTE deletes."""
    summary, register = TownPopulation._meta.db_table, Resident._meta.db_table
    return [
        f"DELETE FROM {summary}",
        f"INSERT INTO {summary} (town_id, alive, born_in, n) "
        f"SELECT town_id, status = 'normal', date_trunc('month', birth_date)::date, count(*) "
        f"FROM {register} GROUP BY 1, 2, 3",
    ]


@transaction.atomic
def town_population_refresh(*, actor: Any) -> int:
    """Recount the register per town, status and birth month (`TownPopulation`) set-based under
    the register lock. Called as SYSTEM after every household import; returns the number of
    summary rows. A derived table: no audit row."""
    require(access.can_import, actor)
    lock_for_transaction(LockName.REGISTER)
    with connection.cursor() as cursor:
        for statement in town_population_sql():
            cursor.execute(statement)
        return cursor.rowcount
