"""Children, enrolment (入托) and the waitlist (候补).

A place is claimed by a conditional UPDATE (`occupied < capacity - reserved`) whose row count decides,
and the class's CheckConstraint backs it; the facility's 托位 totals move by F() in step with each claim
and release. Freed places are offered to the waitlist in its transparent order.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Case, F, IntegerField, Value, When
from django.utils import timezone

from facilities.models import Facility
from facilities.services import facilities_changed
from hechuan_portal.accounts.audit import audit_record
from hechuan_portal.accounts.models import AuditAction
from hechuan_portal.accounts.roles import SYSTEM, audit_user, require
from hechuan_portal.areas.models import AdminArea, AreaLevel
from hechuan_portal.common import crypto, idcard
from hechuan_portal.common.errors import PortalError

from .. import access
from .. import standards as std
from ..error_codes import ErrorCode
from ..models import (
    Checkup,
    CheckupStatus,
    Child,
    ChildcareClass,
    ChildcareSettings,
    Enrolment,
    EnrolmentStatus,
    PriorityCategory,
    WaitlistEntry,
    WaitlistStatus,
)
from .screening import checkups_generate_for

# --- children -----------------------------------------------------------------------------------


# The audit row's reason when a child's ID number is already registered outside the actor's scope
# (the district reconciles the two records; the registering user is not told).
DUPLICATE_ELSEWHERE_REASON = "id_number_registered_elsewhere"


@transaction.atomic
def child_create(
    *,
    actor: Any,
    name: str,
    gender: str,
    birth_date: dt.date,
    guardian_name: str,
    guardian_phone: str,
    town_id: str,
    id_number: str = "",
    community_id: str | None = None,
    facility: Facility | None = None,
    is_demo: bool = False,
) -> Child:
    """Register a child in the actor's scope (an operator's child belongs to one of their facilities).
    The ID number (optional for a newborn) must agree with birth date and gender; it is stored
    encrypted, with a blind index and a masked copy. A number already registered in the actor's scope
    is refused (`child_exists`); one registered only outside it is answered like a new one (no
    existence oracle) and flagged for the district in the audit row. Audited."""
    duplicate_elsewhere = False
    child = Child(
        name=name,
        gender=gender,
        birth_date=birth_date,
        guardian_name=guardian_name,
        guardian_phone=guardian_phone,
        town_id=town_id,
        community_id=community_id,
        facility=facility,
        is_demo=is_demo,
    )
    require(access.can_use, actor)
    access.require_in_scope(access.can_manage_child, actor, child)
    if birth_date > timezone.localdate():
        raise PortalError(ErrorCode.BIRTH_IN_FUTURE, field="birth_date")
    if (
        community_id
        and not AdminArea.objects.filter(
            code=community_id, level=AreaLevel.COMMUNITY, parent_id=town_id
        ).exists()
    ):
        raise PortalError(ErrorCode.COMMUNITY_NOT_IN_TOWN)
    if id_number:
        try:
            parsed = idcard.parse(id_number)
        except idcard.IdNumberError as exc:
            raise PortalError(ErrorCode(exc.code), field="id_number") from None
        if parsed.birth_date != birth_date or parsed.gender != gender:
            raise PortalError(ErrorCode.ID_BIRTH_MISMATCH)
        child.id_cipher = crypto.encrypt(parsed.number)
        child.id_index = crypto.blind_index(parsed.number)
        child.id_masked = idcard.mask(parsed.number)
        existing = Child.objects.filter(id_index=child.id_index)
        if existing.exists():
            if actor is SYSTEM or existing.visible_to(actor).exists():
                raise PortalError(ErrorCode.CHILD_EXISTS)
            # Registered outside the actor's scope. Refusing would tell any operator whether an ID
            # number is registered anywhere (issue 21 item 11): the answer is the same as for a new
            # number. The record is kept without the blind index (the district's one indexed record
            # stays the one found by ID number) and the audit row asks the district to reconcile.
            child.id_index = None
            duplicate_elsewhere = True
    child.save()
    audit_record(
        action=AuditAction.CREATE,
        actor=audit_user(actor),
        obj=child,
        area_code=town_id,
        reason=DUPLICATE_ELSEWHERE_REASON if duplicate_elsewhere else "",
    )
    return child


# --- enrolment ----------------------------------------------------------------------------------


def _claim_place(klass: ChildcareClass, *, from_reserved: bool = False) -> None:
    """Take one place: a conditional UPDATE whose row count decides (never more than capacity).
    Every writer locks the facility row before the class row (class changes do too), so two
    writers never wait on each other in opposite orders."""
    list(Facility.objects.select_for_update().filter(pk=klass.facility_id).values_list("pk"))
    if from_reserved:
        claimed = ChildcareClass.objects.filter(pk=klass.pk, reserved__gte=1).update(
            occupied=F("occupied") + 1, reserved=F("reserved") - 1
        )
    else:
        claimed = ChildcareClass.objects.filter(
            pk=klass.pk, occupied__lt=F("capacity") - F("reserved")
        ).update(occupied=F("occupied") + 1)
    if claimed != 1:
        raise PortalError(ErrorCode.CLASS_FULL, status=409)
    Facility.objects.filter(pk=klass.facility_id).update(places_occupied=F("places_occupied") + 1)
    facilities_changed()  # the staff list shows 托位 (common/fragments.py)


def _age_check(klass: ChildcareClass, child: Child, on: dt.date, *, field: str | None = "start_date") -> None:
    """STANDARDS §4: the age on the start date fits the class type; no start before the birth."""
    if on < child.birth_date:
        raise PortalError(ErrorCode.START_BEFORE_BIRTH, field=field)
    error = std.age_error(klass.class_type, child.birth_date, on)
    if error:
        raise PortalError(ErrorCode(error), field=field)


def _enrol(
    *, actor: Any, child: Child, klass: ChildcareClass, start_date: dt.date, from_reserved: bool
) -> Enrolment:
    _age_check(klass, child, start_date)
    if Enrolment.objects.filter(child=child, status=EnrolmentStatus.ACTIVE).exists():
        raise PortalError(ErrorCode.CHILD_ALREADY_ENROLLED, status=409)
    try:
        with transaction.atomic():
            _claim_place(klass, from_reserved=from_reserved)
            enrolment = Enrolment.objects.create(
                child=child,
                klass=klass,
                facility_id=klass.facility_id,
                start_date=start_date,
                created_by=audit_user(actor),
            )
    except IntegrityError:
        # A concurrent request enrolled the same child first (partial unique constraint).
        raise PortalError(ErrorCode.CHILD_ALREADY_ENROLLED, status=409) from None
    Child.objects.filter(pk=child.pk).update(facility_id=klass.facility_id)
    checkups_generate_for(enrolments=[enrolment])
    audit_record(
        action=AuditAction.CREATE,
        actor=audit_user(actor),
        obj=enrolment,
        area_code=child.town_id,
        changes={"class": klass.pk},
    )
    return enrolment


@transaction.atomic
def enrolment_create(
    *, actor: Any, child: Child, klass: ChildcareClass, start_date: dt.date | None = None
) -> Enrolment:
    """Enrol a child into a class: age fits the class type, one active enrolment per child, and a
    free place claimed atomically (`class_full` otherwise). Due check-ups are scheduled. Audited."""
    require(access.can_use, actor)
    access.require_in_scope(access.can_enrol, actor, klass)
    access.require_in_scope(access.can_manage_child, actor, child)
    return _enrol(
        actor=actor,
        child=child,
        klass=klass,
        start_date=start_date or timezone.localdate(),
        from_reserved=False,
    )


@transaction.atomic
def enrolment_withdraw(*, actor: Any, enrolment: Enrolment, end_date: dt.date | None = None) -> Enrolment:
    """退托: end the enrolment, free the place, and offer it to the next family on the waitlist.
    Check-ups not yet done at this facility are dropped. Audited."""
    require(access.can_use, actor)
    access.require_in_scope(access.can_manage_facility, actor, enrolment.facility)
    end_date = end_date or timezone.localdate()
    ended = Enrolment.objects.filter(pk=enrolment.pk, status=EnrolmentStatus.ACTIVE).update(
        status=EnrolmentStatus.WITHDRAWN, end_date=end_date
    )
    if ended != 1:
        raise PortalError(ErrorCode.ENROLMENT_NOT_ACTIVE, status=409)
    Facility.objects.filter(pk=enrolment.facility_id).update(places_occupied=F("places_occupied") - 1)
    facilities_changed()
    ChildcareClass.objects.filter(pk=enrolment.klass_id).update(occupied=F("occupied") - 1)
    # Check-ups not yet done no longer concern this facility.
    Checkup.objects.filter(
        child_id=enrolment.child_id, facility_id=enrolment.facility_id, status=CheckupStatus.DUE
    ).delete()
    audit_record(
        action=AuditAction.UPDATE, actor=audit_user(actor), obj=enrolment, changes={"status": "withdrawn"}
    )
    enrolment.refresh_from_db()
    waitlist_offer_next(klass=enrolment.klass)
    return enrolment


# --- waitlist -----------------------------------------------------------------------------------


@transaction.atomic
def waitlist_join(
    *,
    actor: Any,
    child: Child,
    klass: ChildcareClass,
    category_codes: Iterable[str] = (),
    applied_at: dt.datetime | None = None,
) -> WaitlistEntry:
    """Put a family on a full class's waitlist. Priority points are the sum of the active
    categories' points, fixed at application so the order stays explainable. Audited."""
    require(access.can_use, actor)
    access.require_in_scope(access.can_enrol, actor, klass)
    access.require_in_scope(access.can_manage_child, actor, child)
    klass.refresh_from_db()
    if klass.vacant > 0:
        raise PortalError(ErrorCode.CLASS_HAS_VACANCY, status=409)
    # The child must fit the class by the time a place could be taken (now).
    _age_check(klass, child, timezone.localdate(), field=None)
    categories = list(PriorityCategory.objects.filter(code__in=list(category_codes), active=True))
    try:
        with transaction.atomic():
            entry = WaitlistEntry.objects.create(
                child=child,
                klass=klass,
                facility_id=klass.facility_id,
                applied_at=applied_at or timezone.now(),
                priority_points=sum(c.points for c in categories),
            )
    except IntegrityError:
        raise PortalError(ErrorCode.ALREADY_WAITING, status=409) from None
    entry.categories.set(categories)
    audit_record(action=AuditAction.CREATE, actor=audit_user(actor), obj=entry, area_code=child.town_id)
    return entry


