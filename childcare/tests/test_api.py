"""The childcare API: enrolment, error codes, scope, audit, query counts."""

import datetime as dt

import pytest
from django.utils import timezone

from childcare.models import Checkup, ChildcareClass, ChildcareProfile, Enrolment, FollowUp
from childcare.services import class_create, enrolment_create
from hechuan_portal.accounts.models import AuditEvent
from hechuan_portal.accounts.roles import SYSTEM
from hechuan_portal.common.idcard import check_char
from hechuan_portal.common.months import add_months

from .factories import ChildFactory, FacilityFactory

TODAY = timezone.localdate()
TODDLER = add_months(TODAY, -15)


def test_enrol_through_the_api(operator_client, small_class):
    kid = ChildFactory(birth_date=TODDLER, facility=small_class.facility)
    r = operator_client.post(
        "/api/v1/childcare/enrolments/",
        {"child": kid.pk, "klass": small_class.pk},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    assert r.json()["status"] == "active"
    small_class.refresh_from_db()
    assert small_class.occupied == 1


def test_class_full_code(operator_client, small_class, operator):
    for _ in range(3):
        enrolment_create(
            actor=operator,
            child=ChildFactory(birth_date=TODDLER, facility=small_class.facility),
            klass=small_class,
        )
    kid = ChildFactory(birth_date=TODDLER, facility=small_class.facility)
    r = operator_client.post(
        "/api/v1/childcare/enrolments/",
        {"child": kid.pk, "klass": small_class.pk},
        content_type="application/json",
    )
    assert r.status_code == 409
    assert r.json()["code"] == "class_full"
    assert Enrolment.objects.filter(child=kid).count() == 0


def test_age_error_code(operator_client, small_class):
    baby = ChildFactory(birth_date=add_months(TODAY, -8), facility=small_class.facility)
    r = operator_client.post(
        "/api/v1/childcare/enrolments/",
        {"child": baby.pk, "klass": small_class.pk},
        content_type="application/json",
    )
    assert (r.status_code, r.json()["code"]) == (400, "child_too_young")


def test_class_create_refused_beyond_standard(operator_client, nursery):
    r = operator_client.post(
        "/api/v1/childcare/classes/",
        {"facility": nursery.pk, "name": "乳儿班", "class_type": "infant", "capacity": 11, "caregivers": 4},
        content_type="application/json",
    )
    assert (r.status_code, r.json()["code"]) == (400, "class_size_exceeds_standard")
    r = operator_client.post(
        "/api/v1/childcare/classes/",
        {"facility": nursery.pk, "name": "乳儿班", "class_type": "infant", "capacity": 10, "caregivers": 3},
        content_type="application/json",
    )
    assert (r.status_code, r.json()["code"]) == (400, "ratio_below_standard")
    assert ChildcareClass.objects.count() == 0
    r = operator_client.post(
        "/api/v1/childcare/classes/",
        {"facility": nursery.pk, "name": "乳儿班", "class_type": "infant", "capacity": 10, "caregivers": 4},
        content_type="application/json",
    )
    assert r.status_code == 201
    nursery.refresh_from_db()
    assert nursery.places_total == 10


def test_class_scope(
    operator_client, officer_a_client, officer_b_client, staff_client, auditor_client, small_class
):
    other = FacilityFactory(name="别家托育")
    class_create(
        actor=SYSTEM, facility=other, name="托大", class_type="toddler_large", capacity=7, caregivers=1
    )

    def names(client):
        return sorted(c["facility_name"] for c in client.get("/api/v1/childcare/classes/").json()["results"])

    assert names(operator_client) == ["合阳托育园"]
    assert names(officer_a_client) == ["别家托育", "合阳托育园"]
    assert names(officer_b_client) == []
    assert names(staff_client) == ["别家托育", "合阳托育园"]
    assert auditor_client.get("/api/v1/childcare/classes/").status_code == 403
    other_class = ChildcareClass.objects.get(facility=other)
    assert operator_client.get(f"/api/v1/childcare/classes/{other_class.pk}/").status_code == 404


def test_operator_cannot_enrol_in_another_facility(operator_client, nursery_b):
    klass = class_create(
        actor=SYSTEM, facility=nursery_b, name="托大", class_type="toddler_large", capacity=7, caregivers=1
    )
    kid = ChildFactory(birth_date=add_months(TODAY, -30), town_id="500117002000", facility=nursery_b)
    r = operator_client.post(
        "/api/v1/childcare/enrolments/", {"child": kid.pk, "klass": klass.pk}, content_type="application/json"
    )
    assert (r.status_code, r.json()["code"]) == (404, "not_in_scope")
    assert Enrolment.objects.count() == 0


def test_auditor_cannot_write(auditor_client, small_class):
    r = auditor_client.post(
        "/api/v1/childcare/enrolments/",
        {"child": 1, "klass": small_class.pk},
        content_type="application/json",
    )
    assert r.status_code == 403
    assert Enrolment.objects.count() == 0


def test_child_create_masks_and_encrypts_the_id(officer_a_client, officer_a):
    number = "50011720250307001" + check_char("50011720250307001")
    bad = number[:17] + ("0" if number[17] != "0" else "1")
    payload = {
        "name": "小明",
        "gender": "M",
        "birth_date": "2025-03-07",
        "id_number": bad,
        "guardian_name": "王芳",
        "guardian_phone": "13900000000",
        "town": "500117001000",
    }
    r = officer_a_client.post("/api/v1/childcare/children/", payload, content_type="application/json")
    assert (r.status_code, r.json()["code"]) == (400, "id_check_digit")
    payload["id_number"] = number
    r = officer_a_client.post("/api/v1/childcare/children/", payload, content_type="application/json")
    assert r.status_code == 201, r.content
    assert r.json()["id_masked"] == "500117********" + number[-4:]
    assert number not in r.content.decode()
    r = officer_a_client.post(
        "/api/v1/childcare/children/",
        {
            "name": "小明",
            "gender": "M",
            "birth_date": "2025-03-07",
            "id_number": number,
            "guardian_name": "王芳",
            "guardian_phone": "13900000000",
            "town": "500117001000",
        },
        content_type="application/json",
    )
    assert r.json()["code"] == "child_exists"
    r = officer_a_client.post(
        "/api/v1/childcare/children/",
        {
            "name": "小红",
            "gender": "F",
            "birth_date": "2025-03-07",
            "guardian_name": "王芳",
            "guardian_phone": "13900000000",
            "town": "500117002000",
        },
        content_type="application/json",
    )
    assert (r.status_code, r.json()["code"]) == (404, "not_in_scope")


def test_child_reads_are_audited(officer_a_client, officer_a):
    kid = ChildFactory()
    before = AuditEvent.objects.count()
    r = officer_a_client.get(f"/api/v1/childcare/children/{kid.pk}/")
    assert r.status_code == 200
    event = AuditEvent.objects.order_by("-id").first()
    assert AuditEvent.objects.count() == before + 1
    assert (event.action, event.object_type, event.object_id, event.actor_id) == (
        "view",
        "childcare.child",
        str(kid.pk),
        officer_a.pk,
    )


def test_checkups_visible_to_facility_and_audited(operator_client, officer_a_client, small_class, operator):
    kid = ChildFactory(birth_date=TODDLER, facility=small_class.facility)
    enrolment_create(actor=operator, child=kid, klass=small_class)
    r = operator_client.get("/api/v1/childcare/checkups/")
    assert r.json()["count"] == Checkup.objects.filter(child=kid).count() > 0
    assert AuditEvent.objects.filter(object_type="childcare.checkup", action="view").count() == 1
    assert officer_a_client.get("/api/v1/childcare/checkups/").json()["count"] == 0


@pytest.mark.parametrize("n", [1, 12])
def test_class_list_query_count(staff_client, nursery, n, django_assert_num_queries):
    for i in range(n):
        class_create(
            actor=SYSTEM,
            facility=nursery,
            name=f"班{i}",
            class_type="toddler_large",
            capacity=7,
            caregivers=1,
        )
    with django_assert_num_queries(3):  # user, count, page (the session is in Redis)
        r = staff_client.get("/api/v1/childcare/classes/")
    assert r.json()["count"] == n


@pytest.mark.parametrize("n", [1, 12])
def test_child_list_query_count(staff_client, n, django_assert_num_queries):
    ChildFactory.create_batch(n)
    with django_assert_num_queries(4):  # the same plus the audit insert
        r = staff_client.get("/api/v1/childcare/children/")
    assert r.json()["count"] == n


def test_places_stats(staff_client, small_class):
    from hechuan_portal.residents.models import Resident
    from hechuan_portal.residents.services import town_population_refresh

    Resident.objects.bulk_create(
        [
            Resident(
                id_cipher=b"x",
                id_index=f"idx{i}",
                id_masked="x",
                name="r",
                gender="M",
                birth_date=dt.date(1990, 1, 1),
                hukou_code="500117001001",
                town_id="500117001000",
                extract_date=TODAY,
                status="normal" if i < 1000 else "deceased",
                death_date=None if i < 1000 else TODAY,
            )
            for i in range(1001)
        ]
    )
    town_population_refresh(actor=SYSTEM)  # as every household import does
    r = staff_client.get("/api/v1/childcare/stats/places/")
    assert r.status_code == 200
    town = next(t for t in r.json()["towns"] if t["code"] == "500117001000")
    assert (town["population"], town["places"], town["per_thousand"], town["inclusive_share"]) == (
        1000,
        3,
        "3.00",
        "0.00",
    )
    assert r.json()["district"]["places"] == 3


def test_schema_still_valid(staff_client):
    r = staff_client.get("/api/v1/schema/")
    assert r.status_code == 200
    assert b"/api/v1/childcare/enrolments/" in r.content


def test_waitlist_join_and_accept_through_the_api(operator_client, operator, small_class):
    for _ in range(3):
        enrolment_create(
            actor=operator,
            child=ChildFactory(birth_date=TODDLER, facility=small_class.facility),
            klass=small_class,
        )
    kid = ChildFactory(birth_date=TODDLER, facility=small_class.facility)
    r = operator_client.post(
        "/api/v1/childcare/waitlist/",
        {"child": kid.pk, "klass": small_class.pk, "categories": ["second_child"]},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    entry = r.json()
    assert (entry["status"], entry["priority_points"], entry["categories"]) == (
        "waiting",
        2,
        ["second_child"],
    )
    first = Enrolment.objects.filter(klass=small_class, status="active").first()
    r = operator_client.post(
        f"/api/v1/childcare/enrolments/{first.pk}/withdraw/", {}, content_type="application/json"
    )
    assert r.json()["status"] == "withdrawn"
    r = operator_client.get("/api/v1/childcare/waitlist/")
    assert r.json()["results"][0]["status"] == "offered"
    r = operator_client.post(
        f"/api/v1/childcare/waitlist/{entry['id']}/accept/", {}, content_type="application/json"
    )
    assert r.status_code == 201
    assert r.json()["child"] == kid.pk
    small_class.refresh_from_db()
    assert (small_class.occupied, small_class.reserved) == (3, 0)


def test_checkup_record_through_the_api(small_class, operator):
    from conftest import _client_for, make_user

    kid = ChildFactory(birth_date=TODDLER, facility=small_class.facility, gender="M")
    enrolment_create(actor=operator, child=kid, klass=small_class)
    clinic = FacilityFactory(kind="medical_partner", name="诊所")
    nurse = make_user("nurse", "facility_operator")
    clinic.operators.add(nurse)
    checkup = Checkup.objects.filter(child=kid).first()
    client = _client_for(nurse)
    # A clinic that is not the facility's partner does not see the check-up at all.
    r = client.post(
        f"/api/v1/childcare/checkups/{checkup.pk}/record/",
        {"clinic": clinic.pk, "performed_on": TODAY.isoformat(), "hearing": "refer", "weight_kg": "10.2"},
        content_type="application/json",
    )
    assert r.status_code == 404
    ChildcareProfile.objects.update_or_create(
        facility=small_class.facility, defaults={"partner_clinic": clinic}
    )
    r = client.post(
        f"/api/v1/childcare/checkups/{checkup.pk}/record/",
        {"clinic": clinic.pk, "performed_on": TODAY.isoformat(), "hearing": "refer", "weight_kg": "10.2"},
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    assert r.json()["hearing"] == "refer"
    assert FollowUp.objects.filter(checkup=checkup).values_list("reason", flat=True).get() == "hearing_refer"
    checkup = Checkup.objects.filter(child=kid, status="due").first()
    op_client = _client_for(operator)
    r = op_client.post(
        f"/api/v1/childcare/checkups/{checkup.pk}/record/",
        {"clinic": clinic.pk, "performed_on": TODAY.isoformat(), "hearing": "refer"},
        content_type="application/json",
    )
    assert (r.status_code, r.json()["code"]) == (403, "not_clinic_staff")
    checkup.refresh_from_db()
    assert checkup.status == "due"


def test_voucher_redeem_api_refuses_the_second_time(operator_client, operator, district_staff, nursery):
    from decimal import Decimal

    from childcare.services import voucher_batch_issue

    class_create(
        actor=SYSTEM,
        facility=nursery,
        name="普惠",
        class_type="toddler_large",
        capacity=7,
        caregivers=1,
        is_inclusive=True,
    )
    ChildFactory(birth_date=add_months(TODAY, -6))
    batch = voucher_batch_issue(
        actor=district_staff,
        name="券",
        value=Decimal("100"),
        issued_on=TODAY,
        expires_on=TODAY,
        town_id="500117001000",
    )
    code = batch.vouchers.get().code
    r = operator_client.post(
        "/api/v1/childcare/vouchers/redeem/",
        {"code": code, "facility": nursery.pk},
        content_type="application/json",
    )
    assert (r.status_code, r.json()["status"]) == (200, "redeemed")
    r = operator_client.post(
        "/api/v1/childcare/vouchers/redeem/",
        {"code": code, "facility": nursery.pk},
        content_type="application/json",
    )
    assert (r.status_code, r.json()["code"]) == (409, "voucher_already_redeemed")


@pytest.mark.parametrize(
    ("client_name", "status"),
    [
        ("admin_client_", 200),
        ("staff_client", 200),
        ("officer_a_client", 200),
        ("officer_b_client", 200),
        ("operator_client", 200),
        ("auditor_client", 403),
        ("anon_client", 401),
    ],
)
def test_places_stats_permissions(request, client_name, status, db):
    client = request.getfixturevalue(client_name)
    assert client.get("/api/v1/childcare/stats/places/").status_code == status


def test_child_home_community_must_lie_in_the_town(officer_a_client):
    from hechuan_portal.areas.models import AdminArea

    AdminArea.objects.create(
        code="500117001001", name="测试社区", level="community", parent_id="500117001000"
    )
    AdminArea.objects.create(
        code="500117002001", name="别镇社区", level="community", parent_id="500117002000"
    )
    payload = {
        "name": "小红",
        "gender": "F",
        "birth_date": "2025-03-07",
        "guardian_name": "王芳",
        "guardian_phone": "13900000000",
        "town": "500117001000",
        "community": "500117002001",
    }
    r = officer_a_client.post("/api/v1/childcare/children/", payload, content_type="application/json")
    assert (r.status_code, r.json()["code"]) == (400, "community_not_in_town")
    payload["community"] = "500117001001"
    r = officer_a_client.post("/api/v1/childcare/children/", payload, content_type="application/json")
    assert (r.status_code, r.json()["community"]) == (201, "500117001001")


def test_follow_up_complete(small_class, operator, operator_client, district_staff):
    from childcare.services import checkup_record

    kid = ChildFactory(birth_date=TODDLER, facility=small_class.facility)
    enrolment_create(actor=operator, child=kid, klass=small_class)
    clinic = FacilityFactory(kind="medical_partner", name="诊所")
    checkup = Checkup.objects.filter(child=kid).first()
    checkup_record(actor=district_staff, checkup=checkup, clinic=clinic, performed_on=TODAY, vision="refer")
    follow_up = FollowUp.objects.get()
    r = operator_client.get("/api/v1/childcare/follow-ups/")
    assert [f["reason"] for f in r.json()["results"]] == ["vision_refer"]
    r = operator_client.post(
        f"/api/v1/childcare/follow-ups/{follow_up.pk}/complete/",
        {"completed_on": TODAY.isoformat()},
        content_type="application/json",
    )
    assert r.json()["completed_on"] == TODAY.isoformat()


def test_class_patch(operator_client, small_class, officer_b_client):
    url = f"/api/v1/childcare/classes/{small_class.pk}/"
    r = operator_client.patch(url, {"capacity": 16, "caregivers": 4}, content_type="application/json")
    assert (r.status_code, r.json()["code"]) == (400, "class_size_exceeds_standard")
    r = officer_b_client.patch(url, {"capacity": 10, "caregivers": 2}, content_type="application/json")
    assert r.status_code == 404
    small_class.refresh_from_db()
    assert small_class.capacity == 3
    r = operator_client.patch(url, {"capacity": 10, "caregivers": 2}, content_type="application/json")
    assert (r.status_code, r.json()["capacity"], r.json()["vacant"]) == (200, 10, 10)
    small_class.facility.refresh_from_db()
    assert small_class.facility.places_total == 10


def test_child_registration_is_no_existence_oracle(officer_a_client, officer_b_client, officer_b):
    """Issue 21 item 11: an ID number registered in another town is answered exactly like a new one
    (201, the same body's shape), so no operator or officer learns whether a number is registered
    anywhere. A number registered in the caller's own scope is still refused; the district sees the
    duplicate in the audit log."""
    from childcare.models import Child
    from childcare.services.enrolment import DUPLICATE_ELSEWHERE_REASON

    def payload(number: str, town: str) -> dict:
        return {
            "name": "小明", "gender": "M", "birth_date": "2025-03-07", "id_number": number,
            "guardian_name": "王芳", "guardian_phone": "13900000000", "town": town,
        }  # fmt: skip

    registered = "50011720250307003" + check_char("50011720250307003")
    unknown = "50011720250307005" + check_char("50011720250307005")
    url = "/api/v1/childcare/children/"
    first = officer_a_client.post(url, payload(registered, "500117001000"), content_type="application/json")
    assert first.status_code == 201

    # Town B's officer: the number registered in town A, and a number registered nowhere.
    elsewhere = officer_b_client.post(
        url, payload(registered, "500117002000"), content_type="application/json"
    )
    new = officer_b_client.post(url, payload(unknown, "500117002000"), content_type="application/json")
    assert elsewhere.status_code == new.status_code == 201
    assert sorted(elsewhere.json()) == sorted(new.json())
    assert elsewhere.json()["id_masked"] == "500117********" + registered[-4:]

    # The district's one indexed record stays town A's; town B's is flagged for reconciling.
    assert Child.objects.filter(
        id_index__isnull=False, id_masked__endswith=registered[-4:]
    ).get().town_id == ("500117001000")
    flagged = AuditEvent.objects.filter(reason=DUPLICATE_ELSEWHERE_REASON)
    assert [(e.object_id, e.actor_id) for e in flagged] == [(str(elsewhere.json()["id"]), officer_b.pk)]

    # In the caller's own scope a duplicate is refused, as before.
    again = officer_a_client.post(url, payload(registered, "500117001000"), content_type="application/json")
    assert (again.status_code, again.json()["code"]) == (400, "child_exists")
