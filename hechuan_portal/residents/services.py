"""Writes and audited reads of the household registry: imports and the reveal of a full ID number."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from hechuan_portal.accounts.audit import audit_record
from hechuan_portal.accounts.models import AuditAction, Role
from hechuan_portal.accounts.scope import scope_for
from hechuan_portal.common import crypto

from .importer import ImportFailed, ImportResult, load_extract
from .models import ImportBatch, ImportIssue, ImportStatus, Resident

# Roles that may see a full ID number (always with a stated reason, always audited). Officers only
# for people of their own town, because `Resident.objects.visible_to` already limits what they reach.
REVEAL_ROLES = frozenset({Role.DISTRICT_ADMIN, Role.DISTRICT_STAFF, Role.TOWN_OFFICER})
MIN_REASON_LENGTH = 4


def can_reveal(user) -> bool:
    return bool(
        user and user.is_authenticated and user.is_active and (user.is_superuser or user.role in REVEAL_ROLES)
    )


def can_import(user) -> bool:
    return scope_for(user).everything and bool(user.is_superuser or user.role == Role.DISTRICT_ADMIN)


@transaction.atomic
def resident_reveal_id(*, user, resident: Resident, reason: str, request: HttpRequest | None = None) -> str:
    """Return the person's full ID number after checking the role and recording the reason.

    Every reveal in the portal goes through this one function (so re-authentication can wrap it).
    The caller must have fetched `resident` through `Resident.objects.visible_to(user)`.
    """
    if not can_reveal(user) or not Resident.objects.visible_to(user).filter(pk=resident.pk).exists():
        raise PermissionDenied(_("您的角色无权查看完整身份证号"))
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON_LENGTH:
        raise ValidationError(
            _("请填写查看事由（至少 %(n)d 个字）") % {"n": MIN_REASON_LENGTH}, code="reason_required"
        )
    audit_record(
        action=AuditAction.REVEAL,
        actor=user,
        request=request,
        obj=resident,
        area_code=resident.town_id or "",
        reason=reason,
    )
    return crypto.decrypt(resident.id_cipher)


def _store_issues(batch: ImportBatch, errors) -> None:
    ImportIssue.objects.bulk_create(
        [
            ImportIssue(batch=batch, line=e.line, column=e.column, code=e.code, message=e.message[:255])
            for e in errors
        ],
        batch_size=5000,
    )


def residents_import(
    *,
    path: str | Path,
    extract_date: dt.date,
    source: str = "",
    skip_invalid: bool = False,
    user=None,
    batch: ImportBatch | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> tuple[ImportBatch, ImportResult]:
    """Load a household extract and record the batch, its problems and an IMPORT audit event.

    Not one transaction on purpose: the load itself is atomic (`importer.load_extract`), while the
    batch row and the list of problems must survive a refused file so staff can download the report.
    Raises `ImportFailed` (with `.batch` set) when the file is refused.
    """
    path = Path(path)
    if batch is None:
        batch = ImportBatch.objects.create(
            created_by=user if user and user.is_authenticated else None,
            file_name=path.name,
            source=source,
            extract_date=extract_date,
            skip_invalid=skip_invalid,
        )
    batch.status = ImportStatus.RUNNING
    batch.save(update_fields=["status"])
    try:
        result = load_extract(
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
    _store_issues(batch, result.errors)
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
        },
    )
    return batch, result
