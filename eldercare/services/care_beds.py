"""家庭养老床位 (family care beds): application with its eligibility, agreement with a provider, set-up
at home, monthly service records, and the monthly claims (built, reviewed, approved, paid)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef

from hechuan_portal.accounts.audit import audit_record
from hechuan_portal.accounts.models import AuditAction
from hechuan_portal.accounts.roles import audit_user, require
from hechuan_portal.common.errors import CommonCode, PortalError
from hechuan_portal.residents.models import Resident

from .. import access, selectors
from ..error_codes import ErrorCode
from ..models import (
    CareBed,
    CareBedClaim,
    CareBedMonth,
    CareBedPhoto,
    CareBedPolicy,
    CareBedStatus,
    ClaimStatus,
)
from ._support import audit, latest_grade, policy_on, require_status, store_photos, town_of


@transaction.atomic
def care_bed_apply(*, actor: Any, resident: Resident, applied_on: dt.date) -> CareBed:
    """Record an application (by the family, through the community) and decide eligibility at once:
    the latest signed grade at least the policy's minimum, else recorded as refused with the reason."""
    require(access.can_manage_support, actor, resident)
    if (
        CareBed.objects.filter(resident=resident)
        .exclude(status__in=[CareBedStatus.REFUSED, CareBedStatus.ENDED])
        .exists()
    ):
        raise PortalError(ErrorCode.OPEN_BED_EXISTS, field="resident")
    policy = policy_on(CareBedPolicy, applied_on)
    grade = latest_grade(resident)
    eligible = grade is not None and grade >= policy.min_grade
    bed = CareBed.objects.create(
        resident=resident,
        town_id=town_of(resident),
        applied_on=applied_on,
        grade=grade,
        status=CareBedStatus.ELIGIBLE if eligible else CareBedStatus.REFUSED,
        refusal_reason="" if eligible else ErrorCode.GRADE_TOO_LOW.value,
        recorded_by=audit_user(actor),
    )
    audit(actor, bed, AuditAction.CREATE, status=bed.status)
    return bed


@transaction.atomic
def care_bed_agree(*, actor: Any, bed: CareBed, provider: Any, on: dt.date) -> CareBed:
    """The service agreement with a provider: an operating elder-care facility of the district."""
    from facilities.models import ELDER_KINDS, FacilityStatus

    require(access.can_manage_support, actor, bed)
    require_status(bed, CareBedStatus.ELIGIBLE)
    if provider.kind not in ELDER_KINDS or provider.status != FacilityStatus.OPERATING:
        raise PortalError(ErrorCode.NOT_ELDER_FACILITY, field="provider")
    bed.provider, bed.agreement_on, bed.status = provider, on, CareBedStatus.AGREED
    bed.save(update_fields=["provider", "agreement_on", "status"])
    audit(actor, bed, AuditAction.UPDATE, status=bed.status, provider=provider.pk)
    return bed


@transaction.atomic
def care_bed_set_up(
    *,
    actor: Any,
    bed: CareBed,
    on: dt.date,
    photos: Sequence[Any],
    location: Any = None,
    notes: str = "",
) -> CareBed:
    """The set-up visit at home (photos and the location taken on the phone, like inspections): the
    bed is active. At least one photo; the actor is a person (the stored photo names its uploader)."""
    require(access.can_manage_support, actor, bed)
    require_status(bed, CareBedStatus.AGREED)
    recorder = audit_user(actor)
    if recorder is None:
        raise PortalError(CommonCode.NOT_ALLOWED, status=403)
    stored = store_photos(photos, field="photos")
    CareBedPhoto.objects.bulk_create(CareBedPhoto(bed=bed, **s.fields(recorder)) for s in stored)
    bed.setup_on, bed.setup_location, bed.setup_notes, bed.status = on, location, notes, CareBedStatus.ACTIVE
    bed.save(update_fields=["setup_on", "setup_location", "setup_notes", "status"])
    audit(actor, bed, AuditAction.UPDATE, status=bed.status, photos=len(stored))
    return bed


