"""The permission matrix: every childcare list endpoint and page × every role."""

import pytest
from django.utils import timezone

from childcare.services import checkup_record, class_create, enrolment_create
from hechuan_portal.accounts.roles import SYSTEM
from hechuan_portal.common.months import add_months

from .factories import ChildFactory, FacilityFactory

TODAY = timezone.localdate()

# Rows each role sees in each API list: one child enrolled at the operator's facility in town A
# (eight scheduled check-ups, one recorded with a follow-up), and one more class in town B.
# Order of the columns: district admin, district staff, officer A, officer B, operator. Auditors get
# no list at all (403, below).
ROLES = [
    "admin_client_",
    "staff_client",
    "officer_a_client",
    "officer_b_client",
    "operator_client",
]
EXPECTED = {
    #                          admin staff  offA  offB  oper
    "childcare/classes/": (2, 2, 1, 1, 1),
    "childcare/children/": (1, 1, 1, 0, 1),
    "childcare/enrolments/": (1, 1, 1, 0, 1),
    "childcare/waitlist/": (0, 0, 0, 0, 0),
    "childcare/checkups/": (8, 8, 0, 0, 8),  # screening: no town officers
    "childcare/follow-ups/": (1, 1, 0, 0, 1),
}


@pytest.fixture
def world(small_class, operator):
    kid = ChildFactory(birth_date=add_months(TODAY, -13), facility=small_class.facility)
    enrolment_create(actor=operator, child=kid, klass=small_class)
    clinic = FacilityFactory(kind="medical_partner", name="诊所")
    checkup = kid.checkups.order_by("age_months").first()
    checkup_record(actor=SYSTEM, checkup=checkup, clinic=clinic, performed_on=TODAY, hearing="refer")
    other = FacilityFactory(name="钓鱼城托育", town_id="500117002000")
    class_create(
        actor=SYSTEM, facility=other, name="托大", class_type="toddler_large", capacity=7, caregivers=1
    )
    return kid


@pytest.mark.parametrize("endpoint", list(EXPECTED))
def test_api_lists_by_role(request, world, endpoint):
    for role, expected in zip(ROLES, EXPECTED[endpoint], strict=True):
        client = request.getfixturevalue(role)
        r = client.get(f"/api/v1/{endpoint}")
        assert r.status_code == 200, (role, endpoint)
        count = r.json()["count"]
        assert count == expected, (role, endpoint, count)


@pytest.mark.parametrize("endpoint", list(EXPECTED))
def test_api_lists_refuse_anonymous(anon_client, endpoint, db):
    assert anon_client.get(f"/api/v1/{endpoint}").status_code == 401


@pytest.mark.parametrize("endpoint", list(EXPECTED))
def test_api_lists_refuse_auditors(auditor_client, world, endpoint):
    r = auditor_client.get(f"/api/v1/{endpoint}")
    assert (r.status_code, r.json()["code"]) == (403, "not_allowed")


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("admin_client_", 201),
        ("officer_a_client", 201),
        ("operator_client", 201),
        ("officer_b_client", 404),
        ("auditor_client", 403),
    ],
)
def test_enrolment_post_by_role(request, small_class, role, status):
    kid = ChildFactory(birth_date=add_months(TODAY, -15), facility=small_class.facility)
    client = request.getfixturevalue(role)
    r = client.post(
        "/api/v1/childcare/enrolments/",
        {"child": kid.pk, "klass": small_class.pk},
        content_type="application/json",
    )
    assert r.status_code == status
    small_class.refresh_from_db()
    assert small_class.occupied == (1 if status == 201 else 0)
