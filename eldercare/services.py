"""Writes of elder care (and the grading they share with the preview contract): keyword-only, typed,
one transaction each, with an audit row; `actor` is a user or `SYSTEM`."""

from __future__ import annotations

import csv
import datetime as dt
import uuid
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hechuan_portal.accounts.audit import audit_record
from hechuan_portal.accounts.models import AuditAction
from hechuan_portal.accounts.roles import audit_user, require
from hechuan_portal.common import crypto
from hechuan_portal.common.errors import PortalError
from hechuan_portal.common.exports import safe_cell
from hechuan_portal.residents.models import Gender, Resident

from . import access, selectors, standards
from .error_codes import ErrorCode
from .models import (
    AdaptationCase,
    AdaptationItem,
    AdaptationLine,
    AdaptationPolicy,
    AdaptationStatus,
    Assessment,
    AssessmentCoverage,
    AssessmentPolicy,
    CareBed,
    CareBedClaim,
    CareBedMonth,
    CareBedPolicy,
    CareBedStatus,
    ClaimStatus,
    GuaranteedBeds,
    Placement,
)

_PROBLEM_CODES = {
    "missing": ErrorCode.ITEM_MISSING,
    "out_of_range": ErrorCode.ITEM_OUT_OF_RANGE,
    "unknown": ErrorCode.ITEM_UNKNOWN,
}


def grade_answers(
    *,
    items: Mapping[str, Any],
    coma: bool,
    dementia: bool,
    mental_disorder: bool,
    risk_events_30d: int,
    rules: standards.Rules,
) -> standards.Result:
    """Grade a set of answers, refusing the first missing, out-of-range or unknown item with a 400
    whose field names it (`items.B.2.4`)."""
    problems = standards.item_problems(items, rules)
    if problems:
        first = problems[0]
        raise PortalError(
            _PROBLEM_CODES[first.kind],
            field=f"items.{first.item}",
            params={"item": first.item, "max": first.max_score},
        )
    return standards.assess(
        {code: int(items[code]) for code in rules.item_max},
        coma=coma,
        dementia=dementia,
        mental_disorder=mental_disorder,
        risk_events_30d=risk_events_30d,
        rules=rules,
    )


def assessment_preview(
    *,
    actor: Any,
    items: Mapping[str, Any],
    coma: bool = False,
    dementia: bool = False,
    mental_disorder: bool = False,
    risk_events_30d: int = 0,
    on: dt.date | None = None,
) -> standards.Result:
    """POST /api/v1/eldercare/assessments/preview/: grade under the policy in force, save nothing."""
    require(access.can_preview, actor)
    return grade_answers(
        items=items,
        coma=coma,
        dementia=dementia,
        mental_disorder=mental_disorder,
        risk_events_30d=risk_events_30d,
        rules=selectors.rules_on(on),
    )


@transaction.atomic
def assessment_record(
    *,
    actor: Any,
    resident: Resident,
    assessed_on: dt.date,
    place: str,
    items: Mapping[str, Any],
    coma: bool = False,
    dementia: bool = False,
    mental_disorder: bool = False,
    risk_events_30d: int = 0,
    notes: str = "",
    corrects: Assessment | None = None,
    client_key: uuid.UUID | None = None,
) -> Assessment:
    """Record an assessment by `actor` (the first assessor) of a person in their scope, graded under
    the policy in force on `assessed_on`; it waits for a second assessor's sign-off. `corrects` names
    the signed assessment this one corrects (that one is never changed). A form resent with the same
    `client_key` (the phone form after a dropped connection) returns the assessment already recorded.
    Audited."""
    require(access.can_record, actor, resident)
    if client_key is not None:
        existing = Assessment.objects.filter(client_key=client_key, assessor=actor, resident=resident).first()
        if existing is not None:
            return existing
    if resident.town_id is None:
        raise PortalError(ErrorCode.RESIDENT_NOT_IN_DISTRICT, field="id_number")
    if assessed_on > timezone.localdate():
        raise PortalError(ErrorCode.DATE_IN_FUTURE, field="assessed_on")
    if corrects is not None:
        if corrects.resident_id != resident.pk or not corrects.is_signed:
            raise PortalError(ErrorCode.NOT_SIGNED, field="corrects")
        if assessed_on < corrects.assessed_on:
            raise PortalError(ErrorCode.DATE_BEFORE_CORRECTED, field="assessed_on")
    policy = AssessmentPolicy.objects.in_force_on(assessed_on)
    if policy is None:
        raise PortalError(ErrorCode.NO_POLICY, field="assessed_on")
    result = grade_answers(
        items=items,
        coma=coma,
        dementia=dementia,
        mental_disorder=mental_disorder,
        risk_events_30d=risk_events_30d,
        rules=policy.rules(),
    )
    scores = result.dimension_scores
    assessment = Assessment.objects.create(
        resident=resident,
        town_id=resident.town_id,
        assessed_on=assessed_on,
        place=place,
        policy=policy,
        items={code: int(items[code]) for code in standards.ITEM_CODES},
        coma=coma,
        dementia=dementia,
        mental_disorder=mental_disorder,
        risk_events_30d=risk_events_30d,
        self_care=scores["B.1"],
        motor=scores["B.2"],
        mental=scores["B.3"],
        perception=scores["B.4"],
        total=result.total,
        preliminary_grade=result.preliminary_grade,
        final_grade=result.final_grade,
        reasons=list(result.reasons),
        assessor=actor,
        corrects=corrects,
        notes=notes,
        client_key=client_key,
    )
    audit_record(
        action=AuditAction.CREATE,
        actor=audit_user(actor),
        obj=assessment,
        area_code=resident.town_id,
        changes={"final_grade": result.final_grade, "corrects": corrects.pk if corrects else None},
    )
    return assessment


