"""childcare/access.py: who may act on what, per role; and the actor rule of the services."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from childcare import access
from childcare.models import Checkup, WaitlistEntry
from childcare.services import class_create, enrolment_create, waitlist_expire_offers, waitlist_join
from hechuan_portal.accounts.models import AuditEvent
from hechuan_portal.accounts.roles import SYSTEM
from hechuan_portal.common.errors import PortalError
from hechuan_portal.common.months import add_months

from .factories import ChildFactory, FacilityFactory, ensure_areas

TODAY = timezone.localdate()
ROLES = ("district_admin", "district_staff", "officer_a", "officer_b", "operator", "auditor")


@pytest.fixture
def users(request, db):
    ensure_areas()  # the officers' towns, whatever flush ran before
    return {role: request.getfixturevalue(role) for role in ROLES} | {"anonymous": AnonymousUser()}


def allowed(users, check, obj=None):
    return sorted(role for role, user in users.items() if (check(user) if obj is None else check(user, obj)))


def test_working_roles(users):
    expected = ["district_admin", "district_staff", "officer_a", "officer_b", "operator"]
    assert allowed(users, access.can_use) == expected
    assert allowed(users, access.can_view_places_overview) == expected
    assert allowed(users, access.can_issue_vouchers) == ["district_admin", "district_staff"]
    assert allowed(users, access.can_run_jobs) == ["district_admin", "district_staff"]
    assert access.can_run_jobs(SYSTEM) and access.can_issue_vouchers(SYSTEM)


def test_facility_scope(users, nursery, nursery_b):
    assert allowed(users, access.can_manage_classes, nursery) == [
        "district_admin",
        "district_staff",
        "officer_a",
        "operator",
    ]
    assert allowed(users, access.can_redeem_voucher, nursery_b) == [
        "district_admin",
        "district_staff",
        "officer_b",
    ]


def test_child_scope(users, nursery):
    held = ChildFactory(facility=nursery)
    unheld = ChildFactory(town_id="500117002000")
    assert allowed(users, access.can_manage_child, held) == [
        "district_admin",
        "district_staff",
        "officer_a",
        "operator",
    ]
    assert allowed(users, access.can_manage_child, unheld) == [
        "district_admin",
        "district_staff",
        "officer_b",
    ]


def test_screening_is_for_district_and_the_facilities_involved(users, small_class, operator):
    clinic = FacilityFactory(kind="medical_partner", name="合阳社区卫生服务中心")
    kid = ChildFactory(birth_date=add_months(TODAY, -13), facility=small_class.facility)
    enrolment_create(actor=SYSTEM, child=kid, klass=small_class)
    checkup = Checkup.objects.filter(child=kid).first()
    assert allowed(users, access.can_see_screening, checkup) == [
        "district_admin",
        "district_staff",
        "operator",
    ]
    assert allowed(users, access.can_record_screening, clinic) == ["district_admin", "district_staff"]
    clinic.operators.add(operator)
    assert access.can_record_screening(operator, clinic)


def test_a_write_without_an_actor_is_refused(nursery):
    with pytest.raises(PortalError) as exc:
        class_create(
            actor=None, facility=nursery, name="托小", class_type="toddler_small", capacity=5, caregivers=1
        )
    assert (exc.value.code, exc.value.status) == ("not_allowed", 403)
    with pytest.raises(TypeError):
        class_create(facility=nursery, name="托小", class_type="toddler_small", capacity=5, caregivers=1)


def test_system_writes_are_audited_without_a_user(small_class):
    before = AuditEvent.objects.count()
    kids = [ChildFactory(birth_date=add_months(TODAY, -13)) for _ in range(4)]
    for kid in kids[:3]:
        enrolment_create(actor=SYSTEM, child=kid, klass=small_class)
    waitlist_join(actor=SYSTEM, child=kids[3], klass=small_class)
    assert AuditEvent.objects.count() == before + 4
    assert not AuditEvent.objects.exclude(actor=None).exists()
    assert waitlist_expire_offers(actor=SYSTEM) == 0
    assert WaitlistEntry.objects.get().status == "waiting"
