"""托育服务体验券: batches issued to families with a child under 3, redeemed once at a 普惠 facility."""

from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from facilities.models import CHILDCARE_KINDS, Facility
from hechuan_portal.accounts.audit import audit_record
from hechuan_portal.accounts.models import AuditAction
from hechuan_portal.accounts.roles import audit_user, require
from hechuan_portal.common.errors import PortalError
from hechuan_portal.common.months import add_months

from .. import access
from ..error_codes import ErrorCode
from ..models import Child, Voucher, VoucherBatch, VoucherStatus


def _new_code() -> str:
    # 12 characters of an unambiguous alphabet; the unique constraint catches the (remote) clash.
    alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
    return "".join(secrets.choice(alphabet) for _ in range(12))


@transaction.atomic
def voucher_batch_issue(
    *,
    actor: Any,
    name: str,
    value: Decimal,
    issued_on: dt.date,
    expires_on: dt.date,
    town_id: str | None = None,
    child_ids: list[int] | None = None,
) -> VoucherBatch:
    """Issue one voucher to each child under 3 on `issued_on`, of a town or from a list (children
    over 3 in a list are skipped). A district decision; one INSERT for the whole batch. Audited."""
    require(access.can_issue_vouchers, actor)
    if not town_id and not child_ids:
        raise PortalError(ErrorCode.VOUCHER_TARGET_REQUIRED)
    children = Child.objects.visible_to(actor).filter(
        birth_date__gt=add_months(issued_on, -36), birth_date__lte=issued_on
    )
    children = children.filter(town_id=town_id) if town_id else children.filter(pk__in=child_ids or [])
    batch = VoucherBatch.objects.create(
        name=name,
        town_id=town_id,
        value=value,
        issued_on=issued_on,
        expires_on=expires_on,
        created_by=audit_user(actor),
    )
    Voucher.objects.bulk_create(
        [
            Voucher(batch=batch, child_id=pk, town_id=town, code=_new_code())
            for pk, town in children.order_by("pk").values_list("pk", "town_id")
        ],
        batch_size=2000,
    )
    audit_record(
        action=AuditAction.CREATE,
        actor=audit_user(actor),
        obj=batch,
        area_code=town_id or "",
        changes={"vouchers": batch.vouchers.count()},
    )
    return batch


@transaction.atomic
def voucher_redeem(*, actor: Any, code: str, facility: Facility, now: dt.datetime | None = None) -> Voucher:
    """Redeem once, at a 普惠 childcare facility the actor manages, before expiry; a second redemption
    is refused by the conditional UPDATE (status must still be `issued`). Audited."""
    now = now or timezone.now()
    require(access.can_use, actor)
    access.require_in_scope(access.can_redeem_voucher, actor, facility)
    if facility.kind not in CHILDCARE_KINDS or facility.places_inclusive <= 0:
        raise PortalError(ErrorCode.FACILITY_NOT_INCLUSIVE, field="facility")
    code = code.strip().upper()
    redeemed = Voucher.objects.filter(
        code=code, status=VoucherStatus.ISSUED, batch__expires_on__gte=timezone.localdate(now)
    ).update(status=VoucherStatus.REDEEMED, redeemed_at=now, redeemed_facility=facility)
    if redeemed != 1:
        voucher = Voucher.objects.filter(code=code).first()
        if voucher is None:
            raise PortalError(ErrorCode.VOUCHER_NOT_FOUND, field="code", status=404)
        if voucher.status == VoucherStatus.REDEEMED:
            raise PortalError(ErrorCode.VOUCHER_ALREADY_REDEEMED, field="code", status=409)
        raise PortalError(ErrorCode.VOUCHER_EXPIRED, field="code", status=409)
    voucher = Voucher.objects.get(code=code)
    audit_record(action=AuditAction.UPDATE, actor=audit_user(actor), obj=voucher, area_code=voucher.town_id)
    return voucher