@transaction.atomic
def assessment_sign(*, actor: Any, assessment: Assessment) -> Assessment:
    """The second assessor's sign-off. Compare-and-swap on `signed_at IS NULL`, so two sign-offs at
    once cannot both win; afterwards the row is immutable (trigger, migration 0003). Audited."""
    if assessment.is_signed:
        raise PortalError(ErrorCode.ALREADY_SIGNED)
    if getattr(actor, "pk", None) == assessment.assessor_id:
        raise PortalError(ErrorCode.SAME_ASSESSOR, status=403)
    if not access.is_assessor(actor):
        raise PortalError(ErrorCode.NOT_ASSESSOR, status=403)
    require(access.can_sign, actor, assessment)
    updated = Assessment.objects.filter(pk=assessment.pk, signed_at__isnull=True).update(
        second_assessor=actor, signed_at=Now()
    )
    if not updated:
        raise PortalError(ErrorCode.ALREADY_SIGNED)
    assessment.refresh_from_db()
    audit_record(
        action=AuditAction.UPDATE,
        actor=audit_user(actor),
        obj=assessment,
        area_code=assessment.town_id,
        reason="sign-off",
    )
    return assessment


@transaction.atomic
def coverage_refresh(*, actor: Any, as_of: dt.date | None = None) -> int:
    """Recount each town's people 80+ and those validly assessed on `as_of` (one GROUP BY) and upsert
    the day's `AssessmentCoverage` rows (one statement). Safe to run twice. Returns the row count."""
    require(access.can_refresh_coverage, actor)
    as_of = as_of or timezone.localdate()
    rows = [
        AssessmentCoverage(
            town_id=row["town_id"], as_of=as_of, aged80=row["aged80"], assessed=row["assessed"]
        )
        for row in selectors.coverage_by_town(as_of=as_of)
    ]
    AssessmentCoverage.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["town", "as_of"],
        update_fields=["aged80", "assessed", "updated_at"],
    )
    audit_record(
        action=AuditAction.RUN,
        actor=audit_user(actor),
        object_type="eldercare.assessmentcoverage",
        reason="coverage refresh",
        changes={"as_of": as_of.isoformat(), "towns": len(rows)},
    )
    return len(rows)


# --- eligibility shared by home adaptation and family care beds -------------------------------------


def _latest_grade(resident: Resident) -> int | None:
    row = selectors.latest_signed(resident.pk).values_list("final_grade", flat=True).first()
    return row


def _policy(model: Any, day: dt.date) -> Any:
    policy = model.objects.filter(effective_from__lte=day).order_by("-effective_from").first()
    if policy is None:
        raise PortalError(ErrorCode.NO_POLICY, field="applied_on")
    return policy


def _audit(actor: Any, obj: Any, action: str, **changes: Any) -> None:
    audit_record(
        action=action,
        actor=audit_user(actor),
        obj=obj,
        area_code=getattr(obj, "town_id", "") or "",
        changes=changes,
    )


def _town_of(resident: Resident) -> str:
    if resident.town_id is None:
        raise PortalError(ErrorCode.RESIDENT_NOT_IN_DISTRICT, field="resident")
    return resident.town_id


def _require_status(obj: Any, *statuses: str) -> None:
    if obj.status not in statuses:
        raise PortalError(ErrorCode.WRONG_STATUS, field="status")


# --- home adaptation --------------------------------------------------------------------------------


