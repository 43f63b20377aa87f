"""Every write of the childcare app. Keyword-only, one transaction each, audited.

Capacity is never checked-then-written: a place is claimed by a conditional UPDATE
(`occupied < capacity - reserved`) whose row count decides, and the class's CheckConstraint backs
it. The facility's 托位 totals are derived from its classes by one UPDATE with subqueries
(`facility_places_sync`) or moved by F() in step with each claim and release.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections import Counter
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Case, F, IntegerField, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from facilities.models import CHILDCARE_KINDS, Facility, FacilityKind
from hechuan_portal.accounts.audit import audit_record
from hechuan_portal.accounts.models import AuditAction
from hechuan_portal.accounts.scope import is_district, scope_for
from hechuan_portal.areas.models import AdminArea, AreaLevel
from hechuan_portal.common import crypto, idcard

from . import standards as std
from .error_codes import ChildcareError
from .models import (
    Checkup,
    CheckupStatus,
    Child,
    ChildcareClass,
    ChildcareProfile,
    ChildcareSettings,
    Enrolment,
    EnrolmentStatus,
    FollowUp,
    PriorityCategory,
    Voucher,
    VoucherBatch,
    VoucherStatus,
    WaitlistEntry,
    WaitlistStatus,
)

# --- scope helpers ------------------------------------------------------------------------------


def _require_facility_scope(user, facility: Facility) -> None:
    """Writes on a facility's classes: district, the facility's town officer, or its operator."""
    if user is None:  # system jobs (demo data, periodic tasks)
        return
    if not Facility.objects.visible_to(user).filter(pk=facility.pk).exists():
        raise ChildcareError("not_in_scope", status=404)


def _require_child_scope(user, child: Child) -> None:
    if user is None:
        return
    if not Child.objects.visible_to(user).filter(pk=child.pk).exists():
        raise ChildcareError("not_in_scope", status=404)


# --- places -------------------------------------------------------------------------------------


def facility_places_sync(*, facility_ids) -> int:
    """Set places_total / places_inclusive / places_occupied of the facilities from their classes in
    one UPDATE (never typed twice). Returns the number of facilities updated."""
    classes = ChildcareClass.objects.filter(facility=OuterRef("pk")).values("facility")

    def total(expr):
        return Coalesce(Subquery(classes.annotate(t=Sum(expr)).values("t")), 0)

    return Facility.objects.filter(pk__in=list(facility_ids)).update(
        places_total=total("capacity"),
        places_inclusive=total(Case(When(is_inclusive=True, then=F("capacity")), default=0)),
        places_occupied=total("occupied"),
        capacity_reported_at=timezone.now(),
    )


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
        raise ChildcareError(violations[0].code, limit=violations[0].limit)
    profile = _profile(facility)
    if facility.kind == FacilityKind.KINDERGARTEN:
        if class_type not in std.KINDERGARTEN_CLASS_TYPES:
            raise ChildcareError("kindergarten_class_type")
        # 托幼一体化: 托班 places come out of the kindergarten's vacant 学位.
        if other_capacity + capacity > profile.kindergarten_vacant:
            raise ChildcareError(
                "kindergarten_no_vacant_places", limit=max(profile.kindergarten_vacant - other_capacity, 0)
            )
    if profile.health_workers < std.health_workers_required(other_capacity + capacity):
        raise ChildcareError("health_worker_required")


@transaction.atomic
def class_create(
    *,
    user,
    facility: Facility,
    name: str,
    class_type: str,
    capacity: int,
    caregivers: int,
    is_inclusive: bool = False,
    is_demo: bool = False,
) -> ChildcareClass:
    """Open a class that meets the standard; the facility's 托位 totals follow."""
    if facility.kind not in CHILDCARE_KINDS:
        raise ChildcareError("not_childcare_facility")
    _require_facility_scope(user, facility)
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
    if user is not None:
        audit_record(
            action=AuditAction.CREATE,
            actor=user,
            obj=klass,
            area_code=facility.town_id,
            changes={"capacity": capacity, "caregivers": caregivers, "class_type": class_type},
        )
    return klass


@transaction.atomic
def class_update(
    *, user, klass: ChildcareClass, capacity: int, caregivers: int, is_inclusive: bool | None = None
) -> ChildcareClass:
    """Change a class's 托位 or staffing within the standard; freed places go to the waitlist."""
    _require_facility_scope(user, klass.facility)
    facility = Facility.objects.select_for_update().get(pk=klass.facility_id)
    klass = ChildcareClass.objects.select_for_update().get(pk=klass.pk)
    if capacity < klass.occupied + klass.reserved:
        raise ChildcareError("capacity_below_occupied", limit=klass.occupied + klass.reserved)
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
        actor=user,
        obj=klass,
        area_code=facility.town_id,
        changes={"before": before, "after": {"capacity": capacity, "caregivers": caregivers}},
    )
    waitlist_offer_next(klass=klass)
    return klass