def waitlist_offer_next(*, klass: ChildcareClass, now: dt.datetime | None = None) -> list[WaitlistEntry]:
    """Offer every free place of the class to the next waiting families in the transparent order,
    holding each place (`reserved`) until the offer's deadline. A step of the service that freed the
    places (its actor and audit row cover it): runs inside the caller's transaction."""
    now = now or timezone.now()
    current = ChildcareClass.objects.select_for_update().get(pk=klass.pk)
    if current.vacant <= 0:
        return []
    entries = list(
        WaitlistEntry.objects.filter(klass=current, status=WaitlistStatus.WAITING)
        .in_order()
        .select_for_update(skip_locked=True)[: current.vacant]
    )
    if not entries:
        return []
    n = len(entries)
    held = ChildcareClass.objects.filter(
        pk=current.pk, occupied__lte=F("capacity") - F("reserved") - n
    ).update(reserved=F("reserved") + n)
    if held != 1:
        return []
    deadline = now + dt.timedelta(days=ChildcareSettings.current().offer_days)
    WaitlistEntry.objects.filter(pk__in=[e.pk for e in entries]).update(
        status=WaitlistStatus.OFFERED, offered_at=now, offer_deadline=deadline
    )
    for e in entries:
        e.status, e.offered_at, e.offer_deadline = WaitlistStatus.OFFERED, now, deadline
    return entries