@transaction.atomic
def adaptation_apply(*, actor: Any, resident: Resident, applied_on: dt.date) -> AdaptationCase:
    """Record an application (by the community). A home already subsidised is refused outright (400,
    nothing saved) unless the policy allows a second subsidy; an applicant outside the rules (not
    低保/特困 when required, latest grade below the policy's) is recorded as refused, with the reason."""
    require(access.can_manage_support, actor, resident)
    policy = _policy(AdaptationPolicy, applied_on)
    subsidised = AdaptationCase.objects.filter(resident=resident, status=AdaptationStatus.ACCEPTED).exists()
    if subsidised and not policy.allow_repeat:
        raise PortalError(ErrorCode.ALREADY_ADAPTED, field="resident")
    refusal = ""
    grade = _latest_grade(resident)
    if policy.poverty_required and not (resident.dibao or resident.tekun):
        refusal = ErrorCode.NOT_POOR.value
    elif grade is None or grade < policy.min_grade:
        refusal = ErrorCode.GRADE_TOO_LOW.value
    case = AdaptationCase.objects.create(
        resident=resident,
        town_id=_town_of(resident),
        policy=policy,
        applied_on=applied_on,
        status=AdaptationStatus.REFUSED if refusal else AdaptationStatus.APPLIED,
        refusal_reason=refusal,
        recorded_by=audit_user(actor),
    )
    _audit(actor, case, AuditAction.CREATE, status=case.status, reason=refusal)
    return case


@transaction.atomic
def adaptation_assess_needs(*, actor: Any, case: AdaptationCase, items: Mapping[str, int]) -> AdaptationCase:
    """The needs assessment: catalogue items (code → quantity) at their reference prices."""
    require(access.can_manage_support, actor, case)
    _require_status(case, AdaptationStatus.APPLIED, AdaptationStatus.ASSESSED)
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
    _audit(actor, case, AuditAction.UPDATE, status=case.status, items=len(items))
    return case


@transaction.atomic
def adaptation_quote(*, actor: Any, case: AdaptationCase, prices: Mapping[str, Decimal]) -> AdaptationCase:
    """The contractor's quote: unit prices per item (items not named keep the reference price)."""
    require(access.can_manage_support, actor, case)
    _require_status(case, AdaptationStatus.ASSESSED, AdaptationStatus.QUOTED)
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
    _audit(actor, case, AuditAction.UPDATE, status=case.status, quote_total=str(case.quote_total))
    return case


@transaction.atomic
def adaptation_start_works(*, actor: Any, case: AdaptationCase, on: dt.date) -> AdaptationCase:
    require(access.can_manage_support, actor, case)
    _require_status(case, AdaptationStatus.QUOTED)
    case.status, case.works_started_on = AdaptationStatus.WORKS, on
    case.save(update_fields=["status", "works_started_on"])
    _audit(actor, case, AuditAction.UPDATE, status=case.status)
    return case


@transaction.atomic
def adaptation_accept(*, actor: Any, case: AdaptationCase, on: dt.date) -> AdaptationCase:
    """Acceptance: the subsidy is the basic items' total up to the policy's per-household cap; the
    rest (optional items, and basic items above the cap) is self-paid. Paid once."""
    require(access.can_manage_support, actor, case)
    _require_status(case, AdaptationStatus.WORKS)
    lines = list(case.lines.all())
    basic = sum((line.unit_price * line.quantity for line in lines if line.basic), Decimal("0"))
    total = sum((line.unit_price * line.quantity for line in lines), Decimal("0"))
    case.subsidy = min(basic, case.policy.household_cap)
    case.self_paid = total - case.subsidy
    case.status, case.accepted_on = AdaptationStatus.ACCEPTED, on
    case.save(update_fields=["subsidy", "self_paid", "status", "accepted_on"])
    _audit(actor, case, AuditAction.UPDATE, status=case.status, subsidy=str(case.subsidy))
    return case


# --- family care beds -------------------------------------------------------------------------------


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
    policy = _policy(CareBedPolicy, applied_on)
    grade = _latest_grade(resident)
    eligible = grade is not None and grade >= policy.min_grade
    bed = CareBed.objects.create(
        resident=resident,
        town_id=_town_of(resident),
        applied_on=applied_on,
        grade=grade,
        status=CareBedStatus.ELIGIBLE if eligible else CareBedStatus.REFUSED,
        refusal_reason="" if eligible else ErrorCode.GRADE_TOO_LOW.value,
        recorded_by=audit_user(actor),
    )
    _audit(actor, bed, AuditAction.CREATE, status=bed.status)
    return bed


