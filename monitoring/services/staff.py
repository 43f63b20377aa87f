"""Staff qualifications: one certificate saved, the facility's staffing risk refreshed after commit."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest

from facilities.models import Facility
from hechuan_portal.accounts.audit import audit_record
from hechuan_portal.accounts.models import AuditAction
from hechuan_portal.accounts.roles import SYSTEM, audit_user, require

from .. import access
from ..models import StaffQualification
from .risk import risk_refresh


@transaction.atomic
def staff_save(
    *,
    facility: Facility,
    actor: Any,
    data: dict[str, Any],
    instance: StaffQualification | None = None,
    request: HttpRequest | None = None,
) -> StaffQualification:
    """Create or update one staff certificate and refresh the facility's staffing flags."""
    require(access.can_manage_staff, actor, facility)
    row = instance or StaffQualification(facility=facility)
    for key in ("name", "role", "certificate_number", "certificate_expiry", "active"):
        if key in data:
            setattr(row, key, data[key])
    row.save()
    audit_record(
        action=AuditAction.UPDATE if instance else AuditAction.CREATE,
        actor=audit_user(actor),
        request=request,
        obj=row,
        area_code=facility.town_id,
    )
    transaction.on_commit(lambda: risk_refresh(actor=SYSTEM, facility_ids=[facility.pk]))
    return row
