"""Findings and the rectification loop: evidence, review, and the nightly escalation of overdue ones."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from hechuan_portal.accounts.audit import audit_record
from hechuan_portal.accounts.models import AuditAction
from hechuan_portal.accounts.roles import SYSTEM, audit_user, require
from hechuan_portal.common.errors import PortalError
from hechuan_portal.common.uploads import store_files

from .. import access, rules
from ..error_codes import ErrorCode
from ..models import Finding, FindingEvidence, FindingStatus, FindingTransition
from ..standards import config
from .risk import risk_refresh


def _move(*, finding: Finding, action: str, actors: set[str], actor: Any, reason: str) -> Finding:
    """Apply one state-machine step to a locked finding and log it."""
    to_status = rules.finding_transition(finding.status, action, actors)
    if action in rules.REASON_REQUIRED and not reason.strip():
        raise PortalError(ErrorCode.REASON_REQUIRED, field="reason")
    from_status = finding.status
    finding.status = to_status
    now = timezone.now()
    if to_status == FindingStatus.CLOSED:
        finding.closed_at = now
    if to_status == FindingStatus.ESCALATED:
        finding.escalated_at = now
    finding.save(update_fields=["status", "closed_at", "escalated_at", "updated_at"])
    FindingTransition.objects.create(
        finding=finding,
        from_status=from_status,
        to_status=to_status,
        action=action,
        actor=audit_user(actor),
        reason=reason[:500],
    )
    return finding


def _locked(finding: Finding) -> Finding:
    return Finding.objects.select_for_update().select_related("facility", "inspection").get(pk=finding.pk)


# The rule checks come first in the API views too, before the body is read: someone who may not act
# learns nothing from a validation error (SECURITY.md). The services repeat them under lock.


def ensure_may_submit(finding: Finding, actor: Any) -> set[str]:
    """PortalError unless `actor` may submit evidence for `finding` now; returns their actors."""
    actors = access.finding_actors(actor, finding)
    rules.finding_transition(finding.status, "submit", actors)
    return actors


def ensure_may_review(finding: Finding, actor: Any) -> None:
    """PortalError 403 unless `actor` is among those who accept or return evidence."""
    require(access.can_review, actor, finding)


@transaction.atomic
def finding_submit_evidence(
    *, finding: Finding, actor: Any, files: list[Any], note: str = "", request: HttpRequest | None = None
) -> Finding:
    """The operator uploads evidence of the fix (at least one file) and sends it for acceptance."""
    finding = _locked(finding)
    # Check the move before writing any file: a refused submit stores nothing.
    actors = ensure_may_submit(finding, actor)
    if not files:
        raise PortalError(ErrorCode.EVIDENCE_REQUIRED, field="files")
    # All or none: one refused file stores none, and a failure after the files removes them.
    with store_files(
        files, folder="monitoring", max_bytes=config()["max_upload_bytes"], allow_pdf=True
    ) as stored_files:
        rows = [
            FindingEvidence(finding=finding, note=note[:500], **stored.fields(audit_user(actor)))
            for stored in stored_files
        ]
        FindingEvidence.objects.bulk_create(rows)
        _move(finding=finding, action="submit", actors=actors, actor=actor, reason=note)
        audit_record(
            action=AuditAction.UPDATE,
            actor=audit_user(actor),
            request=request,
            obj=finding,
            area_code=finding.facility.town_id,
            reason="finding_submit",
            changes={"status": finding.status, "files": len(rows)},
        )
    return finding


@transaction.atomic
def finding_review(
    *, finding: Finding, actor: Any, action: str, reason: str = "", request: HttpRequest | None = None
) -> Finding:
    """The inspector accepts the fix (closed) or returns it with a reason."""
    if action not in {"accept", "return"}:
        raise PortalError(ErrorCode.UNKNOWN_ACTION)
    finding = _locked(finding)
    _move(
        finding=finding,
        action=action,
        actors=access.finding_actors(actor, finding),
        actor=actor,
        reason=reason,
    )
    audit_record(
        action=AuditAction.UPDATE,
        actor=audit_user(actor),
        request=request,
        obj=finding,
        area_code=finding.facility.town_id,
        reason=f"finding_{action}",
        changes={"status": finding.status},
    )
    transaction.on_commit(lambda: risk_refresh(actor=SYSTEM, facility_ids=[finding.facility_id]))
    return finding


@transaction.atomic
def findings_escalate_overdue(*, actor: Any, today: dt.date | None = None) -> int:
    """Move every open or returned finding past its deadline to 逾期上报 (the district list), in one
    UPDATE, logging each move. Safe to run twice: escalated findings are no longer selected.
    The nightly job runs it as SYSTEM (transitions and the audit row then name no user)."""
    require(access.can_escalate_overdue, actor)
    today = today or timezone.localdate()
    sources = [s for (s, a) in rules.FINDING_TRANSITIONS if a == "escalate"]
    now = timezone.now()
    rows = list(
        Finding.objects.select_for_update(skip_locked=True)
        .filter(status__in=sources, deadline__lt=today)
        .order_by("pk")
        .values_list("pk", "status")
    )
    if not rows:
        return 0
    Finding.objects.filter(pk__in=[pk for pk, _ in rows]).update(
        status=FindingStatus.ESCALATED, escalated_at=now, updated_at=now
    )
    FindingTransition.objects.bulk_create(
        FindingTransition(
            finding_id=pk,
            from_status=status,
            to_status=rules.finding_transition(status, "escalate", {"system"}),
            action="escalate",
            actor=audit_user(actor),
            reason="逾期未整改，自动上报区级",
        )
        for pk, status in rows
    )
    audit_record(
        action=AuditAction.RUN,
        actor=audit_user(actor),
        object_type="monitoring.finding",
        reason="findings_escalate_overdue",
        changes={"escalated": len(rows)},
    )
    return len(rows)
