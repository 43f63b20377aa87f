"""适老化改造 (home adaptation): application with its eligibility, needs assessment, quote, works and
acceptance, when the subsidy is fixed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction

from hechuan_portal.accounts.models import AuditAction
from hechuan_portal.accounts.roles import audit_user, require
from hechuan_portal.common.errors import CommonCode, PortalError
from hechuan_portal.residents.models import Resident

from .. import access
from ..error_codes import ErrorCode
from ..models import (
    AdaptationCase,
    AdaptationItem,
    AdaptationLine,
    AdaptationPhoto,
    AdaptationPolicy,
    AdaptationStatus,
    PhotoStage,
)
from ._support import audit, latest_grade, policy_on, require_status, store_photos, town_of


@transaction.atomic
def adaptation_apply(*, actor: Any, resident: Resident, applied_on: dt.date) -> AdaptationCase:
    """Record an application (by the community). A home already subsidised is refused outright (400,
    nothing saved) unless the policy allows a second subsidy; an applicant outside the rules (not
    低保/特困 when required, latest grade below the policy's) is recorded as refused, with the reason."""
    require(access.can_manage_support, actor, resident)
    policy = policy_on(AdaptationPolicy, applied_on)
    subsidised = AdaptationCase.objects.filter(resident=resident, status=AdaptationStatus.ACCEPTED).exists()
    if subsidised and not policy.allow_repeat:
        raise PortalError(ErrorCode.ALREADY_ADAPTED, field="resident")
    refusal = ""
    grade = latest_grade(resident)
    if policy.poverty_required and not (resident.dibao or resident.tekun):
        refusal = ErrorCode.NOT_POOR.value
    elif grade is None or grade < policy.min_grade:
        refusal = ErrorCode.GRADE_TOO_LOW.value
    case = AdaptationCase.objects.create(
        resident=resident,
        town_id=town_of(resident),
        policy=policy,
        applied_on=applied_on,
        status=AdaptationStatus.REFUSED if refusal else AdaptationStatus.APPLIED,
        refusal_reason=refusal,
        recorded_by=audit_user(actor),
    )
    audit(actor, case, AuditAction.CREATE, status=case.status, reason=refusal)
    return case


@transaction.atomic
def adaptation_assess_needs(*, actor: Any, case: AdaptationCase, items: Mapping[str, int]) -> AdaptationCase:
    """The needs assessment: catalogue items (code → quantity) at their reference prices."""
    require(access.can_manage_support, actor, case)
    require_status(case, AdaptationStatus.APPLIED, AdaptationStatus.ASSESSED)
    if not items:
        raise PortalError(ErrorCode.NO_ITEMS, field="items")
    catalogue = {i.code: i for i in AdaptationItem.objects.filter(code__in=list(items), active=True)}
    for code in items:
        if code not in catalogue:
            raise PortalError(ErrorCode.UNKNOWN_ITEM, field=f"items.{code}", params={"item": code})
    case.lines.all().delete()
    AdaptationLine.objects.bulk_create(
        AdaptationLine(
            case=case,
            item=catalogue[code],
            basic=catalogue[code].basic,
            quantity=qty,
            unit_price=catalogue[code].unit_price,
        )
        for code, qty in items.items()
    )
    case.status = AdaptationStatus.ASSESSED
    case.save(update_fields=["status"])
    audit(actor, case, AuditAction.UPDATE, status=case.status, items=len(items))
    return case


@transaction.atomic
def adaptation_quote(*, actor: Any, case: AdaptationCase, prices: Mapping[str, Decimal]) -> AdaptationCase:
    """The contractor's quote: unit prices per item (items not named keep the reference price)."""
    require(access.can_manage_support, actor, case)
    require_status(case, AdaptationStatus.ASSESSED, AdaptationStatus.QUOTED)
    lines = list(case.lines.select_related("item"))
    known = {line.item.code for line in lines}
    for code in prices:
        if code not in known:
            raise PortalError(ErrorCode.UNKNOWN_ITEM, field=f"prices.{code}", params={"item": code})
    for line in lines:
        line.unit_price = Decimal(prices.get(line.item.code, line.unit_price))
    AdaptationLine.objects.bulk_update(lines, ["unit_price"])
    case.quote_total = sum((line.unit_price * line.quantity for line in lines), Decimal("0"))
    case.status = AdaptationStatus.QUOTED
    case.save(update_fields=["quote_total", "status"])
    audit(actor, case, AuditAction.UPDATE, status=case.status, quote_total=str(case.quote_total))
    return case


@transaction.atomic
def adaptation_start_works(*, actor: Any, case: AdaptationCase, on: dt.date) -> AdaptationCase:
    require(access.can_manage_support, actor, case)
    require_status(case, AdaptationStatus.QUOTED)
    case.status, case.works_started_on = AdaptationStatus.WORKS, on
    case.save(update_fields=["status", "works_started_on"])
    audit(actor, case, AuditAction.UPDATE, status=case.status)
    return case


@transaction.atomic
def adaptation_accept(
    *,
    actor: Any,
    case: AdaptationCase,
    on: dt.date,
    before_photos: Sequence[Any],
    after_photos: Sequence[Any],
) -> AdaptationCase:
    """Acceptance with before and after photos (at least one of each): the subsidy is the basic
    items' total up to the policy's per-household cap; the rest (optional items, and basic items above
    the cap) is self-paid. Paid once. The actor is a person (the photos name their uploader)."""
    require(access.can_manage_support, actor, case)
    require_status(case, AdaptationStatus.WORKS)
    recorder = audit_user(actor)
    if recorder is None:
        raise PortalError(CommonCode.NOT_ALLOWED, status=403)
    if not [p for p in before_photos if p is not None] or not [p for p in after_photos if p is not None]:
        raise PortalError(ErrorCode.BEFORE_AFTER_PHOTOS, field="after_photos")
    AdaptationPhoto.objects.bulk_create(
        AdaptationPhoto(case=case, stage=stage, **s.fields(recorder))
        for stage, photos in ((PhotoStage.BEFORE, before_photos), (PhotoStage.AFTER, after_photos))
        for s in store_photos(photos, field=f"{stage.value}_photos")
    )
    lines = list(case.lines.all())
    basic = sum((line.unit_price * line.quantity for line in lines if line.basic), Decimal("0"))
    total = sum((line.unit_price * line.quantity for line in lines), Decimal("0"))
    case.subsidy = min(basic, case.policy.household_cap)
    case.self_paid = total - case.subsidy
    case.status, case.accepted_on = AdaptationStatus.ACCEPTED, on
    case.save(update_fields=["subsidy", "self_paid", "status", "accepted_on"])
    audit(actor, case, AuditAction.UPDATE, status=case.status, subsidy=str(case.subsidy))
    return case
