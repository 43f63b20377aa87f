"""机构安置 (institution support): placing an elder in a nursing home, on a guaranteed bed claimed with
a conditional UPDATE, and ending the placement, which frees the bed."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import F

from hechuan_portal.accounts.models import AuditAction
from hechuan_portal.accounts.roles import audit_user, require
from hechuan_portal.common.errors import PortalError
from hechuan_portal.residents.models import Resident

from .. import access
from ..error_codes import ErrorCode
from ..models import GuaranteedBeds, Placement
from ._support import audit, town_of


@transaction.atomic
def placement_start(
    *, actor: Any, resident: Resident, facility: Any, start_on: dt.date, guaranteed: bool = True
) -> Placement:
    """Place an elder in a nursing home. On a guaranteed bed, one is claimed with a conditional
    UPDATE (`used < capacity`); none left is a 400 `no_guaranteed_bed` and nothing is saved."""
    from facilities.models import FacilityKind

    require(access.can_manage_support, actor, resident)
    if facility.kind != FacilityKind.NURSING_HOME:
        raise PortalError(ErrorCode.NOT_NURSING_HOME, field="facility")
    if Placement.objects.filter(resident=resident, end_on__isnull=True).exists():
        raise PortalError(ErrorCode.ALREADY_PLACED, field="resident")
    if guaranteed:
        claimed = GuaranteedBeds.objects.filter(facility=facility, used__lt=F("capacity")).update(
            used=F("used") + 1
        )
        if not claimed:
            raise PortalError(ErrorCode.NO_GUARANTEED_BED, field="facility")
    placement = Placement.objects.create(
        resident=resident,
        town_id=town_of(resident),
        facility=facility,
        guaranteed=guaranteed,
        start_on=start_on,
        recorded_by=audit_user(actor),
    )
    audit(actor, placement, AuditAction.CREATE, facility=facility.pk, guaranteed=guaranteed)
    return placement


@transaction.atomic
def placement_end(*, actor: Any, placement: Placement, end_on: dt.date) -> Placement:
    """The elder leaves: the placement ends and its guaranteed bed is freed."""
    require(access.can_manage_support, actor, placement)
    if placement.end_on is not None:
        raise PortalError(ErrorCode.PLACEMENT_ENDED)
    updated = Placement.objects.filter(pk=placement.pk, end_on__isnull=True).update(end_on=end_on)
    if not updated:
        raise PortalError(ErrorCode.PLACEMENT_ENDED)
    if placement.guaranteed:
        GuaranteedBeds.objects.filter(facility_id=placement.facility_id, used__gt=0).update(
            used=F("used") - 1
        )
    placement.refresh_from_db()
    audit(actor, placement, AuditAction.UPDATE, end_on=end_on.isoformat())
    return placement
