"""助浴助洁 (bathing and cleaning) writes: monthly visit plans, visits recorded from the provider's
phone with their location check and photo, and the community's satisfaction callback."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.gis.geos import Point
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from facilities.models import Facility, FacilityKind
from hechuan_portal.accounts.audit import audit_record
from hechuan_portal.accounts.models import AuditAction
from hechuan_portal.accounts.roles import audit_user, require
from hechuan_portal.common.errors import CommonCode, PortalError
from hechuan_portal.common.months import month_start
from hechuan_portal.common.uploads import store_file
from hechuan_portal.residents.models import HukouStatus, Resident
from monitoring.rules import distance_m

from .. import access, rules, selectors
from ..error_codes import ErrorCode
from ..models import CareKind, CarePhoto, CarePlan, CareRecord, LocationCheck

MAX_PHOTO_BYTES = 8 * 1024 * 1024


def _require_needs_care(resident: Resident, disabled: Any) -> str:
    """The elder's town, after checking they are an elder in difficulty living in the district."""
    is_disabled = (
        (disabled if disabled is not None else selectors.disabled_residents()).filter(pk=resident.pk).exists()
    )
    if (
        resident.town_id is None
        or resident.status != HukouStatus.NORMAL
        or not rules.needs_care(
            dibao=resident.dibao,
            tekun=resident.tekun,
            special_family=resident.special_family,
            disabled=is_disabled,
        )
    ):
        raise PortalError(ErrorCode.NOT_ELIGIBLE_FOR_CARE, field="resident")
    return resident.town_id


@transaction.atomic
def care_plan_set(
    *, actor: Any, resident: Resident, month: dt.date, service: str, visits: int, disabled: Any = None
) -> CarePlan:
    """Set (or change) how many visits of `service` an elder in difficulty is to have in `month`."""
    require(access.can_plan_care, actor, resident.town_id)
    town_id = _require_needs_care(resident, disabled)
    plan, _created = CarePlan.objects.update_or_create(
        resident=resident,
        month=month_start(month),
        service=service,
        defaults={"visits": visits, "town_id": town_id},
    )
    audit_record(
        action=AuditAction.UPDATE,
        actor=audit_user(actor),
        obj=plan,
        area_code=town_id,
        changes={"month": f"{plan.month:%Y-%m}", "service": service, "visits": visits},
    )
    return plan


@transaction.atomic
def care_record_create(
    *,
    actor: Any,
    resident: Resident,
    kind: str,
    provider: Facility,
    photo: Any,
    lng: float | None = None,
    lat: float | None = None,
    accuracy_m: float | None = None,
    location_note: str = "",
    performed_at: dt.datetime | None = None,
    disabled: Any = None,
    request: HttpRequest | None = None,
) -> CareRecord:
    """Record a bathing or cleaning visit from the provider's phone: the elder must be in difficulty,
    the photo is required, and the phone's position is checked against the bathing point (bathing at
    a point) or the elder's community (home visits); too far is accepted only with an explanation.
    The actor is a person (the stored photo names its uploader), never `SYSTEM`."""
    require(access.can_record_care, actor, provider)
    if audit_user(actor) is None:
        raise PortalError(CommonCode.NOT_ALLOWED, status=403)  # a visit is recorded by a person
    town_id = _require_needs_care(resident, disabled)
    if kind == CareKind.BATH_POINT and provider.kind != FacilityKind.BATHING_POINT:
        raise PortalError(ErrorCode.NOT_A_BATHING_POINT, field="provider")
    if photo is None:
        raise PortalError(ErrorCode.PHOTO_REQUIRED, field="photo")
    at_home = kind != CareKind.BATH_POINT
    community = resident.community
    reference = provider.location if not at_home else (community.centroid if community is not None else None)
    distance = None
    if lng is not None and lat is not None and reference is not None:
        distance = distance_m(lng, lat, reference.x, reference.y)
    check = rules.location_check(distance, at_home=at_home)
    note = location_note.strip()[:255]
    if check == LocationCheck.TOO_FAR and not note:
        raise PortalError(
            ErrorCode.LOCATION_NOTE_REQUIRED, field="location_note", params={"distance": round(distance or 0)}
        )
    stored = store_file(photo, folder="community", max_bytes=MAX_PHOTO_BYTES)
    recorder = audit_user(actor)
    record = CareRecord.objects.create(
        resident=resident,
        town_id=town_id,
        kind=kind,
        provider=provider,
        performed_at=performed_at or timezone.now(),
        recorded_by=recorder,
        device_location=Point(lng, lat, srid=4326) if lng is not None and lat is not None else None,
        location_accuracy_m=round(accuracy_m) if accuracy_m is not None else None,
        distance_m=round(distance) if distance is not None else None,
        location_check=check,
        location_note=note,
    )
    CarePhoto.objects.create(record=record, **stored.fields(recorder))
    audit_record(
        action=AuditAction.CREATE,
        actor=recorder,
        request=request,
        obj=record,
        area_code=town_id,
        changes={"kind": kind, "location_check": check},
    )
    return record


@transaction.atomic
def care_callback(*, actor: Any, record: CareRecord, satisfaction: int, note: str = "") -> CareRecord:
    """The community's short satisfaction callback after a visit (1–5, with a note)."""
    require(access.can_plan_care, actor, record.town_id)
    if not 1 <= satisfaction <= 5:
        raise PortalError(ErrorCode.SATISFACTION_RANGE, field="satisfaction")
    record.satisfaction = satisfaction
    record.callback_note = note.strip()[:255]
    record.callback_at = timezone.now()
    record.callback_by = audit_user(actor)
    record.save(update_fields=["satisfaction", "callback_note", "callback_at", "callback_by"])
    audit_record(
        action=AuditAction.UPDATE,
        actor=audit_user(actor),
        obj=record,
        area_code=record.town_id,
        changes={"satisfaction": satisfaction},
    )
    return record
