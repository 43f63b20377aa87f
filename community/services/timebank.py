"""时间储蓄 (time bank) writes: registering volunteers, recording and confirming their services, and
every movement of hours (earn, redeem, transfer, expire) through one ledger posting."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from hechuan_portal.accounts import roles
from hechuan_portal.accounts.audit import audit_record
from hechuan_portal.accounts.models import AuditAction
from hechuan_portal.accounts.roles import audit_user, require
from hechuan_portal.common.errors import PortalError
from hechuan_portal.residents.models import HukouStatus, Resident

from .. import access
from ..error_codes import ErrorCode
from ..models import LedgerEntry, LedgerKind, ServiceRecordStatus, Volunteer, VolunteerService


@transaction.atomic
def volunteer_register(*, actor: Any, resident: Resident) -> Volunteer:
    """Register a person of the register (normal status, in the district, within the actor's scope)."""
    require(access.can_manage_volunteers, actor)
    if resident.town_id is None or resident.status != HukouStatus.NORMAL:
        raise PortalError(ErrorCode.RESIDENT_OUTSIDE_DISTRICT, field="resident")
    if not roles.manages_town(actor, resident.town_id):
        raise PortalError(ErrorCode.RESIDENT_NOT_FOUND, field="resident", status=404)
    if Volunteer.objects.filter(resident=resident).exists():
        raise PortalError(ErrorCode.ALREADY_VOLUNTEER, field="resident", status=409)
    volunteer = Volunteer.objects.create(
        resident=resident, town_id=resident.town_id, community_id=resident.community_id
    )
    audit_record(
        action=AuditAction.CREATE, actor=audit_user(actor), obj=volunteer, area_code=resident.town_id
    )
    return volunteer


@transaction.atomic
def service_record(
    *, actor: Any, volunteer: Volunteer, recipient: Resident, day: dt.date, hours: Decimal, content: str
) -> VolunteerService:
    """Record hours of service given (pending until the recipient's community confirms)."""
    require(access.can_manage_volunteers, actor, volunteer)
    if hours <= 0:
        raise PortalError(ErrorCode.HOURS_NOT_POSITIVE, field="hours")
    if recipient.town_id is None:
        raise PortalError(ErrorCode.RESIDENT_OUTSIDE_DISTRICT, field="recipient")
    service = VolunteerService.objects.create(
        volunteer=volunteer,
        recipient=recipient,
        town_id=recipient.town_id,
        day=day,
        hours=hours,
        content=content,
    )
    audit_record(action=AuditAction.CREATE, actor=audit_user(actor), obj=service, area_code=recipient.town_id)
    return service


def _post(
    volunteer_id: int,
    *,
    kind: str,
    hours: Decimal,
    source: str,
    actor: Any,
    service: VolunteerService | None = None,
    counterpart: Volunteer | None = None,
) -> LedgerEntry:
    """Append one entry and move the running balance with it, in the caller's transaction.

    The balance moves by a conditional UPDATE (`balance + hours ≥ 0`), which takes the row lock: two
    concurrent withdrawals are serialised and the second sees the first's balance. The CHECK
    constraints on the volunteer and the entry are the database's own guarantee behind it."""
    changed = Volunteer.objects.filter(pk=volunteer_id, balance__gte=-hours).update(
        balance=F("balance") + hours
    )
    balance = Volunteer.objects.values_list("balance", flat=True).get(pk=volunteer_id)
    if not changed:
        raise PortalError(
            ErrorCode.INSUFFICIENT_HOURS, field="hours", params={"balance": balance}, status=409
        )
    return LedgerEntry.objects.create(
        volunteer_id=volunteer_id,
        kind=kind,
        hours=hours,
        balance_after=balance,
        service=service,
        counterpart=counterpart,
        source=source[:255],
        actor=audit_user(actor),
    )


@transaction.atomic
def service_confirm(*, actor: Any, service: VolunteerService) -> LedgerEntry:
    """The recipient's community confirms a service record: its hours are earned (once)."""
    require(access.can_confirm_service, actor, service)
    locked = VolunteerService.objects.select_for_update().get(pk=service.pk)
    if locked.status != ServiceRecordStatus.PENDING:
        raise PortalError(ErrorCode.SERVICE_NOT_PENDING, status=409)
    locked.status = ServiceRecordStatus.CONFIRMED
    locked.confirmed_by = audit_user(actor)
    locked.confirmed_at = timezone.now()
    locked.save(update_fields=["status", "confirmed_by", "confirmed_at"])
    entry = _post(
        locked.volunteer_id,
        kind=LedgerKind.EARN,
        hours=locked.hours,
        service=locked,
        actor=actor,
        source=_("服务记录 %(id)s（%(day)s）") % {"id": locked.pk, "day": locked.day.isoformat()},
    )
    audit_record(action=AuditAction.CREATE, actor=audit_user(actor), obj=entry, area_code=locked.town_id)
    return entry


@transaction.atomic
def hours_redeem(*, actor: Any, volunteer: Volunteer, hours: Decimal, source: str) -> LedgerEntry:
    """Redeem hours for services (`source` says which); refused when the balance does not cover it."""
    require(access.can_manage_volunteers, actor, volunteer)
    if hours <= 0:
        raise PortalError(ErrorCode.HOURS_NOT_POSITIVE, field="hours")
    entry = _post(volunteer.pk, kind=LedgerKind.REDEEM, hours=-hours, source=source, actor=actor)
    audit_record(action=AuditAction.CREATE, actor=audit_user(actor), obj=entry, area_code=volunteer.town_id)
    return entry


@transaction.atomic
def hours_transfer(
    *, actor: Any, volunteer: Volunteer, to: Volunteer, hours: Decimal, source: str
) -> LedgerEntry:
    """Transfer hours to a family member (same household address in the register, the policy's
    reading of 家庭成员 until the district confirms it). Both volunteers' rows are moved in pk order so
    two opposite transfers cannot deadlock."""
    require(access.can_manage_volunteers, actor, volunteer)
    if hours <= 0:
        raise PortalError(ErrorCode.HOURS_NOT_POSITIVE, field="hours")
    giver, taker = volunteer.resident, to.resident
    if to.pk == volunteer.pk or not giver.address or giver.address != taker.address:
        raise PortalError(ErrorCode.TRANSFER_NOT_FAMILY, field="to")
    list(Volunteer.objects.select_for_update().filter(pk__in=[volunteer.pk, to.pk]).order_by("pk"))
    out = _post(
        volunteer.pk, kind=LedgerKind.TRANSFER_OUT, hours=-hours, source=source, actor=actor, counterpart=to
    )
    _post(to.pk, kind=LedgerKind.TRANSFER_IN, hours=hours, source=source, actor=actor, counterpart=volunteer)
    audit_record(
        action=AuditAction.CREATE,
        actor=audit_user(actor),
        obj=out,
        area_code=volunteer.town_id,
        changes={"to": to.pk, "hours": str(hours)},
    )
    return out


@transaction.atomic
def hours_expire(*, actor: Any, volunteer: Volunteer, hours: Decimal, source: str) -> LedgerEntry:
    """Expire hours as the policy says (the job passes `SYSTEM`); never more than the balance."""
    require(access.can_manage_volunteers, actor, volunteer)
    if hours <= 0:
        raise PortalError(ErrorCode.HOURS_NOT_POSITIVE, field="hours")
    entry = _post(volunteer.pk, kind=LedgerKind.EXPIRE, hours=-hours, source=source, actor=actor)
    audit_record(action=AuditAction.CREATE, actor=audit_user(actor), obj=entry, area_code=volunteer.town_id)
    return entry
