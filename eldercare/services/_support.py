"""What the support services (home adaptation, family care beds, placements) share: the policy in force
on a day, the person's latest signed grade, their town, a status check and the audit row."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hechuan_portal.accounts.audit import audit_record
from hechuan_portal.accounts.roles import audit_user
from hechuan_portal.common.errors import PortalError
from hechuan_portal.common.uploads import StoredFile, store_file
from hechuan_portal.residents.models import Resident

from .. import selectors
from ..error_codes import ErrorCode


def latest_grade(resident: Resident) -> int | None:
    row = selectors.latest_signed(resident.pk).values_list("final_grade", flat=True).first()
    return row


def policy_on(model: Any, day: dt.date) -> Any:
    policy = model.objects.filter(effective_from__lte=day).order_by("-effective_from").first()
    if policy is None:
        raise PortalError(ErrorCode.NO_POLICY, field="applied_on")
    return policy


def audit(actor: Any, obj: Any, action: str, **changes: Any) -> None:
    audit_record(
        action=action,
        actor=audit_user(actor),
        obj=obj,
        area_code=getattr(obj, "town_id", "") or "",
        changes=changes,
    )


def town_of(resident: Resident) -> str:
    if resident.town_id is None:
        raise PortalError(ErrorCode.RESIDENT_NOT_IN_DISTRICT, field="resident")
    return resident.town_id


def require_status(obj: Any, *statuses: str) -> None:
    if obj.status not in statuses:
        raise PortalError(ErrorCode.WRONG_STATUS, field="status")


MAX_PHOTO_BYTES = 8 * 1024 * 1024


def store_photos(photos: Any, *, field: str) -> list[StoredFile]:
    """Check and store photos taken on the phone (at least one, each sniffed and named by its hash)."""
    uploads = [p for p in photos if p is not None]
    if not uploads:
        raise PortalError(ErrorCode.PHOTO_REQUIRED, field=field)
    stored = []
    for upload in uploads:
        try:
            stored.append(store_file(upload, folder="eldercare", max_bytes=MAX_PHOTO_BYTES))
        except PortalError as exc:
            exc.field = exc.field or field
            raise
    return stored