# --- children -----------------------------------------------------------------------------------


@transaction.atomic
def child_create(
    *,
    user,
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
    """Register a child. The ID number (optional for a newborn) must agree with birth date and gender;
    it is stored encrypted, with a blind index (duplicates refused) and a masked copy."""
    scope = scope_for(user) if user is not None else None
    if scope is not None and not scope.everything:
        if scope.town_code and scope.town_code != town_id:
            raise ChildcareError("not_in_scope", status=404)
        if scope.operator_id:
            if facility is None:
                raise ChildcareError("not_in_scope", status=404)
            _require_facility_scope(user, facility)
    if (
        community_id
        and not AdminArea.objects.filter(
            code=community_id, level=AreaLevel.COMMUNITY, parent_id=town_id
        ).exists()
    ):
        raise ChildcareError("community_not_in_town")
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
    if id_number:
        parsed = idcard.parse(id_number)
        if parsed.birth_date != birth_date or parsed.gender != gender:
            raise ChildcareError("id_birth_mismatch")
        child.id_cipher = crypto.encrypt(parsed.number)
        child.id_index = crypto.blind_index(parsed.number)
        child.id_masked = idcard.mask(parsed.number)
        if Child.objects.filter(id_index=child.id_index).exists():
            raise ChildcareError("child_exists")
    child.save()
    if user is not None:
        audit_record(action=AuditAction.CREATE, actor=user, obj=child, area_code=town_id)
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
        raise ChildcareError("class_full", status=409)
    Facility.objects.filter(pk=klass.facility_id).update(places_occupied=F("places_occupied") + 1)


def _enrol(
    *, user, child: Child, klass: ChildcareClass, start_date: dt.date, from_reserved: bool
) -> Enrolment:
    error = std.age_error(klass.class_type, child.birth_date, start_date)
    if error:
        raise ChildcareError(error)
    if Enrolment.objects.filter(child=child, status=EnrolmentStatus.ACTIVE).exists():
        raise ChildcareError("child_already_enrolled", status=409)
    try:
        with transaction.atomic():
            _claim_place(klass, from_reserved=from_reserved)
            enrolment = Enrolment.objects.create(
                child=child,
                klass=klass,
                facility_id=klass.facility_id,
                start_date=start_date,
                created_by=user,
            )
    except IntegrityError:
        # A concurrent request enrolled the same child first (partial unique constraint).
        raise ChildcareError("child_already_enrolled", status=409) from None
    Child.objects.filter(pk=child.pk).update(facility_id=klass.facility_id)
    checkups_generate_for(enrolments=[enrolment])
    if user is not None:  # system writes (demo data) are logged by their command
        audit_record(
            action=AuditAction.CREATE,
            actor=user,
            obj=enrolment,
            area_code=child.town_id,
            changes={"class": klass.pk},
        )
    return enrolment


@transaction.atomic
def enrolment_create(
    *, user, child: Child, klass: ChildcareClass, start_date: dt.date | None = None
) -> Enrolment:
    """Enrol a child into a class: age fits the class type, one active enrolment per child, and a
    free place claimed atomically (`class_full` otherwise)."""
    _require_facility_scope(user, klass.facility)
    _require_child_scope(user, child)
    return _enrol(
        user=user,
        child=child,
        klass=klass,
        start_date=start_date or timezone.localdate(),
        from_reserved=False,
    )


@transaction.atomic
def enrolment_withdraw(*, user, enrolment: Enrolment, end_date: dt.date | None = None) -> Enrolment:
    """退托: end the enrolment, free the place, and offer it to the next family on the waitlist."""
    _require_facility_scope(user, enrolment.facility)
    end_date = end_date or timezone.localdate()
    ended = Enrolment.objects.filter(pk=enrolment.pk, status=EnrolmentStatus.ACTIVE).update(
        status=EnrolmentStatus.WITHDRAWN, end_date=end_date
    )
    if ended != 1:
        raise ChildcareError("enrolment_not_active", status=409)
    Facility.objects.filter(pk=enrolment.facility_id).update(places_occupied=F("places_occupied") - 1)
    ChildcareClass.objects.filter(pk=enrolment.klass_id).update(occupied=F("occupied") - 1)
    # Check-ups not yet done no longer concern this facility.
    Checkup.objects.filter(
        child_id=enrolment.child_id, facility_id=enrolment.facility_id, status="due"
    ).delete()
    audit_record(action=AuditAction.UPDATE, actor=user, obj=enrolment, changes={"status": "withdrawn"})
    enrolment.refresh_from_db()
    waitlist_offer_next(klass=enrolment.klass)
    return enrolment


# --- waitlist -----------------------------------------------------------------------------------


@transaction.atomic
def waitlist_join(
    *,
    user,
    child: Child,
    klass: ChildcareClass,
    category_codes: list[str] | tuple[str, ...] = (),
    applied_at: dt.datetime | None = None,
) -> WaitlistEntry:
    """Put a family on a full class's waitlist. Priority points are the sum of the active
    categories' points, fixed at application so the order stays explainable."""
    _require_facility_scope(user, klass.facility)
    _require_child_scope(user, child)
    klass.refresh_from_db()
    if klass.vacant > 0:
        raise ChildcareError("class_has_vacancy", status=409)
    # The child must fit the class by the time a place could be taken (now).
    error = std.age_error(klass.class_type, child.birth_date, timezone.localdate())
    if error:
        raise ChildcareError(error)
    categories = list(PriorityCategory.objects.filter(code__in=category_codes, active=True))
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
        raise ChildcareError("already_waiting", status=409) from None
    entry.categories.set(categories)
    if user is not None:
        audit_record(action=AuditAction.CREATE, actor=user, obj=entry, area_code=child.town_id)
    return entry


def waitlist_offer_next(*, klass: ChildcareClass, now: dt.datetime | None = None) -> list[WaitlistEntry]:
    """Offer every free place of the class to the next waiting families in the transparent order,
    holding each place (`reserved`) until the offer's deadline. Runs inside the caller's transaction."""
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
    *, user, entry: WaitlistEntry, start_date: dt.date | None = None, now: dt.datetime | None = None
) -> Enrolment:
    """The family accepts an offer before its deadline: the held place becomes an enrolment."""
    _require_facility_scope(user, entry.facility)
    now = now or timezone.now()
    entry = WaitlistEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.status != WaitlistStatus.OFFERED:
        raise ChildcareError("offer_not_open", status=409)
    if entry.offer_deadline < now:
        raise ChildcareError("offer_expired", status=409)
    enrolment = _enrol(
        user=user,
        child=entry.child,
        klass=entry.klass,
        start_date=start_date or timezone.localdate(),
        from_reserved=True,
    )
    WaitlistEntry.objects.filter(pk=entry.pk).update(status=WaitlistStatus.ACCEPTED, decided_at=now)
    return enrolment


