"""能力评估: grading answers (shared with the preview contract), recording an assessment and the
second assessor's sign-off, and the per-town coverage summary (nightly, at each sign-off and import)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.db.models.functions import Now
from django.utils import timezone

from hechuan_portal.accounts.audit import audit_record
from hechuan_portal.accounts.models import AuditAction
from hechuan_portal.accounts.roles import SYSTEM, audit_user, require
from hechuan_portal.areas.models import AdminArea
from hechuan_portal.common.errors import PortalError
from hechuan_portal.common.locks import LockName, lock_for_transaction
from hechuan_portal.residents.models import Resident

from .. import access, selectors, standards
from ..error_codes import ErrorCode
from ..models import Assessment, AssessmentCoverage, AssessmentPolicy

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
        raise PortalError(ErrorCode.ALREADY_SIGNED, status=409)  # the record's state refuses it
    if getattr(actor, "pk", None) == assessment.assessor_id:
        raise PortalError(ErrorCode.SAME_ASSESSOR, status=403)
    if not access.is_assessor(actor):
        raise PortalError(ErrorCode.NOT_ASSESSOR, status=403)
    require(access.can_sign, actor, assessment)
    updated = Assessment.objects.filter(pk=assessment.pk, signed_at__isnull=True).update(
        second_assessor=actor, signed_at=Now()
    )
    if not updated:
        raise PortalError(ErrorCode.ALREADY_SIGNED, status=409)  # the record's state refuses it
    assessment.refresh_from_db()
    audit_record(
        action=AuditAction.UPDATE,
        actor=audit_user(actor),
        obj=assessment,
        area_code=assessment.town_id,
        reason="sign-off",
    )
    # A signed grade may make the elder 失能, so covered by 探访关爱: their row of monitoring's
    # precomputed visit list is rebuilt now (imported at call time, like monitoring reads grades).
    from monitoring.services import visit_due_refresh

    visit_due_refresh(actor=SYSTEM, residents=[assessment.resident_id])
    # The town's 80岁以上能力评估覆盖率 moves with it: today's summary row is recounted now.
    town = Resident.objects.filter(pk=assessment.resident_id).values_list("town_id", flat=True).first()
    if town is not None:
        coverage_refresh(actor=SYSTEM, town=town)
    return assessment


@transaction.atomic
def coverage_refresh(*, actor: Any, as_of: dt.date | None = None, town: str | None = None) -> int:
    """Rewrite the day's `AssessmentCoverage` rows (`as_of`, today by default): each town's people
    80+ and those validly assessed, one GROUP BY (`selectors.coverage_by_town`), a row for every town
    (0 where nobody is 80+) so a day that has rows has all of them. `town`: that town's row only (a
    sign-off); the whole day when the day has no rows yet. Serialised by a transaction lock, so two
    sign-offs at once cannot write a count that misses the other. Returns the rows written."""
    require(access.can_refresh_coverage, actor)
    as_of = as_of or timezone.localdate()
    lock_for_transaction(LockName.ELDER_COVERAGE)
    day = AssessmentCoverage.objects.filter(as_of=as_of)
    if town is not None and not day.exists():
        town = None
    counts = {row["town_id"]: row for row in selectors.coverage_by_town(as_of=as_of, town=town)}
    codes = AdminArea.objects.towns().values_list("code", flat=True)
    rows = [
        AssessmentCoverage(
            town_id=code,
            as_of=as_of,
            aged80=counts.get(code, {}).get("aged80", 0),
            assessed=counts.get(code, {}).get("assessed", 0),
        )
        for code in (codes.filter(code=town) if town else codes)
    ]
    (day.filter(town_id=town) if town else day).delete()
    AssessmentCoverage.objects.bulk_create(rows)
    if town is None:  # a sign-off's own audit row says what changed the town's figure
        audit_record(
            action=AuditAction.RUN,
            actor=audit_user(actor),
            object_type="eldercare.assessmentcoverage",
            reason="coverage refresh",
            changes={"as_of": as_of.isoformat(), "towns": len(rows)},
        )
    return len(rows)


def coverage_ensure(*, as_of: dt.date | None = None) -> None:
    """The day's coverage rows before a page or the overview reads them: built on the day's first read
    when the nightly job has not run yet (one query when they exist)."""
    as_of = as_of or timezone.localdate()
    if not AssessmentCoverage.objects.filter(as_of=as_of).exists():
        coverage_refresh(actor=SYSTEM, as_of=as_of)