@transaction.atomic
def care_bed_record_month(
    *, actor: Any, bed: CareBed, month: dt.date, visits: int, hours: Decimal, services: list[str]
) -> CareBedMonth:
    """The provider's record of a month's services for a bed (replaces an earlier record of that month
    until it is claimed)."""
    require(access.can_record_service, actor, bed)
    require_status(bed, CareBedStatus.ACTIVE)
    if month.day != 1:
        raise PortalError(ErrorCode.NOT_FIRST_OF_MONTH, field="month")
    if CareBedClaim.objects.filter(bed=bed, month=month).exists():
        raise PortalError(ErrorCode.WRONG_STATUS, field="month")
    record, _ = CareBedMonth.objects.update_or_create(
        bed=bed,
        month=month,
        defaults={
            "visits": visits,
            "hours": hours,
            "services": list(services),
            "recorded_by": audit_user(actor),
        },
    )
    audit(actor, record, AuditAction.UPDATE, visits=visits, hours=str(hours))
    return record


@transaction.atomic
def care_bed_claims_build(*, actor: Any, month: dt.date) -> dict[str, int]:
    """The month's claims, set-based: one per active bed whose service record reaches the policy's
    monthly minimum (visits and hours), at the policy's subsidy. Beds below it are flagged
    (`selectors.care_beds_below_minimum`) and not claimed. Safe to run twice."""
    require(access.can_approve_claim, actor)
    policy = policy_on(CareBedPolicy, month)
    claimed = CareBedClaim.objects.filter(bed_id=OuterRef("bed_id"), month=month)
    met = (
        CareBedMonth.objects.filter(
            month=month,
            bed__status=CareBedStatus.ACTIVE,
            visits__gte=policy.min_visits,
            hours__gte=policy.min_hours,
        )
        .filter(~Exists(claimed))
        .values_list("bed_id", "bed__town_id")
    )
    created = CareBedClaim.objects.bulk_create(
        [
            CareBedClaim(bed_id=bed, town_id=town, month=month, amount=policy.monthly_subsidy)
            for bed, town in met
        ],
        ignore_conflicts=True,
    )
    flagged = selectors.care_beds_below_minimum(month=month).count()
    audit_record(
        action=AuditAction.RUN,
        actor=audit_user(actor),
        object_type="eldercare.carebedclaim",
        reason="claims build",
        changes={"month": month.isoformat(), "claims": len(created), "flagged": flagged},
    )
    return {"claims": len(created), "flagged": flagged}


@transaction.atomic
def care_bed_claim_review(*, actor: Any, claim: CareBedClaim) -> CareBedClaim:
    """The town's review; then the district approves."""
    require(access.can_review_claim, actor, claim)
    require_status(claim, ClaimStatus.SUBMITTED)
    claim.status, claim.reviewed_by = ClaimStatus.REVIEWED, audit_user(actor)
    claim.save(update_fields=["status", "reviewed_by"])
    audit(actor, claim, AuditAction.UPDATE, status=claim.status)
    return claim


@transaction.atomic
def care_bed_claim_approve(*, actor: Any, claim: CareBedClaim) -> CareBedClaim:
    require(access.can_approve_claim, actor, claim)
    require_status(claim, ClaimStatus.REVIEWED)
    claim.status, claim.approved_by = ClaimStatus.APPROVED, audit_user(actor)
    claim.save(update_fields=["status", "approved_by"])
    audit(actor, claim, AuditAction.UPDATE, status=claim.status)
    return claim


@transaction.atomic
def care_bed_claims_pay(*, actor: Any, month: dt.date, paid_on: dt.date) -> int:
    """The month's roll: every approved claim of `month` marked paid in one statement."""
    require(access.can_pay_claims, actor)
    paid = CareBedClaim.objects.filter(month=month, status=ClaimStatus.APPROVED).update(
        status=ClaimStatus.PAID, paid_on=paid_on
    )
    audit_record(
        action=AuditAction.RUN,
        actor=audit_user(actor),
        object_type="eldercare.carebedclaim",
        reason="claims paid",
        changes={"month": month.isoformat(), "paid": paid},
    )
    return paid