@transaction.atomic
def care_bed_agree(*, actor: Any, bed: CareBed, provider: Any, on: dt.date) -> CareBed:
    """The service agreement with a provider: an operating elder-care facility of the district."""
    from facilities.models import ELDER_KINDS, FacilityStatus

    require(access.can_manage_support, actor, bed)
    _require_status(bed, CareBedStatus.ELIGIBLE)
    if provider.kind not in ELDER_KINDS or provider.status != FacilityStatus.OPERATING:
        raise PortalError(ErrorCode.NOT_ELDER_FACILITY, field="provider")
    bed.provider, bed.agreement_on, bed.status = provider, on, CareBedStatus.AGREED
    bed.save(update_fields=["provider", "agreement_on", "status"])
    _audit(actor, bed, AuditAction.UPDATE, status=bed.status, provider=provider.pk)
    return bed


@transaction.atomic
def care_bed_set_up(
    *, actor: Any, bed: CareBed, on: dt.date, location: Any = None, notes: str = ""
) -> CareBed:
    """The set-up visit at home (location taken on the phone, like inspections): the bed is active."""
    require(access.can_manage_support, actor, bed)
    _require_status(bed, CareBedStatus.AGREED)
    bed.setup_on, bed.setup_location, bed.setup_notes, bed.status = on, location, notes, CareBedStatus.ACTIVE
    bed.save(update_fields=["setup_on", "setup_location", "setup_notes", "status"])
    _audit(actor, bed, AuditAction.UPDATE, status=bed.status)
    return bed


@transaction.atomic
def care_bed_record_month(
    *, actor: Any, bed: CareBed, month: dt.date, visits: int, hours: Decimal, services: list[str]
) -> CareBedMonth:
    """The provider's record of a month's services for a bed (replaces an earlier record of that month
    until it is claimed)."""
    require(access.can_record_service, actor, bed)
    _require_status(bed, CareBedStatus.ACTIVE)
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
    _audit(actor, record, AuditAction.UPDATE, visits=visits, hours=str(hours))
    return record


@transaction.atomic
def care_bed_claims_build(*, actor: Any, month: dt.date) -> dict[str, int]:
    """The month's claims, set-based: one per active bed whose service record reaches the policy's
    monthly minimum (visits and hours), at the policy's subsidy. Beds below it are flagged
    (`selectors.care_beds_below_minimum`) and not claimed. Safe to run twice."""
    require(access.can_approve_claim, actor)
    policy = _policy(CareBedPolicy, month)
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
    _require_status(claim, ClaimStatus.SUBMITTED)
    claim.status, claim.reviewed_by = ClaimStatus.REVIEWED, audit_user(actor)
    claim.save(update_fields=["status", "reviewed_by"])
    _audit(actor, claim, AuditAction.UPDATE, status=claim.status)
    return claim


@transaction.atomic
def care_bed_claim_approve(*, actor: Any, claim: CareBedClaim) -> CareBedClaim:
    require(access.can_approve_claim, actor, claim)
    _require_status(claim, ClaimStatus.REVIEWED)
    claim.status, claim.approved_by = ClaimStatus.APPROVED, audit_user(actor)
    claim.save(update_fields=["status", "approved_by"])
    _audit(actor, claim, AuditAction.UPDATE, status=claim.status)
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


LTC_COLUMNS = (
    _("身份证号"),
    _("姓名"),
    _("性别"),
    _("出生日期"),
    _("镇街"),
    _("评估日期"),
    _("能力等级"),
    _("等级名称"),
)


def ltc_export(*, actor: Any, output: Path, as_of: dt.date | None = None) -> int:
    """Write the long-term-care insurance file (CSV, UTF-8 with BOM): everyone whose latest signed
    grade reaches the policy's LTC grade, full ID number, assessment date and grade. District roles
    only (the view also asks for the password again); audited (EXPORT) with the row count only."""
    require(access.can_export_ltc, actor)
    rows = 0
    with open(output, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow([str(c) for c in LTC_COLUMNS])
        people = selectors.ltc_rows(as_of=as_of)
        for cipher, name, gender, birth, town, assessed_on, grade in people.iterator(chunk_size=5000):
            writer.writerow(
                [
                    crypto.decrypt(cipher),
                    safe_cell(name),
                    str(Gender(gender).label),
                    birth.isoformat(),
                    safe_cell(town),
                    assessed_on.isoformat(),
                    grade,
                    str(standards.Grade(grade).label),
                ]
            )
            rows += 1
    audit_record(
        action=AuditAction.EXPORT,
        actor=audit_user(actor),
        object_type="eldercare.ltc_export",
        reason="long-term care insurance export",
        changes={"rows": rows},
    )
    return rows


# --- institution support: placements on guaranteed beds ---------------------------------------------


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
        town_id=_town_of(resident),
        facility=facility,
        guaranteed=guaranteed,
        start_on=start_on,
        recorded_by=audit_user(actor),
    )
    _audit(actor, placement, AuditAction.CREATE, facility=facility.pk, guaranteed=guaranteed)
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
    _audit(actor, placement, AuditAction.UPDATE, end_on=end_on.isoformat())
    return placement
