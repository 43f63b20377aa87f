"""Enrolment within capacity (also under concurrency), withdrawal, the waitlist and offers."""

import datetime as dt
import threading

import pytest
from django.db import connection
from django.utils import timezone

from childcare.models import ChildcareClass, Enrolment, WaitlistEntry
from childcare.services import (
    class_create,
    enrolment_create,
    enrolment_withdraw,
    waitlist_accept,
    waitlist_expire_offers,
    waitlist_join,
)
from conftest import make_user
from facilities.models import Facility
from hechuan_portal.accounts.roles import SYSTEM
from hechuan_portal.common.errors import PortalError
from hechuan_portal.common.months import add_months

from .factories import ChildFactory, FacilityFactory, ensure_areas

TODAY = timezone.localdate()
TODDLER = add_months(TODAY, -15)  # fits 托小班 (12–24 months) today


def places(klass):
    klass.refresh_from_db()
    f = Facility.objects.get(pk=klass.facility_id)
    return klass.occupied, klass.reserved, f.places_occupied


def test_enrol_until_full_then_class_full(small_class, operator):
    kids = [ChildFactory(birth_date=TODDLER, facility=small_class.facility) for _ in range(4)]
    for kid in kids[:3]:
        enrolment_create(actor=operator, child=kid, klass=small_class, start_date=TODAY)
    with pytest.raises(PortalError) as exc:
        enrolment_create(actor=operator, child=kids[3], klass=small_class, start_date=TODAY)
    assert exc.value.code == "class_full"
    assert places(small_class) == (3, 0, 3)
    assert Enrolment.objects.count() == 3


def test_age_rule_on_enrolment(small_class, operator):
    baby = ChildFactory(birth_date=add_months(TODAY, -10), facility=small_class.facility)
    with pytest.raises(PortalError) as exc:
        enrolment_create(actor=operator, child=baby, klass=small_class, start_date=TODAY)
    assert exc.value.code == "child_too_young"
    large = class_create(
        actor=SYSTEM,
        facility=small_class.facility,
        name="托大",
        class_type="toddler_large",
        capacity=7,
        caregivers=1,
    )
    with pytest.raises(PortalError) as exc:
        enrolment_create(actor=operator, child=baby, klass=large, start_date=TODAY)
    assert exc.value.code == "child_too_young"
    assert places(small_class) == (0, 0, 0)


def test_one_active_enrolment_per_child(small_class, operator):
    kid = ChildFactory(birth_date=TODDLER, facility=small_class.facility)
    enrolment_create(actor=operator, child=kid, klass=small_class, start_date=TODAY)
    other = class_create(
        actor=SYSTEM,
        facility=small_class.facility,
        name="托小二",
        class_type="toddler_small",
        capacity=5,
        caregivers=1,
    )
    with pytest.raises(PortalError) as exc:
        enrolment_create(actor=operator, child=kid, klass=other, start_date=TODAY)
    assert exc.value.code == "child_already_enrolled"
    assert places(other) == (0, 0, 1)


def test_withdrawal_frees_the_place(small_class, operator):
    kid = ChildFactory(birth_date=TODDLER, facility=small_class.facility)
    enrolment = enrolment_create(actor=operator, child=kid, klass=small_class, start_date=TODAY)
    enrolment_withdraw(actor=operator, enrolment=enrolment, end_date=TODAY)
    assert places(small_class) == (0, 0, 0)
    enrolment.refresh_from_db()
    assert (enrolment.status, enrolment.end_date) == ("withdrawn", TODAY)
    with pytest.raises(PortalError) as exc:
        enrolment_withdraw(actor=operator, enrolment=enrolment, end_date=TODAY)
    assert exc.value.code == "enrolment_not_active"
    assert places(small_class) == (0, 0, 0)
    # The child may enrol again.
    enrolment_create(actor=operator, child=kid, klass=small_class, start_date=TODAY)


def test_operator_cannot_enrol_into_another_facility(small_class, operator):
    other = FacilityFactory(name="别家")
    klass = class_create(
        actor=SYSTEM, facility=other, name="托小", class_type="toddler_small", capacity=5, caregivers=1
    )
    kid = ChildFactory(birth_date=TODDLER, facility=small_class.facility)
    with pytest.raises(PortalError) as exc:
        enrolment_create(actor=operator, child=kid, klass=klass, start_date=TODAY)
    assert exc.value.code == "not_in_scope"
    assert places(klass) == (0, 0, 0)


def fill(klass, operator, n):
    for _ in range(n):
        enrolment_create(
            actor=operator,
            child=ChildFactory(birth_date=TODDLER, facility=klass.facility),
            klass=klass,
            start_date=TODAY,
        )


def test_waitlist_order_is_priority_then_application_time(small_class, operator):
    fill(small_class, operator, 3)
    t0 = timezone.now() - dt.timedelta(days=10)
    early = waitlist_join(
        actor=operator,
        child=ChildFactory(birth_date=TODDLER, facility=small_class.facility),
        klass=small_class,
        applied_at=t0,
    )
    late_third = waitlist_join(
        actor=operator,
        child=ChildFactory(birth_date=TODDLER, facility=small_class.facility),
        klass=small_class,
        category_codes=["third_child"],
        applied_at=t0 + dt.timedelta(days=2),
    )
    early_second = waitlist_join(
        actor=operator,
        child=ChildFactory(birth_date=TODDLER, facility=small_class.facility),
        klass=small_class,
        category_codes=["second_child", "dual_earner"],
        applied_at=t0 + dt.timedelta(days=1),
    )
    later_second = waitlist_join(
        actor=operator,
        child=ChildFactory(birth_date=TODDLER, facility=small_class.facility),
        klass=small_class,
        category_codes=["second_child", "dual_earner"],
        applied_at=t0 + dt.timedelta(days=3),
    )
    order = list(WaitlistEntry.objects.in_order().values_list("pk", flat=True))
    # third_child 3 points = second_child 2 + dual_earner 1: then the earlier application first.
    assert order == [early_second.pk, late_third.pk, later_second.pk, early.pk]
    assert (late_third.priority_points, early_second.priority_points, early.priority_points) == (3, 3, 0)


