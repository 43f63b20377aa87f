"""托位 and classes: open and change classes to the national standard, and keep the facility's 托位
totals derived from its classes.

Capacity is never checked-then-written: the facility row is locked (one class change per facility at a
time, since the kindergarten and 150-children rules sum the classes), and the class's CheckConstraints
back every limit.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Case, F, OuterRef, Subquery, Sum, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from facilities.models import CHILDCARE_KINDS, Facility, FacilityKind
from facilities.services import facilities_changed
from hechuan_portal.accounts.audit import audit_record
from hechuan_portal.accounts.models import AuditAction
from hechuan_portal.accounts.roles import audit_user, require
from hechuan_portal.common.errors import PortalError

from .. import access
from .. import standards as std
from ..error_codes import ErrorCode
from ..models import ChildcareClass, ChildcareProfile, ChildcareSettings
from .enrolment import waitlist_offer_next


def facility_places_sync(*, facility_ids: Iterable[int]) -> int:
    """Set places_total / places_inclusive / places_occupied of the facilities from their classes in
    one UPDATE (never typed twice). Returns the number of facilities updated."""
    classes = ChildcareClass.objects.filter(facility=OuterRef("pk")).values("facility")

    def total(expr: Any) -> Coalesce:
        return Coalesce(Subquery(classes.annotate(t=Sum(expr)).values("t")), 0)

    updated = Facility.objects.filter(pk__in=list(facility_ids)).update(
        places_total=total("capacity"),
        places_inclusive=total(Case(When(is_inclusive=True, then=F("capacity")), default=0)),
        places_occupied=total("occupied"),
        capacity_reported_at=timezone.now(),
    )
    facilities_changed()  # the staff list shows 托位 (common/fragments.py)
    return updated


def _profile(facility: Facility) -> ChildcareProfile:
    return ChildcareProfile.objects.get_or_create(facility=facility)[0]


def _check_class(
    *,
    facility: Facility,
    class_type: str,
    capacity: int,
    caregivers: int,
    ratio: int,
    other_capacity: int,
) -> None:
    violations = std.class_violations(
        class_type=class_type, capacity=capacity, caregivers=caregivers, mixed_ratio=ratio
    )
    if violations:
        raise PortalError(ErrorCode(violations[0].code), params={"limit": violations[0].limit})
    profile = _profile(facility)
    if facility.kind == FacilityKind.KINDERGARTEN:
        if class_type not in std.KINDERGARTEN_CLASS_TYPES:
            raise PortalError(ErrorCode.KINDERGARTEN_CLASS_TYPE)
        # 托幼一体化: 托班 places come out of the kindergarten's vacant 学位.
        if other_capacity + capacity > profile.kindergarten_vacant:
            raise PortalError(
                ErrorCode.KINDERGARTEN_NO_VACANT_PLACES,
                params={"limit": max(profile.kindergarten_vacant - other_capacity, 0)},
            )
    if profile.health_workers < std.health_workers_required(other_capacity + capacity):
        raise PortalError(ErrorCode.HEALTH_WORKER_REQUIRED)


@transaction.atomic
def class_create(
    *,
    actor: Any,
    facility: Facility,
    name: str,
    class_type: str,
    capacity: int,
    caregivers: int,
    is_inclusive: bool = False,
    is_demo: bool = False,
) -> ChildcareClass:
    """Open a class that meets the standard; the facility's 托位 totals follow. Audited."""
    if facility.kind not in CHILDCARE_KINDS:
        raise PortalError(ErrorCode.NOT_CHILDCARE_FACILITY)
    require(access.can_use, actor)
    access.require_in_scope(access.can_manage_classes, actor, facility)
    # One class change per facility at a time: the kindergarten and 150-children rules sum classes.
    facility = Facility.objects.select_for_update().get(pk=facility.pk)
    ratio = std.children_per_caregiver(class_type, ChildcareSettings.current().mixed_children_per_caregiver)
    others = ChildcareClass.objects.filter(facility=facility).aggregate(t=Coalesce(Sum("capacity"), 0))["t"]
    _check_class(
        facility=facility,
        class_type=class_type,
        capacity=capacity,
        caregivers=caregivers,
        ratio=ratio,
        other_capacity=others,
    )
    klass = ChildcareClass.objects.create(
        facility=facility,
        name=name,
        class_type=class_type,
        capacity=capacity,
        caregivers=caregivers,
        children_per_caregiver=ratio,
        is_inclusive=is_inclusive,
        is_demo=is_demo,
    )
    facility_places_sync(facility_ids=[facility.pk])
    audit_record(
        action=AuditAction.CREATE,
        actor=audit_user(actor),
        obj=klass,
        area_code=facility.town_id,
        changes={"capacity": capacity, "caregivers": caregivers, "class_type": class_type},
    )
    return klass


@transaction.atomic
def class_update(
    *,
    actor: Any,
    klass: ChildcareClass,
    capacity: int,
    caregivers: int,
    is_inclusive: bool | None = None,
) -> ChildcareClass:
    """Change a class's 托位 or staffing within the standard; freed places go to the waitlist. Audited."""
    require(access.can_use, actor)
    access.require_in_scope(access.can_manage_classes, actor, klass.facility)
    facility = Facility.objects.select_for_update().get(pk=klass.facility_id)
    klass = ChildcareClass.objects.select_for_update().get(pk=klass.pk)
    if capacity < klass.occupied + klass.reserved:
        raise PortalError(
            ErrorCode.CAPACITY_BELOW_OCCUPIED, params={"limit": klass.occupied + klass.reserved}
        )
    others = (
        ChildcareClass.objects.filter(facility=facility)
        .exclude(pk=klass.pk)
        .aggregate(t=Coalesce(Sum("capacity"), 0))["t"]
    )
    _check_class(
        facility=facility,
        class_type=klass.class_type,
        capacity=capacity,
        caregivers=caregivers,
        ratio=klass.children_per_caregiver,
        other_capacity=others,
    )
    before = {"capacity": klass.capacity, "caregivers": klass.caregivers}
    klass.capacity, klass.caregivers = capacity, caregivers
    if is_inclusive is not None:
        klass.is_inclusive = is_inclusive
    klass.save(update_fields=["capacity", "caregivers", "is_inclusive"])
    facility_places_sync(facility_ids=[facility.pk])
    audit_record(
        action=AuditAction.UPDATE,
        actor=audit_user(actor),
        obj=klass,
        area_code=facility.town_id,
        changes={"before": before, "after": {"capacity": capacity, "caregivers": caregivers}},
    )
    waitlist_offer_next(klass=klass)
    return klass
