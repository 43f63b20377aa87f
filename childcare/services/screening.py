"""Health screening (医育结合): the check-up schedule of enrolled children, results recorded by a
partner clinic, and the follow-ups (re-screening, referral) they call for."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from facilities.models import Facility, FacilityKind
from hechuan_portal.accounts.audit import audit_record
from hechuan_portal.accounts.models import AuditAction
from hechuan_portal.accounts.roles import audit_user, require
from hechuan_portal.common import crypto
from hechuan_portal.common.errors import PortalError

from .. import access
from .. import standards as std
from ..error_codes import ErrorCode
from ..models import Checkup, CheckupStatus, Enrolment, EnrolmentStatus, FollowUp


def checkups_generate_for(*, enrolments: Iterable[Enrolment]) -> int:
    """Insert the scheduled check-ups (STANDARDS §4) of these active enrolments that fall due from
    shortly before the start date on; existing ones are kept (unique child+age, ON CONFLICT DO
    NOTHING). Returns how many rows were offered to the insert. A step of the enrolment (or the
    nightly run) that calls it: runs inside the caller's transaction."""
    rows = []
    for e in enrolments:
        earliest = e.start_date - dt.timedelta(days=std.CHECKUP_GRACE_DAYS)
        for due in std.screening_schedule(e.child.birth_date):
            if due.due_date >= earliest:
                rows.append(
                    Checkup(
                        child_id=e.child_id,
                        facility_id=e.facility_id,
                        age_months=due.age_months,
                        due_date=due.due_date,
                        hearing_due=due.hearing,
                        vision_due=due.vision,
                        vision_checks_due=list(due.vision_checks),
                        is_demo=e.child.is_demo,
                    )
                )
    Checkup.objects.bulk_create(rows, ignore_conflicts=True, batch_size=2000)
    return len(rows)


@transaction.atomic
def checkups_generate(*, actor: Any) -> int:
    """The nightly generator: due check-ups for every active enrolment (idempotent)."""
    require(access.can_run_jobs, actor)
    enrolments = Enrolment.objects.filter(status=EnrolmentStatus.ACTIVE).select_related("child")
    return checkups_generate_for(enrolments=enrolments.iterator(chunk_size=2000))


@transaction.atomic
def checkup_record(
    *,
    actor: Any,
    checkup: Checkup,
    clinic: Facility,
    performed_on: dt.date,
    hearing: str = "",
    vision: str = "",
    vision_checks_done: list[str] | None = None,
    length_cm: Decimal | None = None,
    measured_position: str = "",
    weight_kg: Decimal | None = None,
    head_cm: Decimal | None = None,
    notes: str = "",
) -> Checkup:
    """A partner clinic's staff record results, once. z-scores come from the WHO tables; a "refer"
    result or a z-score below −2 creates a follow-up due after `FOLLOW_UP_DAYS`. Audited (which
    indicators were recorded, never their values)."""
    if clinic.kind != FacilityKind.MEDICAL_PARTNER:
        raise PortalError(ErrorCode.CLINIC_NOT_MEDICAL_PARTNER, field="clinic")
    if not access.can_record_screening(actor, clinic):
        raise PortalError(ErrorCode.NOT_CLINIC_STAFF, field="clinic", status=403)
    checkup = Checkup.objects.select_related("child").get(pk=checkup.pk)
    child = checkup.child
    z = std.growth_zscores(
        sex=child.gender,
        birth=child.birth_date,
        measured_on=performed_on,
        length_cm=length_cm,
        weight_kg=weight_kg,
        head_cm=head_cm,
        position=measured_position or None,
    )
    cls = std.classify_growth(z)
    # Recorded once: the status condition makes a second (or concurrent) recording a no-op.
    done = Checkup.objects.filter(pk=checkup.pk, status=CheckupStatus.DUE).update(
        status=CheckupStatus.DONE,
        clinic=clinic,
        performed_on=performed_on,
        recorded_by=audit_user(actor),
        hearing=hearing,
        vision=vision,
        vision_checks_done=vision_checks_done or [],
        length_cm=length_cm,
        measured_position=measured_position if length_cm is not None else "",
        weight_kg=weight_kg,
        head_cm=head_cm,
        z_wfa=z.wfa,
        z_lhfa=z.lhfa,
        z_wflh=z.wflh,
        z_hcfa=z.hcfa,
        underweight=cls.underweight or "",
        stunting=cls.stunting or "",
        wasting=cls.wasting or "",
        overweight=cls.overweight,
        notes_cipher=crypto.encrypt(notes) if notes else None,
    )
    if done != 1:
        raise PortalError(ErrorCode.CHECKUP_ALREADY_RECORDED, status=409)
    reasons = list(cls.follow_up_reasons)
    if hearing == "refer":
        reasons.insert(0, "hearing_refer")
    if vision == "refer":
        reasons.insert(0, "vision_refer")
    FollowUp.objects.bulk_create(
        [
            FollowUp(
                checkup=checkup,
                child=child,
                facility_id=checkup.facility_id,
                clinic=clinic,
                reason=reason,
                due_date=performed_on + dt.timedelta(days=std.FOLLOW_UP_DAYS[reason]),
            )
            for reason in reasons
        ],
        ignore_conflicts=True,
    )
    audit_record(
        action=AuditAction.UPDATE,
        actor=audit_user(actor),
        obj=checkup,
        changes={"recorded": True, "follow_ups": reasons},
    )
    checkup.refresh_from_db()
    return checkup


@transaction.atomic
def followup_complete(*, actor: Any, follow_up: FollowUp, completed_on: dt.date | None = None) -> FollowUp:
    """Mark a follow-up done (today when no date is given); a done one keeps its date. Audited."""
    access.require_in_scope(access.can_complete_follow_up, actor, follow_up)
    FollowUp.objects.filter(pk=follow_up.pk, completed_on__isnull=True).update(
        completed_on=completed_on or timezone.localdate()
    )
    audit_record(
        action=AuditAction.UPDATE, actor=audit_user(actor), obj=follow_up, changes={"completed": True}
    )
    follow_up.refresh_from_db()
    return follow_up