@transaction.atomic
def waitlist_accept(
    *,
    actor: Any,
    entry: WaitlistEntry,
    start_date: dt.date | None = None,
    now: dt.datetime | None = None,
) -> Enrolment:
    """The family accepts an offer before its deadline: the held place becomes an enrolment. Audited."""
    require(access.can_use, actor)
    access.require_in_scope(access.can_manage_facility, actor, entry.facility)
    now = now or timezone.now()
    entry = WaitlistEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.status != WaitlistStatus.OFFERED:
        raise PortalError(ErrorCode.OFFER_NOT_OPEN, status=409)
    if entry.offer_deadline is None or entry.offer_deadline < now:
        raise PortalError(ErrorCode.OFFER_EXPIRED, status=409)
    enrolment = _enrol(
        actor=actor,
        child=entry.child,
        klass=entry.klass,
        start_date=start_date or timezone.localdate(),
        from_reserved=True,
    )
    WaitlistEntry.objects.filter(pk=entry.pk).update(status=WaitlistStatus.ACCEPTED, decided_at=now)
    return enrolment


@transaction.atomic
def waitlist_expire_offers(*, actor: Any, now: dt.datetime | None = None) -> int:
    """Offers past their deadline lapse; their held places go to the next families. Idempotent.
    One audit row for the run."""
    require(access.can_run_jobs, actor)
    now = now or timezone.now()
    expired = list(
        WaitlistEntry.objects.filter(status=WaitlistStatus.OFFERED, offer_deadline__lt=now)
        .order_by("pk")
        .select_for_update()
        .values_list("pk", "klass_id")
    )
    if not expired:
        return 0
    WaitlistEntry.objects.filter(pk__in=[pk for pk, _ in expired]).update(
        status=WaitlistStatus.EXPIRED, decided_at=now
    )
    per_class = Counter(klass_id for _, klass_id in expired)
    ChildcareClass.objects.filter(pk__in=list(per_class)).update(
        reserved=F("reserved")
        - Case(*[When(pk=k, then=Value(n)) for k, n in per_class.items()], output_field=IntegerField())
    )
    for klass in ChildcareClass.objects.filter(pk__in=list(per_class)).order_by("pk"):
        waitlist_offer_next(klass=klass, now=now)
    audit_record(
        action=AuditAction.RUN,
        actor=audit_user(actor),
        object_type="childcare.waitlistentry",
        changes={"expired": len(expired)},
    )
    return len(expired)