def test_waitlist_refused_while_places_are_free(small_class, operator):
    with pytest.raises(PortalError) as exc:
        waitlist_join(
            actor=operator,
            child=ChildFactory(birth_date=TODDLER, facility=small_class.facility),
            klass=small_class,
        )
    assert exc.value.code == "class_has_vacancy"
    assert WaitlistEntry.objects.count() == 0


def test_freed_place_is_offered_held_and_accepted(small_class, operator):
    fill(small_class, operator, 3)
    first = waitlist_join(
        actor=operator,
        child=ChildFactory(birth_date=TODDLER, facility=small_class.facility),
        klass=small_class,
    )
    second = waitlist_join(
        actor=operator,
        child=ChildFactory(birth_date=TODDLER, facility=small_class.facility),
        klass=small_class,
    )
    enrolment_withdraw(actor=operator, enrolment=Enrolment.objects.first(), end_date=TODAY)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("offered", "waiting")
    assert first.offer_deadline - first.offered_at == dt.timedelta(days=7)
    # The held place is not open to anyone else.
    assert places(small_class) == (2, 1, 2)
    with pytest.raises(PortalError) as exc:
        enrolment_create(
            actor=operator,
            child=ChildFactory(birth_date=TODDLER, facility=small_class.facility),
            klass=small_class,
            start_date=TODAY,
        )
    assert exc.value.code == "class_full"
    enrolment = waitlist_accept(actor=operator, entry=first, start_date=TODAY)
    assert enrolment.child_id == first.child_id
    assert places(small_class) == (3, 0, 3)
    first.refresh_from_db()
    assert first.status == "accepted"


def test_expired_offer_goes_to_the_next_family(small_class, operator):
    fill(small_class, operator, 3)
    first = waitlist_join(
        actor=operator,
        child=ChildFactory(birth_date=TODDLER, facility=small_class.facility),
        klass=small_class,
    )
    second = waitlist_join(
        actor=operator,
        child=ChildFactory(birth_date=TODDLER, facility=small_class.facility),
        klass=small_class,
    )
    enrolment_withdraw(actor=operator, enrolment=Enrolment.objects.first(), end_date=TODAY)
    first.refresh_from_db()
    assert waitlist_expire_offers(actor=SYSTEM, now=first.offer_deadline - dt.timedelta(seconds=1)) == 0
    later = first.offer_deadline + dt.timedelta(seconds=1)
    assert waitlist_expire_offers(actor=SYSTEM, now=later) == 1
    assert waitlist_expire_offers(actor=SYSTEM, now=later) == 0  # idempotent
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("expired", "offered")
    assert second.offer_deadline == later + dt.timedelta(days=7)
    assert places(small_class) == (2, 1, 2)
    with pytest.raises(PortalError) as exc:
        waitlist_accept(actor=operator, entry=first, start_date=TODAY)
    assert exc.value.code == "offer_not_open"
    with pytest.raises(PortalError) as exc:
        waitlist_accept(actor=operator, entry=second, now=second.offer_deadline + dt.timedelta(seconds=1))
    assert exc.value.code == "offer_expired"
    assert places(small_class) == (2, 1, 2)


@pytest.mark.django_db(transaction=True)
def test_concurrent_enrolment_never_exceeds_capacity():
    """20 threads, each its own PostgreSQL connection, race for 3 places (and two for one child)."""
    ensure_areas()
    operator = make_user("cc_race_operator", "facility_operator")
    facility = FacilityFactory(name="并发托育园")
    facility.operators.add(operator)
    klass = class_create(
        actor=SYSTEM, facility=facility, name="托小", class_type="toddler_small", capacity=3, caregivers=1
    )
    kids = [ChildFactory(birth_date=TODDLER, facility=facility) for _ in range(19)]
    kids.append(kids[0])  # the same child twice at once
    barrier = threading.Barrier(len(kids))
    results: list[str] = []
    lock = threading.Lock()

    def enrol(kid):
        try:
            barrier.wait()
            enrolment_create(actor=operator, child=kid, klass=klass, start_date=TODAY)
            outcome = "ok"
        except PortalError as exc:
            outcome = exc.code
        finally:
            connection.close()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=enrol, args=(k,)) for k in kids]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count("ok") == 3
    assert set(results) <= {"ok", "class_full", "child_already_enrolled"}
    assert places(klass) == (3, 0, 3)
    assert Enrolment.objects.filter(klass=klass, status="active").count() == 3
    assert ChildcareClass.objects.get(pk=klass.pk).occupied == 3


def test_waitlist_join_refusals(small_class, operator):
    fill(small_class, operator, 3)
    kid = ChildFactory(birth_date=TODDLER, facility=small_class.facility)
    waitlist_join(actor=operator, child=kid, klass=small_class)
    with pytest.raises(PortalError) as exc:
        waitlist_join(actor=operator, child=kid, klass=small_class)
    assert exc.value.code == "already_waiting"
    baby = ChildFactory(birth_date=add_months(TODAY, -7), facility=small_class.facility)
    with pytest.raises(PortalError) as exc:
        waitlist_join(actor=operator, child=baby, klass=small_class)
    assert exc.value.code == "child_too_young"
    assert WaitlistEntry.objects.count() == 1