@transaction.atomic
def waitlist_expire_offers(*, now: dt.datetime | None = None) -> int:
    """Offers past their deadline lapse; their held places go to the next families. Idempotent."""
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
        action=AuditAction.RUN, object_type="childcare.waitlistentry", changes={"expired": len(expired)}
    )
    return len(expired)


# --- health screening ---------------------------------------------------------------------------


def checkups_generate_for(*, enrolments) -> int:
    """Insert the scheduled check-ups (STANDARDS §4) of these active enrolments that fall due from
    shortly before the start date on; existing ones are kept (unique child+age, ON CONFLICT DO
    NOTHING). Returns how many rows were offered to the insert."""
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
def checkups_generate() -> int:
    """The nightly generator: due check-ups for every active enrolment."""
    enrolments = Enrolment.objects.filter(status=EnrolmentStatus.ACTIVE).select_related("child")
    return checkups_generate_for(enrolments=enrolments.iterator(chunk_size=2000))


def _is_clinic_staff(user, clinic: Facility) -> bool:
    return user is None or is_district(user) or clinic.operators.filter(pk=user.pk).exists()


@transaction.atomic
def checkup_record(
    *,
    user,
    checkup: Checkup,
    clinic: Facility,
    performed_on: dt.date,
    hearing: str = "",
    vision: str = "",
    vision_checks_done: list[str] | None = None,
    length_cm: Decimal | None = None,
    weight_kg: Decimal | None = None,
    head_cm: Decimal | None = None,
    notes: str = "",
) -> Checkup:
    """A partner clinic records results. z-scores come from the WHO tables; a "refer" result or a
    z-score below −2 creates a follow-up due after `FOLLOW_UP_DAYS`."""
    if clinic.kind != FacilityKind.MEDICAL_PARTNER:
        raise ChildcareError("clinic_not_medical_partner")
    if not _is_clinic_staff(user, clinic):
        raise ChildcareError("not_clinic_staff", status=403)
    checkup = Checkup.objects.select_related("child").get(pk=checkup.pk)
    child = checkup.child
    z = std.growth_zscores(
        sex=child.gender,
        birth=child.birth_date,
        measured_on=performed_on,
        length_cm=length_cm,
        weight_kg=weight_kg,
        head_cm=head_cm,
    )
    cls = std.classify_growth(z)
    # Recorded once: the status condition makes a second (or concurrent) recording a no-op.
    done = Checkup.objects.filter(pk=checkup.pk, status=CheckupStatus.DUE).update(
        status=CheckupStatus.DONE,
        clinic=clinic,
        performed_on=performed_on,
        recorded_by=user,
        hearing=hearing,
        vision=vision,
        vision_checks_done=vision_checks_done or [],
        length_cm=length_cm,
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
        raise ChildcareError("checkup_already_recorded", status=409)
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
    if user is not None:
        # Which indicators were recorded, never their values (personal data of a minor).
        audit_record(
            action=AuditAction.UPDATE,
            actor=user,
            obj=checkup,
            changes={"recorded": True, "follow_ups": reasons},
        )
    checkup.refresh_from_db()
    return checkup


@transaction.atomic
def followup_complete(*, user, follow_up: FollowUp, completed_on: dt.date) -> FollowUp:
    FollowUp.objects.filter(pk=follow_up.pk, completed_on__isnull=True).update(completed_on=completed_on)
    audit_record(action=AuditAction.UPDATE, actor=user, obj=follow_up, changes={"completed": True})
    follow_up.refresh_from_db()
    return follow_up


# --- vouchers -----------------------------------------------------------------------------------


def _new_code() -> str:
    # 12 characters of an unambiguous alphabet; the unique constraint catches the (remote) clash.
    alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
    return "".join(secrets.choice(alphabet) for _ in range(12))


@transaction.atomic
def voucher_batch_issue(
    *,
    user,
    name: str,
    value: Decimal,
    issued_on: dt.date,
    expires_on: dt.date,
    town_id: str | None = None,
    child_ids: list[int] | None = None,
) -> VoucherBatch:
    """Issue one voucher to each child under 3 on `issued_on`, of a town or from a list (children
    over 3 in a list are skipped). One INSERT for the whole batch."""
    if not town_id and not child_ids:
        raise ChildcareError("voucher_target_required")
    children = Child.objects.all() if user is None else Child.objects.visible_to(user)
    children = children.filter(birth_date__gt=std.add_months(issued_on, -36), birth_date__lte=issued_on)
    children = children.filter(town_id=town_id) if town_id else children.filter(pk__in=child_ids)
    batch = VoucherBatch.objects.create(
        name=name, town_id=town_id, value=value, issued_on=issued_on, expires_on=expires_on, created_by=user
    )
    Voucher.objects.bulk_create(
        [
            Voucher(batch=batch, child_id=pk, town_id=town, code=_new_code())
            for pk, town in children.order_by("pk").values_list("pk", "town_id")
        ],
        batch_size=2000,
    )
    if user is not None:
        audit_record(
            action=AuditAction.CREATE,
            actor=user,
            obj=batch,
            area_code=town_id or "",
            changes={"vouchers": batch.vouchers.count()},
        )
    return batch


@transaction.atomic
def voucher_redeem(*, user, code: str, facility: Facility, now: dt.datetime | None = None) -> Voucher:
    """Redeem once, at a 普惠 childcare facility, before expiry; a second redemption is refused by
    the conditional UPDATE (status must still be `issued`)."""
    now = now or timezone.now()
    _require_facility_scope(user, facility)
    if facility.kind not in CHILDCARE_KINDS or facility.places_inclusive <= 0:
        raise ChildcareError("facility_not_inclusive")
    code = code.strip().upper()
    redeemed = Voucher.objects.filter(
        code=code, status=VoucherStatus.ISSUED, batch__expires_on__gte=timezone.localdate(now)
    ).update(status=VoucherStatus.REDEEMED, redeemed_at=now, redeemed_facility=facility)
    if redeemed != 1:
        voucher = Voucher.objects.filter(code=code).select_related("batch").first()
        if voucher is None:
            raise ChildcareError("voucher_not_found", status=404)
        if voucher.status == VoucherStatus.REDEEMED:
            raise ChildcareError("voucher_already_redeemed", status=409)
        raise ChildcareError("voucher_expired", status=409)
    voucher = Voucher.objects.get(code=code)
    audit_record(action=AuditAction.UPDATE, actor=user, obj=voucher, area_code=voucher.town_id)
    return voucher


def expired_q(today: dt.date) -> Q:
    return Q(status=VoucherStatus.ISSUED, batch__expires_on__lt=today)
