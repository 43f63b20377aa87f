"""Inspections: scheduling one, recording its answers (findings, photos, location check), cancelling."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.gis.geos import Point
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from facilities.models import Facility
from hechuan_portal.accounts.audit import audit_record
from hechuan_portal.accounts.models import AuditAction
from hechuan_portal.accounts.roles import SYSTEM, audit_user, require
from hechuan_portal.common.errors import PortalError
from hechuan_portal.common.uploads import store_files

from .. import access, rules
from ..error_codes import ErrorCode
from ..models import (
    Answer,
    Finding,
    FindingStatus,
    FindingTransition,
    Inspection,
    InspectionAnswer,
    InspectionPhoto,
    InspectionPlan,
    InspectionStatus,
)
from ..standards import config
from .checklists import template_for
from .risk import risk_refresh


@transaction.atomic
def inspection_create(
    *,
    facility: Facility,
    topic: str,
    due_on: dt.date,
    actor: Any,
    plan: InspectionPlan | None = None,
    inspectors: Iterable[Any] = (),
    request: HttpRequest | None = None,
) -> Inspection:
    """Schedule an inspection of `facility` against the current template version of `topic`."""
    require(access.can_create_inspection, actor, facility)
    template = template_for(facility, topic)
    if template is None:
        raise PortalError(ErrorCode.NO_TEMPLATE)
    inspection = Inspection.objects.create(
        facility=facility, template=template, due_on=due_on, plan=plan, is_demo=facility.is_demo
    )
    inspection.inspectors.set(list(inspectors))
    audit_record(
        action=AuditAction.CREATE,
        actor=audit_user(actor),
        request=request,
        obj=inspection,
        area_code=facility.town_id,
    )
    return inspection


@dataclass(frozen=True)
class AnswerInput:
    item_id: int
    answer: str
    note: str = ""


# The rule checks come first in the API views too, before the body is read: someone who may not act
# learns nothing from a validation error (SECURITY.md). The services repeat them under lock.


def ensure_may_record(inspection: Inspection, actor: Any) -> None:
    """PortalError unless `actor` may record `inspection` now (403 not_allowed, 409 when done)."""
    require(access.can_record_inspection, actor, inspection)
    rules.transition(rules.INSPECTION_TRANSITIONS, inspection.status, "record", {"inspector"})


@transaction.atomic
def inspection_record(
    *,
    inspection: Inspection,
    actor: Any,
    answers: list[AnswerInput],
    notes: str = "",
    lng: float | None = None,
    lat: float | None = None,
    accuracy_m: float | None = None,
    location_note: str = "",
    photos: Iterable[tuple[int | None, Any]] = (),
    inspected_at: dt.datetime | None = None,
    request: HttpRequest | None = None,
) -> Inspection:
    """Record the answers of a scheduled inspection and complete it.

    Checks the device location against the facility (too far → flagged, and refused without the
    inspector's explanation), scores it, stores the photos with their hashes, turns every failed
    item into a finding with a deadline, and refreshes the facility's risk after commit.
    """
    cfg = config()
    inspection = (
        Inspection.objects.select_for_update().select_related("facility", "template").get(pk=inspection.pk)
    )
    ensure_may_record(inspection, actor)
    items = {i.pk: i for i in inspection.template.items.all()}
    by_item = {a.item_id: a for a in answers if a.item_id in items}
    if set(by_item) != set(items) or any(a.answer not in Answer.values for a in by_item.values()):
        raise PortalError(ErrorCode.ANSWERS_INCOMPLETE)

    facility = inspection.facility
    distance = None
    if lng is not None and lat is not None:
        distance = rules.distance_m(lng, lat, facility.location.x, facility.location.y)
    check = rules.location_check(distance, cfg)
    location_note = location_note.strip()
    if check == "too_far" and not location_note:
        raise PortalError(ErrorCode.LOCATION_NOTE_REQUIRED, field="location_note")

    score, result = rules.score_and_result(
        (rules.AnswerLine(items[i].weight, a.answer, items[i].severity) for i, a in by_item.items()), cfg
    )
    now = inspected_at or timezone.now()
    recorder = audit_user(actor)
    inspection.status = InspectionStatus.COMPLETED
    inspection.inspected_at = now
    inspection.recorded_by = recorder
    inspection.device_location = Point(lng, lat, srid=4326) if distance is not None else None
    inspection.location_accuracy_m = round(accuracy_m) if accuracy_m is not None else None
    inspection.distance_m = round(distance) if distance is not None else None
    inspection.location_check = check
    inspection.location_note = location_note[:255]
    inspection.score = score
    inspection.result = result
    inspection.notes = notes
    inspection.save()
    if recorder is not None:
        inspection.inspectors.add(recorder)

    InspectionAnswer.objects.bulk_create(
        InspectionAnswer(inspection=inspection, item_id=i, answer=a.answer, note=a.note[:255])
        for i, a in sorted(by_item.items())
    )
    # All or none: a refused photo stores none, and a failure after the photos removes them.
    with store_files(
        [upload for _item, upload in photos], folder="monitoring", max_bytes=cfg["max_upload_bytes"]
    ) as stored_photos:
        seen: set[str] = set()
        photo_rows = []
        for (item_id, _upload), stored in zip(photos, stored_photos, strict=True):
            if stored.sha256 in seen:
                continue
            seen.add(stored.sha256)
            photo_rows.append(
                InspectionPhoto(
                    inspection=inspection,
                    item_id=item_id if item_id in items else None,
                    **stored.fields(recorder),
                )
            )
        InspectionPhoto.objects.bulk_create(photo_rows)

        inspected_on = timezone.localdate(now)
        findings = Finding.objects.bulk_create(
            Finding(
                inspection=inspection,
                facility=facility,
                item_id=i,
                description=(a.note or items[i].text)[:500],
                severity=items[i].severity,
                deadline=rules.rectify_deadline(inspected_on, items[i].severity, cfg),
            )
            for i, a in sorted(by_item.items())
            if a.answer == Answer.NO
        )
        FindingTransition.objects.bulk_create(
            FindingTransition(
                finding=f, from_status="", to_status=FindingStatus.OPEN, action="create", actor=recorder
            )
            for f in findings
        )
        audit_record(
            action=AuditAction.UPDATE,
            actor=recorder,
            request=request,
            obj=inspection,
            area_code=facility.town_id,
            reason="inspection_record",
            changes={
                "result": result,
                "score": str(score),
                "location_check": check,
                "findings": len(findings),
                "photos": len(photo_rows),
            },
        )
    transaction.on_commit(lambda: risk_refresh(actor=SYSTEM, facility_ids=[facility.pk]))
    return inspection


@transaction.atomic
def inspection_cancel(
    *, inspection: Inspection, actor: Any, reason: str, request: HttpRequest | None = None
) -> Inspection:
    """Cancel a scheduled inspection (facility closed, duplicate…); the reason is audited."""
    inspection = Inspection.objects.select_for_update().select_related("facility").get(pk=inspection.pk)
    require(access.can_cancel_inspection, actor, inspection)
    if not reason.strip():
        raise PortalError(ErrorCode.REASON_REQUIRED, field="reason")
    inspection.status = rules.transition(
        rules.INSPECTION_TRANSITIONS, inspection.status, "cancel", {"inspector"}
    )
    inspection.notes = reason[:2000]
    inspection.save(update_fields=["status", "notes"])
    audit_record(
        action=AuditAction.UPDATE,
        actor=audit_user(actor),
        request=request,
        obj=inspection,
        area_code=inspection.facility.town_id,
        reason=f"inspection_cancel: {reason}"[:255],
        changes={"status": inspection.status},
    )
    return inspection
